/**
 * A Digistore24 source's configuration: the IPN passphrase of the Generic IPN connection
 * (reference digistore24.md §2.1, §6.1 "IPN password (SHA passphrase)").
 */
import { z } from 'zod';

export const digistore24ConfigSchema = z.object({
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
});

export type Digistore24Config = z.infer<typeof digistore24ConfigSchema>;
