/**
 * The `klicktipp` connector (docs/protocols/klicktipp.md and docs/protocols/README.md#across-the-targets): per event, it
 * subscribes the buyer by e-mail with the mapped fields (address included) and a tag, adds and
 * removes tags by name, and unsubscribes, as the connection's actions say.
 *
 * Every write is idempotent: `POST /subscriber` is an upsert by e-mail (docs/protocols/klicktipp.md#idempotency), tags are looked
 * up by name before one is created, tagging a tagged contact and untagging a missing tag are
 * success, and an unsubscribe of a contact that is no longer subscribed (406 error 9) is done.
 * A retried delivery therefore never creates a second contact or tag.
 */
import type { CanonicalEvent, EventType } from '../../core/events.js';
import type { Connector, DeliveryResult } from '../connector.js';
import { actionFor, actionKeyOf } from '../event-actions.js';
import type { TargetClient } from '../target-client.js';
import { testResult } from '../target-client.js';
import { klickTippConfigSchema } from './config.js';
import type { KlickTippAction, KlickTippConfig } from './config.js';
import { klickTippErrorCode } from './error-message.js';
import { klickTippFields } from './field-values.js';
import { klickTippClient, TARGET_NAME } from './klicktipp-client.js';
import { renderTagNames, resolveTags } from './tags.js';
import { isRecord } from '../../lib/is-record.js';

export type { KlickTippConfig } from './config.js';

/** Events that always carry the buyer's e-mail; without it a delivery of them fails instead of being skipped. */
const EMAIL_EXPECTED: ReadonlySet<EventType> = new Set<EventType>([
  'payment',
  'refund',
  'chargeback',
  'affiliation',
]);

/** 406 codes that mean "already not subscribed": subscription not found, subscriber not subscribed. */
const NOT_SUBSCRIBED_CODES: ReadonlySet<number> = new Set([4, 9]);

type Step<T> = { ok: true; value: T } | { ok: false; result: DeliveryResult };

function idOf(value: unknown): string | null {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value === 'string' && /^\d+$/.test(value)) return value;
  return null;
}

interface Contact {
  id: string;
  summary: string;
  /** Tag ids still to add with `/subscriber/tag` (the subscribe call applies the first one itself). */
  pendingTags: number[];
}

async function subscribe(
  client: TargetClient,
  email: string,
  config: KlickTippConfig,
  action: KlickTippAction,
  fields: Record<string, string>,
  tags: number[],
): Promise<Step<Contact>> {
  const listId = action.listId ?? config.listId;
  const [first, ...rest] = tags;
  const body = {
    email,
    ...(listId !== undefined ? { listid: listId } : {}),
    ...(first !== undefined ? { tagid: first } : {}),
    ...(Object.keys(fields).length > 0 ? { fields } : {}),
  };
  const answer = await client.call({ method: 'POST', path: '/subscriber', json: body });
  if (!answer.ok) return { ok: false, result: answer.result };
  const contact = isRecord(answer.body) ? answer.body : {};
  const id = idOf(contact.id) ?? '?';
  const status = typeof contact.status === 'string' ? ` (${contact.status})` : '';
  return { ok: true, value: { id, summary: `contact ${id} upserted${status}`, pendingTags: rest } };
}

async function findContact(
  client: TargetClient,
  email: string,
  event: CanonicalEvent,
  tags: number[],
): Promise<Step<Contact>> {
  const answer = await client.call({ method: 'POST', path: '/subscriber/search', json: { email } });
  if (!answer.ok) {
    if (answer.status === 404)
      return {
        ok: false,
        result: {
          outcome: 'skipped',
          reason: `${email} is not a ${TARGET_NAME} contact; nothing to change on ${event.type}`,
        },
      };
    return { ok: false, result: answer.result };
  }
  const id = (Array.isArray(answer.body) ? idOf(answer.body[0]) : null) ?? '?';
  return { ok: true, value: { id, summary: `contact ${id} found`, pendingTags: tags } };
}

