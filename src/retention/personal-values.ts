/**
 * The personal values of one buyer (e-mail, names, company, phone, address lines) and how
 * they are found and removed in stored text and bytes, for erasure (retention/erase-customer.ts).
 * A value is matched case-insensitively, also in the forms a form-encoded raw body or a JSON
 * text holds it (`anna%40example.com`, `Anna+Beispiel`).
 */
import type { CanonicalEvent } from '../core/events.js';
import type { CustomersTable } from '../db/schema.js';

export const ERASED = '[erased]';

/** Shorter values (initials, a house number) would match unrelated text. */
const MIN_LENGTH = 3;

export interface PersonalValues {
  /** The e-mail addresses as stored (lower-cased) and as the providers wrote them. */
  readonly emails: readonly string[];
  /** Every value, e-mails included, longest first. */
  readonly all: readonly string[];
}

function add(into: Set<string>, value: string | null | undefined): void {
  const trimmed = value?.trim();
  if (trimmed !== undefined && trimmed.length >= MIN_LENGTH) into.add(trimmed);
}

/** The values of a customer row and of the buyers of its events. */
export function personalValues(
  customer: Pick<
    CustomersTable,
    'email' | 'first_name' | 'last_name' | 'company' | 'phone' | 'address'
  >,
  events: readonly Pick<CanonicalEvent, 'buyer' | 'raw'>[],
): PersonalValues {
  const emails = new Set<string>();
  const values = new Set<string>();
  if (customer.email.includes('@')) add(emails, customer.email);
  for (const v of [customer.first_name, customer.last_name, customer.company, customer.phone])
    add(values, v);
  if (customer.address !== null) addAddress(values, JSON.parse(customer.address) as unknown);
  for (const event of events) {
    const buyer = event.buyer;
    if (buyer === null) continue;
    add(emails, buyer.email);
    for (const v of [buyer.firstName, buyer.lastName, buyer.company, buyer.phone]) add(values, v);
    addAddress(values, buyer.address);
    if (buyer.firstName && buyer.lastName) add(values, `${buyer.firstName} ${buyer.lastName}`);
    // The provider's own spelling of the e-mail (before lower-casing) is in its raw fields.
    for (const raw of Object.values(event.raw))
      for (const email of emails) if (raw.toLowerCase() === email.toLowerCase()) add(emails, raw);
  }
  const all = [...new Set([...emails, ...values])].sort((a, b) => b.length - a.length);
  return { emails: [...emails], all };
}

/** Street, city, postal code…, but not the country code (not personal on its own). */
function addAddress(into: Set<string>, address: unknown): void {
  if (typeof address !== 'object' || address === null) return;
  for (const [key, value] of Object.entries(address as Record<string, unknown>))
    if (typeof value === 'string' && !/country/i.test(key)) add(into, value);
}

/** A value as it appears in text: plain, form-encoded (both ways of writing a space) and JSON-escaped. */
function textForms(value: string): string[] {
  const forms = new Set([
    value,
    encodeURIComponent(value),
    new URLSearchParams({ v: value }).toString().slice(2),
    JSON.stringify(value).slice(1, -1),
  ]);
  return [...forms];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Replaces every personal value in `text` (any case, any of its forms) with {@link ERASED}. */
export function redactText(text: string, values: PersonalValues): string {
  let out = text;
  for (const value of values.all)
    for (const form of textForms(value))
      out = out.replace(new RegExp(escapeRegExp(form), 'gi'), ERASED);
  return out;
}

/** Like {@link redactText}; null when `text` is. Answers whether anything changed. */
export function redactNullable(
  text: string | null,
  values: PersonalValues,
): { text: string | null; changed: boolean } {
  if (text === null) return { text, changed: false };
  const redacted = redactText(text, values);
  return { text: redacted, changed: redacted !== text };
}

/** Every string inside a JSON value redacted; objects and arrays keep their shape. */
export function redactJson(value: unknown, values: PersonalValues): unknown {
  if (typeof value === 'string') return redactText(value, values);
  if (Array.isArray(value)) return value.map((item) => redactJson(item, values));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, redactJson(item, values)]),
    );
  return value;
}

/** The byte strings by which a raw body that mentions one of the e-mails is found. */
export function emailNeedles(values: PersonalValues): Buffer[] {
  const forms = new Set<string>();
  for (const email of values.emails)
    for (const variant of [email, email.toLowerCase()])
      for (const form of textForms(variant)) forms.add(form);
  return [...forms].map((form) => Buffer.from(form, 'utf8'));
}
