/**
 * The `capsule` connector (docs/protocols/capsule.md and docs/protocols/README.md#across-the-targets):
 * per event, the buyer's person party is found by e-mail and created or updated with name,
 * address, phone, existing custom fields and the event's tags, all in one write; then the
 * order's opportunity takes the event's step (open, won, lost) when opportunities are on.
 *
 * One delivery:
 * 1. the event's action (none → `skipped`); no buyer e-mail → `failed`;
 * 2. the custom field definitions, when custom fields are configured (a missing one fails the
 *    delivery with its name);
 * 3. `GET /parties/search` for the person, then `POST /parties` or `PUT /parties/{id}` with
 *    only what changes (nothing at all when nothing does);
 * 4. the opportunity (`opportunity.ts`).
 * Deliveries for one e-mail take turns, so two events of one buyer never create two people.
 * Every call goes through one target client (the token's hourly budget; 401/403 → failed
 * `TARGET_AUTH_FAILED`; 408/429/5xx → retry after `Retry-After` or `X-RateLimit-Reset`; other
 * 4xx → failed with Capsule's message).
 */
import type { CanonicalEvent } from '../../core/events.js';
import { cacheSlot } from '../../lib/cache-scope.js';
import type { Connector, DeliveryContext, DeliveryResult, TestContext } from '../connector.js';
import { actionFor, actionKeyOf } from '../event-actions.js';
import { createKeyedQueue } from '../keyed-queue.js';
import { testResult } from '../target-client.js';
import type { TargetClient } from '../target-client.js';
import { renderTagNames, templateScope } from '../template.js';
import { textValues } from './mapped-values.js';
import { CAPSULE, createCapsuleClient } from './capsule-client.js';
import type { CapsuleClientDeps } from './capsule-client.js';
import { capsuleConfigSchema } from './config.js';
import type { CapsuleAction, CapsuleConfig } from './config.js';
import { capsuleFields, wantedValues } from './custom-fields.js';
import { fieldsForDelivery, fieldsForTest } from '../existing-fields.js';
import type { WantedValue } from './custom-fields.js';
import { milestoneProblems, syncOpportunity } from './opportunity.js';
import { findPerson, writePerson } from './party.js';
import type { PartyValues } from './party.js';

export type { CapsuleConfig } from './config.js';

export interface CapsuleConnectorOptions {
  /** The token's hourly budget; Capsule allows 4,000 (docs/protocols/capsule.md#errors-and-rate-limit). Tests raise it. */
  requestsPerHour?: number;
}

const PER_PERSON = cacheSlot('Capsule turns per person', () => createKeyedQueue());

function clientFor(
  config: CapsuleConfig,
  ctx: DeliveryContext | TestContext,
  options: CapsuleConnectorOptions,
): TargetClient {
  const deps: CapsuleClientDeps = {
    http: ctx.http,
    clock: ctx.clock,
    signal: ctx.signal,
    caches: ctx.caches,
    ...(options.requestsPerHour !== undefined ? { requestsPerHour: options.requestsPerHour } : {}),
  };
  return createCapsuleClient(config, deps);
}

async function customValues(
  client: TargetClient,
  config: CapsuleConfig,
  scope: Record<string, unknown>,
): Promise<{ ok: true; value: WantedValue[] } | { ok: false; result: DeliveryResult }> {
  const names = Object.keys(config.customFields);
  if (names.length === 0) return { ok: true, value: [] };
  const definitions = await fieldsForDelivery(capsuleFields(client), names);
  if (!definitions.ok) return definitions;
  return {
    ok: true,
    value: wantedValues(definitions.value, textValues(config.customFields, scope)),
  };
}

async function deliverAction(
  event: CanonicalEvent,
  config: CapsuleConfig,
  action: CapsuleAction,
  email: string,
  client: TargetClient,
): Promise<DeliveryResult> {
  const scope = templateScope(event);
  const fields = await customValues(client, config, scope);
  if (!fields.ok) return fields.result;
  const found = await findPerson(client, email);
  if (!found.ok) return found.result;
  const values = textValues(config.party, scope) as PartyValues;
  const written = await writePerson(client, email, found.value, {
    values,
    addTags: renderTagNames(action.addTags, scope),
    removeTags: renderTagNames(action.removeTags, scope),
    fields: fields.value,
  });
  if (!written.ok) return written.result;
  const { id, change, added, removed } = written.value;
  const notes = [`person ${id} ${change}`, `tags +${added} -${removed}`];
  if (config.opportunity.enabled && action.opportunity) {
    const synced = await syncOpportunity(client, event, id, action.opportunity, config.opportunity);
    if (!synced.ok) return synced.result;
    notes.push(synced.value);
  }
  return { outcome: 'delivered', response: notes.join(', ') };
}

async function testConnection(
  config: CapsuleConfig,
  ctx: TestContext,
  options: CapsuleConnectorOptions,
): Promise<{ ok: boolean; message: string }> {
  const client = clientFor(config, ctx, options);
  const site = await client.call({ method: 'GET', path: '/site' });
  if (!site.ok) return testResult(site, '');
  const checked = ['the API token works'];
  const names = Object.keys(config.customFields);
  if (names.length > 0) {
    const definitions = await fieldsForTest(capsuleFields(client), names);
    if (!definitions.ok) return definitions.answer;
    checked.push(`the custom fields ${names.join(', ')} exist`);
  }
  if (config.opportunity.enabled) {
    const problems = await milestoneProblems(client, config.opportunity);
    if (!problems.ok) return testResult({ ok: false, result: problems.result }, '');
    if (problems.value) return { ok: false, message: `connected, but ${problems.value}` };
    checked.push(`the milestones are on pipeline ${config.opportunity.pipelineId}`);
  }
  return { ok: true, message: `connected to ${CAPSULE}: ${checked.join('; ')}` };
}

/** The Capsule CRM connector; a plain object that satisfies `Connector<CapsuleConfig>`. */
export function capsuleConnector(options: CapsuleConnectorOptions = {}) {
  return {
    id: 'capsule',
    displayName: 'Capsule CRM',
    description:
      'Finds the buyer as a Capsule person by e-mail and creates or updates them with name, address, phone and existing custom fields, adds and removes tags per event (templates such as "{product.name}"), and can keep one opportunity per order on a chosen pipeline, won on payment and lost on refund. Stays within Capsule\'s 4,000 requests per hour per user. The connection test reads the account (nothing is written) and checks the configured custom fields and milestones exist.',
    configSchema: capsuleConfigSchema,
    secretFields: ['apiToken'],

    async deliver(event, config, ctx) {
      const action = actionFor(config.actions, event);
      if (!action)
        return {
          outcome: 'skipped',
          reason: `no Capsule action is configured for ${actionKeyOf(event) ?? event.type} events`,
        };
      const email = textValues({ email: config.party.email ?? '' }, templateScope(event)).email;
      if (!email)
        return {
          outcome: 'failed',
          reason: `Capsule people are found by e-mail and this ${event.type} event has none (person field "email" ← "${config.party.email ?? ''}")`,
        };
      const client = clientFor(config, ctx, options);
      return ctx.caches
        .get(PER_PERSON)
        .run(
          email.toLowerCase(),
          () => deliverAction(event, config, action, email, client),
          ctx.signal,
        );
    },

    testConnection: (config, ctx) => testConnection(config, ctx, options),
  } satisfies Connector<CapsuleConfig>;
}
