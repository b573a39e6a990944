/**
 * Zod schemas shared by the admin API routes: ids in paths, paging and time filters in query
 * strings. Query values arrive as strings, so numbers are coerced.
 */
import * as z from 'zod';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from '../../db/page.js';

export const idParams = z.object({
  id: z.string().min(1).max(100).meta({ description: 'The id of the resource.' }),
});

export const pageQuery = z.object({
  cursor: z.string().min(1).max(200).optional().meta({
    description: 'The `nextCursor` of the previous page; omit for the first (newest) page.',
  }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_LIMIT)
    .default(DEFAULT_PAGE_LIMIT)
    .meta({ description: `Rows per page, 1–${MAX_PAGE_LIMIT}.` }),
});

/** An ISO 8601 instant with offset, normalised to UTC as stored (`2026-01-01T00:00:00.000Z`). */
export const isoInstant = z.iso
  .datetime({ offset: true })
  .transform((value) => new Date(value).toISOString());

export const nonEmpty = z.string().trim().min(1).max(200);

/** An e-mail to look up, trimmed and lower-cased as the ledger stores them; not checked for shape (an unknown one simply matches nothing). */
export const emailFilter = z.string().trim().toLowerCase().min(1).max(320);
