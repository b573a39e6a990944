/**
 * The `activecampaign` connector (docs/protocols/activecampaign.md and docs/protocols/README.md#across-the-targets): per event, the contact
 * is upserted by e-mail with `contact/sync` (mapped standard fields plus values for EXISTING
 * custom fields), then the event's action adds and removes tags (created on first use) and
 * subscribes to or unsubscribes from lists; payments can also be recorded as Deep Data
 * e-commerce orders. Every write is an upsert or checked first, so a retried delivery changes
 * nothing twice. All calls of a delivery share one client: the account's 5 requests/s budget,
 * 403 → `TARGET_AUTH_FAILED` without retries, 429/503 → retry after `Retry-After`.
 */
import type { CanonicalEvent } from '../../core/events.js';
import type { Clock } from '../../lib/clock.js';
import type { HttpClient } from '../../lib/http-client.js';
import type { Connector, DeliveryResult } from '../connector.js';
import { actionFieldKeys, actionFor, actionKeyOf } from '../event-actions.js';
import { mappedText, renderedText } from '../mapped-text.js';
import { templateScope } from '../template.js';
import { createActiveCampaignClient } from './client.js';
import { activeCampaignConfigSchema } from './config.js';
import type { ActiveCampaignAction, ActiveCampaignConfig } from './config.js';
import { syncContact } from './contact.js';
import { activeCampaignFields, fieldValues } from './custom-fields.js';
import { fieldsForDelivery, fieldsForTest } from '../existing-fields.js';
import type { FieldValue } from './custom-fields.js';
import { recordOrder } from './deep-data.js';
import { applyLists } from './lists.js';
import { applyTags, renderTags } from './tags.js';
import type { CacheScope } from '../../lib/cache-scope.js';

export type { ActiveCampaignConfig } from './config.js';

export interface ActiveCampaignConnectorOptions {
  /** The account's request budget; ActiveCampaign allows 5 per second (docs/protocols/activecampaign.md#errors-and-rate-limit). Tests raise it. */
  requestsPerSecond?: number;
}

interface Deps {
  http: HttpClient;
  clock: Clock;
  signal: AbortSignal;
  caches: CacheScope;
  requestsPerSecond: number | undefined;
}

function clientFor(config: ActiveCampaignConfig, deps: Deps) {
  return createActiveCampaignClient({
    accountUrl: config.accountUrl,
    apiToken: config.apiToken,
    http: deps.http,
    clock: deps.clock,
    signal: deps.signal,
    caches: deps.caches,
    ...(deps.requestsPerSecond !== undefined ? { requestsPerSecond: deps.requestsPerSecond } : {}),
  });
}

async function deliver(
  event: CanonicalEvent,
  config: ActiveCampaignConfig,
  action: ActiveCampaignAction,
  deps: Deps,
): Promise<DeliveryResult> {
  const scope = templateScope(event);
  const contact = mappedText(config.contact, scope);
  const email = contact.email ?? '';
  if (email === '') {
    return {
      outcome: 'failed',
      reason: `ActiveCampaign identifies contacts by e-mail and this ${event.type} event has none (contact field "email" ← "${config.contact.email ?? ''}")`,
    };
  }
  const client = clientFor(config, deps);

  let values: FieldValue[] = [];
  const customKeys = [
    ...new Set([...Object.keys(config.customFields), ...Object.keys(action.customFields)]),
  ];
  if (customKeys.length > 0) {
    const fields = await fieldsForDelivery(activeCampaignFields(client), customKeys);
    if (!fields.ok) return fields.result;
    // The event's own fields last: they win over the connection's for the same field.
    values = fieldValues(
      fields.value,
      mappedText(config.customFields, scope),
      renderedText(action.customFields, scope),
    );
  }

  const synced = await syncContact(client, contact, values);
  if (!synced.ok) return synced.result;
  const contactId = synced.value;
  const summary = [`contact ${contactId} upserted`];

  const tags = await applyTags(
    client,
    contactId,
    renderTags(action.addTags, scope),
    renderTags(action.removeTags, scope),
    deps.signal,
  );
  if (!tags.ok) return tags.result;
  summary.push(`tags +${tags.value.added} -${tags.value.removed}`);

  if (action.subscribeLists.length > 0 || action.unsubscribeLists.length > 0) {
    const lists = await applyLists(
      client,
      contactId,
      action.subscribeLists,
      action.unsubscribeLists,
    );
    if (!lists.ok) return lists.result;
    summary.push(`lists +${lists.value.subscribed} -${lists.value.unsubscribed}`);
  }

  if (config.deepData.enabled && event.type === 'payment') {
    const order = await recordOrder(client, event, email, config.deepData);
    if (!order.ok) return order.result;
    summary.push(order.value);
  }
  return { outcome: 'delivered', response: summary.join(', ') };
}

/** The ActiveCampaign connector; a plain object that satisfies `Connector<ActiveCampaignConfig>`. */
export function activeCampaignConnector(options: ActiveCampaignConnectorOptions = {}) {
  return {
    id: 'activecampaign',
    displayName: 'ActiveCampaign',
    description:
      'Creates or updates the buyer as an ActiveCampaign contact (matched by e-mail), fills existing custom fields, adds and removes tags per event (created on first use; templates such as "{product.name}" or "paypal-integration-{event}"), optionally subscribes to or unsubscribes from lists and records payments as Deep Data e-commerce orders. Custom fields must already exist: ipnhub never creates fields. Stays within ActiveCampaign\'s 5 requests per second per account. The connection test reads the account\'s custom fields (nothing is written) and checks the configured ones exist.',
    configSchema: activeCampaignConfigSchema,
    secretFields: ['apiToken'],

    async deliver(event, config, ctx) {
      const action = actionFor(config.actions, event);
      if (!action)
        return {
          outcome: 'skipped',
          reason: `no ActiveCampaign action is configured for ${actionKeyOf(event) ?? event.type} events`,
        };
      return deliver(event, config, action, {
        http: ctx.http,
        clock: ctx.clock,
        signal: ctx.signal,
        caches: ctx.caches,
        requestsPerSecond: options.requestsPerSecond,
      });
    },

    async testConnection(config, ctx) {
      const client = clientFor(config, {
        http: ctx.http,
        clock: ctx.clock,
        signal: ctx.signal,
        caches: ctx.caches,
        requestsPerSecond: options.requestsPerSecond,
      });
      const keys = actionFieldKeys(config.customFields, config.actions);
      const fields = await fieldsForTest(activeCampaignFields(client), keys);
      if (!fields.ok) return fields.answer;
      const configured = keys.length;
      return {
        ok: true,
        message: `connected to ActiveCampaign: the API key works and the account has ${fields.value.length} custom field${fields.value.length === 1 ? '' : 's'}${configured > 0 ? `, including the ${configured} configured` : ''}`,
      };
    },
  } satisfies Connector<ActiveCampaignConfig>;
}
