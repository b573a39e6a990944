/**
 * Configuration of the `quentn` connector (docs/protocols/quentn.md): the account's API base
 * URL and key, the contact field mapping, the Digistore24-style field assignments (affiliate
 * name, order id, invoice link), the buyer e-mail status option of Quentn's own Digistore24
 * integration, and what happens on each event (tags — Quentn "terms" — added or removed).
 */
import * as z from 'zod';
import { eventActionsSchema } from '../event-actions.js';
import type { EventActions } from '../event-actions.js';
import { mappingSchema, templateSchema } from '../template.js';

/** Quentn's standard contact fields (docs/protocols/quentn.md#endpoints); every other mapped field is a custom field. */
export const QUENTN_STANDARD_FIELDS: readonly string[] = [
  'title',
  'title2',
  'full_name',
  'first_name',
  'family_name',
  'company',
  'job_title',
  'mail',
  'mail2',
  'phone_type',
  'phone',
  'phone2_type',
  'phone2',
  'fax',
  'skype',
  'fb',
  'twitter',
  'ba_street',
  'ba_street2',
  'ba_city',
  'ba_postal_code',
  'ba_state',
  'ba_country',
  'date_of_birth',
  'request_ip',
  'terms',
];

/** Set by the connector itself: the duplicate check keys on `mail`, and tags go through the actions. */
const RESERVED_FIELDS: readonly string[] = ['mail', 'terms'];

const FIELD_NAME = /^[A-Za-z0-9_]+$/;

export const DEFAULT_MAPPING: Readonly<Record<string, string>> = {
  first_name: 'buyer.firstName',
  family_name: 'buyer.lastName',
  company: 'buyer.company',
  phone: 'buyer.phone',
  ba_street: 'buyer.address.street',
  ba_street2: 'buyer.address.street2',
  ba_postal_code: 'buyer.address.zipcode',
  ba_city: 'buyer.address.city',
  ba_state: 'buyer.address.state',
  ba_country: 'buyer.address.country',
};

/** Where the three field assignments of Quentn's Digistore24 integration take their values. */
export const FIELD_ASSIGNMENT_SOURCES = {
  affiliateName: 'affiliate.name',
  orderId: 'order.id',
  invoiceLink: 'order.invoiceUrl',
} as const;

const fieldName = (title: string, description: string) =>
  z
    .string()
    .regex(FIELD_NAME, 'a Quentn field name: letters, digits and _')
    .meta({ title, description });

const tagTemplate = templateSchema().trim().min(1, 'a tag must not be empty').max(200).meta({
  title: 'Tag',
  description: 'A tag name or template, e.g. "{product.name}" or "ds24-{event}".',
});

export const quentnActionSchema = z
  .object({
    contact: z.enum(['upsert', 'existing']).default('upsert').meta({
      title: 'Contact',
      description:
        '"upsert": create the contact, or update the one with the buyer\'s e-mail (duplicate check by e-mail), with the mapped fields. "existing": only change a contact that already has the buyer\'s e-mail; never create one (nothing happens when there is none).',
    }),
    addTags: z.array(tagTemplate).max(50).default([]).meta({
      title: 'Tags to add',
      description:
        'Quentn tags (terms) added to the contact. Templates: a tag using {product.…} is added once per product of the order. Tags are created in Quentn on first use; a tag the contact already has is left alone.',
    }),
    removeTags: z.array(tagTemplate).max(50).default([]).meta({
      title: 'Tags to remove',
      description:
        'Quentn tags (terms) taken off the contact, same templates as "Tags to add". Tags the contact does not have are ignored; no tag is ever created or deleted for a removal.',
    }),
    setEmailStatus: z.boolean().default(false).meta({
      title: 'Apply the e-mail status option',
      description:
        'Apply the "Buyer e-mail status" setting to contacts this event creates (normally on payments only).',
    }),
  })
  .strict()
  .meta({ title: 'Quentn action', description: 'What to do in Quentn for one event type.' });

