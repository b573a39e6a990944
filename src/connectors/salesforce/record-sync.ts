/**
 * Creates or updates the buyer's Contact or Lead (docs/protocols/salesforce.md#rest-paths-and-versions, docs/protocols/salesforce.md#upsert-by-external-id, docs/protocols/salesforce.md#idempotency).
 * The record is looked up first (by Email, or by the External ID field), so tags can be merged
 * into what is there and "update only" actions can tell that there is nothing to update. A
 * record that exists is updated by Id; a new one is created with `POST` (e-mail matching) or
 * with the upsert by external id, which Salesforce makes atomic, so a retried or racing
 * delivery never creates a second record.
 *
 * Converted Leads are never written (Salesforce refuses it): matched by e-mail they are not
 * looked at, so the buyer gets a new Lead; matched by External ID (which a new Lead cannot take)
 * the buyer's data goes to the Contact the Lead became (`converted-lead.ts`).
 */
import type { CanonicalEvent } from '../../core/events.js';
import { renderTemplate } from '../template.js';
import type { SalesforceAction, SalesforceConfig } from './config.js';
import { CONVERSION_FIELDS, isConverted, updateConvertedContact } from './converted-lead.js';
import { recordFields, withCreateDefaults } from './record-body.js';
import type { SalesforceApi } from './salesforce-api.js';
import { selectWhere } from './soql.js';
import { answeredId, recordId } from './step.js';
import type { Step, StepNote } from './step.js';
import { changeTags, formatTags, parseTags, renderTags } from './tag-field.js';

export interface RecordOutcome extends StepNote {
  /** The buyer's Contact, when there is one: the record itself, or the Contact its Lead was converted into. */
  contactId: string | null;
}

/** Event types on which a missing key is an error rather than nothing to do. */
const KEY_REQUIRED = new Set<string>(['payment', 'refund', 'chargeback', 'affiliation']);

function key(
  config: SalesforceConfig,
  event: CanonicalEvent,
  scope: Record<string, unknown>,
): { field: string; value: string; missing: string } {
  if (config.record.matchBy === 'email') {
    return {
      field: 'Email',
      value: event.buyer?.email?.trim() ?? '',
      missing: `the ${event.type} event has no buyer e-mail, and ${config.record.object}s are matched by e-mail`,
    };
  }
  const template = config.record.externalIdValue;
  return {
    field: config.record.externalIdField ?? '',
    value: renderTemplate(template, scope).trim(),
    missing: `the external id template "${template}" is empty for this ${event.type} event`,
  };
}

function tagNote(change: { added: number; removed: number } | null): string {
  return change ? `, tags +${change.added} -${change.removed}` : '';
}

export async function syncRecord(
  api: SalesforceApi,
  config: SalesforceConfig,
  action: SalesforceAction,
  event: CanonicalEvent,
  scope: Record<string, unknown>,
): Promise<Step<RecordOutcome>> {
  const { object } = config.record;
  const match = key(config, event, scope);
  if (!match.field)
    return {
      ok: false,
      result: {
        outcome: 'failed',
        reason: 'the connection matches by external id but names no External ID field',
      },
    };
  if (!match.value) {
    return {
      ok: false,
      result: KEY_REQUIRED.has(event.type)
        ? { outcome: 'failed', reason: match.missing }
        : { outcome: 'skipped', reason: match.missing },
    };
  }

  const add = renderTags(action.addTags, scope);
  const remove = renderTags(action.removeTags, scope);
  const tagField =
    config.tagField !== undefined && add.length + remove.length > 0 ? config.tagField : undefined;

  // A Lead found by its External ID may have been converted; by e-mail, converted ones are skipped.
  const followsConversion = object === 'Lead' && config.record.matchBy === 'externalId';
  const found = await api.query(
    selectWhere({
      object,
      fields: [
        'Id',
        ...(tagField ? [tagField] : []),
        ...(followsConversion ? CONVERSION_FIELDS : []),
      ],
      where: [
        [match.field, match.value],
        ...(object === 'Lead' && !followsConversion ? ([['IsConverted', false]] as const) : []),
      ],
      orderBy: 'CreatedDate ASC',
      limit: 1,
    }),
  );
  if (!found.ok) return found;
  const existing = found.records[0];
  const existingId = recordId(existing);
  if (!existingId && action.record === 'update') {
    return {
      ok: true,
      value: {
        contactId: null,
        acted: false,
        note: `no ${object} with ${match.field} ${match.value} to update`,
      },
    };
  }

  const fields = recordFields(config, action, scope);
  // The key never changes through the body; upserts must not carry it at all (docs/protocols/salesforce.md#upsert-by-external-id).
  if (config.record.matchBy === 'externalId') delete fields[match.field];

  if (existing && followsConversion && isConverted(existing)) {
    const converted = await updateConvertedContact(
      api,
      existing,
      fields,
      tagField ? { field: tagField, add, remove } : undefined,
    );
    if (!converted.ok) return converted;
    return {
      ok: true,
      value: { contactId: converted.value.contactId, acted: true, note: converted.value.note },
    };
  }

  const contactOf = (id: string | null): string | null => (object === 'Contact' ? id : null);
  const change = tagField ? changeTags(parseTags(existing?.[tagField]), add, remove) : null;
  if (tagField && change && (change.added > 0 || change.removed > 0))
    fields[tagField] = formatTags(change.tags);

  if (existingId) {
    if (Object.keys(fields).length === 0)
      return {
        ok: true,
        value: {
          contactId: contactOf(existingId),
          acted: true,
          note: `${object} ${existingId} unchanged${tagNote(change)}`,
        },
      };
    const updated = await api.call({
      method: 'PATCH',
      path: api.data(`/sobjects/${object}/${existingId}`),
      json: fields,
      headers: api.writeHeaders,
    });
    if (!updated.ok) return { ok: false, result: updated.result };
    return {
      ok: true,
      value: {
        contactId: contactOf(existingId),
        acted: true,
        note: `${object} ${existingId} updated${tagNote(change)}`,
      },
    };
  }

  const body = withCreateDefaults(object, fields);
  if (config.record.matchBy === 'email') {
    const created = await api.call({
      method: 'POST',
      path: api.data(`/sobjects/${object}/`),
      json: { ...body, Email: match.value },
      headers: api.writeHeaders,
    });
    if (!created.ok) return { ok: false, result: created.result };
    const id = answeredId(created.body);
    return {
      ok: true,
      value: {
        contactId: contactOf(id),
        acted: true,
        note: `${object} ${id ?? '(no id)'} created${tagNote(change)}`,
      },
    };
  }
  const upserted = await api.call({
    method: 'PATCH',
    path: api.data(`/sobjects/${object}/${match.field}/${encodeURIComponent(match.value)}`),
    json: body,
    headers: api.writeHeaders,
  });
  if (!upserted.ok) return { ok: false, result: upserted.result };
  let id = answeredId(upserted.body);
  if (!id) {
    // API ≤ 45.0 answers an update with 204 and no body (docs/protocols/salesforce.md#upsert-by-external-id): read the id back.
    const again = await api.query(
      selectWhere({ object, fields: ['Id'], where: [[match.field, match.value]], limit: 1 }),
    );
    if (!again.ok) return again;
    id = recordId(again.records[0]);
  }
  const verb = upserted.status === 201 ? 'created' : 'updated';
  return {
    ok: true,
    value: {
      contactId: contactOf(id),
      acted: true,
      note: `${object} ${id ?? '(no id)'} ${verb}${tagNote(change)}`,
    },
  };
}
