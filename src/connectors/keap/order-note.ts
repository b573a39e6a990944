/**
 * The order note per payment (docs/protocols/keap.md#notes): a note on the contact
 * (`POST /v2/contacts/<id>/notes`, written as the configured user) whose title carries the
 * transaction's key. The contact's notes are read first, so a retried delivery finds the note
 * its first attempt wrote and adds none.
 */
import type { CanonicalEvent } from '../../core/events.js';
import { formatMoney } from '../../core/money.js';
import type { TargetClient } from '../target-client.js';
import { listAll } from './keap-client.js';
import type { Step } from './keap-client.js';

/** What makes one payment's note findable: the order and transaction ids, or the event id. */
export function noteKey(event: CanonicalEvent): string {
  const order = event.order;
  const id = order?.transactionId ?? order?.id ?? event.id;
  return `[ipnhub ${event.source.provider} ${id}]`;
}

function noteText(event: CanonicalEvent): string {
  const order = event.order;
  const lines = [
    `Payment received (${event.source.provider}${event.source.test ? ', test' : ''}) on ${event.occurredAt}`,
    order?.id ? `Order: ${order.id}` : null,
    order?.transactionId ? `Transaction: ${order.transactionId}` : null,
    ...(order?.items ?? []).map(
      (item) => `Product: ${item.name ?? item.productId ?? '?'} × ${item.quantity}`,
    ),
    order && order.amount !== null ? `Amount: ${formatMoney(order.amount, order.currency)}` : null,
    order?.invoiceUrl ? `Invoice: ${order.invoiceUrl}` : null,
  ];
  return lines.filter((line): line is string => line !== null).join('\n');
}

export async function writeOrderNote(
  client: TargetClient,
  contactId: string,
  userId: string,
  event: CanonicalEvent,
): Promise<Step<string>> {
  const key = noteKey(event);
  const notes = await listAll(client, `/v2/contacts/${contactId}/notes`, 'notes');
  if (!notes.ok) return notes;
  if (notes.value.some((note) => typeof note.title === 'string' && note.title.includes(key)))
    return { ok: true, value: 'order note already there' };
  const product = event.order?.items[0]?.name;
  const answer = await client.call({
    method: 'POST',
    path: `/v2/contacts/${contactId}/notes`,
    json: {
      title: `${product ? `${product} ` : ''}payment ${key}`,
      text: noteText(event),
      type: 'Other',
      user_id: userId,
    },
  });
  if (!answer.ok) return { ok: false, result: answer.result };
  return { ok: true, value: 'order note added' };
}
