/**
 * The order's Opportunity (docs/protocols/salesforce.md#upsert-by-external-id upsert, docs/protocols/salesforce.md#standard-fields Opportunity fields),
 * keyed by an External ID field on Opportunity holding the order key, so a retried delivery
 * updates the same Opportunity. The buyer's Contact is linked once through an
 * OpportunityContactRole, the portable way to set the primary contact (docs/protocols/salesforce.md#standard-fields).
 *
 * "Create" actions (payments) read the Opportunity first, then upsert it:
 * - a new one gets Name, StageName, CloseDate (the payment's date), Amount (the payment as a
 *   decimal, docs/protocols/README.md#across-the-targets) and the extra fields;
 * - an existing one gets Name and the extra fields; Amount grows by this payment exactly once
 *   when the connection names a payments field (the transactions already added are listed
 *   there, so a retry adds nothing; without it Amount stays the first payment's); CloseDate
 *   stays; StageName is set unless the Opportunity is in a stage only this connection's refund
 *   or chargeback actions set: in Digistore24 a refund or chargeback ends the order's rebills,
 *   so a payment arriving after one is a late notification of an earlier payment or one the
 *   seller should look at, never a reason to call a lost order won again.
 * Other actions only move an existing Opportunity to their stage.
 */
import type { CanonicalEvent } from '../../core/events.js';
import { formatMoney, parseMoney } from '../../core/money.js';
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

/** Stages only the connection's non-creating actions (refund, chargeback) set: a payment leaves an Opportunity in them. */
export function closingStages(config: SalesforceConfig): Set<string> {
  const stages = Object.values(config.actions).flatMap((action) =>
    action?.opportunity ? [action.opportunity] : [],
  );
  const setByPayments = new Set(stages.filter((s) => s.create).map((s) => s.stage));
  return new Set(
    stages.filter((s) => !s.create && !setByPayments.has(s.stage)).map((s) => s.stage),
  );
}

/** The transactions a payments field lists (one per line; `;` and `,` also separate). */
export function listedPayments(value: unknown): string[] {
  return typeof value === 'string' ? value.split(/[\s;,]+/).filter((key) => key.length > 0) : [];
}

function transactionKey(event: CanonicalEvent): string {
  return event.order?.transactionId ?? event.id;
}

/** The extra fields on top of `computed`, without empty values, the Id or the key field. */
function withExtraFields(
  config: SalesforceConfig,
  computed: Record<string, unknown>,
  scope: Record<string, unknown>,
): Record<string, unknown> {
  const body = withoutEmpty({ ...computed, ...applyMapping(config.opportunity.mapping, scope) });
  delete body.Id;
  if (config.opportunity.externalIdField) delete body[config.opportunity.externalIdField];
  return body;
}

function decimalAmount(minor: number, currency: string | null): number {
  return Number(formatMoney(minor, currency));
}

interface AmountChange {
  /** The new Amount, or undefined to leave it. */
  amount?: number;
  /** The new payments field value, or undefined to leave it. */
  payments?: string;
  note: string;
}

/** How this payment changes the Amount of `existing` (or of a new Opportunity when there is none). */
function amountChange(
  config: SalesforceConfig,
  event: CanonicalEvent,
  existing: Record<string, unknown> | undefined,
): AmountChange {
  const order = event.order;
  if (!order || order.amount === null) return { note: '' };
  const field = config.opportunity.paymentsField;
  const key = transactionKey(event);
  if (!existing)
    return {
      amount: decimalAmount(order.amount, order.currency),
      ...(field ? { payments: key } : {}),
      note: '',
    };
  if (!field) return { note: '' };
  const listed = listedPayments(existing[field]);
  if (listed.includes(key)) return { note: `, payment ${key} already in Amount` };
  const before =
    typeof existing.Amount === 'number' ? parseMoney(String(existing.Amount), order.currency) : 0;
  if (before === null)
    return {
      note: `, Amount ${String(existing.Amount)} left as it is (not a decimal ipnhub can add to)`,
    };
  const total = before + order.amount;
  return {
    amount: decimalAmount(total, order.currency),
    payments: [...listed, key].join('\n'),
    note: `, Amount ${formatMoney(total, order.currency)} (+${formatMoney(order.amount, order.currency)})`,
  };
}

