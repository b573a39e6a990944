/** Runs the CLI from source (via tsx) for tests that need a real `ipnhub` process: its own entry point, as bin/ipnhub.js. */
import { main } from '../../src/main.js';

process.exitCode = await main(process.argv.slice(2), undefined, { entryPoint: true });
