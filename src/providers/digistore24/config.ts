/**
 * A Digistore24 source's configuration: the IPN passphrase of the Generic IPN connection
 * (docs/protocols/digistore24.md#signature, docs/protocols/digistore24.md#connection-settings "IPN password (SHA passphrase)").
 */
import * as z from 'zod';

export const digistore24ConfigSchema = z.strictObject({
  passphrase: z
    .string()
    .min(1)
    .max(200)
    .meta({
      title: 'IPN passphrase',
      description:
        'The "IPN passphrase" (SHA passphrase) of the Generic IPN connection in Digistore24. ' +
        'Every notification is checked against it; notifications without a valid sha_sign are rejected.',
      writeOnly: true,
    }),
  legacyHtmlDecoding: z
    .boolean()
    .optional()
    .meta({
      title: 'Accept legacy signatures (HTML-decoded values)',
      description:
        'Also accept notifications signed the way the 2019 Digistore24 receiver script did: every value ' +
        'HTML-entity-decoded before hashing. Off unless your Digistore24 account is known to sign that way; ' +
        'events are then built from the decoded values.',
    }),
});

export type Digistore24Config = z.infer<typeof digistore24ConfigSchema>;
