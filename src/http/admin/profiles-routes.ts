/**
 * `/profiles`: seller profiles (docs/invoicing.md) — the legal facts, tax mode, number series
 * and mail settings with which documents are issued for the sources attached to a profile.
 */
import * as z from 'zod';
import { MAX_LOGO_UPLOAD_BYTES } from '../../invoicing/logo.js';
import { profileSettingsSchema } from '../../invoicing/profile-settings.js';
import { pageOfList } from '../../db/page.js';
import { idParams, pageQuery } from './common-schemas.js';
import { defineRoute } from './define-route.js';
import type { AdminRoute } from './define-route.js';
import { deleted, found } from './found.js';
import { profile, profilePage } from './responses/invoicing.js';

const TAG = 'invoicing';

const name = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .meta({ description: 'A name for people, e.g. the business it issues for.' });
const invoicing = z.boolean().meta({
  description: 'Issue documents for payments, refunds and chargebacks of the attached sources.',
});

export const createProfileBody = z.strictObject({
  name,
  invoicing: invoicing.default(false),
  settings: profileSettingsSchema,
});

export const updateProfileBody = z.strictObject({
  name: name.optional(),
  invoicing: invoicing.optional(),
  settings: z.record(z.string(), z.unknown()).optional().meta({
    description:
      'Settings to replace, by their top-level name (a series or `mail` as a whole); the others keep their value. The result is checked like a new profile.',
  }),
});

const logoBody = z.strictObject({
  // No length limit of its own: the route's body limit bounds it, and a logo that is too large is
  // refused as LOGO_TOO_LARGE however long its text (see logo.ts).
  data: z.string().min(1).meta({
    description: 'The PNG or JPEG file, base64 (at most 256 KiB decoded; line breaks are allowed).',
  }),
});

const sourceBody = z.strictObject({ sourceId: z.string().min(1).max(100) });
const sourceParams = z.object({ id: idParams.shape.id, sourceId: z.string().min(1).max(100) });

export const profilesRoutes: readonly AdminRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/profiles',
    operationId: 'listProfiles',
    tag: TAG,
    summary: 'List seller profiles',
    query: pageQuery,
    response: {
      status: 200,
      description: '`{ data: SellerProfile[], nextCursor }`',
      schema: profilePage,
    },
    handler: async ({ query, deps }) => pageOfList(await deps.profiles.list(), query, 'profile'),
  }),
  defineRoute({
    method: 'POST',
    path: '/profiles',
    operationId: 'createProfile',
    tag: TAG,
    summary: 'Create a seller profile',
    description:
      'Attach sources to it afterwards (POST /profiles/{id}/sources) and switch `invoicing` on when the settings are right.',
    body: createProfileBody,
    errors: ['EINVOICE_INCOMPLETE'],
    response: { status: 201, description: 'The new profile.', schema: profile },
    handler: async ({ body, deps }) => deps.profiles.create(body),
  }),
  defineRoute({
    method: 'GET',
    path: '/profiles/:id',
    operationId: 'getProfile',
    tag: TAG,
    summary: 'Get a seller profile',
    params: idParams,
    response: { status: 200, description: 'The profile.', schema: profile },
    handler: async ({ params, deps }) =>
      found(await deps.profiles.get(params.id), 'seller profile', params.id),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/profiles/:id',
    operationId: 'updateProfile',
    tag: TAG,
    summary: 'Update a seller profile',
    description:
      'Documents issued before keep what they say: each carries the profile as it was at issue.',
    params: idParams,
    body: updateProfileBody,
    errors: ['EINVOICE_INCOMPLETE'],
    response: { status: 200, description: 'The updated profile.', schema: profile },
    handler: async ({ params, body, deps }) =>
      found(await deps.profiles.update(params.id, body), 'seller profile', params.id),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/profiles/:id',
    operationId: 'deleteProfile',
    tag: TAG,
    summary: 'Delete a seller profile',
    description:
      'Only before it has issued a document (they must stay traceable to it): switch `invoicing` off instead.',
    params: idParams,
    errors: ['PROFILE_HAS_DOCUMENTS'],
    response: { status: 204, description: 'Deleted.' },
    handler: async ({ params, deps }) =>
      deleted(await deps.profiles.remove(params.id), 'seller profile', params.id),
  }),
  defineRoute({
    method: 'POST',
    path: '/profiles/:id/logo',
    operationId: 'setProfileLogo',
    tag: TAG,
    summary: 'Upload the logo',
    description:
      'PNG or JPEG, recognised by the file’s first bytes, at most 256 KiB. Printed on documents issued from now on.',
    params: idParams,
    body: logoBody,
    errors: ['LOGO_INVALID', 'LOGO_TOO_LARGE'],
    bodyLimit: { bytes: MAX_LOGO_UPLOAD_BYTES, code: 'LOGO_TOO_LARGE' },
    response: { status: 200, description: 'The profile.', schema: profile },
    handler: async ({ params, body, deps }) =>
      found(await deps.profiles.setLogo(params.id, body.data), 'seller profile', params.id),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/profiles/:id/logo',
    operationId: 'deleteProfileLogo',
    tag: TAG,
    summary: 'Remove the logo',
    params: idParams,
    response: { status: 200, description: 'The profile.', schema: profile },
    handler: async ({ params, deps }) =>
      found(await deps.profiles.clearLogo(params.id), 'seller profile', params.id),
  }),
  defineRoute({
    method: 'POST',
    path: '/profiles/:id/sources',
    operationId: 'attachProfileSource',
    tag: TAG,
    summary: 'Attach a source',
    description:
      'Its payments, refunds and chargebacks from now on get documents from this profile. A source has at most one profile.',
    params: idParams,
    body: sourceBody,
    errors: ['SOURCE_HAS_PROFILE'],
    response: { status: 200, description: 'The profile.', schema: profile },
    handler: async ({ params, body, deps }) =>
      found(await deps.profiles.attach(params.id, body.sourceId), 'seller profile', params.id),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/profiles/:id/sources/:sourceId',
    operationId: 'detachProfileSource',
    tag: TAG,
    summary: 'Detach a source',
    params: sourceParams,
    response: { status: 200, description: 'The profile.', schema: profile },
    handler: async ({ params, deps }) =>
      found(await deps.profiles.detach(params.id, params.sourceId), 'seller profile', params.id),
  }),
];
