/**
 * A pino logger that writes its JSON lines to one of the CLI's output functions, so server
 * logs land in the injected stdout and a one-shot command's log lines (migrations applied, a
 * master key generated) go to stderr without breaking its `--json` output on stdout.
 */
import { Writable } from 'node:stream';
import type { LevelWithSilent } from 'pino';
import { createLogger } from '../lib/logger.js';
import type { LogFormat, Logger } from '../lib/logger.js';

export function ioLogger(
  level: LevelWithSilent,
  write: (s: string) => void,
  format: LogFormat = 'json',
): Logger {
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      write(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
      callback();
    },
  });
  return createLogger(level, stream, format);
}
