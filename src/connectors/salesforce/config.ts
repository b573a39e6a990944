/**
 * Configuration of the `salesforce` connector (docs/protocols/salesforce.md): the connected
 * app and user the connector logs in with (docs/protocols/salesforce.md#login), the REST API version (docs/protocols/salesforce.md#rest-paths-and-versions), which object a
 * buyer becomes and how it is matched (docs/protocols/salesforce.md#upsert-by-external-id, docs/protocols/salesforce.md#idempotency), the field mapping (docs/protocols/salesforce.md#standard-fields), the optional tag
 * field, the optional Opportunity per order, and what each event type does.
 */
import * as z from 'zod';
import { eventActionsSchema } from '../event-actions.js';
import type { EventActions } from '../event-actions.js';
import { mappingSchema, templateSchema } from '../template.js';

/** A field's API name: `LastName`, `Buyer_Key__c`, a namespaced `ns__Field__c`. */
const API_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
/** A mapping target: an API name, or a relationship set through an external id (`Account.Ext_Id__c`). */
const MAPPING_KEY = /^[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)?$/;

const apiName = (title: string, description: string) =>
  z
    .string()
    .trim()
    .regex(API_NAME, { message: 'must be a Salesforce field API name, e.g. "Buyer_Key__c"' })
    .meta({ title, description });

const template = (title: string, description: string) =>
  templateSchema().trim().min(1).meta({ title, description });

const salesforceMapping = mappingSchema.superRefine((mapping, ctx) => {
  for (const key of Object.keys(mapping)) {
    if (!MAPPING_KEY.test(key))
      ctx.addIssue({
        code: 'custom',
        message: `"${key}" is not a Salesforce field API name (e.g. "MailingCity", "Order_Id__c", "Account.Ext_Id__c")`,
      });
    if (key === 'Id')
      ctx.addIssue({ code: 'custom', message: '"Id" is set by Salesforce and cannot be mapped' });
  }
});

const credentialsSchema = z
  .object({
    flow: z.enum(['password', 'client_credentials']).default('password').meta({
      title: 'Login flow',
      description:
        '"password": OAuth 2.0 username-password flow with the user\'s security token (orgs created since Summer \'23 must allow it under Setup → OAuth and OpenID Connect Settings). "client_credentials": the connected app\'s client-credentials flow, which runs as the app\'s "Run As" user and needs your My Domain URL as login URL.',
    }),
    loginUrl: z
      .url({
        protocol: /^https?$/,
        error: 'must be an https:// URL such as https://login.salesforce.com',
      })
      .default('https://login.salesforce.com')
      .meta({
        title: 'Login URL',
        description:
          'https://login.salesforce.com for production, https://test.salesforce.com for a sandbox, or your My Domain URL (https://yourcompany.my.salesforce.com; required for client credentials). Only the scheme and host are used.',
      }),
    clientId: z.string().trim().min(1).meta({
      title: 'Consumer key',
      description:
        "The connected app's consumer key (Setup → App Manager → your app → View → Manage Consumer Details).",
    }),
    clientSecret: z.string().trim().min(1).meta({
      title: 'Consumer secret',
      description:
        "The connected app's consumer secret, shown next to the consumer key. Stored encrypted.",
      writeOnly: true,
    }),
    username: z.string().trim().min(1).optional().meta({
      title: 'Username',
      description:
        'The Salesforce username (an e-mail-like login) of the integration user. Required for the password flow.',
    }),
    password: z.string().min(1).optional().meta({
      title: 'Password',
      description:
        "The integration user's password. Required for the password flow. Stored encrypted.",
      writeOnly: true,
    }),
    securityToken: z.string().trim().optional().meta({
      title: 'Security token',
      description:
        "The user's security token (Settings → Reset My Security Token; it arrives by e-mail). Appended to the password at login. Leave empty only when ipnhub's IP address is in the org's trusted IP ranges. Stored encrypted.",
      writeOnly: true,
    }),
  })
  .strict()
  .superRefine((credentials, ctx) => {
    if (credentials.flow !== 'password') return;
    if (!credentials.username)
      ctx.addIssue({
        code: 'custom',
        path: ['username'],
        message: 'the password flow needs the username',
      });
    if (!credentials.password)
      ctx.addIssue({
        code: 'custom',
        path: ['password'],
        message: 'the password flow needs the password',
      });
  })
  .meta({
    title: 'Credentials',
    description:
      'The connected app and the user ipnhub logs in as. Create a connected app with OAuth enabled and the "api" scope.',
  });

