/** A real pino logger whose JSON lines are kept in memory, so tests can assert what was logged. */
import { Writable } from 'node:stream';
import { createLogger } from '../../src/lib/logger.js';
import type { Logger } from '../../src/lib/logger.js';

export function capturingLogger(): { logger: Logger; lines: () => Array<Record<string, unknown>> } {
  const raw: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      raw.push(chunk.toString('utf8'));
      callback();
    },
  });
  return { logger: createLogger('info', destination), lines: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>) };
}