export type QuentnAction = z.infer<typeof quentnActionSchema>;

/** Tags by product and event (docs/protocols/quentn.md#endpoints terms); the per-event tag is "<product> - <event>". */
export const DEFAULT_ACTIONS: EventActions<QuentnAction> = {
  payment: {
    contact: 'upsert',
    addTags: ['{product.name}'],
    removeTags: ['{product.name} - payment_missed'],
    setEmailStatus: true,
  },
  refund: {
    contact: 'existing',
    addTags: ['{product.name} - {event}'],
    removeTags: ['{product.name}'],
    setEmailStatus: false,
  },
  refund_partial: {
    contact: 'existing',
    addTags: ['{product.name} - partial_refund'],
    removeTags: [],
    setEmailStatus: false,
  },
  chargeback: {
    contact: 'existing',
    addTags: ['{product.name} - {event}'],
    removeTags: ['{product.name}'],
    setEmailStatus: false,
  },
  payment_missed: {
    contact: 'existing',
    addTags: ['{product.name} - {event}'],
    removeTags: [],
    setEmailStatus: false,
  },
  rebill_cancelled: {
    contact: 'existing',
    addTags: ['{product.name} - {event}'],
    removeTags: [],
    setEmailStatus: false,
  },
  rebill_resumed: {
    contact: 'existing',
    addTags: [],
    removeTags: ['{product.name} - rebill_cancelled', '{product.name} - payment_missed'],
    setEmailStatus: false,
  },
  last_paid_day: {
    contact: 'existing',
    addTags: ['{product.name} - {event}'],
    removeTags: ['{product.name}'],
    setEmailStatus: false,
  },
  affiliation: {
    contact: 'upsert',
    addTags: ['affiliate {product.name}'],
    removeTags: [],
    setEmailStatus: false,
  },
};

const mapping = mappingSchema
  .superRefine((value, ctx) => {
    for (const key of Object.keys(value)) {
      if (!FIELD_NAME.test(key))
        ctx.addIssue({
          code: 'custom',
          message: `"${key}" is not a Quentn field name (letters, digits and _; Quentn contacts are flat)`,
          path: [key],
        });
      else if (RESERVED_FIELDS.includes(key))
        ctx.addIssue({
          code: 'custom',
          message: `"${key}" is set by ipnhub (mail: the buyer's e-mail; terms: the tag actions)`,
          path: [key],
        });
    }
  })
  .default({ ...DEFAULT_MAPPING })
  .meta({
    title: 'Field mapping',
    description:
      'Quentn contact field ← canonical path (e.g. "buyer.address.city") or template (e.g. "{product.name} ({amount} {order.currency})"). Standard fields: first_name, family_name, company, phone, ba_street, ba_street2, ba_postal_code, ba_city, ba_state, ba_country (ISO code), job_title, … Custom fields by their Quentn field name: they must already exist in Quentn (Contacts → custom fields) — ipnhub never creates fields. Empty values are not sent, so they never blank out what Quentn has. The e-mail (mail) is always the buyer\'s e-mail. Giving a mapping replaces the default one.',
  });

