/**
 * Configuration of the `klicktipp` connector (docs/protocols/klicktipp.md): how to log in
 * (session login with username and password, or the partner scheme with developer and customer
 * key, docs/protocols/klicktipp.md#authentication), the opt-in process, which Klick-Tipp fields get which event values (docs/protocols/klicktipp.md#fields), how
 * values are converted for decimal and date fields, and what happens on each event.
 */
import * as z from 'zod';
import { eventActionsSchema } from '../event-actions.js';
import { mappingSchema, templateSchema } from '../template.js';

/** Klick-Tipp's built-in contact fields (docs/protocols/klicktipp.md#fields); custom fields are `field<number>`. */
export const BUILT_IN_FIELDS: readonly string[] = [
  'fieldFirstName',
  'fieldLastName',
  'fieldCompanyName',
  'fieldStreet1',
  'fieldStreet2',
  'fieldCity',
  'fieldState',
  'fieldZip',
  'fieldCountry',
  'fieldPrivatePhone',
  'fieldMobilePhone',
  'fieldPhone',
  'fieldFax',
  'fieldWebsite',
  'fieldBirthday',
  'fieldLeadValue',
];

const CUSTOM_FIELD = /^field\d+$/;

/** True for a key Klick-Tipp's `fields` object can hold: a built-in field or `field<number>`. */
export function isFieldKey(key: string): boolean {
  return CUSTOM_FIELD.test(key) || BUILT_IN_FIELDS.includes(key);
}

function fieldKeyProblem(key: string): string {
  return `"${key}" is not a Klick-Tipp field: use a built-in field (${BUILT_IN_FIELDS.join(', ')}) or a custom field as field<number>, e.g. field12345`;
}

/** The standard buyer fields: name, company, phone and the postal address. */
export const DEFAULT_MAPPING: Readonly<Record<string, string>> = {
  fieldFirstName: 'buyer.firstName',
  fieldLastName: 'buyer.lastName',
  fieldCompanyName: 'buyer.company',
  fieldPhone: 'buyer.phone',
  fieldStreet1: 'buyer.address.street',
  fieldStreet2: 'buyer.address.street2',
  fieldZip: 'buyer.address.zipcode',
  fieldCity: 'buyer.address.city',
  fieldState: 'buyer.address.state',
  fieldCountry: 'buyer.address.country',
};

const fieldMappingSchema = mappingSchema.superRefine((mapping, ctx) => {
  for (const key of Object.keys(mapping)) {
    if (!isFieldKey(key))
      ctx.addIssue({ code: 'custom', message: fieldKeyProblem(key), path: [key] });
  }
});

const fieldTypesSchema = z
  .record(z.string(), z.enum(['decimal', 'date']))
  .superRefine((types, ctx) => {
    for (const key of Object.keys(types)) {
      if (!isFieldKey(key))
        ctx.addIssue({ code: 'custom', message: fieldKeyProblem(key), path: [key] });
    }
  });

const tagTemplate = templateSchema().trim().min(1, 'a tag name must not be empty');

const listIdSchema = z.number().int().positive();

const actionSchema = z
  .object({
    subscribe: z.boolean().default(false).meta({
      title: 'Subscribe',
      description:
        'Create or update the contact by e-mail (POST /subscriber) with the mapped fields, in the opt-in process below; the first tag to add is applied with it. Without it the action only changes an existing contact and skips buyers Klick-Tipp does not know.',
    }),
    listId: listIdSchema.optional().meta({
      title: 'Opt-in process for this event',
      description:
        "Overrides the connection's opt-in process for this event only (e.g. a separate process for affiliates).",
    }),
    addTags: z.array(tagTemplate).default([]).meta({
      title: 'Tags to add',
      description:
        'Tag names; templates such as "{product.name}" or "ds24-{event}". Missing tags are created when "Create missing tags" is on. Adding a tag the contact already has is fine.',
    }),
    removeTags: z.array(tagTemplate).default([]).meta({
      title: 'Tags to remove',
      description:
        'Tag names (templates) taken off the contact after the additions. A tag Klick-Tipp does not have is skipped. Smart tags cannot be removed (Klick-Tipp error 31).',
    }),
    unsubscribe: z.boolean().default(false).meta({
      title: 'Unsubscribe',
      description:
        'Unsubscribe the contact from all e-mails (POST /subscriber/unsubscribe) as the last step. Unsubscribing is sticky in Klick-Tipp: only a new opt-in brings the contact back.',
    }),
  })
  .strict()
  .meta({
    title: 'Action',
    description: 'What the connection does in Klick-Tipp for one event type.',
  });

/** One event type's action: subscribe, tags to add and remove, unsubscribe. */
export type KlickTippAction = z.infer<typeof actionSchema>;

function action(parts: Partial<KlickTippAction>): KlickTippAction {
  return { subscribe: false, addTags: [], removeTags: [], unsubscribe: false, ...parts };
}

const PRODUCT_TAG = '{product.name}';
const EVENT_TAG = '{event}: {product.name}';

/**
 * Payment and affiliation subscribe and tag; refund, chargeback and the end of the paid period
 * take the product tag off and mark the event; a missed payment or a cancelled rebill only marks
 * the event, and a resumed rebill removes those marks again.
 */
