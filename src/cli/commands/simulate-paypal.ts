/**
 * `ipnhub simulate paypal-ipn <kind>` and `ipnhub simulate paypal-webhook <event_type>`:
 * realistic PayPal messages for testing a setup offline, with `ipnhub dev fake-paypal`.
 *
 * - IPN: the message of `samplePayPalIpnFields` (docs/protocols/paypal.md#ipn-transaction-types-and-payment-statuses/docs/protocols/paypal.md#ipn-variables), encoded in the
 *   chosen charset, with a dev signature in `verify_sign` that only the fake PayPal honours
 *   (real PayPal answers INVALID to simulated messages, as it does to its own simulator's).
 *   Success is PayPal's: HTTP 200 with an empty body.
 * - Webhook: the event of `samplePayPalWebhookEvent` (docs/protocols/paypal.md#webhook-envelope-and-event-types), signed like PayPal (docs/protocols/paypal.md#webhook-signature-verification) with the
 *   fake's public dev key, naming the fake's certificate URL. Success is any 2xx.
 * Each run gets fresh transaction / event ids unless given, so it is a new fact, not a resend.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { DEV_PRIVATE_KEY_PEM } from '../../dev/fake-paypal/dev-certificate.js';
import { withDevVerifySign } from '../../dev/fake-paypal/ipn-verification.js';
import { DEV_CERTIFICATE_PATH } from '../../dev/fake-paypal/webhook-api.js';
import { isoToPayPalDate } from '../../providers/paypal-ipn/paypal-date.js';
import {
  encodePayPalIpnBody,
  PAYPAL_IPN_SAMPLE_KINDS,
  samplePayPalIpnFields,
} from '../../providers/paypal-ipn/sample-messages.js';
import type {
  PayPalIpnCharset,
  PayPalIpnSampleOverrides,
} from '../../providers/paypal-ipn/sample-messages.js';
import {
  PAYPAL_WEBHOOK_SAMPLE_EVENTS,
  samplePayPalWebhookEvent,
  signPayPalWebhook,
} from '../../providers/paypal-webhooks/sign-webhook.js';
import type { PayPalWebhookSampleOverrides } from '../../providers/paypal-webhooks/sign-webhook.js';
import type { PayPalWebhookEventType } from '../../providers/paypal-webhooks/normalize.js';
import type { CliIo } from '../cli-io.js';
import type { CommandContext } from '../command-context.js';
import { currencyCode, httpUrl, moneyAmount, oneOf } from '../option-parsers.js';
import { dateOption, simulationInstant } from '../simulation-date.js';
import { printJson, printLines, truncate } from '../output.js';
import { postAndJudge } from '../post-notification.js';
import type { PostOutcome } from '../post-notification.js';

export const DEFAULT_FAKE_PAYPAL_URL = 'http://127.0.0.1:8081';
const CHARSETS = ['windows-1252', 'UTF-8'] as const;
const SPACES = ['+', '%20'] as const;
const TXN_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';

interface PayPalIpnOptions {
  to: string;
  charset: PayPalIpnCharset;
  spaces: (typeof SPACES)[number];
  txn?: string;
  parentTxn?: string;
  profile?: string;
  item?: string;
  amount?: string;
  currency?: string;
  email?: string;
  receiverEmail?: string;
  receiverId?: string;
  /** ISO 8601 UTC; default: now. */
  date?: string;
  test?: boolean;
  json?: boolean;
}

interface PayPalWebhookOptions {
  to: string;
  webhookId: string;
  paypal: string;
  privateKey?: string;
  transaction?: string;
  subscription?: string;
  email?: string;
  amount?: string;
  currency?: string;
  /** ISO 8601 UTC; default: now. */
  date?: string;
  sandbox?: boolean;
  json?: boolean;
}

/** What a PayPal simulation reports: what it sent and the answer (or why there was none). */
export interface PayPalSimulateResult extends PostOutcome {
  url: string;
  kind: string;
  /** The IPN's `txn_id` or the webhook event's `id`. */
  messageId: string | null;
  /** When the message says its event happened (ISO 8601 UTC, whole seconds). */
  date: string;
}

/** A PayPal-shaped transaction id: 17 upper-case letters and digits. */
function randomTxnId(): string {
  return Array.from(randomBytes(17), (byte) => TXN_ALPHABET[byte % TXN_ALPHABET.length]).join('');
}

