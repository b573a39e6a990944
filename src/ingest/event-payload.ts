/**
 * The `payload` column of an event row: the event's JSON text (`JSON.stringify(event)`), made
 * once where the event is built (`keyEvents` in ingest.ts) and carried with it as
 * `KeyedEvent.payload`, so neither store serializes the event again and the SQLite writer
 * thread receives it as one string instead of the event's ~70 raw provider fields as objects
 * (threaded-ingest-store.ts posts the event without them: `slimKeyedEvent`).
 *
 * The ledger may complete an event before it is stored (ledger/complete-event.ts: order,
 * items, buyer, currency, refund), never its `raw` fields. A completed event's payload is then
 * its new fields followed by the raw fields' JSON cut from the carried payload: the same text
 * `JSON.stringify` gives, since `raw` is the last key of every event `toCanonical` builds and
 * the completion's spreads keep the key order.
 */
import type { CanonicalEvent } from '../core/events.js';

/** An event to store under its dedup key, with its payload serialized once. */
export interface KeyedEvent {
  event: CanonicalEvent;
  /** Unique per source: `<sourceId>:<provider dedup key>`. */
  dedupKey: string;
  /** `JSON.stringify(event)`, made once where the event is built (`keyEvents` in ingest.ts). */
  payload?: string;
  /** The event's `raw` fields left out; only `payload` has them (threaded-ingest-store.ts). */
  slim?: boolean;
}

const RAW_KEY = ',"raw":';
const NO_RAW: Readonly<Record<string, string>> = Object.freeze({});

/** Whether `raw` is the event's last own key (then its JSON ends the event's JSON). */
function rawIsLast(event: CanonicalEvent): boolean {
  let last = '';
  for (const key in event) last = key;
  return last === 'raw';
}

/** The event's JSON up to where `,"raw":` would follow (without the closing brace). */
function headOf(event: CanonicalEvent): string {
  return JSON.stringify({ ...event, raw: undefined }).slice(0, -1);
}

/**
 * The payload of `completed`, the ledger's completion of `keyed.event`: the carried payload when
 * the completion changed nothing (every batchable payment), else the completed fields spliced
 * before the carried raw fields.
 */
export function completedPayload(keyed: KeyedEvent, completed: CanonicalEvent): string {
  const carried = keyed.payload;
  if (carried === undefined) return JSON.stringify(completed);
  if (completed === keyed.event) return carried;
  const head = headOf(keyed.event);
  if (rawIsLast(completed) && carried.startsWith(head) && carried.startsWith(RAW_KEY, head.length))
    return headOf(completed) + carried.slice(head.length);
  if (keyed.slim) throw new Error(`event ${keyed.event.id}: its payload does not end with raw`);
  return JSON.stringify(completed);
}

/**
 * `keyed` as posted to the writer thread: its payload made if not yet, and the event without
 * its raw fields, which only the payload needs. An event whose raw fields are not its last
 * key (not built by `toCanonical`) goes whole.
 */
export function slimKeyedEvent(keyed: KeyedEvent): KeyedEvent {
  const payload = keyed.payload ?? JSON.stringify(keyed.event);
  if (!rawIsLast(keyed.event)) return { event: keyed.event, dedupKey: keyed.dedupKey, payload };
  return {
    event: { ...keyed.event, raw: NO_RAW },
    dedupKey: keyed.dedupKey,
    payload,
    slim: true,
  };
}
