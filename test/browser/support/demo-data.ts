/**
 * A small, realistic ipnhub to look at: a Digistore24 and a PayPal source, a webhook connection
 * to a local sink and an e-mail connection, notifications sent over HTTP as Digistore24 sends
 * them (payments of several buyers over the last weeks, a refund, a connection test, one with a
 * wrong signature), and their deliveries made by the worker — delivered, and one dead after the
 * sink failed. A seller profile with invoicing on holds both sources: a PayPal payment and its
 * partial refund, sent over HTTP as PayPal sends them and verified against a local fake of
 * PayPal, get an invoice-receipt and a credit note from the worker (issued, rendered with the
 * real PDF renderer, mailed to `.eml` files), and the Digistore24 sales get their mails with
 * Digistore24's links. The accessibility test visits every page with this data; the
 * screenshots show it.
 *
 * The runtime must have `retrySchedule: []` (a failed delivery is dead at once), as
 * `DEMO_CONFIG` sets.
 */
import { createIpnVerificationFake } from '../../../src/dev/fake-paypal/ipn-verification.js';
import { serveFakeRoutes } from '../../../src/dev/fake-paypal/server.js';
import { sampleProfileSettings } from '../../../src/invoicing/test-support/invoicing-fixtures.js';
import { ManualClock } from '../../../src/lib/clock.js';
import {
  encodePayPalIpnBody,
  samplePayPalIpnFields,
} from '../../../src/providers/paypal-ipn/sample-messages.js';
import type { PayPalIpnSampleOverrides } from '../../../src/providers/paypal-ipn/sample-messages.js';
import type { TestRuntime } from '../../helpers/test-runtime.js';
import { startWebhookSink } from '../../fakes/webhook-sink.js';
import type { WebhookSink } from '../../fakes/webhook-sink.js';
import { sendDigistore24 } from './digistore24-sender.js';

export const DEMO_CONFIG = { retrySchedule: [] };
export const DEMO_PASSPHRASE = 'demo-passphrase-2026';