async function deliverAction(
  event: CanonicalEvent,
  config: KlickTippConfig,
  client: () => TargetClient,
  action: KlickTippAction,
): Promise<DeliveryResult> {
  const addNames = renderTagNames(action.addTags, event);
  const removeNames = renderTagNames(action.removeTags, event);
  if (
    !action.subscribe &&
    !action.unsubscribe &&
    addNames.length === 0 &&
    removeNames.length === 0
  ) {
    return {
      outcome: 'skipped',
      reason: `the ${event.type} action has nothing to do for this event (its tags render empty)`,
    };
  }
  const email = event.buyer?.email ?? null;
  if (!email) {
    const reason = `the ${event.type} event carries no buyer e-mail, and ${TARGET_NAME} finds contacts by e-mail`;
    return EMAIL_EXPECTED.has(event.type)
      ? { outcome: 'failed', reason }
      : { outcome: 'skipped', reason };
  }
  let fields: Record<string, string> = {};
  if (action.subscribe) {
    const mapped = klickTippFields(config.mapping, config.fieldTypes, event);
    if (!mapped.ok) return { outcome: 'failed', reason: mapped.reason };
    fields = mapped.fields;
  }

  const api = client();
  const tags = await resolveTags(
    api,
    { add: addNames, remove: removeNames },
    config.createMissingTags,
  );
  if (!tags.ok) return tags.result;
  const contact = action.subscribe
    ? await subscribe(api, email, config, action, fields, tags.tags.add)
    : await findContact(api, email, event, tags.tags.add);
  if (!contact.ok) return contact.result;
  const { pendingTags } = contact.value;

  if (pendingTags.length > 0) {
    const tagged = await api.call({
      method: 'POST',
      path: '/subscriber/tag',
      json: { email, tagids: pendingTags },
    });
    if (!tagged.ok) return tagged.result;
  }
  for (const tagid of tags.tags.remove) {
    const untagged = await api.call({
      method: 'POST',
      path: '/subscriber/untag',
      json: { email, tagid },
    });
    if (!untagged.ok) return untagged.result;
  }
  let unsubscribed = '';
  if (action.unsubscribe) {
    const answer = await api.call({
      method: 'POST',
      path: '/subscriber/unsubscribe',
      json: { email },
    });
    const code = answer.ok ? null : klickTippErrorCode(answer.body);
    if (!answer.ok && !(answer.status === 406 && code !== null && NOT_SUBSCRIBED_CODES.has(code)))
      return answer.result;
    unsubscribed = answer.ok ? ', unsubscribed' : `, not subscribed (error ${code ?? '?'})`;
  }
  return {
    outcome: 'delivered',
    response: `${contact.value.summary}, tags +${tags.tags.add.length} -${tags.tags.remove.length}${unsubscribed}`,
  };
}

/** Field keys from `GET /field` (`{fieldKey: label}`). */
function fieldKeys(body: unknown): Set<string> {
  return new Set(isRecord(body) ? Object.keys(body) : []);
}

/** The Klick-Tipp connector; a plain object that satisfies `Connector<KlickTippConfig>`. */
export function klickTippConnector() {
  return {
    id: 'klicktipp',
    displayName: 'Klick-Tipp',
    description:
      'Subscribes buyers to Klick-Tipp by e-mail with their name, address and your custom fields, tags them by product and event, removes tags on refunds and chargebacks, and can unsubscribe. Logs in with your Klick-Tipp username and password (or as a partner with developer and customer key). The connection test logs in and reads your field list, and says which mapped fields Klick-Tipp does not have.',
    configSchema: klickTippConfigSchema,
    secretFields: ['auth.password', 'auth.developerKey', 'auth.customerKey'],

    async deliver(event, config, ctx) {
      const action = actionFor(config.actions, event);
      if (!action)
        return {
          outcome: 'skipped',
          reason: `no ${TARGET_NAME} action is configured for ${actionKeyOf(event) ?? event.type} events`,
        };
      return deliverAction(event, config, () => klickTippClient(config, ctx), action);
    },

    async testConnection(config, ctx) {
      const answer = await klickTippClient(config, ctx).call({ method: 'GET', path: '/field' });
      if (!answer.ok) return testResult(answer, '');
      const known = fieldKeys(answer.body);
      const used = [
        ...new Set([...Object.keys(config.mapping), ...Object.keys(config.fieldTypes)]),
      ];
      const missing = used.filter((key) => !known.has(key));
      if (missing.length > 0) {
        return {
          ok: false,
          message: `logged in to ${TARGET_NAME} as ${config.auth.username}, but it has no field ${missing.join(', ')}: create the fields in Klick-Tipp or fix the mapping (the connector never creates fields)`,
        };
      }
      return {
        ok: true,
        message: `logged in to ${TARGET_NAME} as ${config.auth.username}; all ${used.length} mapped fields exist`,
      };
    },
  } satisfies Connector<KlickTippConfig>;
}
