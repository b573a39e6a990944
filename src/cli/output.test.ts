import { describe, expect, it } from 'vitest';
import type { CliIo } from './cli-io.js';
import { formatTable, printError, truncate } from './output.js';

describe('formatTable', () => {
  it('pads columns to the widest cell, upper-cases headers, trims line ends and flattens newlines', () => {
    const rows = [
      { id: 'a', name: 'first\nline' },
      { id: 'longer-id', name: '' },
    ];
    const table = formatTable(
      [
        { header: 'id', value: (r: (typeof rows)[number]) => r.id },
        { header: 'name', value: (r) => r.name },
      ],
      rows,
    );
    expect(table).toBe('ID         NAME\na          first line\nlonger-id\n');
  });

  it('prints the empty text for no rows', () => {
    expect(
      formatTable([{ header: 'id', value: (r: { id: string }) => r.id }], [], 'Nothing here.'),
    ).toBe('Nothing here.\n');
  });
});

describe('truncate', () => {
  it('keeps short text and cuts long text to max characters with an ellipsis', () => {
    expect(truncate('abc', 3)).toBe('abc');
    expect(truncate('abcdef', 4)).toBe('abc…');
  });
});

describe('printError', () => {
  it('writes "error CODE: message" or a JSON error object to stderr', () => {
    const err: string[] = [];
    const io: CliIo = { stdout: () => undefined, stderr: (s) => err.push(s), env: {} };
    printError(io, false, 'NOT_FOUND', 'Not found.');
    printError(io, true, 'NOT_FOUND', 'Not found.');
    expect(err).toEqual([
      'error NOT_FOUND: Not found.\n',
      '{"error":{"code":"NOT_FOUND","message":"Not found."}}\n',
    ]);
  });
});