const recordSchema = z
  .object({
    object: z.enum(['Contact', 'Lead']).default('Contact').meta({
      title: 'Object',
      description:
        "What a buyer becomes in Salesforce: a Contact (default) or a Lead. Salesforce refuses updates to converted Leads: matched by e-mail, a buyer whose Lead was converted gets a new Lead; matched by External ID, the buyer's data goes to the Contact the Lead was converted into (mapped custom fields and the tag field must exist on Contact under the same API name).",
    }),
    matchBy: z.enum(['email', 'externalId']).default('email').meta({
      title: 'Match records by',
      description:
        '"email": look the record up by its Email field (the oldest match wins) and create it when there is none. "externalId": upsert by an External ID field (atomic; no duplicates even when two deliveries race). Mark the field "External ID" and "Unique" in Salesforce.',
    }),
    externalIdField: apiName(
      'External ID field',
      'API name of the External ID field used with "externalId" matching, e.g. "Buyer_Key__c". Required for that mode.',
    ).optional(),
    externalIdValue: template(
      'External ID value',
      'Template for the external id value, e.g. "{buyer.email|lower}" (default) or "{raw.buyer_id}". Rendered per event; an empty result fails the delivery.',
    ).default('{buyer.email|lower}'),
  })
  .strict()
  .superRefine((record, ctx) => {
    if (record.matchBy === 'externalId' && !record.externalIdField) {
      ctx.addIssue({
        code: 'custom',
        path: ['externalIdField'],
        message: "matching by external id needs the External ID field's API name",
      });
    }
  })
  .prefault({})
  .meta({
    title: 'Buyer record',
    description: 'Which Salesforce object a buyer becomes and how an existing one is found.',
  });

const opportunitySchema = z
  .object({
    enabled: z.boolean().default(false).meta({
      title: 'Record orders as Opportunities',
      description:
        'Also keep one Opportunity per order, its stage set by the event (see the actions). Needs an External ID field on Opportunity.',
    }),
    externalIdField: apiName(
      'Opportunity External ID field',
      'API name of a Text field on Opportunity marked "External ID" and "Unique" that holds the order key, e.g. "Order_Id__c". ipnhub never creates fields.',
    ).optional(),
    key: template(
      'Order key',
      'Template for the Opportunity\'s external id: "{order.id}" (default) keeps one Opportunity per order; "{order.id}-{order.paySequenceNo}" one per payment.',
    ).default('{order.id}'),
    paymentsField: apiName(
      'Payments field',
      'Optional API name of a Long Text Area field on Opportunity (e.g. "Ipnhub_Payments__c") where ipnhub lists the transactions whose amounts it has added to Amount, one per line. With it, every later payment on the order (rebills, instalments) adds its amount to Amount exactly once, even when a delivery is retried. Without it Amount stays the first payment\'s amount.',
    ).optional(),
    name: template(
      'Opportunity name',
      'Template for the Opportunity name (at most 120 characters are sent).',
    ).default('{order.id} {product.name}'),
    mapping: salesforceMapping.default({}).meta({
      title: 'Opportunity fields',
      description:
        'Extra Opportunity fields ← path or template, sent when an Opportunity is created or updated with all its fields, e.g. {"LeadSource": "{source.provider}", "Product_Id__c": "product.productId", "CurrencyIsoCode": "order.currency"}. Overrides the computed Name, StageName, CloseDate (the date of the payment that created it) and Amount (the payments added up as a decimal). Fields must already exist.',
    }),
    linkContact: z.boolean().default(true).meta({
      title: 'Link the Contact',
      description:
        "Adds the buyer's Contact to the Opportunity as primary contact role (OpportunityContactRole), once. Only when buyers are Contacts.",
    }),
    contactRole: z.string().trim().min(1).optional().meta({
      title: 'Contact role',
      description:
        'The Role picklist value of that contact role, e.g. "Decision Maker". Empty leaves the role blank.',
    }),
  })
  .strict()
  .superRefine((opportunity, ctx) => {
    if (opportunity.enabled && !opportunity.externalIdField) {
      ctx.addIssue({
        code: 'custom',
        path: ['externalIdField'],
        message:
          'Opportunities need an External ID field on Opportunity (e.g. "Order_Id__c") so a retried delivery never creates a second one',
      });
    }
  })
  .prefault({})
  .meta({
    title: 'Opportunities',
    description:
      "Optional: one Opportunity per order (or per payment), Closed Won on payment, a configurable stage on refunds and chargebacks, and the order's payments added up in Amount. A payment never moves an Opportunity out of a stage a refund or chargeback action sets.",
  });

