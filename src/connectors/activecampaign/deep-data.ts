/**
 * Deep Data e-commerce orders for payments (docs/protocols/activecampaign.md#endpoints "Deep Data", docs/protocols/activecampaign.md#idempotency):
 * one store connection (`service` "ipnhub" + the configured store id), one e-commerce customer
 * per (connection, e-mail) and one order per payment, keyed by the transaction id as
 * `externalid` so every rebill is its own order and a retried delivery finds its order again
 * instead of recording it twice. Amounts are integer minor units ("cents", docs/protocols/README.md#across-the-targets).
 */
import type { CanonicalEvent, EventItem, EventOrder } from '../../core/events.js';
import type { TargetClient } from '../target-client.js';
import type { Step } from './client.js';
import { idOf, listAll, mayBeDuplicate, text, unexpectedAnswer } from './client.js';
import type { ActiveCampaignConfig } from './config.js';

export const DEEP_DATA_SERVICE = 'ipnhub';

type DeepData = ActiveCampaignConfig['deepData'];

const q = encodeURIComponent;

/** Looks an object up in a filtered list; creates it when absent; looks again when the create was refused as a duplicate. */
async function findOrCreate(
  client: TargetClient,
  lookup: { path: string; key: string; match(record: Record<string, unknown>): boolean },
  create: { path: string; key: string; body: Record<string, unknown> },
): Promise<Step<{ id: string; created: boolean }>> {
  const find = async (): Promise<Step<string | null>> => {
    const listed = await listAll(client, lookup.path, lookup.key);
    if (!listed.ok) return listed;
    const found = listed.value.find(lookup.match);
    return { ok: true, value: found ? text(found, 'id') : null };
  };
  const existing = await find();
  if (!existing.ok) return existing;
  if (existing.value) return { ok: true, value: { id: existing.value, created: false } };
  const made = await client.call({
    method: 'POST',
    path: create.path,
    json: { [create.key]: create.body },
  });
  if (made.ok) {
    const id = idOf(made.body, create.key);
    return id
      ? { ok: true, value: { id, created: true } }
      : { ok: false, result: unexpectedAnswer(`POST ${create.path}`, made.body) };
  }
  if (mayBeDuplicate(made.status)) {
    const again = await find();
    if (again.ok && again.value) return { ok: true, value: { id: again.value, created: false } };
  }
  return { ok: false, result: made.result };
}

function unitPrice(item: EventItem, order: EventOrder): number {
  const quantity = Math.max(1, item.quantity);
  const gross = item.amount ?? (order.items.length === 1 ? order.amount : null) ?? 0;
  return Math.round(gross / quantity);
}

function products(order: EventOrder & { amount: number }): Array<Record<string, unknown>> {
  // An order without item lines (some PayPal messages) is still revenue: one line for the whole.
  if (order.items.length === 0)
    return [{ externalid: order.id, name: `Order ${order.id}`, price: order.amount, quantity: 1 }];
  return order.items.map((item) => ({
    externalid: item.productId,
    name: item.name ?? item.productId,
    price: unitPrice(item, order),
    quantity: Math.max(1, item.quantity),
  }));
}

/** The `ecomOrder` body for a payment (docs/protocols/activecampaign.md#endpoints). */
export function orderBody(
  event: CanonicalEvent,
  order: EventOrder & { amount: number; currency: string },
  ids: { connection: string; customer: string; email: string },
): Record<string, unknown> {
  return {
    externalid: order.transactionId ?? order.id,
    source: 1,
    email: ids.email,
    orderNumber: order.id,
    orderProducts: products(order),
    totalPrice: order.amount,
    ...(order.vat !== null ? { taxAmount: order.vat } : {}),
    currency: order.currency.toUpperCase(),
    connectionid: ids.connection,
    customerid: ids.customer,
    externalCreatedDate: event.occurredAt,
    ...(order.receiptUrl ? { orderUrl: order.receiptUrl } : {}),
  };
}

/** Records the payment as an order; the text says what happened, for the delivery summary. */
export async function recordOrder(
  client: TargetClient,
  event: CanonicalEvent,
  email: string,
  deepData: DeepData,
): Promise<Step<string>> {
  const order = event.order;
  if (!order || order.amount === null || order.amount < 0 || !order.currency) {
    return { ok: true, value: 'no order recorded (the event has no amount and currency)' };
  }
  const priced = { ...order, amount: order.amount, currency: order.currency };

  const connection = await findOrCreate(
    client,
    {
      path: `/api/3/connections?filters[service]=${q(DEEP_DATA_SERVICE)}&filters[externalid]=${q(deepData.storeId)}`,
      key: 'connections',
      match: (c) =>
        text(c, 'service') === DEEP_DATA_SERVICE && text(c, 'externalid') === deepData.storeId,
    },
    {
      path: '/api/3/connections',
      key: 'connection',
      body: {
        service: DEEP_DATA_SERVICE,
        externalid: deepData.storeId,
        name: deepData.storeName,
        ...(deepData.logoUrl ? { logoUrl: deepData.logoUrl } : {}),
        ...(deepData.storeUrl ? { linkUrl: deepData.storeUrl } : {}),
      },
    },
  );
  if (!connection.ok) return connection;
  const connectionId = connection.value.id;

  const customer = await findOrCreate(
    client,
    {
      path: `/api/3/ecomCustomers?filters[email]=${q(email)}&filters[connectionid]=${q(connectionId)}`,
      key: 'ecomCustomers',
      match: (c) =>
        text(c, 'connectionid') === connectionId &&
        (text(c, 'email') ?? '').toLowerCase() === email.toLowerCase(),
    },
    {
      path: '/api/3/ecomCustomers',
      key: 'ecomCustomer',
      body: {
        connectionid: connectionId,
        externalid: email.toLowerCase(),
        email,
        acceptsMarketing: event.buyer?.newsletterConsent === true ? '1' : '0',
      },
    },
  );
  if (!customer.ok) return customer;

  const body = orderBody(event, priced, {
    connection: connectionId,
    customer: customer.value.id,
    email,
  });
  const externalId = String(body.externalid);
  const created = await client.call({
    method: 'POST',
    path: '/api/3/ecomOrders',
    json: { ecomOrder: body },
  });
  if (created.ok) {
    const id = idOf(created.body, 'ecomOrder');
    return id
      ? { ok: true, value: `order ${id} recorded` }
      : { ok: false, result: unexpectedAnswer('POST /api/3/ecomOrders', created.body) };
  }
  // ActiveCampaign's own Magento module reads 400/422 on create as "already exists" (docs/protocols/activecampaign.md#endpoints).
  if (mayBeDuplicate(created.status)) {
    const listed = await listAll(
      client,
      `/api/3/ecomOrders?filters[email]=${q(email)}&filters[connectionid]=${q(connectionId)}`,
      'ecomOrders',
    );
    if (!listed.ok) return listed;
    const existing = listed.value.find((o) => text(o, 'externalid') === externalId);
    if (existing)
      return { ok: true, value: `order ${text(existing, 'id') ?? externalId} already recorded` };
  }
  return { ok: false, result: created.result };
}
