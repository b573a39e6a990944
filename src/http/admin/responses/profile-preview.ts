/** Answers of the profile form's helpers (profile-preview-routes.ts). */
import * as z from 'zod';
import { named } from './registry.js';

export const profileLogo = named(
  'ProfileLogo',
  z.strictObject({
    mediaType: z.enum(['image/png', 'image/jpeg']),
    data: z.string().meta({ description: 'The image file, base64.' }),
  }),
);

export const numberPreview = named(
  'NumberPreview',
  z.strictObject({
    number: z.string().meta({ description: 'E.g. `RE-2026-000124`.' }),
    sequenceNo: z.number().int().meta({ description: 'The running number in it.' }),
  }),
);
