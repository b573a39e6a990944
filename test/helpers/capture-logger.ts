/** A real pino logger whose JSON lines a test can read back. */
import { Writable } from 'node:stream';
import type { LevelWithSilent } from 'pino';
import { createLogger } from '../../src/lib/logger.js';
import type { Logger } from '../../src/lib/logger.js';

export interface CapturedLogger {
  logger: Logger;
  /** Every line logged so far, parsed. */
  lines(): Array<Record<string, unknown>>;
}

export function captureLogger(level: LevelWithSilent = 'debug'): CapturedLogger {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  return {
    logger: createLogger(level, destination),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
