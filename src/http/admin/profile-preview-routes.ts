/**
 * What the seller profile form shows beside its fields: the stored logo (to preview it) and the
 * number the next document of a series would get with the settings being edited.
 */
import * as z from 'zod';
import { IpnhubError } from '../../core/errors.js';
import { previewNumber } from '../../invoicing/number-preview.js';
import { loadProfileForIssue } from '../../invoicing/profiles.js';
import { profileSettingsSchema, seriesSchema } from '../../invoicing/profile-settings.js';
import { idParams } from './common-schemas.js';
import { defineRoute } from './define-route.js';
import type { AdminRoute } from './define-route.js';
import { found } from './found.js';
import { numberPreview, profileLogo } from './responses/profile-preview.js';

const TAG = 'invoicing';

const numberPreviewBody = z.strictObject({
  profileId: z.string().min(1).max(100).nullable().default(null).meta({
    description: 'The saved profile whose counters count; null for a profile not saved yet.',
  }),
  kind: z.enum(['invoice', 'credit_note']).meta({ description: 'Which series.' }),
  series: seriesSchema,
  timeZone: profileSettingsSchema.shape.timeZone,
});

export const profilePreviewRoutes: readonly AdminRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/profiles/:id/logo',
    operationId: 'getProfileLogo',
    tag: TAG,
    summary: 'Get the logo',
    description: 'The stored image, base64, to show it (`NOT_FOUND` when the profile has none).',
    params: idParams,
    response: { status: 200, description: '`{ mediaType, data }`', schema: profileLogo },
    handler: async ({ params, deps }) => {
      const { logo } = found(
        await loadProfileForIssue(deps.db, params.id),
        'seller profile',
        params.id,
      );
      if (logo === null)
        throw new IpnhubError('NOT_FOUND', `Seller profile ${params.id} has no logo.`);
      return { mediaType: logo.mediaType, data: logo.bytes.toString('base64') };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/profiles/number-preview',
    operationId: 'previewDocumentNumber',
    tag: TAG,
    summary: 'Preview the next document number',
    description:
      'The number the next document of the series would get now with these series settings: from the saved profile’s counter, or `startAt` when the series has not been used in this period. Takes no number.',
    body: numberPreviewBody,
    response: { status: 200, description: '`{ number, sequenceNo }`', schema: numberPreview },
    handler: async ({ body, deps }) => previewNumber(deps.db, body, deps.clock.now()),
  }),
];