export const quentnConfigSchema = z.strictObject({
  baseUrl: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).meta({
    title: 'API base URL',
    description:
      'Shown in Quentn next to your API keys (Settings → API info), e.g. https://abc123.def.quentn.com/public/api/V1/',
  }),
  apiKey: z.string().trim().min(1, 'the API key is required').meta({
    title: 'API key',
    description:
      'A Quentn API key (Settings → API info → Add key). Sent as a Bearer token; stored encrypted.',
    writeOnly: true,
  }),
  mapping,
  fieldAssignments: z
    .object({
      affiliateName: fieldName(
        'Affiliate name → field',
        "Quentn custom field that receives the affiliate's name (Digistore24 affiliate ID), when the order has one.",
      ).optional(),
      orderId: fieldName(
        'Order ID → field',
        'Quentn custom field that receives the order id.',
      ).optional(),
      invoiceLink: fieldName(
        'Link to invoice → field',
        'Quentn custom field that receives the invoice URL, when the provider sends one.',
      ).optional(),
    })
    .strict()
    .default({})
    .meta({
      title: 'Field assignments',
      description:
        'The optional field assignments of Quentn\'s own Digistore24 integration. Name an existing Quentn custom field for each value you want; leave empty to skip. Same as adding "<field>: affiliate.name" / "order.id" / "order.invoiceUrl" to the mapping.',
    }),
  emailStatus: z
    .object({
      mode: z
        .enum(['newsletter_consent', 'confirm_all', 'unchanged'])
        .default('newsletter_consent')
        .meta({
          title: 'Buyer e-mail status',
          description:
            '"newsletter_consent": use Digistore24\'s newsletter consent — a new contact\'s e-mail is set to confirmed when the buyer opted in at checkout. "confirm_all": confirm every new buyer\'s e-mail. "unchanged": never set it; Quentn\'s double opt-in decides. Only contacts this delivery creates are changed, so an unsubscribed contact is never re-confirmed; only on events whose action applies the e-mail status.',
        }),
      field: fieldName(
        'Status field',
        "The contact field that holds the e-mail status. UNCONFIRMED: Quentn's API field name is not documented publicly; change it if Quentn rejects it.",
      ).default('mail_status'),
      confirmedValue: z.string().trim().min(1).default('confirmed').meta({
        title: 'Confirmed value',
        description:
          'The value that marks an e-mail as confirmed (UNCONFIRMED, see "Status field").',
      }),
    })
    .strict()
    .default({ mode: 'newsletter_consent', field: 'mail_status', confirmedValue: 'confirmed' })
    .meta({
      title: 'Buyer e-mail status',
      description:
        'The two options of Quentn\'s own Digistore24 integration ("use Digistore\'s newsletter consent", "confirm e-mail address"), or neither.',
    }),
  duplicateMergeMethod: z.enum(['update_add', 'update']).default('update_add').meta({
    title: 'Merge method',
    description:
      'How Quentn merges the data into a contact with the same e-mail (duplicate_check_method is always "email"): "update_add" (Quentn\'s default) also adds to multi-value fields, "update" overwrites them.',
  }),
  requestsPerSecond: z.number().int().min(1).max(100).default(5).meta({
    title: 'Requests per second',
    description:
      'Upper bound on calls to this Quentn account from this ipnhub process. Quentn announces its limits in X-Rate-Limit-* headers; 429 answers are retried after Retry-After.',
  }),
  actions: eventActionsSchema(
    quentnActionSchema,
    DEFAULT_ACTIONS,
    'Per event type: whether to upsert the contact or only touch an existing one, the tags to add and remove (templates such as "{product.name}" or "{product.name} - {event}"), and whether the e-mail status option applies. A tag whose placeholders have no value for the event (e.g. "{affiliate.name}" without an affiliate) is left out.',
  ),
});

export type QuentnConfig = z.infer<typeof quentnConfigSchema>;

/** The mapping with the field assignments added (assignments win over mapping entries of the same field). */
export function effectiveMapping(
  config: Pick<QuentnConfig, 'mapping' | 'fieldAssignments'>,
): Record<string, string> {
  const result: Record<string, string> = { ...config.mapping };
  for (const [key, source] of Object.entries(FIELD_ASSIGNMENT_SOURCES)) {
    const field = config.fieldAssignments[key as keyof typeof FIELD_ASSIGNMENT_SOURCES];
    if (field) result[field] = source;
  }
  return result;
}

/** Mapped fields that are not Quentn standard fields: they must exist as custom fields in Quentn. */
export function customFieldsOf(
  config: Pick<QuentnConfig, 'mapping' | 'fieldAssignments'>,
): string[] {
  return Object.keys(effectiveMapping(config)).filter(
    (field) => !QUENTN_STANDARD_FIELDS.includes(field),
  );
}
