/**
 * Messages between the main thread and the ingest writer thread. The main thread posts the jobs
 * of one turn of its event loop as one message (`WriterMessage`, lib/turn-batch.ts), and the
 * thread answers each message with one message of replies (`WriterAnswer`) once all its jobs
 * are done: the jobs of a message join one transaction, so their replies are ready together.
 * A commit's events come without their raw provider fields, which only the event row's payload
 * needs: each carries that payload as one string instead (`slimKeyedEvent` in event-payload.ts).
 */
import type { CommitResult, InboundRow } from './ingest-store.js';
import type { KeyedEvent } from './event-payload.js';

export type WriterRequest =
  | { id: number; op: 'record'; row: InboundRow }
  | { id: number; op: 'commit'; row: InboundRow; events: readonly KeyedEvent[]; now: string }
  | { id: number; op: 'flush' }
  | { id: number; op: 'close' };

export type WriterReply =
  | { id: number; ok: true; result: CommitResult | null }
  | { id: number; ok: false; error: string };

/** The jobs of one turn of the main thread's event loop. */
export type WriterMessage = readonly WriterRequest[];

/** The replies to one {@link WriterMessage}, in any order (each names its job). */
export type WriterAnswer = readonly WriterReply[];

/** A Buffer crosses threads as a plain Uint8Array; the database driver wants a Buffer back. */
export function reviveRow(row: InboundRow): InboundRow {
  const body: Uint8Array = row.raw_body;
  return Buffer.isBuffer(body)
    ? row
    : { ...row, raw_body: Buffer.from(body.buffer, body.byteOffset, body.byteLength) };
}
