/**
 * The runtime for commands that only touch the database (source, connection, deliveries,
 * token): configuration from the CLI's environment, no admin token setup, logs on stderr, and
 * always closed before the command returns.
 *
 * The default log level `info` is raised to `warn` here: a one-shot command prints its own
 * result, and routine lines (a migration applied) would only bury it. Warnings such as "a new
 * master key was generated, back it up" still show; `debug`/`trace` are honoured.
 */
import { loadConfig } from '../config/config.js';
import { createRuntime } from '../runtime.js';
import type { Runtime } from '../runtime.js';
import type { CliIo } from './cli-io.js';
import { ioLogger } from './io-logger.js';

export async function withDbRuntime<T>(io: CliIo, run: (runtime: Runtime) => Promise<T>): Promise<T> {
  const config = loadConfig(io.env);
  const level = config.logLevel === 'info' ? 'warn' : config.logLevel;
  const runtime = await createRuntime(config, { skipAdminToken: true, logger: ioLogger(level, io.stderr) });
  try {
    return await run(runtime);
  } finally {
    await runtime.close();
  }
}
