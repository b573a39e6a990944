/**
 * `ipnhub worker`: the delivery worker alone, for split deployments (`serve --no-worker` plus
 * any number of workers; on PostgreSQL on any number of machines). Stops gracefully on
 * SIGINT/SIGTERM: attempts in flight finish before the database closes.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config/config.js';
import { createRuntime, dbTarget } from '../../runtime.js';
import { waitForShutdown } from '../cli-io.js';
import type { CommandContext } from '../command-context.js';
import { describeDatabase } from '../describe-database.js';
import { ioLogger } from '../io-logger.js';

/** Adds `worker`; its action resolves only after a graceful shutdown. */
export function registerWorkerCommand(program: Command, ctx: CommandContext): void {
  program
    .command('worker')
    .description('Run only the delivery worker (use with `serve --no-worker`). Stops gracefully on SIGINT/SIGTERM.')
    .action(async () => {
      const { io } = ctx;
      const config = loadConfig(io.env);
      const logger = ioLogger(config.logLevel, io.stdout);
      const runtime = await createRuntime(config, { logger, skipAdminToken: true });
      try {
        await runtime.worker.start();
        logger.info({ database: describeDatabase(dbTarget(config)), dataDir: resolve(config.dataDir) }, 'ipnhub worker running');
        const reason = await waitForShutdown(io);
        logger.info({ reason }, 'shutting down');
      } finally {
        await runtime.worker.stop();
        await runtime.close();
      }
      logger.info('stopped');
    });
}
