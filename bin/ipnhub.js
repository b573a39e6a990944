#!/usr/bin/env node
// Entry for the `ipnhub` command: runs the bundled CLI (dist/server/, built by `npm install` via `prepare`).
import { main } from '../dist/server/main.js';

main(process.argv.slice(2), undefined, { entryPoint: true }).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  },
);
