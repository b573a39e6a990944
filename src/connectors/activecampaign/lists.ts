/**
 * List membership (docs/protocols/activecampaign.md#endpoints "Lists"): `POST /api/3/contactLists` with
 * status 1 (subscribed; also re-subscribes) or 2 (unsubscribed). Setting a status the contact
 * already has changes nothing, so repeating it is safe.
 */
import type { TargetClient } from '../target-client.js';
import type { Step } from './client.js';

export const SUBSCRIBED = 1;
export const UNSUBSCRIBED = 2;

/** Subscribes to `subscribe` and unsubscribes from `unsubscribe` (a list in both is subscribed). */
export async function applyLists(
  client: TargetClient,
  contactId: string,
  subscribe: readonly string[],
  unsubscribe: readonly string[],
): Promise<Step<{ subscribed: number; unsubscribed: number }>> {
  const subscribing = [...new Set(subscribe)];
  const leaving = [...new Set(unsubscribe)].filter((list) => !subscribing.includes(list));
  const changes = [
    ...subscribing.map((list) => ({ list, status: SUBSCRIBED })),
    ...leaving.map((list) => ({ list, status: UNSUBSCRIBED })),
  ];
  for (const { list, status } of changes) {
    const answer = await client.call({
      method: 'POST',
      path: '/api/3/contactLists',
      json: { contactList: { list, contact: contactId, status } },
    });
    if (!answer.ok) return { ok: false, result: answer.result };
  }
  return { ok: true, value: { subscribed: subscribing.length, unsubscribed: leaving.length } };
}
