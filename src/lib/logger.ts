/**
 * Logging: pino on stdout, as JSON lines (`logFormat: json`, for collectors) or as readable
 * lines through pino-pretty (`pretty`, for a person at a terminal). Secrets never reach a log
 * line: connectors and the pipeline log ids, codes and reasons, never configs or bodies, and
 * the redact list below catches the usual header and field names should one slip through. The
 * fields of the per-notification and per-attempt lines are in docs/health-and-alerts.md.
 */
import { createRequire } from 'node:module';
import { pino } from 'pino';
import type { Logger as PinoLogger, LevelWithSilent } from 'pino';
import type { PinoPretty as PinoPrettyFactory } from 'pino-pretty';

export type Logger = PinoLogger;
export type LogFormat = 'json' | 'pretty';

export const REDACT_PATHS = [
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'password',
  '*.password',
  'passphrase',
  '*.passphrase',
  'secret',
  '*.secret',
  'token',
  '*.token',
  'apiKey',
  '*.apiKey',
];

export function createLogger(
  level: LevelWithSilent = 'info',
  destination?: NodeJS.WritableStream,
  format: LogFormat = 'json',
): Logger {
  const options = {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { app: 'ipnhub' },
  };
  if (format === 'pretty') {
    // Loaded only for readable lines (it and its dependencies are ~0.5 MB of heap a JSON logger
    // does not need); synchronous, in this thread: a line is written before the process can
    // exit on an error.
    const { PinoPretty } = createRequire(import.meta.url)('pino-pretty') as {
      PinoPretty: typeof PinoPrettyFactory;
    };
    const pretty = PinoPretty({
      sync: true,
      colorize: destination === undefined && process.stdout.isTTY === true,
      ignore: 'app,pid,hostname',
      translateTime: 'SYS:standard',
      ...(destination ? { destination } : {}),
    });
    return pino(options, pretty);
  }
  return destination ? pino(options, destination as pino.DestinationStream) : pino(options);
}

/** A logger that drops everything, for tests and CLI commands that print their own output. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
