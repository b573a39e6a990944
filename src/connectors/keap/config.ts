/**
 * Configuration of the `keap` connector (docs/protocols/keap.md): the API root, how ipnhub
 * authenticates (an API key — personal access token or service account key — or an OAuth2
 * app with a refresh token), how the event fills the contact and its existing custom fields,
 * the opt-in from the buyer's newsletter consent, the optional order note, and what each
 * event type does to the contact's tags.
 */
import * as z from 'zod';
import { eventActionsSchema } from '../event-actions.js';
import type { EventActions } from '../event-actions.js';
import { mappingSchema, templateSchema } from '../template.js';

/** Where Keap's REST API lives (docs/protocols/keap.md#base-url-and-authentication). */
export const KEAP_API_URL = 'https://api.infusionsoft.com/crm/rest';
/** Keap's OAuth2 token endpoint (docs/protocols/keap.md#oauth2). */
export const KEAP_TOKEN_URL = 'https://api.infusionsoft.com/token';

/** The contact fields ipnhub fills; each becomes part of the v2 contact body (contact-body.ts). */
export const CONTACT_FIELDS = [
  'email',
  'givenName',
  'familyName',
  'phone',
  'line1',
  'line2',
  'locality',
  'postalCode',
  'region',
  'country',
] as const;
export type ContactField = (typeof CONTACT_FIELDS)[number];

export const DEFAULT_CONTACT_MAPPING: Readonly<Record<ContactField, string>> = {
  email: 'buyer.email',
  givenName: 'buyer.firstName',
  familyName: 'buyer.lastName',
  phone: 'buyer.phone',
  line1: 'buyer.address.street',
  line2: 'buyer.address.street2',
  locality: 'buyer.address.city',
  postalCode: 'buyer.address.zipcode',
  region: 'buyer.address.state',
  country: 'buyer.address.country',
};

const credentialsSchema = z
  .object({
    method: z.enum(['apiKey', 'oauth']).default('apiKey').meta({
      title: 'Authentication',
      description:
        '"apiKey": a personal access token or service account key from Keap → Settings → API Settings, sent as X-Keap-API-Key. "oauth": a Keap developer app (client id and secret) and a refresh token from its authorization; ipnhub refreshes the access token before it expires and stores the new refresh token encrypted.',
    }),
    apiKey: z.string().trim().min(1).optional().meta({
      title: 'API key',
      description:
        "The personal access token or service account key (API key method). A service account key acts as an admin; a personal access token with its user's rights. Stored encrypted.",
      writeOnly: true,
    }),
    clientId: z.string().trim().min(1).optional().meta({
      title: 'Client id',
      description: 'The OAuth2 client id (key) of your Keap developer app (OAuth method).',
    }),
    clientSecret: z.string().trim().min(1).optional().meta({
      title: 'Client secret',
      description: "The developer app's client secret (OAuth method). Stored encrypted.",
      writeOnly: true,
    }),
    refreshToken: z.string().trim().min(1).optional().meta({
      title: 'Refresh token',
      description:
        'The refresh token from authorizing the app on your Keap account (OAuth method). Keap replaces it on every refresh; ipnhub saves the new one here itself. Stored encrypted.',
      writeOnly: true,
    }),
    tokenUrl: z
      .url({ protocol: /^https?$/, error: 'must be an https:// URL' })
      .default(KEAP_TOKEN_URL)
      .meta({
        title: 'Token URL',
        description: `Keap's OAuth2 token endpoint; keep the default ${KEAP_TOKEN_URL}.`,
      }),
  })
  .strict()
  .superRefine((credentials, ctx) => {
    const need = (field: 'apiKey' | 'clientId' | 'clientSecret' | 'refreshToken', what: string) => {
      if (!credentials[field])
        ctx.addIssue({ code: 'custom', path: [field], message: `${what} is required` });
    };
    if (credentials.method === 'apiKey') need('apiKey', 'the API key method needs the API key');
    else {
      need('clientId', 'the OAuth method needs the client id');
      need('clientSecret', 'the OAuth method needs the client secret');
      need('refreshToken', 'the OAuth method needs a refresh token');
    }
  })
  .meta({
    title: 'Credentials',
    description: 'How ipnhub signs in to your Keap account: an API key, or OAuth2.',
  });

const tagTemplate = templateSchema().trim().min(1).meta({
  title: 'Tag',
  description:
    'A tag name or a template, e.g. "Customer", "{product.name}" or "{product.name} - refund".',
});

/** What one event type does to the contact, after it has been created or updated. */
export const keapActionSchema = z
  .object({
    customFields: z.record(z.string(), templateSchema()).default({}).meta({
      title: 'Custom fields set on this event',
      description:
        'Existing custom field (its label or id) ← text template, written on this event only, e.g. {"Purchase date": "{occurredAt}"}. Added to the connection\'s custom fields; a field named in both gets this value. Empty results are not sent.',
    }),
    addTags: z.array(tagTemplate).default([]).meta({
      title: 'Add tags',
      description:
        'Tags applied to the contact. Templates are rendered per event; a tag that does not exist yet is created. Applying a tag the contact has changes nothing.',
    }),
    removeTags: z.array(tagTemplate).default([]).meta({
      title: 'Remove tags',
      description:
        'Tags taken off the contact (templates allowed). Tags that do not exist are ignored. A tag also listed under "Add tags" is applied, not removed.',
    }),
  })
  .strict()
  .meta({
    title: 'Action',
    description:
      "Every action first creates or updates the contact by e-mail (contact fields, the connection's custom fields and this action's), then applies and removes these tags.",
  });

