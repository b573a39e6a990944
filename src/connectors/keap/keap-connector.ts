/**
 * The `keap` connector (docs/protocols/keap.md and docs/protocols/README.md#across-the-targets):
 * per event, the contact is found by e-mail and updated or created with name, phone, billing
 * address and values for EXISTING custom fields; the e-mail is opted in only when the buyer gave
 * newsletter consent; the event's action applies and removes tags (created on first use); a
 * payment can add an order note. Every write is checked first or an update, so a retried
 * delivery changes nothing twice. All calls of a delivery share one client: the account's
 * request budget, one token refresh on 401 (OAuth), 429/5xx retried after `Retry-After`.
 */
import type { CanonicalEvent } from '../../core/events.js';
import type { Connector, DeliveryResult, TestContext } from '../connector.js';
import { actionFieldKeys, actionFor, actionKeyOf } from '../event-actions.js';
import { mappedText, renderedText } from '../mapped-text.js';
import { renderTagNames, renderTemplate, templateScope } from '../template.js';
import { CONTACT_FIELDS, keapConfigSchema } from './config.js';
import type { ContactField, KeapAction, KeapConfig } from './config.js';
import { upsertContact } from './contacts.js';
import { fieldValues, keapFields } from './custom-fields.js';
import { fieldsForDelivery, fieldsForTest } from '../existing-fields.js';
import { createKeapClient } from './keap-client.js';
import type { KeapDeps } from './keap-client.js';
import { writeOrderNote } from './order-note.js';
import { applyTags } from './tags.js';

export type { KeapConfig } from './config.js';

async function deliver(
  event: CanonicalEvent,
  config: KeapConfig,
  action: KeapAction,
  deps: KeapDeps,
): Promise<DeliveryResult> {
  const scope = templateScope(event);
  const mapped = mappedText(config.contact, scope);
  const values: Partial<Record<ContactField, string>> = {};
  for (const field of CONTACT_FIELDS) if (mapped[field]) values[field] = mapped[field];
  if (!values.email)
    return {
      outcome: 'failed',
      reason: `Keap contacts are found by e-mail and this ${event.type} event has none (contact field "email" ← "${config.contact.email ?? ''}")`,
    };
  const client = createKeapClient(config, deps);

  let customFields: Array<{ id: string; content: string }> = [];
  const customKeys = [
    ...new Set([...Object.keys(config.customFields), ...Object.keys(action.customFields)]),
  ];
  if (customKeys.length > 0) {
    const fields = await fieldsForDelivery(keapFields(client), customKeys);
    if (!fields.ok) return fields.result;
    // The event's own fields last: they win over the connection's for the same field.
    customFields = fieldValues(
      fields.value,
      mappedText(config.customFields, scope),
      renderedText(action.customFields, scope),
    );
  }

  const consented = config.optIn.enabled && event.buyer?.newsletterConsent === true;
  const upserted = await upsertContact(client, {
    values,
    optInReason: consented ? renderTemplate(config.optIn.reason, scope).trim() || null : null,
    customFields,
  });
  if (!upserted.ok) return upserted.result;
  const { contact, created } = upserted.value;
  const summary = [`contact ${contact.id} ${created ? 'created' : 'updated'}`];
  if (consented) summary.push('opted in');

  const tags = await applyTags(
    client,
    contact,
    renderTagNames(action.addTags, scope),
    renderTagNames(action.removeTags, scope),
  );
  if (!tags.ok) return tags.result;
  summary.push(`tags +${tags.value.added} -${tags.value.removed}`);

  if (config.orderNote.enabled && config.orderNote.userId && event.type === 'payment') {
    const note = await writeOrderNote(client, contact.id, config.orderNote.userId, event);
    if (!note.ok) return note.result;
    summary.push(note.value);
  }
  return { outcome: 'delivered', response: summary.join(', ') };
}

/** What the Keap client needs from a delivery's or a connection test's context. */
function depsOf(ctx: TestContext): KeapDeps {
  return {
    http: ctx.http,
    clock: ctx.clock,
    logger: ctx.logger,
    signal: ctx.signal,
    caches: ctx.caches,
    ...(ctx.saveConfig ? { saveConfig: ctx.saveConfig } : {}),
  };
}

/** The Keap connector; a plain object that satisfies `Connector<KeapConfig>`. */
export function keapConnector() {
  return {
    id: 'keap',
    displayName: 'Keap',
    description:
      "Creates or updates the buyer as a Keap (Infusionsoft) contact found by e-mail, with name, phone and billing address, fills existing custom fields, applies and removes tags per event (created on first use) and can add an order note per payment. Opts the e-mail in only when the buyer agreed to the newsletter. Signs in with a personal access token or service account key, or with OAuth2 (the refresh token is renewed and stored encrypted). Stays within Keap's request limits. The connection test reads the account's custom fields (nothing is written) and checks the configured ones exist.",
    configSchema: keapConfigSchema,
    secretFields: ['credentials.apiKey', 'credentials.clientSecret', 'credentials.refreshToken'],

    async deliver(event, config, ctx) {
      const action = actionFor(config.actions, event);
      if (!action)
        return {
          outcome: 'skipped',
          reason: `no Keap action is configured for ${actionKeyOf(event) ?? event.type} events`,
        };
      return deliver(event, config, action, depsOf(ctx));
    },

    async testConnection(config, ctx) {
      const client = createKeapClient(config, depsOf(ctx));
      const keys = actionFieldKeys(config.customFields, config.actions);
      const fields = await fieldsForTest(keapFields(client), keys);
      if (!fields.ok) return fields.answer;
      const count = fields.value.length;
      return {
        ok: true,
        message: `connected to Keap: the ${config.credentials.method === 'apiKey' ? 'API key' : 'OAuth app'} works and the account has ${count} contact custom field${count === 1 ? '' : 's'}${keys.length > 0 ? `, including the ${keys.length} configured` : ''}`,
      };
    },
  } satisfies Connector<KeapConfig>;
}
