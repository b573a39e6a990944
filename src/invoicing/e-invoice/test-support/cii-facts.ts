/**
 * Reads an EN 16931 invoice back from its CII XML into its business terms (BT-… of EN 16931-1)
 * and checks them against the rules of EN 16931-1 that apply to ipnhub's documents (no
 * allowances or charges, one VAT category per document). Not the official validator (KoSIT,
 * Mustang: Java, not available offline here) but the same rules, so the tests can show which
 * one a document breaks. Amounts are compared in cents.
 */
import { attr, nodesAt, parseXml, text, textOf } from './xml-tree.js';
import type { XmlNode } from './xml-tree.js';

export interface PartyFacts {
  /** BT-27 / BT-44 */
  name: string | undefined;
  /** BT-29 */
  identifier: string | undefined;
  /** BT-56 */
  contact: string | undefined;
  /** BT-34 / BT-49 with its scheme */
  electronicAddress: { value: string | undefined; scheme: string | undefined } | undefined;
  /** BT-31 / BT-48 */
  vatId: string | undefined;
  /** BT-32 */
  taxNumber: string | undefined;
  address:
    | {
        line1: string | undefined;
        line2: string | undefined;
        line3: string | undefined;
        city: string | undefined;
        postcode: string | undefined;
        subdivision: string | undefined;
        country: string | undefined;
      }
    | undefined;
}

export interface LineFacts {
  /** BT-126 */
  id: string | undefined;
  /** BT-153 */
  name: string | undefined;
  /** BT-129, BT-130 */
  quantity: string | undefined;
  unitCode: string | undefined;
  /** BT-146, BT-149 */
  price: string | undefined;
  baseQuantity: string | undefined;
  /** BT-131 */
  net: string | undefined;
  /** BT-151, BT-152 */
  category: string | undefined;
  rate: string | undefined;
}

export interface VatFacts {
  /** BT-116 … BT-121 */
  taxable: string | undefined;
  tax: string | undefined;
  category: string | undefined;
  rate: string | undefined;
  exemptionReason: string | undefined;
  exemptionCode: string | undefined;
}

export interface CiiFacts {
  /** BT-24 */
  specification: string | undefined;
  /** BT-1, BT-2 (YYYYMMDD, format 102), BT-3, BT-5 */
  number: string | undefined;
  issueDate: string | undefined;
  issueDateFormat: string | undefined;
  typeCode: string | undefined;
  currency: string | undefined;
  /** BT-22 */
  notes: string[];
  /** BG-3: BT-25, BT-26 */
  precedingInvoices: { number: string | undefined; date: string | undefined }[];
  /** BT-72 */
  deliveryDate: string | undefined;
  seller: PartyFacts;
  buyer: PartyFacts;
  /** BG-16: BT-81, BT-82; BT-83 */
  payment: { code: string | undefined; information: string | undefined }[];
  paymentReference: string | undefined;
  lines: LineFacts[];
  vat: VatFacts[];
  /** BG-22: BT-106, BT-109, BT-110 (with its currency), BT-112, BT-113, BT-115 */
  totals: {
    lineNet: string | undefined;
    taxExclusive: string | undefined;
    tax: string | undefined;
    taxCurrency: string | undefined;
    taxInclusive: string | undefined;
    prepaid: string | undefined;
    due: string | undefined;
  };
}

const TRANSACTION = 'rsm:SupplyChainTradeTransaction';
const AGREEMENT = `${TRANSACTION}/ram:ApplicableHeaderTradeAgreement`;
const SETTLEMENT = `${TRANSACTION}/ram:ApplicableHeaderTradeSettlement`;

