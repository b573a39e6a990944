/**
 * The webhook envelope (docs/protocols/paypal.md#webhook-envelope-and-event-types): a UTF-8 JSON object with at least the event
 * `id` (`WH-…`) and `event_type`. Both `verify` (before any network call) and `normalize`
 * need it, so the parse of one request body is kept and shared.
 */
import type { ErrorCode } from '../../core/errors.js';
import { parsedOnce } from '../provider-support.js';
import { isRecord } from '../../lib/is-record.js';

export type JsonObject = { [key: string]: unknown };

/** A checked webhook envelope: its event id, its type and the parsed body. */
export interface PayPalEnvelope {
  id: string;
  eventType: string;
  /** The whole parsed body. */
  body: JsonObject;
}

export type ParsedEnvelope =
  | { ok: true; envelope: PayPalEnvelope }
  | { ok: false; code: ErrorCode; reason: string };

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
function malformed(reason: string): ParsedEnvelope {
  return { ok: false, code: 'MALFORMED_JSON', reason };
}

function parse(rawBody: Buffer): ParsedEnvelope {
  let text: string;
  try {
    text = utf8.decode(rawBody);
  } catch {
    return malformed('the body is not valid UTF-8');
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    return malformed(`the body is not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!isRecord(body)) return malformed('the body is not a JSON object');
  const { id, event_type: eventType } = body;
  if (typeof id !== 'string' || id.length === 0) return malformed('the event has no string "id"');
  if (typeof eventType !== 'string' || eventType.length === 0)
    return malformed('the event has no string "event_type"');
  return { ok: true, envelope: { id, eventType, body } };
}

/** Parses (once per body buffer) and checks the envelope; never throws. */
export const parsePayPalEnvelope: (rawBody: Buffer) => ParsedEnvelope = parsedOnce(parse);
