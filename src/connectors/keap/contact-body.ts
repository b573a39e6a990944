/**
 * The v2 contact body for a create or an update (docs/protocols/keap.md#contacts). Keap
 * replaces list fields as a whole — an e-mail, phone or address slot not sent is removed — so
 * an update sends each list merged into what the contact has: the slots ipnhub fills
 * (`EMAIL1`, `PHONE1`, `BILLING`, the mapped custom fields) are set, every other entry is
 * kept as it was. `update_mask` names exactly the fields sent.
 */
import { isRecord } from '../../lib/is-record.js';
import type { ContactField } from './config.js';
import { alpha3 } from './country-codes.js';

export interface ExistingContact {
  id: string;
  emailAddresses: Array<Record<string, unknown>>;
  phoneNumbers: Array<Record<string, unknown>>;
  addresses: Array<Record<string, unknown>>;
  customFields: Array<Record<string, unknown>>;
  tagIds: string[];
}

export interface ContactBody {
  body: Record<string, unknown>;
  /** The fields in `body`, for `update_mask`. */
  mask: string[];
}

export interface ContactInput {
  /** Mapped contact fields as text, empty ones left out. */
  values: Partial<Record<ContactField, string>>;
  /** The opt-in reason when the buyer consented, else null (ipnhub never opts out). */
  optInReason: string | null;
  customFields: Array<{ id: string; content: string }>;
}

/** The properties a request may carry per list entry (what a read returns has more). */
const REQUEST_KEYS = {
  email: ['email', 'field'],
  phone: ['number', 'extension', 'type', 'field'],
  address: [
    'line1',
    'line2',
    'locality',
    'postal_code',
    'zip_code',
    'zip_four',
    'region',
    'country_code',
    'field',
  ],
} as const;

/** Entries of `list` whose `field` is not `slot`, trimmed to what a request takes, then `entry`. */
function replaceSlot(
  list: Array<Record<string, unknown>>,
  kind: keyof typeof REQUEST_KEYS,
  slot: string,
  entry: Record<string, unknown>,
): Array<Record<string, unknown>> {
  const keys: readonly string[] = REQUEST_KEYS[kind];
  const others = list
    .filter((item) => item.field !== slot)
    .map((item) => Object.fromEntries(Object.entries(item).filter(([key]) => keys.includes(key))));
  return [...others, entry];
}

function addressEntry(values: ContactInput['values']): Record<string, unknown> | null {
  const entry: Record<string, unknown> = { field: 'BILLING' };
  if (values.line1) entry.line1 = values.line1;
  if (values.line2) entry.line2 = values.line2;
  if (values.locality) entry.locality = values.locality;
  if (values.postalCode) entry.postal_code = values.postalCode;
  const country = values.country ? alpha3(values.country) : null;
  if (country) entry.country_code = country;
  // Keap refuses a region without a country (docs/protocols/keap.md#contacts).
  if (values.region && country) entry.region = values.region;
  return Object.keys(entry).length > 1 ? entry : null;
}

/** The body for `POST /v2/contacts` (existing = null) or `PATCH /v2/contacts/<id>`. */
export function contactBody(input: ContactInput, existing: ExistingContact | null): ContactBody {
  const { values } = input;
  const body: Record<string, unknown> = {};
  if (values.givenName) body.given_name = values.givenName;
  if (values.familyName) body.family_name = values.familyName;

  const email = values.email ?? '';
  const current = existing?.emailAddresses.find(
    (item) => typeof item.email === 'string' && item.email.toLowerCase() === email.toLowerCase(),
  );
  if (!existing || (!current && email) || (current && input.optInReason)) {
    const slot = typeof current?.field === 'string' ? current.field : 'EMAIL1';
    const entry: Record<string, unknown> = { email, field: slot };
    if (input.optInReason) entry.opt_in_reason = input.optInReason;
    body.email_addresses = replaceSlot(existing?.emailAddresses ?? [], 'email', slot, entry);
  }
  if (values.phone)
    body.phone_numbers = replaceSlot(existing?.phoneNumbers ?? [], 'phone', 'PHONE1', {
      field: 'PHONE1',
      number: values.phone,
    });
  const address = addressEntry(values);
  if (address)
    body.addresses = replaceSlot(existing?.addresses ?? [], 'address', 'BILLING', address);
  if (input.customFields.length > 0) {
    const ids = new Set(input.customFields.map((field) => field.id));
    const kept = (existing?.customFields ?? [])
      .filter((field) => isRecord(field) && !ids.has(String(field.id)))
      .map((field) => ({ id: String(field.id), content: field.content }));
    body.custom_fields = [...kept, ...input.customFields];
  }
  return { body, mask: Object.keys(body) };
}
