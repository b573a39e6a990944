/**
 * Configuration of the `capsule` connector (docs/protocols/capsule.md): the API token, how the
 * event fills the person party and its existing custom fields, the tags each event type adds
 * and removes, and the optional opportunity per order with its pipeline and milestones.
 */
import * as z from 'zod';
import { eventActionsSchema } from '../event-actions.js';
import type { EventActions } from '../event-actions.js';
import { mappingSchema, templateSchema } from '../template.js';

/** Capsule's API root (docs/protocols/capsule.md#authentication). */
export const CAPSULE_API_URL = 'https://api.capsulecrm.com/api/v2';

/** The person fields ipnhub fills; the address parts become one address, `country` an ISO code. */
export const PARTY_FIELDS = [
  'email',
  'firstName',
  'lastName',
  'jobTitle',
  'phone',
  'street',
  'zip',
  'city',
  'state',
  'country',
] as const;
export type PartyField = (typeof PARTY_FIELDS)[number];

export const DEFAULT_PARTY_MAPPING: Readonly<Partial<Record<PartyField, string>>> = {
  email: 'buyer.email',
  firstName: 'buyer.firstName',
  lastName: 'buyer.lastName',
  phone: 'buyer.phone',
  street: 'buyer.address.street',
  zip: 'buyer.address.zipcode',
  city: 'buyer.address.city',
  state: 'buyer.address.state',
  country: 'buyer.address.country',
};

const tagTemplate = templateSchema().trim().min(1).meta({
  title: 'Tag',
  description: 'A tag name or a template, e.g. "customer" or "{product.name}".',
});

export const OPPORTUNITY_STEPS = ['open', 'won', 'lost'] as const;
export type OpportunityStep = (typeof OPPORTUNITY_STEPS)[number];

/** What one event type does to the party (after creating or updating it) and to the order's opportunity. */
export const capsuleActionSchema = z
  .object({
    addTags: z.array(tagTemplate).default([]).meta({
      title: 'Add tags',
      description:
        'Tags added to the person. Templates are rendered per event; Capsule creates a tag that does not exist yet. A tag the person already has is left alone.',
    }),
    removeTags: z.array(tagTemplate).default([]).meta({
      title: 'Remove tags',
      description:
        'Tags taken off the person (templates allowed). Tags the person does not have are ignored; a tag also listed under "Add tags" is added, not removed.',
    }),
    opportunity: z.enum(OPPORTUNITY_STEPS).optional().meta({
      title: 'Opportunity',
      description:
        'What this event does to the order\'s opportunity (only when opportunities are on): "open" creates it at the start milestone if the order has none yet; "won" moves it to the won milestone (creating it there if needed), except one a "lost" event closed; "lost" moves an existing one to the lost milestone. Leave empty to leave it alone.',
    }),
  })
  .strict()
  .meta({
    title: 'Action',
    description:
      'Every action first finds the person by e-mail and creates or updates them (name, address, phone, custom fields), then applies these tags and the opportunity step.',
  });

export type CapsuleAction = z.infer<typeof capsuleActionSchema>;

function action(
  addTags: string[],
  removeTags: string[],
  opportunity?: OpportunityStep,
): CapsuleAction {
  return { addTags, removeTags, ...(opportunity ? { opportunity } : {}) };
}

/**
 * The product's name marks a buyer with access; refund, chargeback and the last paid day take
 * it off and leave an event tag behind. Payments win the order's opportunity, refunds and
 * chargebacks lose it. Spelled out in full: a Zod default is used as given.
 */
export const DEFAULT_ACTIONS: EventActions<CapsuleAction> = {
  payment: action(['{product.name}'], ['{product.name} - payment missed'], 'won'),
  refund: action(['{product.name} - refund'], ['{product.name}'], 'lost'),
  refund_partial: action(['{product.name} - partial refund'], []),
  chargeback: action(['{product.name} - chargeback'], ['{product.name}'], 'lost'),
  payment_missed: action(['{product.name} - payment missed'], []),
  rebill_cancelled: action(['{product.name} - rebill cancelled'], []),
  rebill_resumed: action([], ['{product.name} - rebill cancelled']),
  last_paid_day: action(['{product.name} - last paid day'], ['{product.name}']),
};

