/**
 * The entry point of the `ipnhub` command line (bin/ipnhub.js imports it from the build). The
 * command tree and `main` itself live in src/cli/program.ts, so that the CLI's own modules and
 * tests never import the entry point.
 */
export { main, processIo } from './cli/program.js';
export type { CliIo, MainOptions } from './cli/program.js';
