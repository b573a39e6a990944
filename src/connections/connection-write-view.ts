/**
 * The JSON a connection write answers with, in the admin API and in the CLI's `--json`: the
 * connection's view, plus `generatedSecrets` — the only time a secret the server generated
 * (the webhook signing secret) is ever shown. A create always carries the field; an update
 * only when it generated something.
 */
import type { ConnectionView, ConnectionWriteResult } from './connections-service.js';

export type ConnectionWriteView =
  | ConnectionView
  | (ConnectionView & { generatedSecrets: Record<string, string> });

export function connectionWriteView(
  result: ConnectionWriteResult,
  always: boolean,
): ConnectionWriteView {
  const generated = Object.keys(result.generatedSecrets).length > 0;
  return always || generated
    ? { ...result.connection, generatedSecrets: result.generatedSecrets }
    : result.connection;
}
