/**
 * The order's Opportunity (reference target-apis.md §1.4 upsert, §1.6 Opportunity fields):
 * keyed by an External ID field on Opportunity holding the order key, so a retried delivery
 * updates the same Opportunity. "create" actions (payments) upsert it with Name, StageName,
 * CloseDate (the event's date), Amount (the payment as a decimal, §7) and the extra fields;
 * other actions only move an existing Opportunity to their stage. The buyer's Contact is linked
 * once through an OpportunityContactRole, the portable way to set the primary contact (§1.6).
 */
import type { CanonicalEvent } from '../../core/events.js';
import { formatMoney } from '../../core/money.js';
import { applyMapping, renderTemplate } from '../template.js';
import type { SalesforceAction, SalesforceConfig } from './config.js';
import { withoutEmpty } from './record-body.js';
import type { SalesforceApi } from './salesforce-api.js';
import { selectWhere } from './soql.js';
import { answeredId, recordId } from './step.js';
import type { Step, StepNote } from './step.js';

/** Salesforce's limit for Opportunity.Name. */
const NAME_LENGTH = 120;

type StageAction = NonNullable<SalesforceAction['opportunity']>;

function fullBody(config: SalesforceConfig, stage: string, event: CanonicalEvent, scope: Record<string, unknown>): Record<string, unknown> {
  const order = event.order;
  const computed: Record<string, unknown> = {
    Name: renderTemplate(config.opportunity.name, scope).trim().slice(0, NAME_LENGTH),
    StageName: stage,
    CloseDate: event.occurredAt.slice(0, 10),
    Amount: order && order.amount !== null ? Number(formatMoney(order.amount, order.currency)) : null,
  };
  const body = withoutEmpty({ ...computed, ...applyMapping(config.opportunity.mapping, scope) });
  delete body.Id;
  if (config.opportunity.externalIdField) delete body[config.opportunity.externalIdField];
  return body;
}

async function linkContact(api: SalesforceApi, config: SalesforceConfig, opportunityId: string, contactId: string): Promise<Step<string>> {
  const found = await api.query(
    selectWhere({ object: 'OpportunityContactRole', fields: ['Id'], where: [['OpportunityId', opportunityId], ['ContactId', contactId]], limit: 1 }),
  );
  if (!found.ok) return found;
  if (recordId(found.records[0])) return { ok: true, value: '' };
  const role = config.opportunity.contactRole;
  const created = await api.call({
    method: 'POST',
    path: api.data('/sobjects/OpportunityContactRole/'),
    json: { OpportunityId: opportunityId, ContactId: contactId, IsPrimary: true, ...(role ? { Role: role } : {}) },
    headers: api.writeHeaders,
  });
  if (!created.ok) return { ok: false, result: created.result };
  return { ok: true, value: `, contact ${contactId} linked` };
}

/** Applies `stage` to the order's Opportunity; `contactId` is the buyer's Contact when there is one. */
export async function syncOpportunity(
  api: SalesforceApi,
  config: SalesforceConfig,
  stage: StageAction,
  event: CanonicalEvent,
  scope: Record<string, unknown>,
  contactId: string | null,
): Promise<Step<StepNote>> {
  const field = config.opportunity.externalIdField;
  if (!field) return { ok: false, result: { outcome: 'failed', reason: 'Opportunities are enabled but no External ID field on Opportunity is configured' } };
  const key = renderTemplate(config.opportunity.key, scope).trim();
  if (!key) return { ok: true, value: { acted: false, note: `no order key for an Opportunity ("${config.opportunity.key}" is empty)` } };

  if (!stage.create) {
    const found = await api.query(selectWhere({ object: 'Opportunity', fields: ['Id', 'StageName'], where: [[field, key]], limit: 1 }));
    if (!found.ok) return found;
    const existing = found.records[0];
    const id = recordId(existing);
    if (!id) return { ok: true, value: { acted: false, note: `no Opportunity for ${key}` } };
    if (existing?.StageName === stage.stage) return { ok: true, value: { acted: true, note: `Opportunity ${id} already ${stage.stage}` } };
    const updated = await api.call({ method: 'PATCH', path: api.data(`/sobjects/Opportunity/${id}`), json: { StageName: stage.stage }, headers: api.writeHeaders });
    if (!updated.ok) return { ok: false, result: updated.result };
    return { ok: true, value: { acted: true, note: `Opportunity ${id} ${stage.stage}` } };
  }

  const upserted = await api.call({
    method: 'PATCH',
    path: api.data(`/sobjects/Opportunity/${field}/${encodeURIComponent(key)}`),
    json: fullBody(config, stage.stage, event, scope),
    headers: api.writeHeaders,
  });
  if (!upserted.ok) return { ok: false, result: upserted.result };
  let id = answeredId(upserted.body);
  if (!id) {
    const again = await api.query(selectWhere({ object: 'Opportunity', fields: ['Id'], where: [[field, key]], limit: 1 }));
    if (!again.ok) return again;
    id = recordId(again.records[0]);
  }
  const verb = upserted.status === 201 ? 'created' : 'updated';
  let linked = '';
  if (id && contactId && config.opportunity.linkContact) {
    const link = await linkContact(api, config, id, contactId);
    if (!link.ok) return link;
    linked = link.value;
  }
  return { ok: true, value: { acted: true, note: `Opportunity ${id ?? '(no id)'} ${verb} ${stage.stage}${linked}` } };
}