export type KeapAction = z.infer<typeof keapActionSchema>;

function tagAction(addTags: string[], removeTags: string[]): KeapAction {
  return { customFields: {}, addTags, removeTags };
}

/** Defaults like the other CRM connectors: the product's tag stands for access. Spelled out in full. */
export const DEFAULT_ACTIONS: EventActions<KeapAction> = {
  payment: tagAction(['{product.name}'], ['{product.name} - payment missed']),
  refund: tagAction(['{product.name} - refund'], ['{product.name}']),
  refund_partial: tagAction(['{product.name} - partial refund'], []),
  chargeback: tagAction(['{product.name} - chargeback'], ['{product.name}']),
  payment_missed: tagAction(['{product.name} - payment missed'], []),
  rebill_cancelled: tagAction(['{product.name} - rebill cancelled'], []),
  rebill_resumed: tagAction([], ['{product.name} - rebill cancelled']),
  last_paid_day: tagAction(['{product.name} - last paid day'], ['{product.name}']),
  affiliation: tagAction(['Affiliate', 'Affiliate - {product.name}'], []),
};

const contactMappingSchema = mappingSchema
  .superRefine((mapping, ctx) => {
    for (const key of Object.keys(mapping)) {
      if (!(CONTACT_FIELDS as readonly string[]).includes(key))
        ctx.addIssue({
          code: 'custom',
          message: `"${key}" is not a contact field (${CONTACT_FIELDS.join(', ')}); map other data to custom fields`,
        });
    }
    if (!Object.hasOwn(mapping, 'email'))
      ctx.addIssue({
        code: 'custom',
        message: '"email" is required: ipnhub finds Keap contacts by e-mail',
      });
  })
  .default({ ...DEFAULT_CONTACT_MAPPING })
  .meta({
    title: 'Contact fields',
    description: `Keap contact field ← path (e.g. "buyer.email") or template. Fields: ${CONTACT_FIELDS.join(', ')}; "email" is required and is how contacts are found. The address is the contact's billing address; "country" takes a two-letter code (DE), sent to Keap as its three-letter code (DEU). Empty values are not sent, so what the contact already has stays.`,
  });

const customFieldsSchema = mappingSchema.default({}).meta({
  title: 'Custom fields',
  description:
    'Existing Keap contact custom field (its label or id) ← path or template, written on every event the connection acts on, e.g. {"Order ID": "order.id"}. The fields must exist in Keap: ipnhub never creates fields, the connection test checks them and a delivery naming a missing field fails with its name. Empty values are not sent.',
});

const optInSchema = z
  .object({
    enabled: z.boolean().default(true).meta({
      title: 'Opt in on newsletter consent',
      description:
        "When the buyer agreed to the newsletter at checkout (Digistore24's consent field), the contact's e-mail is opted in with the reason below. Without that consent ipnhub never opts anyone in, and it never opts anyone out.",
    }),
    reason: templateSchema()
      .trim()
      .min(1)
      .default('Newsletter consent at checkout ({source.provider}, order {order.id})')
      .meta({
        title: 'Opt-in reason',
        description:
          'The reason Keap records with the opt-in (a template), e.g. "Newsletter consent at checkout (order {order.id})".',
      }),
  })
  .strict()
  .prefault({})
  .meta({
    title: 'E-mail opt-in',
    description:
      "Marketing permission from the buyer's own newsletter consent, and from nothing else.",
  });

const orderNoteSchema = z
  .object({
    enabled: z.boolean().default(false).meta({
      title: 'Order note per payment',
      description:
        'On payment events, add a note to the contact with the order, product and amount. One note per transaction: a retried delivery finds it and adds none.',
    }),
    userId: z
      .string()
      .trim()
      .regex(/^\d+$/, { message: 'a Keap user id is a number, e.g. "1"' })
      .optional()
      .meta({
        title: 'Note author (user id)',
        description:
          'The id of the Keap user the note is written as; Keap requires one for notes. Required when notes are on.',
      }),
  })
  .strict()
  .superRefine((note, ctx) => {
    if (note.enabled && !note.userId)
      ctx.addIssue({
        code: 'custom',
        path: ['userId'],
        message: 'order notes need the id of the Keap user who writes them',
      });
  })
  .prefault({})
  .meta({ title: 'Order notes', description: 'Optional: a note on the contact per payment.' });

export const keapConfigSchema = z.strictObject({
  apiUrl: z
    .url({ protocol: /^https?$/, error: `must be an https:// URL such as ${KEAP_API_URL}` })
    .default(KEAP_API_URL)
    .meta({
      title: 'API URL',
      description: `Keap's REST API root; keep the default ${KEAP_API_URL}.`,
    }),
  credentials: credentialsSchema,
  contact: contactMappingSchema,
  customFields: customFieldsSchema,
  optIn: optInSchema,
  orderNote: orderNoteSchema,
  actions: eventActionsSchema(
    keapActionSchema,
    DEFAULT_ACTIONS,
    'What each event type does to the contact: tags to apply and remove (templates such as "{product.name}" allowed) and custom fields to set.',
  ),
  maxRequestsPerSecond: z.number().positive().max(25).optional().meta({
    title: 'Requests per second',
    description:
      "Upper bound on calls per second to this Keap account, shared by every connection with the same credentials in this process. Default: Keap's documented limit for the authentication method (4 per second for an API key, 25 for OAuth).",
  }),
});

export type KeapConfig = z.infer<typeof keapConfigSchema>;
export type KeapCredentials = KeapConfig['credentials'];
