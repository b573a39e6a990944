import * as z from 'zod';
import { instant, named } from './registry.js';

export const sessionStatus = named(
  'SessionStatus',
  z.strictObject({
    authenticated: z.literal(true),
    expiresAt: instant.nullable().meta({
      description:
        'When the session ends unless it is used again; null when the request used the Bearer token.',
    }),
  }),
);

export const rotatedToken = named(
  'RotatedToken',
  z.strictObject({
    token: z.string().meta({
      description:
        'The new admin token, shown only here. Every session has ended: sign in again with it.',
    }),
  }),
);
