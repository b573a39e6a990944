/** Runs the CLI from source (via tsx) for tests that need a real `ipnhub` process. */
import { main } from '../../src/main.js';

process.exitCode = await main(process.argv.slice(2));
