/**
 * The two shapes of a read command, shared by `inbound-requests`, `events` and `deliveries`:
 * a list prints one page (JSON exactly as the admin API pages it, or a table), a show prints
 * one object (JSON as the API answers, or a layout for people) or fails with NOT_FOUND.
 */
import { found } from '../http/admin/found.js';
import type { Page } from '../db/page.js';
import type { Runtime } from '../runtime.js';
import type { CliIo } from './cli-io.js';
import type { CommandContext } from './command-context.js';
import { withDbRuntime } from './db-runtime.js';
import { printJson, printPage } from './output.js';
import type { Column } from './output.js';

export async function runList<Row>(
  ctx: CommandContext,
  json: boolean | undefined,
  load: (runtime: Runtime) => Promise<Page<Row>>,
  table: { columns: readonly Column<Row>[]; emptyText: string },
): Promise<void> {
  await withDbRuntime(ctx.io, async (runtime) => {
    const page = await load(runtime);
    if (json === true) printJson(ctx.io, page);
    else printPage(ctx.io, table.columns, page, table.emptyText);
  });
}

/** `what` and `id` name the object in the NOT_FOUND message, as the API's (`No event evt_…`). */
export async function runShow<T>(
  ctx: CommandContext,
  json: boolean | undefined,
  lookup: { what: string; id: string; load: (runtime: Runtime) => Promise<T | null> },
  print: (io: CliIo, value: T) => void,
): Promise<void> {
  await withDbRuntime(ctx.io, async (runtime) => {
    const value = found(await lookup.load(runtime), lookup.what, lookup.id);
    if (json === true) printJson(ctx.io, value);
    else print(ctx.io, value);
  });
}