function party(node: XmlNode | undefined): PartyFacts {
  const read = (path: string): string | undefined =>
    node === undefined ? undefined : text(node, path);
  const registrations =
    node === undefined ? [] : nodesAt(node, 'ram:SpecifiedTaxRegistration/ram:ID');
  const registration = (scheme: string): string | undefined =>
    textOf(registrations.find((id) => attr(id, 'schemeID') === scheme));
  const uri =
    node === undefined ? undefined : nodesAt(node, 'ram:URIUniversalCommunication/ram:URIID')[0];
  const address = node === undefined ? undefined : nodesAt(node, 'ram:PostalTradeAddress')[0];
  return {
    name: read('ram:Name'),
    identifier: read('ram:ID'),
    contact: read('ram:DefinedTradeContact/ram:PersonName'),
    electronicAddress:
      uri === undefined ? undefined : { value: textOf(uri), scheme: attr(uri, 'schemeID') },
    vatId: registration('VA'),
    taxNumber: registration('FC'),
    address:
      address === undefined
        ? undefined
        : {
            line1: text(address, 'ram:LineOne'),
            line2: text(address, 'ram:LineTwo'),
            line3: text(address, 'ram:LineThree'),
            city: text(address, 'ram:CityName'),
            postcode: text(address, 'ram:PostcodeCode'),
            subdivision: text(address, 'ram:CountrySubDivisionName'),
            country: text(address, 'ram:CountryID'),
          },
  };
}

export function ciiFacts(xml: string): CiiFacts {
  const root = parseXml(xml, 'rsm:CrossIndustryInvoice');
  const issue = nodesAt(root, 'rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString')[0];
  const summation = nodesAt(
    root,
    `${SETTLEMENT}/ram:SpecifiedTradeSettlementHeaderMonetarySummation`,
  )[0];
  const sum = (path: string): string | undefined =>
    summation === undefined ? undefined : text(summation, path);
  const taxTotal =
    summation === undefined ? undefined : nodesAt(summation, 'ram:TaxTotalAmount')[0];
  return {
    specification: text(
      root,
      'rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID',
    ),
    number: text(root, 'rsm:ExchangedDocument/ram:ID'),
    issueDate: textOf(issue),
    issueDateFormat: attr(issue, 'format'),
    typeCode: text(root, 'rsm:ExchangedDocument/ram:TypeCode'),
    currency: text(root, `${SETTLEMENT}/ram:InvoiceCurrencyCode`),
    notes: nodesAt(root, 'rsm:ExchangedDocument/ram:IncludedNote/ram:Content').map(
      (n) => textOf(n) ?? '',
    ),
    precedingInvoices: nodesAt(root, `${SETTLEMENT}/ram:InvoiceReferencedDocument`).map((ref) => ({
      number: text(ref, 'ram:IssuerAssignedID'),
      date: text(ref, 'ram:FormattedIssueDateTime/qdt:DateTimeString'),
    })),
    deliveryDate: text(
      root,
      `${TRANSACTION}/ram:ApplicableHeaderTradeDelivery/ram:ActualDeliverySupplyChainEvent/ram:OccurrenceDateTime/udt:DateTimeString`,
    ),
    seller: party(nodesAt(root, `${AGREEMENT}/ram:SellerTradeParty`)[0]),
    buyer: party(nodesAt(root, `${AGREEMENT}/ram:BuyerTradeParty`)[0]),
    payment: nodesAt(root, `${SETTLEMENT}/ram:SpecifiedTradeSettlementPaymentMeans`).map(
      (means) => ({
        code: text(means, 'ram:TypeCode'),
        information: text(means, 'ram:Information'),
      }),
    ),
    paymentReference: text(root, `${SETTLEMENT}/ram:PaymentReference`),
    lines: nodesAt(root, `${TRANSACTION}/ram:IncludedSupplyChainTradeLineItem`).map((line) => {
      const quantity = nodesAt(line, 'ram:SpecifiedLineTradeDelivery/ram:BilledQuantity')[0];
      return {
        id: text(line, 'ram:AssociatedDocumentLineDocument/ram:LineID'),
        name: text(line, 'ram:SpecifiedTradeProduct/ram:Name'),
        quantity: textOf(quantity),
        unitCode: attr(quantity, 'unitCode'),
        price: text(
          line,
          'ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:ChargeAmount',
        ),
        baseQuantity: text(
          line,
          'ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:BasisQuantity',
        ),
        net: text(
          line,
          'ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount',
        ),
        category: text(
          line,
          'ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/ram:CategoryCode',
        ),
        rate: text(
          line,
          'ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/ram:RateApplicablePercent',
        ),
      };
    }),
    vat: nodesAt(root, `${SETTLEMENT}/ram:ApplicableTradeTax`).map((tax) => ({
      taxable: text(tax, 'ram:BasisAmount'),
      tax: text(tax, 'ram:CalculatedAmount'),
      category: text(tax, 'ram:CategoryCode'),
      rate: text(tax, 'ram:RateApplicablePercent'),
      exemptionReason: text(tax, 'ram:ExemptionReason'),
      exemptionCode: text(tax, 'ram:ExemptionReasonCode'),
    })),
    totals: {
      lineNet: sum('ram:LineTotalAmount'),
      taxExclusive: sum('ram:TaxBasisTotalAmount'),
      tax: textOf(taxTotal),
      taxCurrency: attr(taxTotal, 'currencyID'),
      taxInclusive: sum('ram:GrandTotalAmount'),
      prepaid: sum('ram:TotalPrepaidAmount'),
      due: sum('ram:DuePayableAmount'),
    },
  };
}

