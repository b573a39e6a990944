import { isRecord } from '../../lib/is-record.js';
/**
 * Klick-Tipp's error bodies as readable text (docs/protocols/klicktipp.md#errors): either a JSON array
 * of messages (`["API access denied."]`) or an object with a numeric code (`{"error": 7}`),
 * sometimes with `code`, `field`, `field_value` and `reason` for field validation.
 */

/** The 406 codes of docs/protocols/klicktipp.md#errors, so a failed delivery says what Klick-Tipp meant. */
const CODES: Readonly<Record<number, string>> = {
  4: 'subscription not found',
  5: 'e-mail address validation failed',
  7: 'subscriber e-mail not found',
  8: 'field validation failed',
  9: 'subscriber not subscribed',
  10: 'subscriber update failed',
  30: 'e-mail address change not allowed',
  31: 'smart tags cannot be removed',
  32: 'e-mail address or SMS number required',
  100: 'invalid API key',
  401: 'user not found',
  402: 'opt-in process (list) not found',
  403: 'tag not found',
  404: 'user group not found',
  405: 'campaign not found',
  406: 'tier not found',
};

/** The numeric `error` code of a 406 body, or null. */
export function klickTippErrorCode(body: unknown): number | null {
  if (!isRecord(body)) return null;
  const code = body.error;
  if (typeof code === 'number' && Number.isInteger(code)) return code;
  if (typeof code === 'string' && /^\d+$/.test(code)) return Number(code);
  return null;
}

/** `error 8 (field validation failed): field227685 = "abc": …`, or the joined messages; undefined when the body says nothing. */
export function klickTippErrorMessage(body: unknown): string | undefined {
  if (Array.isArray(body)) {
    const messages = body.filter(
      (item): item is string => typeof item === 'string' && item.length > 0,
    );
    return messages.length > 0 ? messages.join('; ') : undefined;
  }
  const code = klickTippErrorCode(body);
  if (code === null || !isRecord(body))
    return typeof body === 'string' && body.length > 0 ? body.slice(0, 300) : undefined;
  const parts = [`error ${code}${CODES[code] ? ` (${CODES[code]})` : ''}`];
  if (typeof body.code === 'number' || typeof body.code === 'string')
    parts.push(`code ${String(body.code)}`);
  const field =
    typeof body.field === 'string'
      ? body.field
      : typeof body.name === 'string'
        ? body.name
        : undefined;
  if (field !== undefined) {
    const value =
      typeof body.field_value === 'string' || typeof body.field_value === 'number'
        ? ` = "${String(body.field_value)}"`
        : '';
    parts.push(`${field}${value}`);
  }
  if (typeof body.reason === 'string' && body.reason.length > 0) parts.push(body.reason);
  return parts.join(': ');
}
