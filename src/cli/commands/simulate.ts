/**
 * `ipnhub simulate digistore24 <event>` (PayPal's are in simulate-paypal.ts): sends a correctly
 * signed Digistore24 IPN to any URL, like PayPal's IPN simulator, so a user can test their own
 * hub (and its connections) end to end. Fields come from `sampleDigistore24Fields` (modelled on
 * Digistore24's example notifications, see docs/providers.md), signed like Digistore24 signs,
 * posted form-encoded, dated now or `--date` (simulation-date.ts says why). No SSRF guard: the
 * target is the user's own hub, usually on localhost.
 */
import { randomInt } from 'node:crypto';
import type { Command } from 'commander';
import {
  DIGISTORE24_SAMPLE_EVENTS,
  encodeDigistore24Body,
  sampleDigistore24Fields,
} from '../../providers/digistore24/sign-request.js';
import type { Digistore24SampleOverrides } from '../../providers/digistore24/sign-request.js';
import type { CliIo } from '../cli-io.js';
import type { CommandContext } from '../command-context.js';
import { httpUrl, integerAtLeast, moneyAmount, oneOf, currencyCode } from '../option-parsers.js';
import { dateOption, simulationInstant } from '../simulation-date.js';
import { postAndJudge } from '../post-notification.js';
import type { PostOutcome } from '../post-notification.js';
import { registerPayPalSimulations } from './simulate-paypal.js';
import { printJson, printLines, truncate } from '../output.js';

const BILLING_TYPES = ['single_payment', 'subscription', 'installment'] as const;
/** Events whose sample carries a transaction id (the others have none, docs/protocols/digistore24.md#example-payloads). */
const TRANSACTION_EVENTS: ReadonlySet<string> = new Set([
  'on_payment',
  'on_refund',
  'on_chargeback',
]);
const ORDER_ID_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** The `simulate digistore24` options, as commander parses them. */
export interface SimulateOptions {
  to: string;
  passphrase: string;
  product?: string;
  email?: string;
  order?: string;
  transaction?: string;
  amount?: string;
  currency?: string;
  billing?: (typeof BILLING_TYPES)[number];
  paySequence?: number;
  language?: string;
  upsellNo?: number;
  /** ISO 8601 UTC; default: now. */
  date?: string;
  test?: boolean;
  json?: boolean;
}

/** What `simulate` reports: the request it sent and the answer it got (or why it got none). */
export interface SimulateResult extends PostOutcome {
  url: string;
  event: string;
  orderId: string | null;
  transactionId: string | null;
  /** When the notification says the event happened (ISO 8601 UTC, whole seconds). */
  date: string;
}

function randomOrderId(): string {
  return Array.from(
    { length: 8 },
    () => ORDER_ID_ALPHABET[randomInt(ORDER_ID_ALPHABET.length)],
  ).join('');
}

function overridesFrom(
  event: string,
  options: SimulateOptions,
  at: Date,
): Digistore24SampleOverrides {
  // A fresh order (and transaction) per run unless given: every simulation is then a new
  // notification rather than a duplicate the hub acknowledges and ignores.
  const overrides: Digistore24SampleOverrides = { orderId: options.order ?? randomOrderId(), at };
  if (options.transaction !== undefined) overrides.transactionId = options.transaction;
  else if (TRANSACTION_EVENTS.has(event))
    overrides.transactionId = String(randomInt(10_000_000, 100_000_000));
  if (options.product !== undefined) overrides.productId = options.product;
  if (options.email !== undefined) overrides.email = options.email;
  if (options.amount !== undefined) overrides.amount = options.amount;
  if (options.currency !== undefined) overrides.currency = options.currency;
  if (options.billing !== undefined) overrides.billingType = options.billing;
  if (options.paySequence !== undefined) overrides.paySequenceNo = options.paySequence;
  if (options.language !== undefined) overrides.language = options.language;
  if (options.upsellNo !== undefined) overrides.upsellNo = options.upsellNo;
  if (options.test === true) overrides.test = true;
  return overrides;
}

