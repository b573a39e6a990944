/**
 * Small pieces several providers share (a provider never imports another provider; shared
 * machinery lives beside the interface, as for connectors).
 */
import type { Acknowledgement, BodyCharset, DecodedFields, IngestOutcome } from './provider.js';

const TEXT = 'text/plain; charset=utf-8';

/**
 * `parse` memoised per body: the pipeline calls `verify` and then `normalize` with the same
 * request, and the body should be decoded once. Keyed weakly by the body buffer.
 */
export function parsedOnce<T>(parse: (body: Buffer) => T): (body: Buffer) => T {
  const parsed = new WeakMap<Buffer, T>();
  return (body) => {
    let result = parsed.get(body);
    if (result === undefined) {
      result = parse(body);
      parsed.set(body, result);
    }
    return result;
  };
}

/**
 * The plain-text answers of form-posting providers: `okBody` with HTTP 200 for everything
 * stored (Digistore24 needs `OK`, PayPal IPN an empty body); a rejection as one line
 * `ERROR: CODE: reason` with its status (Digistore24 shows it in the vendor's IPN log); a
 * storage failure as 500, so the sender retries.
 */
export function textAcknowledgement(okBody: string): (outcome: IngestOutcome) => Acknowledgement {
  return (outcome) => {
    switch (outcome.kind) {
      case 'accepted':
      case 'duplicate':
      case 'ignored':
      case 'pending':
      case 'held':
        return { status: 200, contentType: TEXT, body: okBody };
      case 'rejected':
        return {
          status: outcome.status,
          contentType: TEXT,
          body: `ERROR: ${outcome.code}: ${outcome.reason.replace(/[\r\n]+/g, ' ')}`,
        };
      case 'error':
        return {
          status: 500,
          contentType: TEXT,
          body: 'ERROR: INGEST_FAILED: temporary failure, please retry',
        };
    }
  };
}

/** UTF-8 because the provider always sends it (Digistore24's form bodies, JSON). */
export const PROVIDER_UTF8: BodyCharset = { name: 'utf-8', basis: 'provider' };

/** A parsed body (values by name plus the names in body order), read in `charset`, as `Provider.decodeFields` answers. */
export function decodedFields(
  parsed:
    | { ok: true; fields: Readonly<Record<string, string>>; order: readonly string[] }
    | { ok: false; reason: string },
  charset: BodyCharset,
): DecodedFields {
  if (!parsed.ok) return { ok: false, reason: parsed.reason };
  return {
    ok: true,
    fields: parsed.order.map((name) => ({ name, value: parsed.fields[name] ?? '' })),
    charset,
  };
}
