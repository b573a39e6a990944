/**
 * Configuration of the `activecampaign` connector (docs/protocols/activecampaign.md): the account's
 * API URL and token, how the event fills the contact and its existing custom fields, what
 * happens per event type (tags, lists) and the optional Deep Data e-commerce orders.
 */
import * as z from 'zod';
import { eventActionsSchema } from '../event-actions.js';
import type { EventActions } from '../event-actions.js';
import { mappingSchema, templateSchema } from '../template.js';

/** The contact fields `contact/sync` takes besides `fieldValues` (docs/protocols/activecampaign.md#endpoints). */
export const CONTACT_FIELDS = ['email', 'firstName', 'lastName', 'phone'] as const;

export const DEFAULT_CONTACT_MAPPING: Readonly<Record<(typeof CONTACT_FIELDS)[number], string>> = {
  email: 'buyer.email',
  firstName: 'buyer.firstName',
  lastName: 'buyer.lastName',
  phone: 'buyer.phone',
};

const tagTemplate = templateSchema().trim().min(1).meta({
  title: 'Tag',
  description:
    'A tag name or a template, e.g. "customer", "{product.name}" or "paypal-integration-{event}".',
});

const listId = z
  .string()
  .regex(/^\d+$/, { message: 'an ActiveCampaign list id is a number, e.g. "4"' })
  .meta({
    title: 'List id',
    description:
      'The list\'s id as ActiveCampaign shows it in the list\'s URL (…/app/contacts/?listid=4 → "4").',
  });

/** What one event type does to the contact, after it has been created or updated. */
export const activeCampaignActionSchema = z
  .object({
    customFields: z.record(z.string(), templateSchema()).default({}).meta({
      title: 'Custom fields set on this event',
      description:
        'Existing custom field ← text template, sent with the contact on this event only, e.g. {"Purchase date": "{occurredAt}", "Status": "customer"} on payment, {"Refund date": "{occurredAt}", "Status": "refunded"} on refund. Fixed text is sent as it is. Added to the connection\'s custom fields; a field named in both gets this value. Empty results are not sent.',
    }),
    addTags: z.array(tagTemplate).default([]).meta({
      title: 'Add tags',
      description:
        'Tags attached to the contact. Templates are rendered per event; tags that do not exist yet are created. A tag the contact already has is left alone.',
    }),
    removeTags: z.array(tagTemplate).default([]).meta({
      title: 'Remove tags',
      description:
        'Tags taken off the contact (templates allowed). Tags the contact does not have, or that do not exist, are ignored. A tag also listed under "Add tags" is added, not removed.',
    }),
    subscribeLists: z.array(listId).default([]).meta({
      title: 'Subscribe to lists',
      description:
        'List ids the contact is subscribed to (status 1, "active"); this also re-subscribes a contact who had unsubscribed from the list.',
    }),
    unsubscribeLists: z.array(listId).default([]).meta({
      title: 'Unsubscribe from lists',
      description: 'List ids the contact is unsubscribed from (status 2).',
    }),
  })
  .strict()
  .meta({
    title: 'Action',
    description:
      "Every action first creates or updates the contact by e-mail (contact fields, the connection's custom fields and this action's), then applies these tags and lists.",
  });

export type ActiveCampaignAction = z.infer<typeof activeCampaignActionSchema>;

function tagAction(addTags: string[], removeTags: string[]): ActiveCampaignAction {
  return { customFields: {}, addTags, removeTags, subscribeLists: [], unsubscribeLists: [] };
}

/**
 * Defaults after ActiveCampaign's own PayPal integration (a fixed tag plus a tag per event):
 * the product's name marks a buyer with access; refund, chargeback and the last paid day take
 * it off again and leave an event tag behind. Spelled out in full: a Zod default is used as
 * given, without the action schema's own defaults.
 */
export const DEFAULT_ACTIONS: EventActions<ActiveCampaignAction> = {
  payment: tagAction(['{product.name}'], ['{product.name}-payment_missed']),
  refund: tagAction(['{product.name}-refund'], ['{product.name}']),
  refund_partial: tagAction(['{product.name}-partial_refund'], []),
  chargeback: tagAction(['{product.name}-chargeback'], ['{product.name}']),
  payment_missed: tagAction(['{product.name}-payment_missed'], []),
  rebill_cancelled: tagAction(['{product.name}-rebill_cancelled'], []),
  rebill_resumed: tagAction([], ['{product.name}-rebill_cancelled']),
  last_paid_day: tagAction(['{product.name}-last_paid_day'], ['{product.name}']),
  affiliation: tagAction(['affiliate', 'affiliate-{product.name}'], []),
};

