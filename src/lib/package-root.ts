import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * This package's folder (where package.json is): two levels above this file, which is in
 * src/lib/ when ipnhub runs from source and in dist/server/ when it runs the bundle
 * (scripts/server-bundle.ts), where every module shares one folder.
 */
// A path rather than `new URL('../../', import.meta.url)`, which bundlers (and vitest's DOM
// environment, where the web UI's tests run a server) rewrite to a web address.
export const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
