/**
 * A provider's or connector's config schema as JSON Schema (draft 2020-12) for forms: the
 * input side (what a user submits; fields with defaults are optional). A `default` on a
 * write-only (secret) field is dropped: a generated default such as a fresh signing secret
 * must never be shown, and a fixed one would be a secret shown to everyone.
 */
import * as z from 'zod';

export function configJsonSchema(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    override: ({ jsonSchema }) => {
      if (jsonSchema.writeOnly === true) delete jsonSchema.default;
    },
  });
}
