/**
 * The `quentn` connector (docs/protocols/quentn.md and docs/protocols/README.md#across-the-targets): each event upserts the
 * buyer as a Quentn contact by e-mail and adds or removes tags (Quentn "terms") per product and
 * event, as the connection's actions say.
 *
 * One delivery:
 * 1. the event's action (none → `skipped`); no buyer e-mail → `failed` (`skipped` for
 *    affiliations), since Quentn keys contacts on e-mail here;
 * 2. `GET contact/<mail>` when the action only touches existing contacts, or when a new
 *    contact would get a confirmed e-mail (the status is only ever set on contacts this
 *    delivery creates, as Quentn's own Digistore24 integration does, docs/protocols/quentn.md#e-mail-confirmation);
 * 3. `POST contact` with `duplicate_check_method: "email"` (upsert, docs/protocols/quentn.md#idempotency);
 * 4. the contact's tags synced (`contact-tags.ts`): only missing tags are added, only present
 *    ones removed, so a repeated delivery writes nothing but the idempotent contact merge.
 * Every call goes through one target client (rate limit, classification: 401/403 → failed
 * `TARGET_AUTH_FAILED`, 408/429/5xx → retry honouring Retry-After, other 4xx → failed with
 * Quentn's message).
 */
import type { CanonicalEvent } from '../../core/events.js';
import { actionFor, actionKeyOf } from '../event-actions.js';
import type { Connector, DeliveryContext, DeliveryResult, TestContext } from '../connector.js';
import { testResult } from '../target-client.js';
import { customFieldsOf, quentnConfigSchema } from './config.js';
import type { QuentnAction, QuentnConfig } from './config.js';
import { contactFields, wantsConfirmedEmail } from './contact-fields.js';
import { syncContactTags } from './contact-tags.js';
import { findContactId, upsertContact } from './contacts.js';
import { createQuentnClient } from './quentn-client.js';
import { renderTagNames } from './tag-names.js';
import { isRecord } from '../../lib/is-record.js';

export type { QuentnConfig } from './config.js';

function noEmail(event: CanonicalEvent): DeliveryResult {
  const reason = `the ${event.type} event has no buyer e-mail, and Quentn contacts are found by e-mail`;
  return event.type === 'affiliation'
    ? { outcome: 'skipped', reason }
    : { outcome: 'failed', reason };
}

async function deliver(
  event: CanonicalEvent,
  config: QuentnConfig,
  ctx: DeliveryContext,
): Promise<DeliveryResult> {
  const action: QuentnAction | null = actionFor(config.actions, event);
  if (!action)
    return {
      outcome: 'skipped',
      reason: `no Quentn action for ${actionKeyOf(event) ?? event.type} events`,
    };
  const email = event.buyer?.email ?? null;
  if (!email) return noEmail(event);

  const client = createQuentnClient(config, {
    http: ctx.http,
    clock: ctx.clock,
    signal: ctx.signal,
    caches: ctx.caches,
  });
  const confirm =
    action.contact === 'upsert' && wantsConfirmedEmail(event, action, config.emailStatus);

  let existing: number | null = null;
  if (action.contact === 'existing' || confirm) {
    const found = await findContactId(client, email);
    if (!found.ok) return found.result;
    existing = found.value;
  }

  let contactId: number;
  const notes: string[] = [];
  if (action.contact === 'existing') {
    if (existing === null)
      return {
        outcome: 'skipped',
        reason: `no Quentn contact has the e-mail ${email}; nothing to change for ${event.type}`,
      };
    contactId = existing;
    notes.push(`contact ${contactId} found`);
  } else {
    const contact = contactFields(event, email, config);
    const confirming = confirm && existing === null;
    if (confirming) contact[config.emailStatus.field] = config.emailStatus.confirmedValue;
    const upserted = await upsertContact(client, contact, config.duplicateMergeMethod);
    if (!upserted.ok) return upserted.result;
    contactId = upserted.value;
    notes.push(
      `contact ${contactId} ${confirm ? (existing === null ? 'created' : 'updated') : 'upserted'}`,
    );
    if (confirming) notes.push('e-mail confirmed');
  }

  const tags = await syncContactTags(
    client,
    contactId,
    renderTagNames(action.addTags, event),
    renderTagNames(action.removeTags, event),
  );
  if (!tags.ok) return tags.result;
  notes.push(`tags +${tags.value.added} -${tags.value.removed}`);
  return { outcome: 'delivered', response: notes.join(', ') };
}

/** Field names in Quentn's `GET custom-fields` answer (a list, or an object keyed by field). */
function customFieldNames(body: unknown): Set<string> {
  const entries: unknown[] = Array.isArray(body) ? body : isRecord(body) ? Object.values(body) : [];
  const names = new Set<string>();
  for (const entry of entries) {
    if (isRecord(entry) && typeof entry.field_name === 'string') names.add(entry.field_name);
  }
  return names;
}

async function testConnection(
  config: QuentnConfig,
  ctx: TestContext,
): Promise<{ ok: boolean; message: string }> {
  const client = createQuentnClient(config, {
    http: ctx.http,
    clock: ctx.clock,
    signal: ctx.signal,
    caches: ctx.caches,
  });
  const check = await client.call({ method: 'GET', path: '/check-credentials' });
  if (check.ok && !(isRecord(check.body) && check.body.success === true)) {
    return {
      ok: false,
      message: `Quentn did not confirm the API key: ${JSON.stringify(check.body).slice(0, 200)}`,
    };
  }
  if (!check.ok && check.status === 404)
    return {
      ok: false,
      message: `${check.result.reason} (check the API base URL: it ends in /public/api/V1/)`,
    };
  const custom = customFieldsOf(config);
  if (!check.ok || custom.length === 0) return testResult(check, 'Quentn accepted the API key');

  // Mapped custom fields must exist in Quentn: ipnhub never creates fields. Still a read only.
  const fields = await client.call({ method: 'GET', path: '/custom-fields' });
  if (!fields.ok) return testResult(fields, '');
  const known = customFieldNames(fields.body);
  const missing = custom.filter((field) => !known.has(field));
  if (missing.length > 0)
    return {
      ok: false,
      message: `Quentn accepted the API key, but these mapped custom fields do not exist in Quentn: ${missing.join(', ')}`,
    };
  return {
    ok: true,
    message: `Quentn accepted the API key; mapped custom fields exist: ${custom.join(', ')}`,
  };
}

/** The Quentn connector; a plain object that satisfies `Connector<QuentnConfig>`. */
export function quentnConnector() {
  return {
    id: 'quentn',
    displayName: 'Quentn',
    description:
      'Creates or updates the buyer as a Quentn contact (duplicate check by e-mail) and adds or removes tags per product and event, e.g. "{product.name}" on payment, taken off again on refund. Optionally sets a new buyer\'s e-mail to confirmed from Digistore24\'s newsletter consent, and fills custom fields with the affiliate name, order id and invoice link. The connection test checks the API key (and that mapped custom fields exist) without changing anything.',
    configSchema: quentnConfigSchema,
    secretFields: ['apiKey'],
    deliver,
    testConnection,
  } satisfies Connector<QuentnConfig>;
}
