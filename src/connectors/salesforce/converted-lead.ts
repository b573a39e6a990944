/**
 * A buyer whose Lead was converted (docs/connectors.md, "Converted Leads"). Salesforce refuses
 * every update of a converted Lead with `CANNOT_UPDATE_CONVERTED_LEAD` ("cannot reference
 * converted lead"); after the conversion only the Lead's `ConvertedContactId` (and
 * `ConvertedAccountId`) lead on. With External ID matching the buyer's key still finds the old
 * Lead, and a new Lead cannot take the key (it is unique), so the buyer's data goes to the
 * Contact the Lead became.
 *
 * The Lead-named fields are written to the Contact as ipnhub's two default mappings pair them
 * (`Street` → `MailingStreet`, …); `Company` and the Lead-only `Status` and `Website` are left
 * out (the company lives on the Account); every other field keeps its API name, so mapped custom
 * fields and the tag field must exist on Contact under the same name.
 */
import type { SalesforceApi } from './salesforce-api.js';
import { selectWhere } from './soql.js';
import { recordId } from './step.js';
import type { Step } from './step.js';
import { changeTags, formatTags, parseTags } from './tag-field.js';
import type { TagChange } from './tag-field.js';

/** Lead fields whose Contact counterpart has another name. */
const CONTACT_NAME: Readonly<Record<string, string>> = {
  Street: 'MailingStreet',
  PostalCode: 'MailingPostalCode',
  City: 'MailingCity',
  State: 'MailingState',
  Country: 'MailingCountry',
  StateCode: 'MailingStateCode',
  CountryCode: 'MailingCountryCode',
};

/** Lead fields a Contact does not have. */
const LEAD_ONLY: ReadonlySet<string> = new Set(['Company', 'Status', 'Website']);

/** The fields the Lead query reads to tell a converted Lead. */
export const CONVERSION_FIELDS = ['IsConverted', 'ConvertedContactId'] as const;

export function isConverted(lead: Record<string, unknown> | undefined): boolean {
  return lead?.IsConverted === true;
}

/** Lead-named fields as Contact fields. */
export function contactFieldsFromLead(
  fields: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (LEAD_ONLY.has(name)) continue;
    out[CONTACT_NAME[name] ?? name] = value;
  }
  return out;
}

export interface ConvertedOutcome {
  contactId: string;
  note: string;
}

/**
 * Writes `fields` (Lead-named, without the key) and the tag change to the Contact `lead` was
 * converted into. A converted Lead without a Contact fails: there is nowhere to write.
 */
export async function updateConvertedContact(
  api: SalesforceApi,
  lead: Record<string, unknown>,
  fields: Readonly<Record<string, unknown>>,
  tags: { field: string; add: readonly string[]; remove: readonly string[] } | undefined,
): Promise<Step<ConvertedOutcome>> {
  const leadId = recordId(lead) ?? '(no id)';
  const contactId =
    typeof lead.ConvertedContactId === 'string' && lead.ConvertedContactId.length > 0
      ? lead.ConvertedContactId
      : null;
  if (!contactId) {
    return {
      ok: false,
      result: {
        outcome: 'failed',
        reason: `Lead ${leadId} was converted without a Contact (ConvertedContactId is empty), and Salesforce refuses updates to converted Leads (CANNOT_UPDATE_CONVERTED_LEAD)`,
      },
    };
  }
  const body = contactFieldsFromLead(fields);
  let change: TagChange | null = null;
  if (tags) {
    const found = await api.query(
      selectWhere({
        object: 'Contact',
        fields: ['Id', tags.field],
        where: [['Id', contactId]],
        limit: 1,
      }),
    );
    if (!found.ok) return found;
    change = changeTags(parseTags(found.records[0]?.[tags.field]), tags.add, tags.remove);
    if (change.added > 0 || change.removed > 0) body[tags.field] = formatTags(change.tags);
  }
  const tagNote = change ? `, tags +${change.added} -${change.removed}` : '';
  const prefix = `Lead ${leadId} was converted: Contact ${contactId}`;
  if (Object.keys(body).length === 0)
    return { ok: true, value: { contactId, note: `${prefix} unchanged${tagNote}` } };
  const updated = await api.call({
    method: 'PATCH',
    path: api.data(`/sobjects/Contact/${contactId}`),
    json: body,
    headers: api.writeHeaders,
  });
  if (!updated.ok) return { ok: false, result: updated.result };
  return { ok: true, value: { contactId, note: `${prefix} updated${tagNote}` } };
}