export const DEFAULT_ACTIONS = {
  payment: action({ subscribe: true, addTags: [PRODUCT_TAG] }),
  refund: action({ addTags: [EVENT_TAG], removeTags: [PRODUCT_TAG] }),
  refund_partial: action({ addTags: ['partial_refund: {product.name}'] }),
  chargeback: action({ addTags: [EVENT_TAG], removeTags: [PRODUCT_TAG] }),
  payment_missed: action({ addTags: [EVENT_TAG] }),
  rebill_cancelled: action({ addTags: [EVENT_TAG] }),
  rebill_resumed: action({
    removeTags: ['rebill_cancelled: {product.name}', 'payment_missed: {product.name}'],
  }),
  last_paid_day: action({ addTags: [EVENT_TAG], removeTags: [PRODUCT_TAG] }),
  affiliation: action({ subscribe: true, addTags: ['affiliate: {product.name}'] }),
} satisfies Partial<Record<string, KlickTippAction>>;

const credentialsSchema = z
  .object({
    method: z.enum(['session', 'partner']).default('session').meta({
      title: 'Login method',
      description:
        '"session": log in with your Klick-Tipp username and password (the session is reused and renewed when Klick-Tipp ends it). "partner": developer key + customer key, no session; for integrations registered with Klick-Tipp as a partner.',
    }),
    username: z.string().trim().min(1, 'the Klick-Tipp username is required').meta({
      title: 'Username',
      description:
        'Your Klick-Tipp login name (the one you sign in to app.klicktipp.com with); also sent as X-Un with the partner method.',
    }),
    password: z.string().min(1).optional().meta({
      title: 'Password',
      description:
        'Your Klick-Tipp password; required for the session method. Stored encrypted. Your Klick-Tipp plan must include API access.',
      writeOnly: true,
    }),
    developerKey: z
      .string()
      .regex(/^(?:[0-9a-fA-F]{2})+$/, 'must be the hexadecimal developer key Klick-Tipp issued')
      .optional()
      .meta({
        title: 'Developer key',
        description:
          'Partner method only: your hexadecimal developer key from Klick-Tipp. Stored encrypted.',
        writeOnly: true,
      }),
    customerKey: z.string().trim().min(1).optional().meta({
      title: 'Customer key',
      description:
        'Partner method only: the customer key the account owner granted your integration (app.klicktipp.com/grantapiaccess/…). Stored encrypted.',
      writeOnly: true,
    }),
  })
  .strict()
  .superRefine((auth, ctx) => {
    if (auth.method === 'session' && auth.password === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: 'the session method needs the password',
        path: ['password'],
      });
    }
    if (auth.method === 'partner') {
      if (auth.developerKey === undefined)
        ctx.addIssue({
          code: 'custom',
          message: 'the partner method needs the developer key',
          path: ['developerKey'],
        });
      if (auth.customerKey === undefined)
        ctx.addIssue({
          code: 'custom',
          message: 'the partner method needs the customer key',
          path: ['customerKey'],
        });
    }
  })
  .meta({ title: 'Credentials', description: 'How ipnhub logs in to the Klick-Tipp API.' });

/** Validates a Klick-Tipp connection's config and fills in the defaults. */
export const klickTippConfigSchema = z.strictObject({
  baseUrl: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .default('https://api.klicktipp.com')
    .meta({
      title: 'API base URL',
      description:
        'The Klick-Tipp REST API; keep the default https://api.klicktipp.com unless Klick-Tipp tells you otherwise.',
    }),
  auth: credentialsSchema,
  listId: listIdSchema.optional().meta({
    title: 'Opt-in process',
    description:
      'Id of the opt-in process new contacts are subscribed with (Klick-Tipp → Listbuilding; GET /list shows them). With a single opt-in process contacts are subscribed at once; without one Klick-Tipp runs its default double opt-in and mails the buyer a confirmation link.',
  }),
  mapping: fieldMappingSchema
    .default(() => ({ ...DEFAULT_MAPPING }))
    .meta({
      title: 'Field mapping',
      description:
        'Klick-Tipp field ← event path (e.g. "buyer.address.city", "order.amount", "raw.custom") or template ("{product.name} ({order.id})"). Keys are built-in fields (fieldFirstName, fieldStreet1, fieldZip, fieldCity, fieldCountry, …) or custom fields as field<number> (the number Klick-Tipp shows in the field list). The fields must already exist in Klick-Tipp: the connector never creates fields. Empty values are left out, so they never blank what Klick-Tipp already has. The e-mail address is always the contact\'s key and needs no mapping.',
    }),
  fieldTypes: fieldTypesSchema.default({}).meta({
    title: 'Decimal and date fields',
    description:
      'Custom fields of type "Decimal number" or "Date"/"Date & time", so values are converted the way Klick-Tipp stores them: decimal fields take the amount ×100 as an integer (19.99 is sent as 1999; numbers from paths such as "order.amount" are minor units of the order currency and are scaled accordingly), date fields take Unix seconds (ISO dates such as "occurredAt" or "order.nextPaymentAt" are converted).',
  }),
  actions: eventActionsSchema(
    actionSchema,
    DEFAULT_ACTIONS,
    'Per event type: subscribe (create or update the contact), tags to add, tags to remove, unsubscribe. By default a payment subscribes the buyer and tags the product name; a refund, chargeback or the last paid day removes the product tag and adds "<event>: <product>".',
  ),
  createMissingTags: z.boolean().default(true).meta({
    title: 'Create missing tags',
    description:
      'Create a tag to add when Klick-Tipp has none with that name (POST /tag). Off: such an event fails and names the tag, so only tags you created are used.',
  }),
  requestsPerSecond: z.number().positive().max(100).default(10).meta({
    title: 'Requests per second',
    description:
      'Upper bound on requests to this Klick-Tipp account from this ipnhub process. Klick-Tipp documents no limit; 10 is a cautious default.',
  }),
});

/** A validated Klick-Tipp connection config, defaults filled in. */
export type KlickTippConfig = z.infer<typeof klickTippConfigSchema>;
