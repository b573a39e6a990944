/** A real pino logger whose JSON lines are kept in memory, for tests that check what was logged. */
import { Writable } from 'node:stream';
import { createLogger } from '../../src/lib/logger.js';
import type { Logger } from '../../src/lib/logger.js';

export interface CapturingLogger {
  logger: Logger;
  /** Every line logged so far, parsed. */
  lines(): Array<Record<string, unknown>>;
}

export function capturingLogger(level: 'debug' | 'info' | 'warn' = 'info'): CapturingLogger {
  const raw: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      raw.push(chunk.toString('utf8'));
      callback();
    },
  });
  return { logger: createLogger(level, destination), lines: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>) };
}
