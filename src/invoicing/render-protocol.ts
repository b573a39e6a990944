/** Messages between the worker and its render thread (render-thread.ts, render-thread-entry.ts). */
import type { FieldProblem } from '../core/errors.js';
import type { DocumentSnapshot } from './document-snapshot.js';

export type RenderRequest =
  | { id: number; op: 'render'; snapshot: DocumentSnapshot }
  | { id: number; op: 'embed'; pdf: Uint8Array; snapshot: DocumentSnapshot };

/** An error as it crosses the thread boundary; `code` is set for an IpnhubError. */
export interface RenderFailure {
  message: string;
  code: string | null;
  detail: string | null;
  fields: readonly FieldProblem[] | null;
}

export type RenderReply =
  | { id: number; ok: true; pdf: Uint8Array }
  | { id: number; ok: false; error: RenderFailure };
