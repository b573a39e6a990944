/** The two log formats: JSON lines for collectors, readable lines for a person (pino-pretty). */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';
import type { LogFormat } from './logger.js';

function capture(format: LogFormat): { text: () => string; log: ReturnType<typeof createLogger> } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  return { log: createLogger('info', destination, format), text: () => chunks.join('') };
}

describe('log formats', () => {
  it('writes one JSON object per line by default', () => {
    const { log, text } = capture('json');
    log.info({ deliveryId: 'dlv_1', password: 'hunter2' }, 'delivery attempt');
    const line = JSON.parse(text()) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 30, msg: 'delivery attempt', deliveryId: 'dlv_1' });
    expect(line.password).toBe('[redacted]');
  });

  it('writes readable lines with pretty, still without secrets', () => {
    const { log, text } = capture('pretty');
    log.info({ deliveryId: 'dlv_1', password: 'hunter2' }, 'delivery attempt');
    const out = text();
    expect(out).toMatch(/INFO.*delivery attempt/);
    expect(out).toContain('deliveryId: "dlv_1"');
    expect(out).not.toContain('hunter2');
    expect(() => JSON.parse(out)).toThrow();
  });
});
