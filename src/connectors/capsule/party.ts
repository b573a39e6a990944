/**
 * The buyer's person party (docs/protocols/capsule.md#parties): found with
 * `GET /parties/search?q=<e-mail>` (the person whose e-mail addresses include it exactly), then
 * created with `POST /parties` or updated with `PUT /parties/{id}`, in one call that also adds
 * and removes tags and sets custom fields. Capsule appends addresses, phone numbers and e-mail
 * addresses sent in an update, so only ones the person lacks are sent; tags it already has are
 * not sent again and only tags it has are removed (`{id, _delete: true}`). A retried delivery
 * therefore changes nothing twice.
 */
import { isRecord } from '../../lib/is-record.js';
import type { TargetClient } from '../target-client.js';
import { capsuleId, unexpectedAnswer } from './capsule-client.js';
import type { Step } from './capsule-client.js';
import type { PartyField } from './config.js';
import type { WantedValue } from './custom-fields.js';

/** The person as the search answered it (with `embed=tags,fields`). */
export interface FoundParty {
  id: number;
  names: Partial<Record<'firstName' | 'lastName' | 'jobTitle', string>>;
  tags: Array<{ id: number; name: string }>;
  fields: Array<{ id: number; definitionId: number; value: unknown }>;
  addresses: Array<Record<string, unknown>>;
  phoneNumbers: string[];
}

export type PartyValues = Partial<Record<PartyField, string>>;

const EMBED = 'embed=tags,fields';

