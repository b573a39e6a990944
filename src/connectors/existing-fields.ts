/**
 * Custom fields that must already exist on the target. ipnhub never creates fields: a
 * configured field the account lacks fails the delivery with `TARGET_VALIDATION_FAILED` and
 * the connection test, both naming it. Each connector reads its account's fields, matches the
 * configured keys and words the message its own way (ActiveCampaign by personalization tag or
 * title, Keap by label or id, Capsule by name; docs/protocols/).
 */
import type { RetryOrFailed } from './target-client.js';

export type FieldsRead<F> = { ok: true; value: F[] } | { ok: false; result: RetryOrFailed };

/** How one target's existing custom fields are read, matched and named in a message. */
export interface ExistingFields<F> {
  fetch(): Promise<FieldsRead<F>>;
  /** The keys that name no field of the account. */
  missing(fields: readonly F[], keys: readonly string[]): string[];
  /** Why the keys cannot be written, and what the seller does about it. */
  message(missing: readonly string[]): string;
}

/** The account's fields when every key names one; otherwise the delivery's failure. */
export async function fieldsForDelivery<F>(
  existing: ExistingFields<F>,
  keys: readonly string[],
): Promise<FieldsRead<F>> {
  const fields = await existing.fetch();
  if (!fields.ok) return fields;
  const missing = existing.missing(fields.value, keys);
  if (missing.length > 0)
    return {
      ok: false,
      result: {
        outcome: 'failed',
        reason: `TARGET_VALIDATION_FAILED: ${existing.message(missing)}`,
      },
    };
  return fields;
}

/** The account's fields for a connection test, or the test's answer when one is missing. */
export async function fieldsForTest<F>(
  existing: ExistingFields<F>,
  keys: readonly string[],
): Promise<{ ok: true; value: F[] } | { ok: false; answer: { ok: false; message: string } }> {
  const fields = await existing.fetch();
  if (!fields.ok) return { ok: false, answer: { ok: false, message: fields.result.reason } };
  const missing = existing.missing(fields.value, keys);
  if (missing.length > 0)
    return {
      ok: false,
      answer: { ok: false, message: `connected, but ${existing.message(missing)}` },
    };
  return fields;
}
