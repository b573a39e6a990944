/**
 * CLI output: aligned tables and short lines for people, JSON for scripts (`--json`). A
 * command decides once which of the two it prints; errors follow the same switch.
 */
import type { CliIo } from './cli-io.js';

/** Writes `value` as pretty-printed JSON followed by a newline. */
export function printJson(io: CliIo, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

/** Writes each line followed by a newline. */
export function printLines(io: CliIo, ...lines: string[]): void {
  io.stdout(lines.map((line) => `${line}\n`).join(''));
}

/** One column of a table: its heading and how a row renders in it. */
export interface Column<Row> {
  header: string;
  value: (row: Row) => string;
}

/**
 * Renders rows as a plain-text table: an upper-case header line, then one line per row,
 * columns padded to their widest cell and separated by two spaces, no trailing blanks.
 * An empty list renders as `emptyText`.
 */
export function formatTable<Row>(
  columns: readonly Column<Row>[],
  rows: readonly Row[],
  emptyText = '(none)',
): string {
  if (rows.length === 0) return `${emptyText}\n`;
  const cells = [
    columns.map((c) => c.header.toUpperCase()),
    ...rows.map((row) => columns.map((c) => oneLine(c.value(row)))),
  ];
  const widths = columns.map((_, i) => Math.max(...cells.map((line) => (line[i] ?? '').length)));
  return `${cells
    .map((line) =>
      line
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}

/** Newlines and tabs inside a cell would break the table's alignment. */
function oneLine(text: string): string {
  return text.replace(/[\r\n\t]+/g, ' ');
}

/** A page of a list command for people: the table, then how to get the next page when there is one. */
export function printPage<Row>(
  io: CliIo,
  columns: readonly Column<Row>[],
  page: { data: readonly Row[]; nextCursor: string | null },
  emptyText: string,
): void {
  io.stdout(formatTable(columns, page.data, emptyText));
  if (page.nextCursor !== null) printLines(io, `More: add --cursor ${page.nextCursor}`);
}

/** Shortens `text` to at most `max` characters, marking the cut with `…`. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** Formats an error the way every command reports it: `error CODE: message`, or JSON. */
export function printError(io: CliIo, json: boolean, code: string, message: string): void {
  if (json) io.stderr(`${JSON.stringify({ error: { code, message } })}\n`);
  else io.stderr(`error ${code}: ${message}\n`);
}