function ipnOverrides(kind: string, options: PayPalIpnOptions, at: Date): PayPalIpnSampleOverrides {
  const overrides: PayPalIpnSampleOverrides = {
    charset: options.charset,
    txnId: options.txn ?? randomTxnId(),
    paymentDate: isoToPayPalDate(at),
  };
  if (options.parentTxn !== undefined) overrides.parentTxnId = options.parentTxn;
  if (options.profile !== undefined) overrides.profileId = options.profile;
  else if (kind.startsWith('subscr_') || kind.startsWith('recurring_payment'))
    overrides.profileId = `I-${randomTxnId().slice(0, 12)}`;
  if (options.item !== undefined) overrides.itemNumber = options.item;
  if (options.amount !== undefined) overrides.amount = options.amount;
  if (options.currency !== undefined) overrides.currency = options.currency;
  if (options.email !== undefined) overrides.payerEmail = options.email;
  if (options.receiverEmail !== undefined) overrides.receiverEmail = options.receiverEmail;
  if (options.receiverId !== undefined) overrides.receiverId = options.receiverId;
  if (options.test === true) overrides.test = true;
  return overrides;
}

/** Builds, dev-signs and posts one simulated PayPal IPN; never throws on a network failure. */
export async function simulatePayPalIpn(
  kind: string,
  options: PayPalIpnOptions,
): Promise<PayPalSimulateResult> {
  const at = simulationInstant(options.date);
  const fields = samplePayPalIpnFields(kind, ipnOverrides(kind, options, at));
  const body = withDevVerifySign(
    encodePayPalIpnBody(fields, options.charset, { spaces: options.spaces }),
  );
  const txnId = fields.find(([name]) => name === 'txn_id')?.[1] ?? null;
  const base = { url: options.to, kind, messageId: txnId, date: at.toISOString() };
  return {
    ...base,
    ...(await postAndJudge(
      options.to,
      body,
      { 'content-type': 'application/x-www-form-urlencoded' },
      (status, text) => status === 200 && text === '',
    )),
  };
}

function webhookOverrides(options: PayPalWebhookOptions, at: Date): PayPalWebhookSampleOverrides {
  const overrides: PayPalWebhookSampleOverrides = {
    eventId: `WH-${randomTxnId()}-${randomTxnId().slice(0, 8)}`,
    transactionId: options.transaction ?? randomTxnId(),
    createTime: at.toISOString().replace('.000Z', 'Z'),
  };
  if (options.subscription !== undefined) overrides.subscriptionId = options.subscription;
  if (options.email !== undefined) overrides.email = options.email;
  if (options.amount !== undefined) overrides.amount = options.amount;
  if (options.currency !== undefined) overrides.currency = options.currency;
  if (options.sandbox === true) overrides.sandbox = true;
  return overrides;
}

/** Builds, signs and posts one simulated PayPal webhook delivery; never throws on a network failure. */
export async function simulatePayPalWebhook(
  eventType: PayPalWebhookEventType,
  options: PayPalWebhookOptions,
): Promise<PayPalSimulateResult> {
  const at = simulationInstant(options.date);
  const event = samplePayPalWebhookEvent(eventType, webhookOverrides(options, at));
  const body = Buffer.from(JSON.stringify(event), 'utf8');
  const privateKeyPem =
    options.privateKey !== undefined
      ? readFileSync(options.privateKey, 'utf8')
      : DEV_PRIVATE_KEY_PEM;
  const headers = signPayPalWebhook({
    body,
    webhookId: options.webhookId,
    transmissionId: randomUUID(),
    certUrl: `${options.paypal.replace(/\/+$/, '')}${DEV_CERTIFICATE_PATH}`,
    privateKeyPem,
  });
  const base = {
    url: options.to,
    kind: eventType,
    messageId: typeof event.id === 'string' ? event.id : null,
    date: at.toISOString(),
  };
  return {
    ...base,
    ...(await postAndJudge(
      options.to,
      body,
      { 'content-type': 'application/json', ...headers },
      (status) => status >= 200 && status < 300,
    )),
  };
}

function printResult(io: CliIo, result: PayPalSimulateResult, what: string): void {
  const lines = [
    `POST ${result.url}  (${what} ${result.kind}${result.messageId ? `, ${result.messageId}` : ''}, dated ${result.date})`,
  ];
  if (result.status === null) lines.push(`No answer: ${result.error ?? 'unknown error'}`);
  else
    lines.push(
      `HTTP ${result.status}${result.body ? `\n${truncate(result.body, 2000)}` : ' (empty body)'}`,
    );
  if (!result.ok && result.status !== null)
    lines.push('Not accepted: PayPal would count this as a failed delivery and send it again.');
  printLines(io, ...lines);
}

