/**
 * Answers of the invoicing routes: seller profiles, issued documents with their snapshot,
 * render state and mails, and refunds left for manual handling.
 */
import * as z from 'zod';
import { DOCUMENT_LANGUAGES } from '../../../invoicing/document-snapshot.js';
import { MAIL_TEMPLATE_KEYS } from '../../../invoicing/mail-templates.js';
import { taxModeSchema } from '../../../invoicing/profile-settings.js';
import { instant, named, pageOf } from './registry.js';

const series = z.strictObject({
  prefix: z.string(),
  yearlyReset: z.boolean(),
  width: z.number().int(),
  startAt: z.number().int(),
});
const template = z.strictObject({ subject: z.string(), body: z.string() });

export const profileSettingsView = named(
  'ProfileSettings',
  z.strictObject({
    legalName: z.string(),
    addressLines: z.array(z.string()),
    countryCode: z.string(),
    vatId: z.string().nullable(),
    taxNumber: z.string().nullable(),
    email: z.string().nullable(),
    contactLines: z.array(z.string()),
    bankLines: z.array(z.string()),
    footer: z.string().nullable(),
    defaultLanguage: z.enum(DOCUMENT_LANGUAGES),
    timeZone: z.string(),
    taxMode: taxModeSchema,
    invoiceSeries: series,
    creditNoteSeries: series,
    issueForPlatformSales: z.boolean(),
    issueForTestPayments: z.boolean(),
    eInvoice: z.boolean().meta({
      description:
        'Documents issued from now on carry an EN 16931 e-invoice (Factur-X) in their PDF.',
    }),
    mail: z.strictObject({
      toBuyer: z.boolean(),
      sellerRecipients: z.array(z.string()),
      replyTo: z.string().nullable(),
    }),
    templates: z.partialRecord(
      z.enum(DOCUMENT_LANGUAGES),
      z.partialRecord(z.enum(MAIL_TEMPLATE_KEYS), template),
    ),
  }),
);

export const profile = named(
  'SellerProfile',
  z.strictObject({
    id: z.string(),
    name: z.string(),
    invoicing: z.boolean().meta({ description: 'Payments of the attached sources get documents.' }),
    settings: profileSettingsView,
    logo: z
      .strictObject({ mediaType: z.enum(['image/png', 'image/jpeg']), bytes: z.number().int() })
      .nullable(),
    sourceIds: z
      .array(z.string())
      .meta({ description: 'The sources whose payments this profile documents.' }),
    createdAt: instant,
    updatedAt: instant,
  }),
);

export const profilePage = pageOf('SellerProfilePage', profile);

const documentKind = z.enum(['invoice', 'credit_note']);

const documentEInvoice = named(
  'DocumentEInvoice',
  z
    .strictObject({
      status: z.enum(['off', 'pending', 'embedded', 'refused']).meta({
        description:
          '`off`: the profile did not ask for an e-invoice when the document was issued; `pending`: not rendered yet; `embedded`: the PDF carries it as factur-x.xml; `refused`: the document cannot be a valid one, its PDF is the plain one.',
      }),
      reason: z.string().nullable().meta({
        description: 'Why it was refused (error code and the fields it lacks); null otherwise.',
      }),
    })
    .meta({ description: 'The EN 16931 e-invoice (Factur-X / ZUGFeRD) embedded in the PDF.' }),
);

export const documentListItem = named(
  'DocumentListItem',
  z.strictObject({
    id: z.string(),
    profileId: z.string(),
    sourceId: z.string().nullable(),
    eventId: z
      .string()
      .nullable()
      .meta({ description: 'The payment or refund event; null for a credit note issued by hand.' }),
    kind: documentKind,
    number: z.string(),
    issuedAt: instant,
    buyerName: z.string().nullable(),
    buyerEmail: z.string().nullable(),
    orderId: z.string().nullable(),
    transactionId: z.string().nullable(),
    currency: z.string(),
    net: z.number().int().meta({ description: 'Minor units.' }),
    tax: z.number().int(),
    gross: z.number().int(),
    correctsDocumentId: z.string().nullable(),
    renderState: z.enum(['pending', 'rendered']),
    eInvoice: documentEInvoice,
  }),
);

export const documentPage = pageOf('DocumentPage', documentListItem);

const party = z.strictObject({
  name: z.string(),
  company: z.string().nullable(),
  addressLines: z.array(z.string()),
  countryCode: z.string().nullable(),
  vatId: z.string().nullable(),
  email: z.string().nullable(),
});

