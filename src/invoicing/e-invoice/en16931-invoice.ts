/**
 * A document snapshot as EN 16931 invoice data, in the input format of `@e-invoice-eu/core`
 * (UBL element names; the library turns them into CII). Only what the snapshot knows goes in;
 * what EN 16931 wants and the snapshot lacks is derived as docs/invoicing.md ("E-invoice")
 * describes. Call only for a snapshot `assertEInvoiceable` accepted.
 */
import type { Invoice } from '@e-invoice-eu/core';
import { formatMoney } from '../../core/money.js';
import { calendarDay } from '../../lib/calendar-day.js';
import type { DocumentParty, DocumentSeller, DocumentSnapshot } from '../document-snapshot.js';
import { legalNotes } from '../pdf/legal-notes.js';
import { netLines, vatRateBasisPoints } from './line-amounts.js';
import { postalAddress } from './postal-address.js';

type InvoiceData = Invoice['ubl:Invoice'];
type Currency = InvoiceData['cbc:DocumentCurrencyCode'];
type SupplierParty = InvoiceData['cac:AccountingSupplierParty']['cac:Party'];
type CustomerParty = InvoiceData['cac:AccountingCustomerParty']['cac:Party'];
type TaxRegistrations = NonNullable<SupplierParty['cac:PartyTaxScheme']>;
type InvoiceLine = InvoiceData['cac:InvoiceLine'][number];
type Address = SupplierParty['cac:PostalAddress'];
type CountryCode = Address['cac:Country']['cbc:IdentificationCode'];
type TaxSubtotal = InvoiceData['cac:TaxTotal'][number]['cac:TaxSubtotal'];
type TaxCategory = NonNullable<TaxSubtotal>[number]['cac:TaxCategory'];
type ExemptionCode = NonNullable<TaxCategory['cbc:TaxExemptionReasonCode']>;
type LineCategory = InvoiceLine['cac:Item']['cac:ClassifiedTaxCategory'];

/** BT-24: the EN 16931 core specification, which the Factur-X EN 16931 (COMFORT) profile uses as is. */
const EN16931_SPECIFICATION = 'urn:cen.eu:en16931:2017';
/** UNTDID 1001: commercial invoice, credit note. */
const TYPE_CODE = { invoice: '380', credit_note: '381' } as const;
/** UNTDID 4461 code 68, "online payment service": every payment ipnhub records came through one (PayPal, Digistore24). */
const ONLINE_PAYMENT_SERVICE = '68';
/** UN/ECE Recommendation 20 "C62", one (unit): the lines are counted pieces, courses, licences. */
const UNIT_CODE = 'C62';
/** The scheme of an electronic address that is an e-mail address (EAS code list). */
const EMAIL_SCHEME = 'EM';
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** Basis points as a percentage without trailing zeros: 1900 → "19", 750 → "7.5". */
function percent(basisPoints: number): string {
  const whole = Math.trunc(basisPoints / 100);
  const fraction = String(basisPoints % 100)
    .padStart(2, '0')
    .replace(/0+$/, '');
  return fraction === '' ? String(whole) : `${whole}.${fraction}`;
}

/** Quantities as plain decimals (no exponent, no float noise beyond 6 places). */
function quantity(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(6)));
}

function address(party: DocumentParty): Address {
  const parts = postalAddress(party.addressLines, (party.countryCode ?? '').toUpperCase());
  return {
    ...(parts.line1 !== null && { 'cbc:StreetName': parts.line1 }),
    ...(parts.line2 !== null && { 'cbc:AdditionalStreetName': parts.line2 }),
    ...(parts.city !== null && { 'cbc:CityName': parts.city }),
    ...(parts.postcode !== null && { 'cbc:PostalZone': parts.postcode }),
    ...(parts.subdivision !== null && { 'cbc:CountrySubentity': parts.subdivision }),
    ...(parts.line3 !== null && { 'cac:AddressLine': { 'cbc:Line': parts.line3 } }),
    'cac:Country': { 'cbc:IdentificationCode': parts.countryCode as CountryCode },
  };
}

