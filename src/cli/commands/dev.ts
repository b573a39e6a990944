/**
 * `ipnhub dev fake-paypal`: a local, INSECURE stand-in for PayPal's verification services, so a
 * user can try the whole PayPal flow offline with `ipnhub simulate paypal-ipn|paypal-webhook`:
 * the IPN postback endpoint (VERIFIED for messages it vouches for, INVALID otherwise), the
 * webhook signing certificate, OAuth client credentials and verify-webhook-signature. Runs until
 * SIGINT/SIGTERM. Never point a live source at it.
 */
import type { Command } from 'commander';
import {
  createIpnVerificationFake,
  IPN_VERIFICATION_PATH,
} from '../../dev/fake-paypal/ipn-verification.js';
import { serveFakeRoutes } from '../../dev/fake-paypal/server.js';
import { createWebhookApiFake, DEV_CERTIFICATE_PATH } from '../../dev/fake-paypal/webhook-api.js';
import { waitForShutdown } from '../cli-io.js';
import type { CommandContext } from '../command-context.js';
import { explainListenError } from '../listen-error.js';
import { integerAtLeast } from '../option-parsers.js';
import { printJson, printLines } from '../output.js';

interface FakePayPalOptions {
  port: number;
  host: string;
  clientId: string;
  clientSecret: string;
  json?: boolean;
}

export function registerDevCommand(program: Command, ctx: CommandContext): void {
  const dev = program
    .command('dev')
    .description('Tools for trying ipnhub locally (never for production).');

  dev
    .command('fake-paypal')
    .description(
      "Run a local fake of PayPal's IPN postback, webhook certificate, OAuth and verify-webhook-signature endpoints (INSECURE, for local tests). Stops on SIGINT/SIGTERM.",
    )
    .option('--port <port>', 'port to listen on', integerAtLeast(0), 8081)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option(
      '--client-id <id>',
      'OAuth client id the fake accepts (API verification mode)',
      'ipnhub-dev-client',
    )
    .option('--client-secret <secret>', 'OAuth client secret the fake accepts', 'ipnhub-dev-secret')
    .option('--json', 'print the endpoints as JSON')
    .action(async (options: FakePayPalOptions) => {
      const ipn = createIpnVerificationFake();
      const webhooks = createWebhookApiFake({
        clientId: options.clientId,
        clientSecret: options.clientSecret,
      });
      const server = await serveFakeRoutes([ipn.route, webhooks.route], {
        port: options.port,
        host: options.host,
      }).catch((err: unknown) => {
        throw explainListenError(err, {
          host: options.host,
          port: options.port,
          hostSetting: '--host',
          portSetting: '--port',
        });
      });
      try {
        const endpoints = {
          url: server.url,
          ipnVerificationUrl: `${server.url}${IPN_VERIFICATION_PATH}`,
          webhookApiBaseUrl: server.url,
          certificateUrl: `${server.url}${DEV_CERTIFICATE_PATH}`,
          clientId: options.clientId,
        };
        if (options.json === true) printJson(ctx.io, endpoints);
        else {
          printLines(
            ctx.io,
            `Fake PayPal listening on ${server.url} — INSECURE, for local tests only.`,
            `IPN: set a paypal-ipn source's verificationUrl to ${endpoints.ipnVerificationUrl} (and receiverEmail=seller@example.com, the simulator's receiver), then: ipnhub simulate paypal-ipn web_accept --to <inbound URL>`,
            `Webhooks: set a paypal-webhooks source's apiBaseUrl to ${server.url} (API mode: clientId ${options.clientId}, clientSecret ${options.clientSecret}), then: ipnhub simulate paypal-webhook PAYMENT.CAPTURE.COMPLETED --to <inbound URL> --webhook-id <id> --paypal ${server.url}`,
            'ipnhub must be allowed to reach it: IPNHUB_OUTBOUND_ALLOW_LIST=127.0.0.1',
          );
        }
        await waitForShutdown(ctx.io);
      } finally {
        await server.close();
      }
    });
}
