/**
 * The runtime for commands that only touch the database (source, connection, deliveries,
 * token): the command's settings, an existing database (never a new one, see
 * existing-database.ts), no admin token setup, logs on stderr, and always closed before the
 * command returns. Where a running `serve` or `worker` uses other values of the settings these
 * commands share with it (allow-list, public URL, mail), a warning says so.
 *
 * The default log level `info` is raised to `warn` here: a one-shot command prints its own
 * result, and routine lines (a migration applied) would only bury it. Warnings such as "a new
 * master key was generated, back it up" still show; `debug`/`trace` are honoured.
 */
import { differencesFromRunning } from '../config/running-settings.js';
import { settingsFileIn } from '../config/settings-file.js';
import { createRuntime } from '../runtime.js';
import type { Runtime } from '../runtime.js';
import type { CliIo } from './cli-io.js';
import { loadCommandSettings } from './command-settings.js';
import { requireExistingDatabase } from './existing-database.js';
import { ioLogger } from './io-logger.js';

export async function withDbRuntime<T>(
  io: CliIo,
  run: (runtime: Runtime) => Promise<T>,
): Promise<T> {
  const settings = loadCommandSettings(io);
  const { config } = settings;
  requireExistingDatabase(settings);
  const level = config.logLevel === 'info' ? 'warn' : config.logLevel;
  const runtime = await createRuntime(config, {
    skipAdminToken: true,
    logger: ioLogger(level, io.stderr, config.logFormat),
  });
  try {
    const settingsFile = settings.file ?? settingsFileIn(config.dataDir);
    for (const line of await differencesFromRunning(runtime.dbHandle.db, {
      config,
      origins: settings.origins,
      settingsFile,
    }))
      io.stderr(`warning: ${line}\n`);
    return await run(runtime);
  } finally {
    await runtime.close();
  }
}