/** BT-34 / BT-49: the party's e-mail address as its electronic address, when it has one. */
function electronicAddress(
  party: DocumentParty,
):
  | { 'cbc:EndpointID': string; 'cbc:EndpointID@schemeID': typeof EMAIL_SCHEME }
  | Record<string, never> {
  const email = party.email?.trim() ?? '';
  return EMAIL.test(email)
    ? { 'cbc:EndpointID': email, 'cbc:EndpointID@schemeID': EMAIL_SCHEME }
    : {};
}

const compact = (id: string): string => id.replace(/\s/g, '').toUpperCase();

/**
 * BT-31 and BT-32. The VAT id comes first: the library writes the first registration with the
 * scheme VA (VAT id) and keeps the scheme of a later one as given, FC (tax number).
 */
function taxRegistrations(vatId: string | null, taxNumber: string | null): TaxRegistrations {
  const vat =
    vatId === null ? null : { 'cbc:CompanyID': vatId, 'cac:TaxScheme': { 'cbc:ID': 'VAT' } };
  const fiscal =
    taxNumber === null ? null : { 'cbc:CompanyID': taxNumber, 'cac:TaxScheme': { 'cbc:ID': 'FC' } };
  if (vat && fiscal) return [vat, fiscal];
  if (vat) return [vat];
  return fiscal ? [fiscal] : [];
}

/**
 * BT-29. BR-CO-26 wants BT-29, BT-30 or BT-31 to identify the seller: without a VAT id the tax
 * number does. (Written by cii-additions.ts: the library does not map BT-29.)
 */
export function sellerIdentifier(seller: DocumentSeller): string | null {
  return seller.vatId?.trim() || !seller.taxNumber?.trim() ? null : seller.taxNumber.trim();
}

function seller(snapshot: DocumentSnapshot): SupplierParty {
  const { seller } = snapshot;
  const vatId = seller.vatId?.trim() ? compact(seller.vatId) : null;
  const taxNumber = seller.taxNumber?.trim() ? seller.taxNumber.trim() : null;
  return {
    ...electronicAddress(seller),
    'cac:PostalAddress': address(seller),
    'cac:PartyTaxScheme': taxRegistrations(vatId, taxNumber),
    'cac:PartyLegalEntity': { 'cbc:RegistrationName': seller.name.trim() },
  };
}

function buyer(snapshot: DocumentSnapshot): CustomerParty {
  const { buyer } = snapshot;
  const company = buyer.company?.trim() ? buyer.company.trim() : null;
  return {
    ...electronicAddress(buyer),
    'cac:PostalAddress': address(buyer),
    ...(buyer.vatId?.trim() && {
      'cac:PartyTaxScheme': {
        'cbc:CompanyID': compact(buyer.vatId),
        'cac:TaxScheme': { 'cbc:ID': 'VAT' },
      },
    }),
    // BT-44 is the buyer's legal name: the company when there is one, and then the person is its contact (BT-56).
    'cac:PartyLegalEntity': { 'cbc:RegistrationName': company ?? buyer.name.trim() },
    ...(company !== null &&
      buyer.name.trim() !== '' && { 'cac:Contact': { 'cbc:Name': buyer.name.trim() } }),
  };
}

interface Category {
  code: 'S' | 'E' | 'AE';
  percent: string;
  /** BT-121 */
  exemptionCode: ExemptionCode | null;
  /** BT-120: the document's legal note. */
  exemptionReason: string | null;
}

function category(snapshot: DocumentSnapshot): Category {
  const note = legalNotes(snapshot)[0] ?? null;
  switch (snapshot.taxMode.kind) {
    case 'vat_included':
    case 'israel_vat':
      return {
        code: 'S',
        percent: percent(vatRateBasisPoints(snapshot.taxMode)),
        exemptionCode: null,
        exemptionReason: null,
      };
    case 'small_business':
      return { code: 'E', percent: '0', exemptionCode: null, exemptionReason: note };
    case 'reverse_charge':
      return { code: 'AE', percent: '0', exemptionCode: 'VATEX-EU-AE', exemptionReason: note };
  }
}

function atLeastOne<T>(items: T[]): [T, ...T[]] {
  const [first, ...rest] = items;
  if (first === undefined) throw new RangeError('an invoice needs at least one line');
  return [first, ...rest];
}