export const documentSnapshotView = named(
  'DocumentSnapshot',
  z.strictObject({
    kind: documentKind,
    number: z.string(),
    issuedAt: instant,
    supplyDate: z.string(),
    language: z.enum(DOCUMENT_LANGUAGES),
    timeZone: z.string(),
    currency: z.string(),
    seller: party.extend({
      taxNumber: z.string().nullable(),
      contactLines: z.array(z.string()),
      bankLines: z.array(z.string()),
      footer: z.string().nullable(),
      logo: z
        .strictObject({ mediaType: z.enum(['image/png', 'image/jpeg']), base64: z.string() })
        .nullable(),
    }),
    buyer: party,
    lines: z.array(
      z.strictObject({
        description: z.string(),
        quantity: z.number(),
        unitAmount: z.number().int(),
        amount: z.number().int(),
      }),
    ),
    totals: z.strictObject({
      net: z.number().int(),
      tax: z.number().int(),
      gross: z.number().int(),
    }),
    taxMode: taxModeSchema,
    payment: z.strictObject({
      method: z.string(),
      transactionId: z.string().nullable(),
      paidAt: instant,
    }),
    orderId: z.string().nullable(),
    corrects: z.strictObject({ number: z.string(), issuedAt: instant }).nullable(),
  }),
);

/** What a document's mail and a Digistore24 sale's mail both say (invoicing/mail-rows.ts). */
const mailFields = z.strictObject({
  id: z.string(),
  role: z.enum(['buyer', 'seller']),
  recipients: z.array(z.string()),
  status: z.enum(['pending', 'sent', 'failed']).meta({
    description:
      '`pending` until sent (also while waiting for a retry), `failed` when the retries are used up.',
  }),
  attempts: z.number().int(),
  nextAttemptAt: instant.nullable().meta({ description: 'When a pending mail is tried next.' }),
  lastError: z.string().nullable(),
  subject: z.string().nullable().meta({ description: 'As sent (set once tried).' }),
  messageId: z.string().nullable(),
  sentAt: instant.nullable(),
  createdAt: instant.meta({ description: 'When it was queued.' }),
});

export const documentMail = named(
  'DocumentMail',
  mailFields.extend({ trigger: z.enum(['issue', 'resend']) }),
);

export const saleMail = named(
  'SaleMail',
  mailFields
    .extend({
      eventId: z.string().meta({ description: 'The Digistore24 payment the mail is about.' }),
      profileId: z.string(),
      sourceId: z.string().nullable(),
      orderId: z.string().nullable(),
      transactionId: z.string().nullable(),
      buyerEmail: z.string().nullable(),
      amount: z.number().int().nullable().meta({ description: 'The payment in minor units.' }),
      currency: z.string().nullable(),
      invoiceUrl: z.string().nullable().meta({
        description: 'Digistore24’s invoice link the mail carries; null when the IPN had none.',
      }),
      receiptUrl: z.string().nullable().meta({
        description: 'Digistore24’s receipt link the mail carries; null when the IPN had none.',
      }),
    })
    .meta({
      description:
        'A mail of a Digistore24 sale: Digistore24 invoices the buyer itself, so the mail carries its links instead of a document.',
    }),
);

export const saleMailPage = pageOf('SaleMailPage', saleMail);

export const documentDetail = named(
  'DocumentDetail',
  documentListItem.extend({
    snapshot: documentSnapshotView,
    render: z.strictObject({
      attempts: z.number().int(),
      nextAttemptAt: instant.nullable(),
      lastError: z.string().nullable().meta({
        description:
          'Why the last render failed; the document keeps its number and is rendered again.',
      }),
      renderedAt: instant.nullable(),
      sha256: z.string().nullable(),
      bytes: z.number().int().nullable(),
    }),
    creditNoteIds: z.array(z.string()),
    mails: z.array(documentMail),
  }),
);

export const resendResult = named(
  'ResendResult',
  z.strictObject({
    queued: z
      .number()
      .int()
      .meta({ description: 'Mails queued (0: nobody gets one under the profile mail settings).' }),
  }),
);

export const issuedCreditNote = named(
  'IssuedCreditNote',
  z.strictObject({ documentId: z.string(), number: z.string() }),
);

export const manualRefund = named(
  'ManualRefund',
  z.strictObject({
    id: z.string(),
    eventId: z.string(),
    profileId: z.string(),
    sourceId: z.string(),
    kind: z.enum(['refund', 'chargeback']),
    orderId: z.string().nullable(),
    transactionId: z.string().nullable(),
    paymentTransactionId: z
      .string()
      .nullable()
      .meta({ description: 'The refunded payment, as the provider named it.' }),
    amount: z.number().int().nullable(),
    currency: z.string().nullable(),
    buyerEmail: z.string().nullable(),
    reason: z.string(),
    createdAt: instant,
  }),
);

export const manualRefundPage = pageOf('ManualRefundPage', manualRefund);
