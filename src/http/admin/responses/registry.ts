/**
 * The response schemas of the admin API. Each one is registered under a name, which becomes
 * `#/components/schemas/<name>` in the OpenAPI document (openapi.ts), so the web UI's
 * generated types have one named type per shape (`Source`, `DeliveryDetail`, …).
 *
 * They describe what the handlers return, field by field: a route's handler must return the
 * schema's type (define-route.ts), and tests check every answer against its schema at run
 * time (response-check.ts), so a field added to a query but not here fails the tests.
 */
import * as z from 'zod';

export const responseSchemas = z.registry<{ id: string }>();

/** `schema`, registered under `id`. */
export function named<S extends z.ZodType>(id: string, schema: S): S {
  responseSchemas.add(schema, { id });
  return schema;
}

/** A page of a list: `{ data, nextCursor }` (db/page.ts). */
export function pageOf<S extends z.ZodType>(id: string, item: S) {
  return named(
    id,
    z.strictObject({
      data: z.array(item),
      nextCursor: z.string().nullable().meta({
        description: 'Pass as `cursor` for the next (older) page; null on the last page.',
      }),
    }),
  );
}

/** An ISO 8601 UTC instant as stored, e.g. `2026-01-01T00:00:00.000Z`. */
export const instant = z.string().meta({ description: 'ISO 8601 UTC instant.' });

/** A JSON object whose keys are not fixed (configs, raw provider fields). */
export const looseObject = z.record(z.string(), z.unknown());