export function en16931Invoice(snapshot: DocumentSnapshot): Invoice {
  const currency = snapshot.currency as Currency;
  const money = (minor: number): string => formatMoney(minor, currency);
  const vat = category(snapshot);
  const lineCategory: LineCategory = {
    'cbc:ID': vat.code,
    'cbc:Percent': vat.percent,
    'cac:TaxScheme': { 'cbc:ID': 'VAT' },
  };
  const notes = legalNotes(snapshot);
  const { totals, payment } = snapshot;
  return {
    'ubl:Invoice': {
      'cbc:CustomizationID': EN16931_SPECIFICATION,
      'cbc:ID': snapshot.number.trim(),
      'cbc:IssueDate': calendarDay(snapshot.issuedAt, snapshot.timeZone),
      'cbc:InvoiceTypeCode': TYPE_CODE[snapshot.kind],
      ...(notes.length > 0 && { 'cbc:Note': notes }),
      'cbc:DocumentCurrencyCode': currency,
      'cac:AccountingSupplierParty': { 'cac:Party': seller(snapshot) },
      'cac:AccountingCustomerParty': { 'cac:Party': buyer(snapshot) },
      'cac:Delivery': { 'cbc:ActualDeliveryDate': snapshot.supplyDate },
      'cac:PaymentMeans': [
        {
          'cbc:PaymentMeansCode': ONLINE_PAYMENT_SERVICE,
          'cbc:PaymentMeansCode@name': payment.method,
          ...(payment.transactionId !== null &&
            payment.transactionId.trim() !== '' && {
              'cbc:PaymentID': payment.transactionId.trim(),
            }),
        },
      ],
      'cac:TaxTotal': [
        {
          'cbc:TaxAmount': money(totals.tax),
          'cbc:TaxAmount@currencyID': currency,
          'cac:TaxSubtotal': [
            {
              'cbc:TaxableAmount': money(totals.net),
              'cbc:TaxableAmount@currencyID': currency,
              'cbc:TaxAmount': money(totals.tax),
              'cbc:TaxAmount@currencyID': currency,
              'cac:TaxCategory': {
                'cbc:ID': vat.code,
                'cbc:Percent': vat.percent,
                ...(vat.exemptionCode !== null && {
                  'cbc:TaxExemptionReasonCode': vat.exemptionCode,
                }),
                ...(vat.exemptionReason !== null && {
                  'cbc:TaxExemptionReason': vat.exemptionReason,
                }),
                'cac:TaxScheme': { 'cbc:ID': 'VAT' },
              },
            },
          ],
        },
      ],
      // The payment (or the refund) is made when the document is issued: all of it is prepaid, nothing is due (BT-113, BT-115).
      'cac:LegalMonetaryTotal': {
        'cbc:LineExtensionAmount': money(totals.net),
        'cbc:LineExtensionAmount@currencyID': currency,
        'cbc:TaxExclusiveAmount': money(totals.net),
        'cbc:TaxExclusiveAmount@currencyID': currency,
        'cbc:TaxInclusiveAmount': money(totals.gross),
        'cbc:TaxInclusiveAmount@currencyID': currency,
        'cbc:PrepaidAmount': money(totals.gross),
        'cbc:PrepaidAmount@currencyID': currency,
        'cbc:PayableAmount': money(0),
        'cbc:PayableAmount@currencyID': currency,
      },
      'cac:InvoiceLine': atLeastOne(
        netLines(snapshot).map((line, i): InvoiceLine => {
          const source = snapshot.lines[i];
          const count = quantity(source?.quantity ?? 1);
          return {
            'cbc:ID': String(i + 1),
            'cbc:InvoicedQuantity': count,
            'cbc:InvoicedQuantity@unitCode': UNIT_CODE,
            'cbc:LineExtensionAmount': money(line.net),
            'cbc:LineExtensionAmount@currencyID': currency,
            'cac:Item': {
              'cbc:Name': source?.description.trim() ?? '',
              'cac:ClassifiedTaxCategory': lineCategory,
            },
            'cac:Price': {
              'cbc:PriceAmount': money(line.price),
              'cbc:PriceAmount@currencyID': currency,
              ...(line.baseQuantity !== null && {
                'cbc:BaseQuantity': count,
                'cbc:BaseQuantity@unitCode': UNIT_CODE,
              }),
            },
          };
        }),
      ),
    },
  };
}