const contactMappingSchema = mappingSchema
  .superRefine((mapping, ctx) => {
    for (const key of Object.keys(mapping)) {
      if (!(CONTACT_FIELDS as readonly string[]).includes(key)) {
        ctx.addIssue({
          code: 'custom',
          message: `"${key}" is not a contact field (${CONTACT_FIELDS.join(', ')}); map other data to custom fields`,
        });
      }
    }
    if (!Object.hasOwn(mapping, 'email'))
      ctx.addIssue({
        code: 'custom',
        message: '"email" is required: ActiveCampaign identifies contacts by e-mail',
      });
  })
  .default({ ...DEFAULT_CONTACT_MAPPING })
  .meta({
    title: 'Contact fields',
    description: `ActiveCampaign contact field ← path (e.g. "buyer.email") or template (e.g. "{buyer.firstName}"). Fields: ${CONTACT_FIELDS.join(', ')}; "email" is required and is the key contacts are matched on. Empty values are not sent, so what the contact already has stays.`,
  });

const customFieldsSchema = mappingSchema.default({}).meta({
  title: 'Custom fields',
  description:
    'Existing ActiveCampaign custom field ← path or template, sent on EVERY event the connection acts on, e.g. {"ORDER_ID": "order.id", "City": "buyer.address.city", "Affiliate": "affiliate.name"}. Values that belong to one kind of event (a purchase date, a refund date, a status) go in that event\'s action instead, so a refund never overwrites them. The key is the field\'s personalization tag (with or without %) or its title, matched case-insensitively. The fields must already exist in ActiveCampaign (Contacts → Fields): ipnhub never creates fields, and a delivery naming a field that does not exist fails with that name. Date fields get YYYY-MM-DD. Empty values are not sent.',
});

const deepDataSchema = z
  .object({
    enabled: z.boolean().default(false).meta({
      title: 'Record orders (Deep Data)',
      description:
        'On payment events, also record an e-commerce customer and order (amounts in cents) so ActiveCampaign\'s revenue reports and "makes a purchase" automations see them. Each payment becomes one order, keyed by its transaction id, so a retried delivery never records it twice.',
    }),
    storeId: z.string().trim().min(1).default('ipnhub').meta({
      title: 'Store id',
      description:
        'The external id of the Deep Data connection (the "store") ipnhub creates on first use, e.g. one per Digistore24 account.',
    }),
    storeName: z.string().trim().min(1).default('ipnhub').meta({
      title: 'Store name',
      description: "The store's name as ActiveCampaign shows it next to the orders.",
    }),
    storeUrl: z
      .url({ protocol: /^https?$/ })
      .optional()
      .meta({
        title: 'Store URL',
        description: 'Optional link shown with the store (e.g. your sales page).',
      }),
    logoUrl: z
      .url({ protocol: /^https?$/ })
      .optional()
      .meta({ title: 'Logo URL', description: 'Optional logo shown with the store.' }),
  })
  .strict()
  .default({ enabled: false, storeId: 'ipnhub', storeName: 'ipnhub' })
  .meta({
    title: 'E-commerce orders (Deep Data)',
    description: 'Optional: record payments as ActiveCampaign e-commerce orders.',
  });

export const activeCampaignConfigSchema = z.strictObject({
  accountUrl: z
    .url({
      protocol: /^https?$/,
      error: "must be the account's API URL, e.g. https://youraccount.api-us1.com",
    })
    .meta({
      title: 'API URL',
      description:
        "Your account's API URL from ActiveCampaign → Settings → Developer, e.g. https://youraccount.api-us1.com (a trailing /api/3 is fine).",
    }),
  apiToken: z.string().trim().min(1).meta({
    title: 'API key',
    description:
      'The API key from ActiveCampaign → Settings → Developer, sent as the Api-Token header. Stored encrypted.',
    writeOnly: true,
  }),
  contact: contactMappingSchema,
  customFields: customFieldsSchema,
  actions: eventActionsSchema(
    activeCampaignActionSchema,
    DEFAULT_ACTIONS,
    'What each event type does to the contact: tags to add and remove (templates such as "{product.name}" or "paypal-integration-{event}" allowed) and lists to subscribe to or unsubscribe from.',
  ),
  deepData: deepDataSchema,
});

export type ActiveCampaignConfig = z.infer<typeof activeCampaignConfigSchema>;

/** The API root for `accountUrl`, without a trailing slash or `/api/3`. */
export function apiBase(accountUrl: string): string {
  return accountUrl.replace(/\/+$/, '').replace(/\/api\/3$/, '');
}
