/**
 * `ipnhub worker`: the delivery worker alone, for split deployments (`serve --no-worker` plus
 * any number of workers; on PostgreSQL on any number of machines). Stops gracefully on
 * SIGINT/SIGTERM: attempts in flight finish before the database closes.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadSettings } from '../../config/config.js';
import { recordRunningSettings } from '../../config/running-settings.js';
import { createRuntime, dbTarget } from '../../runtime.js';
import { waitForShutdown } from '../cli-io.js';
import { logSettingsWarnings } from '../command-settings.js';
import type { CommandContext } from '../command-context.js';
import { describeDatabase } from '../describe-database.js';
import { ioLogger } from '../io-logger.js';

/** Adds `worker`; its action resolves only after a graceful shutdown. */
export function registerWorkerCommand(program: Command, ctx: CommandContext): void {
  program
    .command('worker')
    .description(
      'Run only the delivery worker (use with `serve --no-worker`). Stops gracefully on SIGINT/SIGTERM.',
    )
    .action(async () => {
      const { io } = ctx;
      const settings = loadSettings(io.env);
      const { config } = settings;
      const logger = ioLogger(config.logLevel, io.stdout, config.logFormat);
      logSettingsWarnings(settings, logger);
      ctx.serverProcess();
      const runtime = await createRuntime(config, { logger, skipAdminToken: true });
      let forgetSettings: (() => Promise<void>) | undefined;
      try {
        await runtime.worker.start();
        forgetSettings = await recordRunningSettings(runtime.dbHandle.db, {
          role: 'worker',
          config,
          origins: settings.origins,
          now: runtime.clock.now(),
        });
        logger.info(
          {
            database: describeDatabase(dbTarget(config)),
            dataDir: resolve(config.dataDir),
            settingsFile: settings.file ?? null,
          },
          'ipnhub worker running',
        );
        const reason = await waitForShutdown(io);
        logger.info({ reason }, 'shutting down');
      } finally {
        await runtime.worker.stop();
        await forgetSettings?.().catch((err: unknown) =>
          logger.warn({ err }, 'could not remove the running settings record'),
        );
        await runtime.close();
      }
      logger.info('stopped');
    });
}