export interface DemoData {
  digistore24Id: string;
  paypalId: string;
  webhookId: string;
  emailId: string;
  /** Receives the webhook connection's deliveries; close it with the runtime. */
  sink: WebhookSink;
  /** Inbound requests by what became of them. */
  requests: { accepted: string; failed: string; refund: string; test: string; rejected: string };
  deliveries: { delivered: string; dead: string };
  /** The events of the first payment and of the refund. */
  events: { payment: string; refund: string };
  /** The subscriber's ledger records: their customer and their order (paid, then refunded). */
  ledger: { customerId: string; orderId: string };
  /** The buyer whose payment was delivered, and what they bought. */
  buyer: { email: string; productId: string; orderId: string };
  /** The seller profile (both sources attached), the PayPal payment's invoice-receipt and its refund's credit note. */
  invoicing: { profileId: string; invoiceId: string; creditNoteId: string };
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** When the earlier buyers paid, in days before now. */
const EARLIER_SALES_DAYS_AGO = [24, 19, 16, 12, 9, 9, 6, 5];

async function newestRequestId(runtime: TestRuntime): Promise<string> {
  const row = await runtime.admin.db
    .selectFrom('inbound_requests')
    .select('id')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Sends as Digistore24 would at `overrides.at` (now by default). With a manual clock the server
 * receives it then too, so the demo's days differ on the overview and in the logs.
 */
async function send(
  runtime: TestRuntime,
  origin: string,
  sourceId: string,
  passphrase: string,
  event: string,
  overrides: Parameters<typeof sendDigistore24>[4] = {},
): Promise<string> {
  if (overrides.at && runtime.clock instanceof ManualClock) runtime.clock.set(overrides.at);
  const answer = await sendDigistore24(origin, sourceId, passphrase, event, {
    at: runtime.clock.now(),
    ...overrides,
  });
  if (passphrase === DEMO_PASSPHRASE && answer.text !== 'OK')
    throw new Error(`Digistore24 ${event} was answered ${answer.status} ${answer.text}`);
  return newestRequestId(runtime);
}

async function eventOf(runtime: TestRuntime, requestId: string): Promise<string> {
  const row = await runtime.admin.db
    .selectFrom('events')
    .select('id')
    .where('inbound_request_id', '=', requestId)
    .executeTakeFirstOrThrow();
  return row.id;
}

async function orderOf(
  runtime: TestRuntime,
  externalId: string,
): Promise<{ customerId: string; orderId: string }> {
  const row = await runtime.admin.db
    .selectFrom('orders')
    .select(['id', 'customer_id'])
    .where('external_id', '=', externalId)
    .executeTakeFirstOrThrow();
  if (row.customer_id === null) throw new Error(`order ${externalId} has no customer`);
  return { customerId: row.customer_id, orderId: row.id };
}

async function deliveryOf(
  runtime: TestRuntime,
  requestId: string,
  connectionId: string,
): Promise<string> {
  const row = await runtime.admin.db
    .selectFrom('deliveries')
    .innerJoin('events', 'events.id', 'deliveries.event_id')
    .select('deliveries.id')
    .where('events.inbound_request_id', '=', requestId)
    .where('deliveries.connection_id', '=', connectionId)
    .executeTakeFirstOrThrow();
  return row.id;
}

const PAYPAL_RECEIVER = 'shop@example.com';

/**
 * A PayPal payment and its partial refund, sent over HTTP as PayPal sends IPNs and verified by
 * postback against a local fake of PayPal; the worker issues, renders and mails an
 * invoice-receipt and a credit note for them. Returns both documents' ids.
 */
async function paypalDocuments(
  runtime: TestRuntime,
  origin: string,
  sourceId: string,
): Promise<{ invoiceId: string; creditNoteId: string }> {
  const paypal = createIpnVerificationFake({ acceptDevSignatures: false });
  const server = await serveFakeRoutes([paypal.route]);
  try {
    await runtime.sources.update(sourceId, {
      config: { verificationUrl: `${server.url}/cgi-bin/webscr` },
    });
    const send = async (kind: string, overrides: PayPalIpnSampleOverrides): Promise<void> => {
      const body = encodePayPalIpnBody(
        samplePayPalIpnFields(kind, { receiverEmail: PAYPAL_RECEIVER, ...overrides }),
        'windows-1252',
      );
      paypal.register(body);
      const answer = await fetch(`${origin}/ipn/${sourceId}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
      if (answer.status !== 200)
        throw new Error(`PayPal ${kind} was answered ${answer.status} ${await answer.text()}`);
      await runtime.worker.runOnce();
    };
    await send('web_accept', { txnId: '61E67681CH3238416', amount: '119.00' });
    await send('partial_refund', {
      txnId: '1P566839F9694230H',
      parentTxnId: '61E67681CH3238416',
      amount: '23.80',
    });
  } finally {
    // The source posts back to PayPal again, as a user's would.
    await runtime.sources.update(sourceId, { config: { verificationUrl: null } });
    await server.close();
  }
  const documents = await runtime.admin.db
    .selectFrom('documents')
    .select(['id', 'kind', 'render_state'])
    .where('source_id', '=', sourceId)
    .orderBy('id')
    .execute();
  const invoice = documents.find((doc) => doc.kind === 'invoice');
  const creditNote = documents.find((doc) => doc.kind === 'credit_note');
  if (!invoice || !creditNote || documents.some((doc) => doc.render_state !== 'rendered'))
    throw new Error(`the PayPal payment and refund gave ${JSON.stringify(documents)}`);
  return { invoiceId: invoice.id, creditNoteId: creditNote.id };
}

export async function seedDemoData(runtime: TestRuntime, origin: string): Promise<DemoData> {
  const sink = await startWebhookSink();
  try {
    const ds24 = await runtime.sources.create({
      provider: 'digistore24',
      name: 'Digistore24 – Onlinekurse',
      config: { passphrase: DEMO_PASSPHRASE },
    });
    const paypal = await runtime.sources.create({
      provider: 'paypal-ipn',
      name: 'PayPal – Shop',
      config: { receiverEmail: PAYPAL_RECEIVER },
    });
    const profile = await runtime.profiles.create({
      name: 'Muster Software',
      invoicing: true,
      settings: sampleProfileSettings(),
    });
    await runtime.profiles.attach(profile.id, ds24.id);
    await runtime.profiles.attach(profile.id, paypal.id);
    const webhook = await runtime.connections.create({
      connector: 'webhook',
      name: 'Buchhaltung',
      config: { url: `${sink.url}/ipn` },
      filters: { eventTypes: ['payment', 'refund'] },
      errorEmails: ['ops@example.com'],
    });
    const email = await runtime.connections.create({
      connector: 'email',
      name: 'Rückbuchungen an mich',
      config: { to: ['inhaber@example.com'] },
      filters: { eventTypes: ['chargeback'] },
    });
    const now = runtime.clock.now().getTime();
    const buyer = { email: 'anna.beispiel@example.com', productId: '543210', orderId: 'K7QX2M9P' };

    // Earlier buyers, all delivered: a few payments a week over the last weeks.
    for (const [index, daysAgo] of EARLIER_SALES_DAYS_AGO.entries()) {
      const orderId = `E${String(index + 1).padStart(2, '0')}DEMO${daysAgo}`;
      await send(runtime, origin, ds24.id, DEMO_PASSPHRASE, 'on_payment', {
        orderId,
        email: `kunde${index + 1}@example.de`,
        transactionId: String(92000000 + index),
        at: new Date(now - daysAgo * DAY_MS - index * 3_600_000),
      });
    }
    await runtime.worker.runOnce();

    const accepted = await send(runtime, origin, ds24.id, DEMO_PASSPHRASE, 'on_payment', {
      ...buyer,
      at: new Date(now - 3 * DAY_MS),
    });
    await runtime.worker.runOnce();
    const delivered = await deliveryOf(runtime, accepted, webhook.connection.id);

    // The sink fails the next delivery; with no retries in the schedule it is dead at once.
    sink.respondWith({ status: 503, body: 'maintenance' });
    const subscriber = {
      orderId: 'R3TW8N2D',
      email: 'marco.rossi@example.it',
      language: 'it',
      billingType: 'subscription' as const,
    };
    const failed = await send(runtime, origin, ds24.id, DEMO_PASSPHRASE, 'on_payment', {
      ...subscriber,
      at: new Date(now - 2 * DAY_MS),
    });
    await runtime.worker.runOnce();
    const dead = await deliveryOf(runtime, failed, webhook.connection.id);
    const refund = await send(runtime, origin, ds24.id, DEMO_PASSPHRASE, 'on_refund', {
      ...subscriber,
      at: new Date(now - DAY_MS),
    });
    await runtime.worker.runOnce();
    const test = await send(runtime, origin, ds24.id, DEMO_PASSPHRASE, 'connection_test', {
      at: new Date(now - 3_600_000),
    });
    const rejected = await send(runtime, origin, ds24.id, 'a-wrong-passphrase', 'on_payment', {
      orderId: 'Z9ZZ9Z9Z',
      email: 'someone@example.net',
      at: new Date(now),
    });
    const documents = await paypalDocuments(runtime, origin, paypal.id);
    return {
      digistore24Id: ds24.id,
      paypalId: paypal.id,
      webhookId: webhook.connection.id,
      emailId: email.connection.id,
      sink,
      requests: { accepted, failed, refund, test, rejected },
      deliveries: { delivered, dead },
      events: { payment: await eventOf(runtime, accepted), refund: await eventOf(runtime, refund) },
      ledger: await orderOf(runtime, subscriber.orderId),
      buyer,
      invoicing: { profileId: profile.id, ...documents },
    };
  } catch (err) {
    await sink.close();
    throw err;
  }
}