const partyMappingSchema = mappingSchema
  .superRefine((mapping, ctx) => {
    for (const key of Object.keys(mapping)) {
      if (!(PARTY_FIELDS as readonly string[]).includes(key))
        ctx.addIssue({
          code: 'custom',
          message: `"${key}" is not a person field (${PARTY_FIELDS.join(', ')}); map other data to custom fields`,
        });
    }
    if (!Object.hasOwn(mapping, 'email'))
      ctx.addIssue({
        code: 'custom',
        message: '"email" is required: ipnhub finds Capsule people by e-mail',
      });
  })
  .default({ ...DEFAULT_PARTY_MAPPING })
  .meta({
    title: 'Person fields',
    description: `Capsule person field ← path (e.g. "buyer.email") or template (e.g. "{buyer.firstName}"). Fields: ${PARTY_FIELDS.join(', ')}; "email" is required and is how the person is found. street, zip, city, state and country form one address (country as a two-letter code such as "DE", sent as Capsule's English country name). Empty values are not sent, so what the person already has stays; an address or phone number the person already has is not added twice.`,
  });

const customFieldsSchema = mappingSchema.default({}).meta({
  title: 'Custom fields',
  description:
    'Existing Capsule custom field on people (its name, matched case-insensitively) ← path or template, written on every event the connection acts on, e.g. {"Order ID": "order.id", "Affiliate": "affiliate.name"}. ipnhub never creates fields: the connection test checks they exist, and a delivery naming a missing field fails with its name. Date fields get YYYY-MM-DD. Empty values are not sent.',
});

const milestoneId = (title: string, description: string) =>
  z.number().int().positive().optional().meta({ title, description });

const opportunitySchema = z
  .object({
    enabled: z.boolean().default(false).meta({
      title: 'Opportunity per order',
      description:
        "Keep one Capsule opportunity per order on the buyer's person, moved by the events' opportunity steps (by default won on payment, lost on refund and chargeback).",
    }),
    pipelineId: milestoneId(
      'Pipeline id',
      "The id of the pipeline the opportunities belong to (in the pipeline's address in Capsule). The connection test checks the three milestones are on it.",
    ),
    milestoneId: milestoneId(
      'Start milestone id',
      'The id of the open milestone an "open" step creates the opportunity at.',
    ),
    wonMilestoneId: milestoneId(
      'Won milestone id',
      'The id of the pipeline\'s won milestone (complete, probability 100): where "won" puts the opportunity.',
    ),
    lostMilestoneId: milestoneId(
      'Lost milestone id',
      'The id of the pipeline\'s lost milestone (complete, probability 0): where "lost" puts the opportunity.',
    ),
    name: templateSchema().trim().min(1).default('{product.name} ({order.id})').meta({
      title: 'Opportunity name',
      description: 'Template for the name of a new opportunity.',
    }),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (!value.enabled) return;
    for (const key of ['pipelineId', 'milestoneId', 'wonMilestoneId', 'lostMilestoneId'] as const)
      if (value[key] === undefined)
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `required when opportunities are on`,
        });
  })
  .prefault({})
  .meta({
    title: 'Opportunities',
    description:
      "Optional: one opportunity per order with the payment's value, found again by a line ipnhub writes into its description.",
  });

export const capsuleConfigSchema = z.strictObject({
  apiUrl: z
    .url({ protocol: /^https?$/ })
    .default(CAPSULE_API_URL)
    .meta({
      title: 'API URL',
      description: `Capsule's API root; keep the default ${CAPSULE_API_URL}.`,
    }),
  apiToken: z.string().trim().min(1).meta({
    title: 'API token',
    description:
      'A personal access token from Capsule → My Preferences → API Authentication Tokens, sent as a Bearer token. ipnhub acts as that user. Stored encrypted.',
    writeOnly: true,
  }),
  party: partyMappingSchema,
  customFields: customFieldsSchema,
  actions: eventActionsSchema(
    capsuleActionSchema,
    DEFAULT_ACTIONS,
    'What each event type does: tags to add and remove (templates such as "{product.name}" allowed) and the step of the order\'s opportunity.',
  ),
  opportunity: opportunitySchema,
});

export type CapsuleConfig = z.infer<typeof capsuleConfigSchema>;
