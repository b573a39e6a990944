import { PassThrough } from 'node:stream';
import Fastify, { LogController } from 'fastify';
import type { FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { LazyChildLogger, lazyChildLoggerFactory } from './lazy-child-logger.js';

/** A real pino logger at `level` and the JSON lines it wrote. */
function recordingLogger(level: string): { logger: FastifyBaseLogger; lines: () => unknown[] } {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  const logger = pino({ level }, stream);
  return {
    logger,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as unknown),
  };
}

describe('LazyChildLogger', () => {
  it('makes its child on the first line, and that line and later ones carry the bindings', () => {
    const { logger, lines } = recordingLogger('info');
    const calls: Array<[unknown, unknown]> = [];
    const parent: FastifyBaseLogger = Object.assign(Object.create(logger) as FastifyBaseLogger, {
      child(bindings: unknown, options: unknown) {
        calls.push([bindings, options]);
        return logger.child(bindings as Record<string, unknown>);
      },
    });
    const lazy = new LazyChildLogger(parent, { reqId: 'req-1' });
    expect(lazy.made).toBe(false);
    expect(lazy.level).toBe('info');
    expect(calls).toHaveLength(0);

    lazy.error({ code: 'X' }, 'first %s', 'line');
    lazy.warn('second');
    lazy.debug('not at info');
    expect(lazy.made).toBe(true);
    expect(calls).toEqual([[{ reqId: 'req-1' }, {}]]);
    expect(lines()).toEqual([
      expect.objectContaining({ level: 50, reqId: 'req-1', code: 'X', msg: 'first line' }),
      expect.objectContaining({ level: 40, reqId: 'req-1', msg: 'second' }),
    ]);
  });

  it('takes a level of its own, and makes children of its child', () => {
    const { logger, lines } = recordingLogger('warn');
    const lazy = new LazyChildLogger(logger, { reqId: 'req-2' }, { level: 'debug' });
    expect(lazy.level).toBe('debug');
    lazy.debug('shown at the child level');
    lazy.level = 'error';
    lazy.warn('not shown any more');
    lazy.child({ step: 'commit' }).error('from a grandchild');
    expect(lines()).toEqual([
      expect.objectContaining({ level: 20, reqId: 'req-2', msg: 'shown at the child level' }),
      expect.objectContaining({
        level: 50,
        reqId: 'req-2',
        step: 'commit',
        msg: 'from a grandchild',
      }),
    ]);
  });

  it("is each request's logger in a Fastify app: lines name the request, silent requests make none", async () => {
    const { logger, lines } = recordingLogger('warn');
    const made: LazyChildLogger[] = [];
    const app = Fastify({
      loggerInstance: logger,
      logController: new LogController({ disableRequestLogging: true }),
      childLoggerFactory: (parent, bindings, options) => {
        const child = lazyChildLoggerFactory(parent, bindings, options);
        if (child instanceof LazyChildLogger) made.push(child);
        return child;
      },
    });
    app.get('/quiet', async () => 'ok');
    app.get('/loud', async (request) => {
      request.log.warn({ step: 'handler' }, 'something to see');
      return 'ok';
    });
    try {
      expect((await app.inject({ url: '/quiet' })).statusCode).toBe(200);
      expect((await app.inject({ url: '/loud' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
    expect(made.map((child) => child.made)).toEqual([false, true]);
    expect(lines()).toEqual([
      expect.objectContaining({
        level: 40,
        reqId: 'req-2',
        step: 'handler',
        msg: 'something to see',
      }),
    ]);
  });
});