function records(value: unknown): Array<Record<string, unknown>> {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

function parsed(party: Record<string, unknown>): FoundParty | null {
  const id = capsuleId(party.id);
  if (id === null) return null;
  const names: FoundParty['names'] = {};
  for (const key of ['firstName', 'lastName', 'jobTitle'] as const) {
    const value = party[key];
    if (typeof value === 'string') names[key] = value;
  }
  return {
    id,
    names,
    tags: records(party.tags).flatMap((t) => {
      const tagId = capsuleId(t.id);
      return tagId !== null && typeof t.name === 'string' ? [{ id: tagId, name: t.name }] : [];
    }),
    fields: records(party.fields).flatMap((f) => {
      const fieldId = capsuleId(f.id);
      const definitionId = isRecord(f.definition) ? capsuleId(f.definition.id) : null;
      return fieldId !== null && definitionId !== null
        ? [{ id: fieldId, definitionId, value: f.value }]
        : [];
    }),
    addresses: records(party.addresses),
    phoneNumbers: records(party.phoneNumbers).flatMap((p) =>
      typeof p.number === 'string' ? [p.number] : [],
    ),
  };
}

/** The person (not an organisation) with exactly this e-mail address, the oldest when several. */
export async function findPerson(
  client: TargetClient,
  email: string,
): Promise<Step<FoundParty | null>> {
  const answer = await client.call({
    method: 'GET',
    path: `/parties/search?q=${encodeURIComponent(email)}&${EMBED}&perPage=100`,
  });
  if (!answer.ok) return { ok: false, result: answer.result };
  const parties = isRecord(answer.body) ? answer.body.parties : undefined;
  if (!Array.isArray(parties))
    return { ok: false, result: unexpectedAnswer('the party search', answer.body) };
  const wanted = email.toLowerCase();
  const matches = records(parties)
    .filter(
      (p) =>
        p.type === 'person' &&
        records(p.emailAddresses).some(
          (e) => typeof e.address === 'string' && e.address.trim().toLowerCase() === wanted,
        ),
    )
    .map(parsed)
    .filter((p): p is FoundParty => p !== null)
    .sort((a, b) => a.id - b.id);
  return { ok: true, value: matches[0] ?? null };
}

/** Capsule takes country names (English), not codes: "DE" → "Germany". Names pass unchanged. */
export function countryName(value: string): string {
  if (!/^[A-Za-z]{2}$/.test(value)) return value;
  try {
    return new Intl.DisplayNames(['en'], { type: 'region' }).of(value.toUpperCase()) ?? value;
  } catch {
    return value;
  }
}

function normalized(value: unknown): string {
  return typeof value === 'string' ? value.trim().toLowerCase().replace(/\s+/g, ' ') : '';
}

function addressOf(values: PartyValues): Record<string, string> | null {
  const address: Record<string, string> = {};
  for (const key of ['street', 'zip', 'city', 'state'] as const) {
    const value = values[key];
    if (value) address[key] = value;
  }
  if (values.country) address.country = countryName(values.country);
  return Object.keys(address).length > 0 ? address : null;
}

function hasAddress(existing: FoundParty, address: Record<string, string>): boolean {
  return existing.addresses.some((a) =>
    (['street', 'zip', 'city'] as const).every((k) => normalized(a[k]) === normalized(address[k])),
  );
}

const digits = (phone: string): string => phone.replace(/\D/g, '');

export interface PartyChange {
  values: PartyValues;
  addTags: string[];
  removeTags: string[];
  fields: WantedValue[];
}

export interface PartyWrite {
  id: number;
  /** What happened to the person: nothing needed changing → `unchanged`. */
  change: 'created' | 'updated' | 'unchanged';
  added: number;
  removed: number;
}

function fieldValues(existing: FoundParty | null, wanted: WantedValue[]): unknown[] {
  const out: unknown[] = [];
  for (const { definition, value } of wanted) {
    const current = existing?.fields.find((f) => f.definitionId === definition.id);
    if (current && current.value === value) continue;
    out.push({ ...(current ? { id: current.id } : {}), definition: { id: definition.id }, value });
  }
  return out;
}

/** The `party` body: everything for a new person, only what changes for an existing one. */
function partyBody(
  email: string,
  change: PartyChange,
  existing: FoundParty | null,
): { body: Record<string, unknown>; added: number; removed: number } {
  const { values } = change;
  const body: Record<string, unknown> = existing ? {} : { type: 'person' };
  for (const key of ['firstName', 'lastName', 'jobTitle'] as const)
    if (values[key] && values[key] !== existing?.names[key]) body[key] = values[key];
  if (!existing) body.emailAddresses = [{ address: email }];
  const address = addressOf(values);
  if (address && !(existing && hasAddress(existing, address))) body.addresses = [address];
  const phone = values.phone;
  if (phone && !existing?.phoneNumbers.some((p) => digits(p) === digits(phone)))
    body.phoneNumbers = [{ number: phone }];

  const has = new Set(existing?.tags.map((t) => t.name.toLowerCase()) ?? []);
  const adding = change.addTags.filter((name) => !has.has(name.toLowerCase()));
  const addingKeys = new Set(change.addTags.map((n) => n.toLowerCase()));
  const removing = (existing?.tags ?? []).filter(
    (tag) =>
      change.removeTags.some((n) => n.toLowerCase() === tag.name.toLowerCase()) &&
      !addingKeys.has(tag.name.toLowerCase()),
  );
  const tags = [
    ...adding.map((name) => ({ name })),
    ...removing.map((tag) => ({ id: tag.id, _delete: true })),
  ];
  if (tags.length > 0) body.tags = tags;
  const fields = fieldValues(existing, change.fields);
  if (fields.length > 0) body.fields = fields;
  return { body, added: adding.length, removed: removing.length };
}

/** Creates the person or updates the found one; nothing is sent when nothing changes. */
export async function writePerson(
  client: TargetClient,
  email: string,
  existing: FoundParty | null,
  change: PartyChange,
): Promise<Step<PartyWrite>> {
  const { body, added, removed } = partyBody(email, change, existing);
  if (existing && Object.keys(body).length === 0)
    return { ok: true, value: { id: existing.id, change: 'unchanged', added, removed } };
  const answer = existing
    ? await client.call({ method: 'PUT', path: `/parties/${existing.id}`, json: { party: body } })
    : await client.call({ method: 'POST', path: '/parties', json: { party: body } });
  if (!answer.ok) return { ok: false, result: answer.result };
  const party = isRecord(answer.body) && isRecord(answer.body.party) ? answer.body.party : null;
  const id = party ? capsuleId(party.id) : null;
  if (id === null)
    return {
      ok: false,
      result: unexpectedAnswer(existing ? 'the party update' : 'the new party', answer.body),
    };
  return {
    ok: true,
    value: { id, change: existing === null ? 'created' : 'updated', added, removed },
  };
}