/** Adds `simulate paypal-ipn` and `simulate paypal-webhook` to the `simulate` command. */
export function registerPayPalSimulations(simulate: Command, ctx: CommandContext): void {
  simulate
    .command('paypal-ipn')
    .description(
      "POST a realistic PayPal IPN to <url>. Its verify_sign is a dev signature only `ipnhub dev fake-paypal` accepts: point the source's verificationUrl at the fake. Succeeds (exit 0) on HTTP 200 with an empty body.",
    )
    .argument('<kind>', `txn_type or status: ${PAYPAL_IPN_SAMPLE_KINDS.join(', ')}`)
    .requiredOption(
      '--to <url>',
      'inbound URL of the source (required), e.g. http://127.0.0.1:8080/ipn/src_…',
      httpUrl,
    )
    .option(
      '--charset <charset>',
      `character set of the message: ${CHARSETS.join(', ')}`,
      oneOf(CHARSETS),
      'windows-1252',
    )
    .option(
      '--spaces <encoding>',
      "how spaces are encoded: + (PayPal) or %20 (PayPal's old simulator)",
      oneOf(SPACES),
      '+',
    )
    .option('--txn <id>', 'txn_id (default: a new random id per run)')
    .option(
      '--parent-txn <id>',
      'parent_txn_id of a refund, reversal or canceled_reversal: the payment it reverses',
    )
    .option(
      '--profile <id>',
      'subscr_id or recurring_payment_id (default: a new random id for subscription kinds)',
    )
    .option('--item <number>', 'item_number')
    .option('--amount <amount>', 'gross amount as a decimal, e.g. 19.99', moneyAmount)
    .option('--currency <code>', 'ISO currency code, e.g. EUR', currencyCode)
    .option('--email <email>', 'payer e-mail address')
    .option('--receiver-email <email>', 'receiver_email (default seller@example.com)')
    .option('--receiver-id <id>', 'receiver_id (default KXQ7ZRP4M2B8N)')
    .addOption(dateOption())
    .option('--test', 'mark the message as a sandbox message (test_ipn=1)')
    .option('--json', 'print the result as JSON')
    .action(async (kind: string, options: PayPalIpnOptions) => {
      if (!(PAYPAL_IPN_SAMPLE_KINDS as readonly string[]).includes(kind) && options.json !== true) {
        ctx.io.stderr(
          `note: "${kind}" is not one of the known kinds; sending a web_accept-shaped message with txn_type=${kind}.\n`,
        );
      }
      const result = await simulatePayPalIpn(kind, options);
      if (options.json === true) printJson(ctx.io, result);
      else printResult(ctx.io, result, 'IPN');
      ctx.setExitCode(result.ok ? 0 : 1);
    });

  simulate
    .command('paypal-webhook')
    .description(
      "POST a realistic PayPal webhook event to <url>, signed like PayPal with the fake PayPal's dev key: the source's apiBaseUrl must point at `ipnhub dev fake-paypal`. Succeeds (exit 0) on a 2xx answer.",
    )
    .argument(
      '<event_type>',
      `PayPal event type: ${PAYPAL_WEBHOOK_SAMPLE_EVENTS.join(', ')}`,
      oneOf(PAYPAL_WEBHOOK_SAMPLE_EVENTS),
    )
    .requiredOption('--to <url>', 'inbound URL of the source (required)', httpUrl)
    .requiredOption(
      '--webhook-id <id>',
      "the source's webhook id (required; part of the signed string)",
    )
    .option(
      '--paypal <url>',
      'base URL of the fake PayPal serving the signing certificate',
      httpUrl,
      DEFAULT_FAKE_PAYPAL_URL,
    )
    .option(
      '--private-key <file>',
      "PEM private key to sign with (default: the fake PayPal's public dev key)",
    )
    .option('--transaction <id>', 'capture or sale id (default: a new random id per run)')
    .option(
      '--subscription <id>',
      'subscription id (I-…) for BILLING.SUBSCRIPTION.* and subscription sales',
    )
    .option('--email <email>', 'payer e-mail address')
    .option('--amount <amount>', 'gross amount as a decimal, e.g. 19.99', moneyAmount)
    .option('--currency <code>', 'ISO currency code, e.g. EUR', currencyCode)
    .addOption(dateOption())
    .option('--sandbox', 'links on api.sandbox.paypal.com, as sandbox events have them')
    .option('--json', 'print the result as JSON')
    .action(async (eventType: PayPalWebhookEventType, options: PayPalWebhookOptions) => {
      const result = await simulatePayPalWebhook(eventType, options);
      if (options.json === true) printJson(ctx.io, result);
      else printResult(ctx.io, result, 'webhook');
      ctx.setExitCode(result.ok ? 0 : 1);
    });
}