const AMOUNT = /^-?\d+(\.\d{1,2})?$/;
const present = (value: string | undefined): value is string =>
  value !== undefined && value.trim() !== '';

/** An amount in cents; NaN when it is missing or has more than two decimals (BR-DEC-*). */
function cents(value: string | undefined): number {
  if (value === undefined || !AMOUNT.test(value)) return Number.NaN;
  const [whole = '0', fraction = ''] = value.replace('-', '').split('.');
  const abs = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  return value.startsWith('-') ? -abs : abs;
}

const decimal = (value: string | undefined): number =>
  value === undefined || value.trim() === '' ? Number.NaN : Number(value);

/** The rules of EN 16931-1 (and the two checks below it) the invoice breaks, by rule id; empty when none. */
export function en16931Violations(f: CiiFacts): string[] {
  const broken = new Set<string>();
  const rule = (id: string, ok: boolean): void => {
    if (!ok) broken.add(id);
  };
  rule('BR-01', present(f.specification));
  rule('BR-02', present(f.number));
  rule('BR-03', present(f.issueDate) && f.issueDateFormat === '102' && /^\d{8}$/.test(f.issueDate));
  rule('BR-04', f.typeCode === '380' || f.typeCode === '381');
  rule('BR-05', present(f.currency) && /^[A-Z]{3}$/.test(f.currency));
  rule('BR-06', present(f.seller.name));
  rule('BR-07', present(f.buyer.name));
  rule('BR-08', f.seller.address !== undefined);
  rule('BR-09', present(f.seller.address?.country));
  rule('BR-10', f.buyer.address !== undefined);
  rule('BR-11', present(f.buyer.address?.country));
  rule('BR-12', present(f.totals.lineNet));
  rule('BR-13', present(f.totals.taxExclusive));
  rule('BR-14', present(f.totals.taxInclusive));
  rule('BR-15', present(f.totals.due));
  rule('BR-16', f.lines.length > 0);
  rule('BR-CO-18', f.vat.length > 0);
  for (const line of f.lines) {
    rule('BR-21', present(line.id));
    rule('BR-22', present(line.quantity));
    rule('BR-23', present(line.unitCode));
    rule('BR-24', present(line.net));
    rule('BR-25', present(line.name));
    rule('BR-26', present(line.price));
    rule('BR-27', cents(line.price) >= 0);
    rule('BR-CO-04', present(line.category));
    // Not an EN 16931 core rule (Peppol's R120): the line's net is quantity × price ÷ base quantity.
    const base = line.baseQuantity === undefined ? 1 : decimal(line.baseQuantity);
    rule(
      'LINE-NET',
      Math.round((decimal(line.quantity) * cents(line.price)) / base) === cents(line.net),
    );
  }
  for (const party of [f.seller, f.buyer]) {
    if (party.electronicAddress !== undefined)
      rule(
        'BR-62/63',
        present(party.electronicAddress.value) && present(party.electronicAddress.scheme),
      );
    if (party.vatId !== undefined) rule('BR-CO-09', /^[A-Z]{2}/.test(party.vatId));
  }
  rule('BR-CO-26', present(f.seller.identifier) || present(f.seller.vatId));

  const amounts = [
    f.totals.lineNet,
    f.totals.taxExclusive,
    f.totals.tax,
    f.totals.taxInclusive,
    f.totals.prepaid,
    f.totals.due,
    ...f.lines.map((l) => l.net),
    ...f.vat.flatMap((v) => [v.taxable, v.tax]),
  ];
  rule(
    'BR-DEC',
    amounts.every((a) => a === undefined || AMOUNT.test(a)),
  );
  const lineSum = f.lines.reduce((sum, line) => sum + cents(line.net), 0);
  rule('BR-CO-10', lineSum === cents(f.totals.lineNet));
  rule('BR-CO-13', cents(f.totals.taxExclusive) === cents(f.totals.lineNet));
  rule('BR-CO-14', cents(f.totals.tax) === f.vat.reduce((sum, v) => sum + cents(v.tax), 0));
  rule('BR-53', f.totals.taxCurrency === f.currency);
  rule(
    'BR-CO-15',
    cents(f.totals.taxInclusive) === cents(f.totals.taxExclusive) + cents(f.totals.tax),
  );
  rule(
    'BR-CO-16',
    cents(f.totals.due) === cents(f.totals.taxInclusive) - cents(f.totals.prepaid || '0'),
  );
  rule('BR-CO-25', cents(f.totals.due) <= 0);

  for (const v of f.vat) {
    const linesOfCategory = f.lines.filter(
      (l) => l.category === v.category && decimal(l.rate) === decimal(v.rate),
    );
    const id = v.category ?? '?';
    rule(
      `BR-${id}-08`,
      cents(v.taxable) === linesOfCategory.reduce((sum, l) => sum + cents(l.net), 0),
    );
    // EN 16931-1 says "rounded to two decimals"; the CEN CII artefacts allow 1.00 of slack, this check one cent.
    rule(
      'BR-CO-17',
      Math.abs(cents(v.tax) - Math.round((cents(v.taxable) * decimal(v.rate)) / 100)) <= 1,
    );
    if (v.category === 'S') {
      rule('BR-S-02', present(f.seller.vatId) || present(f.seller.taxNumber));
      rule('BR-S-05', decimal(v.rate) > 0);
    } else if (v.category === 'E' || v.category === 'AE') {
      rule(
        `BR-${id}-02`,
        v.category === 'AE'
          ? present(f.seller.vatId) && present(f.buyer.vatId)
          : present(f.seller.vatId) || present(f.seller.taxNumber),
      );
      rule(`BR-${id}-05`, decimal(v.rate) === 0);
      rule(`BR-${id}-09`, cents(v.tax) === 0);
      rule(`BR-${id}-10`, present(v.exemptionReason) || present(v.exemptionCode));
    } else {
      broken.add('CATEGORY');
    }
  }
  for (const means of f.payment) rule('BR-49', present(means.code));
  // Not EN 16931 core: a credit note names the invoice it corrects (BG-3), as the German rules on corrections expect.
  if (f.typeCode === '381')
    rule(
      'BG-3',
      f.precedingInvoices.length === 1 &&
        present(f.precedingInvoices[0]?.number) &&
        present(f.precedingInvoices[0]?.date),
    );
  return [...broken].sort();
}
