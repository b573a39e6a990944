/**
 * What a seller configures in a profile (docs/invoicing.md, "What a seller configures"): the
 * legal facts printed on every document, the tax mode, the number series, the mails and their
 * texts. One strict Zod schema: an unknown key is refused by name, so a typo never silently
 * leaves a legal field empty. The API, the CLI and the store all parse with it.
 */
import * as z from 'zod';
import { DOCUMENT_LANGUAGES } from './document-snapshot.js';
import type { DocumentTaxMode } from './document-snapshot.js';
import { MAIL_TEMPLATE_KEYS, unknownPlaceholders } from './mail-templates.js';
import type { Logo } from './logo.js';

const line = z.string().trim().min(1).max(200);
const lines = (max: number) => z.array(line).max(max);
const optionalText = (max: number) => z.string().trim().min(1).max(max).nullable();
const email = z.email().max(320);

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const rate = z
  .number()
  .int()
  .min(0)
  .max(10_000)
  .meta({ description: 'Basis points: 1900 = 19 %.' });

export const taxModeSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('vat_included'), rateBasisPoints: rate }),
  z.strictObject({ kind: z.literal('small_business') }),
  z.strictObject({ kind: z.literal('reverse_charge') }),
  z.strictObject({ kind: z.literal('israel_vat'), rateBasisPoints: rate }),
]) satisfies z.ZodType<DocumentTaxMode>;

export const seriesSchema = z.strictObject({
  prefix: z
    .string()
    .max(20)
    .regex(/^[A-Za-z0-9]*$/, 'letters and digits only (the parts are joined with "-")')
    .meta({ description: 'Printed first, e.g. `RE` → `RE-2026-000123`; may be empty.' }),
  yearlyReset: z.boolean().meta({
    description:
      'true: the year is part of the number and the count starts again each year (in the profile time zone).',
  }),
  width: z
    .number()
    .int()
    .min(1)
    .max(12)
    .meta({ description: 'Digits of the running number, zero-padded.' }),
  startAt: z.number().int().min(1).max(1_000_000_000).default(1).meta({
    description:
      'The first running number of a series not used yet (to continue a numbering begun elsewhere).',
  }),
});
export type SeriesSettings = z.output<typeof seriesSchema>;

const templateSchema = z.strictObject({
  subject: z.string().trim().min(1).max(300),
  body: z.string().min(1).max(10_000),
});

const templatesSchema = z
  .partialRecord(
    z.enum(DOCUMENT_LANGUAGES),
    z.partialRecord(z.enum(MAIL_TEMPLATE_KEYS), templateSchema),
  )
  .default({})
  .superRefine((templates, ctx) => {
    for (const [language, byKey] of Object.entries(templates)) {
      for (const key of MAIL_TEMPLATE_KEYS) {
        const template = byKey?.[key];
        if (template === undefined) continue;
        for (const part of ['subject', 'body'] as const) {
          for (const problem of unknownPlaceholders(template[part], key))
            ctx.addIssue({ code: 'custom', path: [language, key, part], message: problem });
        }
      }
    }
  });

export const mailSettingsSchema = z.strictObject({
  toBuyer: z
    .boolean()
    .default(true)
    .meta({ description: 'Mail each document to the buyer (PDF attached).' }),
  sellerRecipients: z.array(email).max(10).default([]).meta({
    description: 'Addresses that get the "new order" (and refund) notice with the document.',
  }),
  replyTo: email
    .nullable()
    .default(null)
    .meta({ description: 'Reply-To of the buyer mails, e.g. the seller support address.' }),
});

/** Every field but the switches kept as columns (`name`, `invoicing`). */
export const profileSettingsSchema = z
  .strictObject({
    legalName: line.meta({ description: 'The seller’s full legal name as printed.' }),
    addressLines: lines(6)
      .min(1)
      .meta({ description: 'Street, postal code and city, … in print order.' }),
    countryCode: z
      .string()
      .regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code such as DE, IT, IL')
      .meta({ description: 'The seller’s country (ISO 3166-1 alpha-2).' }),
    vatId: optionalText(30)
      .default(null)
      .meta({ description: 'VAT id (USt-IdNr., partita IVA), when the seller has one.' }),
    taxNumber: optionalText(30)
      .default(null)
      .meta({ description: 'Tax number (Steuernummer, codice fiscale, Israeli dealer number).' }),
    email: email
      .nullable()
      .default(null)
      .meta({ description: 'The seller’s contact address printed on documents.' }),
    contactLines: lines(6).default([]),
    bankLines: lines(6).default([]),
    footer: optionalText(1000).default(null),
    defaultLanguage: z
      .enum(DOCUMENT_LANGUAGES)
      .meta({ description: 'Used when the buyer’s language is not one of de, en, it, he.' }),
    timeZone: z
      .string()
      .refine(isTimeZone, 'an IANA time zone such as Europe/Berlin')
      .meta({ description: 'Dates on documents and the year of yearly series are in this zone.' }),
    taxMode: taxModeSchema,
    invoiceSeries: seriesSchema,
    creditNoteSeries: seriesSchema,
    issueForPlatformSales: z.boolean().default(false).meta({
      description:
        'Also issue documents for Digistore24 sources. Digistore24 is the merchant of record and invoices the buyer itself: leave off unless your adviser says otherwise.',
    }),
    issueForTestPayments: z.boolean().default(false).meta({
      description:
        'Also issue numbered documents for sandbox/test payments. They take numbers of the real series: use a separate profile for a test source.',
    }),
    eInvoice: z.boolean().default(false).meta({
      description:
        'Embed an EN 16931 e-invoice (Factur-X / ZUGFeRD, EN 16931 = COMFORT profile) in each document’s PDF, for German business customers. Needs the seller’s country, address and VAT id or tax number; a document that cannot be one (e.g. a buyer without country) gets the plain PDF and the reason.',
    }),
    mail: mailSettingsSchema.default({ toBuyer: true, sellerRecipients: [], replyTo: null }),
    templates: templatesSchema.meta({
      description:
        'Replaces default mail texts: `{ "<language>": { "<template>": { subject, body } } }`.',
    }),
  })
  .superRefine((settings, ctx) => {
    if (settings.invoiceSeries.prefix === settings.creditNoteSeries.prefix) {
      ctx.addIssue({
        code: 'custom',
        path: ['creditNoteSeries', 'prefix'],
        message: 'must differ from invoiceSeries.prefix (each document number must be unique)',
      });
    }
  });

export type ProfileSettings = z.output<typeof profileSettingsSchema>;
export type ProfileSettingsInput = z.input<typeof profileSettingsSchema>;

/** A seller profile as issuing reads it: its settings and logo, loaded by `profiles.ts`. */
export interface ProfileForIssue {
  id: string;
  name: string;
  invoicing: boolean;
  settings: ProfileSettings;
  logo: Logo | null;
}
