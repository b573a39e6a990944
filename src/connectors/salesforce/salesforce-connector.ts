/**
 * The `salesforce` connector (docs/protocols/salesforce.md and docs/protocols/README.md#across-the-targets): each event updates the
 * buyer's Contact or Lead (fields, tags in a tag field) and, when enabled, the order's
 * Opportunity, as the connection's per-event actions say.
 *
 * - Login: OAuth 2.0 username-password flow (password + security token) or client credentials
 *   (docs/protocols/salesforce.md#login), cached per credentials; a 401 `INVALID_SESSION_ID` logs in again once (docs/protocols/salesforce.md#expired-sessions).
 * - Writes are idempotent: records are found by Email or upserted by an External ID field,
 *   Opportunities by an External ID holding the order key, tags merged as a set (docs/protocols/salesforce.md#upsert-by-external-id, docs/protocols/salesforce.md#idempotency).
 * - Outcomes: 429/5xx/network and 403 `REQUEST_LIMIT_EXCEEDED` → retry (the latter after a long
 *   back-off); rejected logins → failed with `TARGET_AUTH_FAILED`; other 4xx → failed with
 *   Salesforce's `errorCode: message`.
 */
import type { Connector, DeliveryResult } from '../connector.js';
import { actionFor, actionKeyOf } from '../event-actions.js';
import { templateScope } from '../template.js';
import { salesforceConfigSchema } from './config.js';
import type { SalesforceConfig } from './config.js';
import { syncOpportunity } from './opportunity-sync.js';
import { syncRecord } from './record-sync.js';
import { salesforceApi } from './salesforce-api.js';
import { checkSetup } from './setup-check.js';

export type { SalesforceAction, SalesforceConfig } from './config.js';

/** The Salesforce connector; a plain object that satisfies `Connector<SalesforceConfig>`. */
export function salesforceConnector() {
  return {
    id: 'salesforce',
    displayName: 'Salesforce',
    description:
      "Creates or updates the buyer as a Contact or Lead (mapped standard and custom fields, the buyer's address, tags in a field of your choice) and optionally keeps one Opportunity per order: Closed Won on payment, a stage of your choice on refund and chargeback. Logs in with the OAuth username-password flow (with security token) or client credentials. The connection test logs in and checks that the mapped fields exist; it writes nothing.",
    configSchema: salesforceConfigSchema,
    secretFields: ['credentials.clientSecret', 'credentials.password', 'credentials.securityToken'],

    async deliver(event, config, ctx): Promise<DeliveryResult> {
      const action = actionFor(config.actions, event);
      if (!action)
        return {
          outcome: 'skipped',
          reason: `no action configured for ${actionKeyOf(event) ?? event.type} events`,
        };
      const opportunityStage = config.opportunity.enabled ? action.opportunity : undefined;
      if (action.record === 'none' && !opportunityStage)
        return {
          outcome: 'skipped',
          reason: `the ${event.type} action changes nothing in Salesforce`,
        };

      const api = salesforceApi(config, {
        http: ctx.http,
        clock: ctx.clock,
        signal: ctx.signal,
        caches: ctx.caches,
      });
      const scope = templateScope(event);
      const notes: string[] = [];
      let acted = false;
      let contactId: string | null = null;

      if (action.record !== 'none') {
        const record = await syncRecord(api, config, action, event, scope);
        if (!record.ok) return record.result;
        notes.push(record.value.note);
        acted ||= record.value.acted;
        contactId = record.value.contactId;
      }
      if (opportunityStage) {
        const opportunity = await syncOpportunity(
          api,
          config,
          opportunityStage,
          event,
          scope,
          contactId,
        );
        if (!opportunity.ok) return opportunity.result;
        notes.push(opportunity.value.note);
        acted ||= opportunity.value.acted;
      }
      const summary = notes.join('; ');
      return acted
        ? { outcome: 'delivered', response: summary }
        : { outcome: 'skipped', reason: summary };
    },

    async testConnection(config, ctx) {
      return checkSetup(
        salesforceApi(config, {
          http: ctx.http,
          clock: ctx.clock,
          signal: ctx.signal,
          caches: ctx.caches,
        }),
        config,
      );
    },
  } satisfies Connector<SalesforceConfig>;
}
