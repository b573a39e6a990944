/**
 * `ipnhub serve [--no-worker]`: the HTTP server (inbound IPNs, admin API, health, metrics)
 * plus, by default, the delivery worker in the same process (docs/architecture.md#processes-and-retries). Logs go to stdout
 * as JSON lines; a generated admin token is printed once as a plain line.
 *
 * Shutdown order on SIGINT/SIGTERM: the server closes first, so requests in flight finish and
 * their ingest transactions commit before anything else stops; then the worker finishes its
 * attempts; then the runtime closes the database.
 */
import cluster from 'node:cluster';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { FastifyInstance } from 'fastify';
import { loadSettings } from '../../config/config.js';
import { recordRunningSettings } from '../../config/running-settings.js';
import { createRuntime, dbTarget } from '../../runtime.js';
import { waitForShutdown } from '../cli-io.js';
import { logSettingsWarnings } from '../command-settings.js';
import type { CommandContext } from '../command-context.js';
import { describeDatabase } from '../describe-database.js';
import { IpnhubError } from '../../core/errors.js';
import { ioLogger } from '../io-logger.js';
import { integerAtLeast } from '../option-parsers.js';
import { runServeCluster, STOP_MESSAGE } from '../serve-cluster.js';
import { explainListenError } from '../listen-error.js';

/** Adds `serve`; its action resolves only after a graceful shutdown. */
export function registerServeCommand(program: Command, ctx: CommandContext): void {
  program
    .command('serve')
    .description(
      'Run the HTTP server (POST /ipn/:sourceId, admin API under /api/v1, /healthz, /readyz, /metrics) and the delivery worker. Stops gracefully on SIGINT/SIGTERM.',
    )
    .option(
      '--no-worker',
      'do not run the delivery worker in this process (run `ipnhub worker` separately)',
    )
    .option(
      '--processes <n>',
      'server processes sharing the port, each with its own worker unless --no-worker (PostgreSQL only; default 1)',
      integerAtLeast(1),
      1,
    )
    .action(async (options: { worker: boolean; processes: number }) => {
      const { io } = ctx;
      const settings = loadSettings(io.env);
      const { config } = settings;
      const logger = ioLogger(config.logLevel, io.stdout, config.logFormat);
      if (options.processes > 1 && cluster.isPrimary) {
        if (dbTarget(config).kind !== 'postgres')
          throw new IpnhubError(
            'PROCESSES_NEED_POSTGRES',
            'Run one server process on the embedded SQLite database, or set DATABASE_URL to a PostgreSQL database.',
          );
        logSettingsWarnings(settings, logger);
        await runServeCluster({
          processes: options.processes,
          logger,
          shutdown: waitForShutdown(io),
        });
        return;
      }
      // A child of `serve --processes` listens for the primary's stop from the start: the
      // message may come while it is still starting.
      const childStop = cluster.isWorker ? stopMessageOr(waitForShutdown(io)) : null;
      logSettingsWarnings(settings, logger);
      ctx.serverProcess();
      const runtime = await createRuntime(config, {
        logger,
        announceToken: (token) => io.stdout(`Admin API token (shown once): ${token}\n`),
      });
      let app: FastifyInstance | undefined;
      let forgetSettings: (() => Promise<void>) | undefined;
      try {
        app = await runtime.buildApp();
        const url = await app
          .listen({ host: config.host, port: config.port })
          .catch((err: unknown) => {
            throw explainListenError(err, {
              host: config.host,
              port: config.port,
              hostSetting: 'IPNHUB_HOST',
              portSetting: 'IPNHUB_PORT',
            });
          });
        forgetSettings = await recordRunningSettings(runtime.dbHandle.db, {
          role: 'serve',
          config,
          origins: settings.origins,
          now: runtime.clock.now(),
        });
        logger.info(
          {
            url,
            database: describeDatabase(dbTarget(config)),
            dataDir: resolve(config.dataDir),
            settingsFile: settings.file ?? null,
            worker: options.worker,
          },
          `ipnhub listening on ${url}`,
        );
        if (options.worker) await runtime.worker.start();
        else
          logger.warn(
            'no worker in this process: deliveries and the PayPal IPN postback verification wait for `ipnhub worker` to run',
          );
        const reason = await (childStop ?? waitForShutdown(io));
        logger.info({ reason }, 'shutting down');
      } finally {
        // Also on a failed start (port in use): nothing may keep the process alive.
        await app?.close();
        await runtime.worker.stop();
        await forgetSettings?.().catch((err: unknown) =>
          logger.warn({ err }, 'could not remove the running settings record'),
        );
        await runtime.close();
      }
      logger.info('stopped');
      // The IPC channel to the primary would keep this process alive.
      if (cluster.isWorker) cluster.worker?.disconnect();
    });
}

/** In a child of `serve --processes`: stop on the primary's message or on a signal, whichever comes first. */
function stopMessageOr(signal: Promise<string>): Promise<string> {
  return new Promise((resolve) => {
    const onMessage = (message: unknown): void => {
      if (message !== STOP_MESSAGE) return;
      process.off('message', onMessage);
      resolve('stop requested by the primary process');
    };
    process.on('message', onMessage);
    void signal.then((reason) => {
      process.off('message', onMessage);
      resolve(reason);
    });
  });
}