async function linkContact(
  api: SalesforceApi,
  config: SalesforceConfig,
  opportunityId: string,
  contactId: string,
): Promise<Step<string>> {
  const found = await api.query(
    selectWhere({
      object: 'OpportunityContactRole',
      fields: ['Id'],
      where: [
        ['OpportunityId', opportunityId],
        ['ContactId', contactId],
      ],
      limit: 1,
    }),
  );
  if (!found.ok) return found;
  if (recordId(found.records[0])) return { ok: true, value: '' };
  const role = config.opportunity.contactRole;
  const created = await api.call({
    method: 'POST',
    path: api.data('/sobjects/OpportunityContactRole/'),
    json: {
      OpportunityId: opportunityId,
      ContactId: contactId,
      IsPrimary: true,
      ...(role ? { Role: role } : {}),
    },
    headers: api.writeHeaders,
  });
  if (!created.ok) return { ok: false, result: created.result };
  return { ok: true, value: `, contact ${contactId} linked` };
}

/** Moves an existing Opportunity to `stage`; nothing when there is none. */
async function setStage(
  api: SalesforceApi,
  field: string,
  key: string,
  stage: string,
): Promise<Step<StepNote>> {
  const found = await api.query(
    selectWhere({
      object: 'Opportunity',
      fields: ['Id', 'StageName'],
      where: [[field, key]],
      limit: 1,
    }),
  );
  if (!found.ok) return found;
  const existing = found.records[0];
  const id = recordId(existing);
  if (!id) return { ok: true, value: { acted: false, note: `no Opportunity for ${key}` } };
  if (existing?.StageName === stage)
    return { ok: true, value: { acted: true, note: `Opportunity ${id} already ${stage}` } };
  const updated = await api.call({
    method: 'PATCH',
    path: api.data(`/sobjects/Opportunity/${id}`),
    json: { StageName: stage },
    headers: api.writeHeaders,
  });
  if (!updated.ok) return { ok: false, result: updated.result };
  return { ok: true, value: { acted: true, note: `Opportunity ${id} ${stage}` } };
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
  if (!field)
    return {
      ok: false,
      result: {
        outcome: 'failed',
        reason: 'Opportunities are enabled but no External ID field on Opportunity is configured',
      },
    };
  const key = renderTemplate(config.opportunity.key, scope).trim();
  if (!key)
    return {
      ok: true,
      value: {
        acted: false,
        note: `no order key for an Opportunity ("${config.opportunity.key}" is empty)`,
      },
    };
  if (!stage.create) return setStage(api, field, key, stage.stage);

  const paymentsField = config.opportunity.paymentsField;
  const found = await api.query(
    selectWhere({
      object: 'Opportunity',
      fields: ['Id', 'StageName', 'Amount', ...(paymentsField ? [paymentsField] : [])],
      where: [[field, key]],
      limit: 1,
    }),
  );
  if (!found.ok) return found;
  const existing = found.records[0];
  const amount = amountChange(config, event, existing);
  const currentStage = typeof existing?.StageName === 'string' ? existing.StageName : null;
  const keepsStage =
    currentStage !== null &&
    currentStage !== stage.stage &&
    closingStages(config).has(currentStage);
  const computed: Record<string, unknown> = {
    Name: renderTemplate(config.opportunity.name, scope).trim().slice(0, NAME_LENGTH),
    ...(keepsStage ? {} : { StageName: stage.stage }),
    ...(existing ? {} : { CloseDate: event.occurredAt.slice(0, 10) }),
    ...(amount.amount !== undefined ? { Amount: amount.amount } : {}),
    ...(paymentsField && amount.payments !== undefined ? { [paymentsField]: amount.payments } : {}),
  };

  const upserted = await api.call({
    method: 'PATCH',
    path: api.data(`/sobjects/Opportunity/${field}/${encodeURIComponent(key)}`),
    json: withExtraFields(config, computed, scope),
    headers: api.writeHeaders,
  });
  if (!upserted.ok) return { ok: false, result: upserted.result };
  let id = answeredId(upserted.body);
  if (!id) {
    // API ≤ 45.0 answers an update with 204 and no body (docs/protocols/salesforce.md#upsert-by-external-id): read the id back.
    const again = await api.query(
      selectWhere({ object: 'Opportunity', fields: ['Id'], where: [[field, key]], limit: 1 }),
    );
    if (!again.ok) return again;
    id = recordId(again.records[0]);
  }
  const verb = upserted.status === 201 ? 'created' : 'updated';
  const stageNote = keepsStage
    ? `, stays ${currentStage} (a refund or chargeback closed it; a payment does not reopen it)`
    : ` ${stage.stage}`;
  let linked = '';
  if (id && contactId && config.opportunity.linkContact) {
    const link = await linkContact(api, config, id, contactId);
    if (!link.ok) return link;
    linked = link.value;
  }
  return {
    ok: true,
    value: {
      acted: true,
      note: `Opportunity ${id ?? '(no id)'} ${verb}${stageNote}${amount.note}${linked}`,
    },
  };
}