/** Builds, signs and posts one simulated Digistore24 IPN, dated `options.date` or now; never throws on a network failure. */
export async function simulateDigistore24(
  event: string,
  options: SimulateOptions,
): Promise<SimulateResult> {
  const at = simulationInstant(options.date);
  const fields = sampleDigistore24Fields(event, overridesFrom(event, options, at));
  const body = encodeDigistore24Body(fields, options.passphrase);
  const base = {
    url: options.to,
    event,
    orderId: fields.order_id ?? null,
    transactionId: fields.transaction_id ?? null,
    date: at.toISOString(),
  };
  const outcome = await postAndJudge(
    options.to,
    body,
    { 'content-type': 'application/x-www-form-urlencoded' },
    (status, text) => status === 200 && text.startsWith('OK'),
  );
  return { ...base, ...outcome };
}

function printHuman(io: CliIo, result: SimulateResult): void {
  const lines = [
    `POST ${result.url}  (event ${result.event}${result.orderId ? `, order ${result.orderId}` : ''}${result.transactionId ? `, transaction ${result.transactionId}` : ''}, dated ${result.date})`,
  ];
  if (result.status === null) lines.push(`No answer: ${result.error ?? 'unknown error'}`);
  else lines.push(`HTTP ${result.status}`, truncate(result.body ?? '', 2000));
  if (result.ok && result.orderId)
    lines.push(`Send a follow-up event for the same order with --order ${result.orderId}.`);
  if (!result.ok && result.status !== null)
    lines.push('Not accepted: Digistore24 would count this as a failed IPN and retry it.');
  printLines(io, ...lines);
}

/** Adds `simulate digistore24` (exit code 1 unless the answer is HTTP 200 starting with `OK`) and the PayPal simulations. */
export function registerSimulateCommand(program: Command, ctx: CommandContext): void {
  const simulate = program
    .command('simulate')
    .description(
      'Send simulated, correctly signed provider notifications to a hub (for testing a setup).',
    );

  simulate
    .command('digistore24')
    .description(
      'POST a signed Digistore24 IPN to <url>, as Digistore24 would. Succeeds (exit 0) only when the answer is HTTP 200 starting with "OK".',
    )
    .argument('<event>', `Digistore24 event name: ${DIGISTORE24_SAMPLE_EVENTS.join(', ')}`)
    .requiredOption(
      '--to <url>',
      'inbound URL of the source (required), e.g. http://127.0.0.1:8080/ipn/src_…',
      httpUrl,
    )
    .requiredOption(
      '--passphrase <passphrase>',
      "the source's IPN passphrase (required; signs the request)",
    )
    .option('--product <id>', 'product id')
    .option('--email <email>', 'buyer e-mail address')
    .option('--order <id>', 'order id (default: a new random id per run)')
    .option(
      '--transaction <id>',
      'transaction id (default: a new random id for payment, refund and chargeback)',
    )
    .option('--amount <amount>', 'gross amount as a decimal, e.g. 97.00', moneyAmount)
    .option('--currency <code>', 'ISO currency code, e.g. EUR', currencyCode)
    .option('--billing <type>', `billing type: ${BILLING_TYPES.join(', ')}`, oneOf(BILLING_TYPES))
    .option(
      '--pay-sequence <n>',
      'pay sequence number (0 single payment, 1 first payment, 2+ rebills)',
      integerAtLeast(0),
    )
    .option('--language <code>', 'order and buyer language, e.g. de')
    .option(
      '--upsell-no <n>',
      'position in the upsell funnel; above 0 marks the product as an add-on',
      integerAtLeast(0),
    )
    .addOption(dateOption())
    .option('--test', 'mark the notification as a test (api_mode=test)')
    .option('--json', 'print the result as JSON')
    .action(async (event: string, options: SimulateOptions) => {
      if (
        !(DIGISTORE24_SAMPLE_EVENTS as readonly string[]).includes(event) &&
        options.json !== true
      ) {
        ctx.io.stderr(
          `note: "${event}" is not one of the known events; sending an order-shaped notification anyway.\n`,
        );
      }
      const result = await simulateDigistore24(event, options);
      if (options.json === true) printJson(ctx.io, result);
      else printHuman(ctx.io, result);
      ctx.setExitCode(result.ok ? 0 : 1);
    });

  registerPayPalSimulations(simulate, ctx);
}
