/**
 * The options every list command shares with the admin API's lists: `--limit`, `--cursor`
 * (the `nextCursor` a previous page printed) and `--json`, which prints the page exactly as
 * the API answers it (`{ data, nextCursor }`).
 */
import type { Command } from 'commander';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from '../db/page.js';
import { pageSize } from './option-parsers.js';

export interface PageOptions {
  limit?: number;
  cursor?: string;
  json?: boolean;
}

export function withPageOptions(command: Command): Command {
  return command
    .option(
      '--limit <n>',
      `at most n rows (default ${DEFAULT_PAGE_LIMIT}, max ${MAX_PAGE_LIMIT})`,
      pageSize,
    )
    .option('--cursor <cursor>', 'continue after a previous page (the value printed after "More:")')
    .option('--json', 'print the page as JSON ({ data, nextCursor }), as the admin API answers');
}