const tagTemplate = template(
  'Tag',
  'A tag or a template, e.g. "customer", "{product.name}" or "digistore24-{event}". Empty results are ignored; ";" becomes ",".',
);

const actionOpportunitySchema = z
  .object({
    stage: z.string().trim().min(1).meta({
      title: 'Stage',
      description:
        'The StageName picklist value, e.g. "Closed Won" or "Closed Lost" (stages are org-specific).',
    }),
    create: z.boolean().default(false).meta({
      title: 'Create or update with all fields',
      description:
        'On (payments): create the Opportunity with name, close date, amount, stage and the extra fields, or update an existing one and add this payment to its amount (see "Payments field"); an Opportunity a refund or chargeback moved to its stage keeps that stage. Off: only set the stage of an existing Opportunity; none for the order → nothing happens.',
    }),
  })
  .strict()
  .meta({
    title: 'Opportunity',
    description:
      "What this event does to the order's Opportunity (only when Opportunities are enabled).",
  });

/** What one event type does in Salesforce. */
export const salesforceActionSchema = z
  .object({
    record: z.enum(['upsert', 'update', 'none']).default('update').meta({
      title: 'Buyer record',
      description:
        '"upsert": create the Contact/Lead or update it with the mapped fields. "update": only update an existing one (no record → nothing to do). "none": leave it alone.',
    }),
    fields: z
      .record(
        z.string().regex(MAPPING_KEY, { message: 'must be a Salesforce field API name' }),
        templateSchema(),
      )
      .default({})
      .meta({
        title: 'Fields set on this event',
        description:
          'Field ← text template, written with the record on this event only, e.g. {"Customer_Status__c": "refunded", "Last_Event__c": "{event} {occurredAt}"}. Values are text; custom fields must exist.',
      }),
    addTags: z.array(tagTemplate).default([]).meta({
      title: 'Add tags',
      description:
        'Tags added to the tag field (when one is configured). A tag already there is left alone.',
    }),
    removeTags: z.array(tagTemplate).default([]).meta({
      title: 'Remove tags',
      description:
        'Tags taken out of the tag field; tags that are not there are ignored. A tag also listed under "Add tags" is added.',
    }),
    opportunity: actionOpportunitySchema.optional(),
  })
  .strict()
  .meta({
    title: 'Action',
    description:
      'The buyer record, fields and tags to write, and the Opportunity stage to set, for one event type.',
  });

export type SalesforceAction = z.output<typeof salesforceActionSchema>;

const update = (
  tags: Partial<Pick<SalesforceAction, 'addTags' | 'removeTags' | 'opportunity'>>,
): SalesforceAction => ({ record: 'update', fields: {}, addTags: [], removeTags: [], ...tags });

/**
 * Tags as ActiveCampaign's PayPal integration names them (the product marks a buyer with access,
 * events leave `<product>-<event>` behind); payments create or update the buyer and close the
 * order's Opportunity as won, refunds and chargebacks mark it lost; every other event only
 * touches an existing buyer. Complete values, so nothing depends on nested defaults.
 */
export const DEFAULT_ACTIONS: EventActions<SalesforceAction> = {
  payment: {
    ...update({
      addTags: ['{product.name}'],
      removeTags: ['{product.name}-payment_missed'],
      opportunity: { stage: 'Closed Won', create: true },
    }),
    record: 'upsert',
  },
  refund: update({
    addTags: ['{product.name}-refund'],
    removeTags: ['{product.name}'],
    opportunity: { stage: 'Closed Lost', create: false },
  }),
  refund_partial: update({ addTags: ['{product.name}-partial_refund'] }),
  chargeback: update({
    addTags: ['{product.name}-chargeback'],
    removeTags: ['{product.name}'],
    opportunity: { stage: 'Closed Lost', create: false },
  }),
  payment_missed: update({ addTags: ['{product.name}-payment_missed'] }),
  rebill_cancelled: update({ addTags: ['{product.name}-rebill_cancelled'] }),
  rebill_resumed: update({ removeTags: ['{product.name}-rebill_cancelled'] }),
  last_paid_day: update({
    addTags: ['{product.name}-last_paid_day'],
    removeTags: ['{product.name}'],
  }),
  affiliation: {
    ...update({ addTags: ['affiliate', 'affiliate-{product.name}'] }),
    record: 'upsert',
  },
};

export const salesforceConfigSchema = z.strictObject({
  credentials: credentialsSchema,
  apiVersion: z
    .string()
    .trim()
    .regex(/^\d{2,3}\.0$/, { message: 'must be an API version such as "60.0" (without the "v")' })
    .default('60.0')
    .meta({
      title: 'API version',
      description:
        'The REST API version in the URL (/services/data/v60.0/). 46.0 or later is recommended (upserts then report created/updated); older versions work with one extra query.',
    }),
  record: recordSchema,
  useDefaultMapping: z.boolean().default(true).meta({
    title: 'Use the default field mapping',
    description:
      'Contact: FirstName, LastName, Email, Phone and Mailing* address from the buyer. Lead: the same plus Company ("[not provided]" when empty) and the Street/PostalCode/City/State/Country address. Your own mapping below is merged on top; turn this off to send only your mapping.',
  }),
  mapping: salesforceMapping.default({}).meta({
    title: 'Field mapping',
    description:
      'Salesforce field ← path (keeps its type, e.g. "order.amount") or template (text, e.g. "{buyer.firstName} {buyer.lastName}"). Custom fields by API name, e.g. {"Product_Id__c": "product.productId", "Affiliate__c": "affiliate.name", "Last_Amount__c": "{amount} {order.currency}", "Invoice_URL__c": "order.invoiceUrl", "MailingCountryCode": "buyer.address.country"}. A dotted name sets a lookup by external id ("Account.Ext_Id__c"). Fields must already exist: ipnhub never creates fields. Empty values are not sent, so existing data is never cleared.',
  }),
  tagField: apiName(
    'Tag field',
    'Optional API name of a Multi-Select Picklist or Text field (e.g. "Ipnhub_Tags__c") that holds the buyer\'s tags, separated by ";". Without it the actions\' tags are ignored. A restricted picklist needs every tag as a value.',
  ).optional(),
  opportunity: opportunitySchema,
  actions: eventActionsSchema(
    salesforceActionSchema,
    DEFAULT_ACTIONS,
    'What each event type does: create/update the buyer record, set fields, add and remove tags (templates such as "{product.name}" allowed), and set the order\'s Opportunity stage.',
  ),
  allowDuplicateSave: z.boolean().default(false).meta({
    title: 'Save despite duplicate rules',
    description:
      'Sends "Sforce-Duplicate-Rule-Header: allowSave=true" so an org duplicate rule that only alerts does not block the write (DUPLICATES_DETECTED).',
  }),
  requestLimitBackoffSeconds: z.number().int().min(60).max(3600).default(900).meta({
    title: 'Back-off after the API limit',
    description:
      "When Salesforce answers REQUEST_LIMIT_EXCEEDED (the org's rolling 24-hour API limit), wait at least this many seconds before the next attempt.",
  }),
  maxRequestsPerSecond: z.number().min(1).max(1000).default(10).meta({
    title: 'Requests per second',
    description:
      'Upper bound on calls per second to this org (logins included), shared by all deliveries of these credentials in this process.',
  }),
});

export type SalesforceConfig = z.output<typeof salesforceConfigSchema>;
export type SalesforceCredentials = SalesforceConfig['credentials'];
