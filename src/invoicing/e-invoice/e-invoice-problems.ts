/**
 * What keeps a document from becoming a valid EN 16931 e-invoice. ipnhub refuses to write an
 * e-invoice rather than write an invalid one: each problem names the snapshot field and the
 * business term (BT) or rule (BR) of EN 16931-1 it breaks. Which rules these are, and why the
 * reverse-charge check asks for more than EN 16931, is in docs/invoicing.md ("E-invoice").
 */
import { IpnhubError } from '../../core/errors.js';
import type { FieldProblem } from '../../core/errors.js';
import { minorUnitDigits } from '../../core/money.js';
import type { DocumentParty, DocumentSnapshot } from '../document-snapshot.js';
import { vatRateBasisPoints } from './line-amounts.js';

export interface EInvoiceProblems {
  /** Data the e-invoice must carry and the document lacks (`EINVOICE_INCOMPLETE`). */
  incomplete: FieldProblem[];
  /** Amounts that cannot be written as a valid e-invoice (`EINVOICE_AMOUNTS_INVALID`). */
  amounts: FieldProblem[];
}

const COUNTRY = /^[A-Za-z]{2}$/;
/** BR-CO-09: a VAT identifier starts with the ISO 3166-1 alpha-2 code of its country (Greece: EL). */
const VAT_ID = /^[A-Za-z]{2}[0-9A-Za-z+*.]{2,13}$/;
const CALENDAR_DAY = /^\d{4}-\d{2}-\d{2}$/;

const blank = (value: string | null | undefined): boolean =>
  value === null || value === undefined || value.trim() === '';
const isInstant = (value: string): boolean => !Number.isNaN(Date.parse(value));

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function partyProblems(
  party: DocumentParty,
  path: 'seller' | 'buyer',
  terms: { name: string; country: string; vat: string },
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const name = path === 'buyer' ? (party.company ?? party.name) : party.name;
  if (blank(name))
    problems.push({ path: `${path}.name`, problem: `${terms.name}: the ${path}'s name is empty` });
  if (party.countryCode === null || !COUNTRY.test(party.countryCode)) {
    problems.push({
      path: `${path}.countryCode`,
      problem: `${terms.country}: the ${path}'s country (ISO 3166-1 alpha-2 code) is missing`,
    });
  }
  if (!blank(party.vatId) && !VAT_ID.test(party.vatId?.replace(/\s/g, '') ?? '')) {
    problems.push({
      path: `${path}.vatId`,
      problem: `${terms.vat}: the VAT id must start with its two-letter country prefix (BR-CO-09)`,
    });
  }
  return problems;
}

function incompleteProblems(snapshot: DocumentSnapshot): FieldProblem[] {
  const { seller, buyer } = snapshot;
  const problems: FieldProblem[] = [];
  if (blank(snapshot.number))
    problems.push({ path: 'number', problem: 'BT-1: the invoice number is empty' });
  if (!isInstant(snapshot.issuedAt))
    problems.push({ path: 'issuedAt', problem: 'BT-2: the issue time is not an ISO 8601 instant' });
  if (!isTimeZone(snapshot.timeZone))
    problems.push({
      path: 'timeZone',
      problem: 'BT-2: the time zone the issue date is counted in is unknown',
    });
  if (!CALENDAR_DAY.test(snapshot.supplyDate))
    problems.push({ path: 'supplyDate', problem: 'BT-72: the date of supply is not YYYY-MM-DD' });
  if (!/^[A-Z]{3}$/.test(snapshot.currency))
    problems.push({ path: 'currency', problem: 'BT-5: the currency is not an ISO 4217 code' });

  problems.push(
    ...partyProblems(seller, 'seller', { name: 'BT-27', country: 'BT-40', vat: 'BT-31' }),
  );
  if (seller.addressLines.every((line) => blank(line)))
    problems.push({ path: 'seller.addressLines', problem: "BG-5: the seller's address is empty" });
  if (blank(seller.vatId) && blank(seller.taxNumber)) {
    problems.push({
      path: 'seller.vatId',
      problem:
        'BT-31/BT-32: the seller needs a VAT id or a tax number (BR-S-02, BR-E-02; § 14 Abs. 4 No. 2 UStG)',
    });
  }
  problems.push(
    ...partyProblems(buyer, 'buyer', { name: 'BT-44', country: 'BT-55', vat: 'BT-48' }),
  );

  if (snapshot.taxMode.kind === 'reverse_charge') {
    // EN 16931 (BR-AE-02) would take a tax number too; § 14a UStG and Art. 226 No. 3 and 4 of Directive 2006/112/EC want both VAT ids.
    if (blank(seller.vatId))
      problems.push({
        path: 'seller.vatId',
        problem: "BT-31: reverse charge needs the seller's VAT id (BR-AE-02)",
      });
    if (blank(buyer.vatId))
      problems.push({
        path: 'buyer.vatId',
        problem: "BT-48: reverse charge needs the buyer's VAT id (BR-AE-02)",
      });
  }
  if (snapshot.kind === 'credit_note') {
    if (snapshot.corrects === null || blank(snapshot.corrects.number)) {
      problems.push({
        path: 'corrects',
        problem: 'BG-3/BT-25: a credit note must name the invoice it corrects',
      });
    } else if (!isInstant(snapshot.corrects.issuedAt)) {
      problems.push({
        path: 'corrects.issuedAt',
        problem: "BT-26: the corrected invoice's issue time is not an ISO 8601 instant",
      });
    }
  }
  if (snapshot.lines.length === 0)
    problems.push({ path: 'lines', problem: 'BG-25: the document has no lines (BR-16)' });
  snapshot.lines.forEach((line, i) => {
    if (blank(line.description))
      problems.push({
        path: `lines.${i}.description`,
        problem: 'BT-153: the item name is empty (BR-25)',
      });
  });
  return problems;
}

const isAmount = (value: number): boolean => Number.isSafeInteger(value) && value >= 0;

function amountProblems(snapshot: DocumentSnapshot): FieldProblem[] {
  const { totals, taxMode } = snapshot;
  const problems: FieldProblem[] = [];
  if (minorUnitDigits(snapshot.currency) > 2) {
    problems.push({
      path: 'currency',
      problem: `${snapshot.currency} has ${minorUnitDigits(snapshot.currency)} decimals; EN 16931 amounts have at most 2 (BR-DEC-*)`,
    });
  }
  snapshot.lines.forEach((line, i) => {
    if (!Number.isFinite(line.quantity) || line.quantity <= 0)
      problems.push({
        path: `lines.${i}.quantity`,
        problem: 'BT-129: the quantity must be positive',
      });
    if (!isAmount(line.amount))
      problems.push({
        path: `lines.${i}.amount`,
        problem: 'BT-131: the amount must be a whole number of minor units, not negative',
      });
  });
  for (const key of ['net', 'tax', 'gross'] as const) {
    if (!isAmount(totals[key]))
      problems.push({
        path: `totals.${key}`,
        problem: 'the amount must be a whole number of minor units, not negative',
      });
  }
  if (problems.length > 0) return problems;

  if (totals.net + totals.tax !== totals.gross)
    problems.push({
      path: 'totals',
      problem: 'BT-112: net and tax do not add up to the gross (BR-CO-15)',
    });
  const linesGross = snapshot.lines.reduce((sum, line) => sum + line.amount, 0);
  if (linesGross !== totals.gross)
    problems.push({
      path: 'lines',
      problem: 'BT-131: the lines do not add up to the gross total (BR-CO-10)',
    });
  const rate = vatRateBasisPoints(taxMode);
  if (rate === 0 && totals.tax !== 0)
    problems.push({
      path: 'totals.tax',
      problem: `BT-110: the tax mode ${taxMode.kind} charges no VAT, yet the tax is not 0`,
    });
  if (
    (taxMode.kind === 'vat_included' || taxMode.kind === 'israel_vat') &&
    !(Number.isInteger(rate) && rate > 0)
  ) {
    problems.push({
      path: 'taxMode.rateBasisPoints',
      problem: 'BT-119: a standard rate must be above 0 (BR-S-05)',
    });
  } else if (rate > 0 && Math.abs(totals.tax - Math.round((totals.net * rate) / 10_000)) > 1) {
    problems.push({
      path: 'totals.tax',
      problem: 'BT-117: the tax differs from net × rate by more than one minor unit (BR-CO-17)',
    });
  }
  return problems;
}

export function eInvoiceProblems(snapshot: DocumentSnapshot): EInvoiceProblems {
  return { incomplete: incompleteProblems(snapshot), amounts: amountProblems(snapshot) };
}

const described = (problems: readonly FieldProblem[]): string =>
  problems.map(({ path, problem }) => `${path}: ${problem}`).join('; ');

/** Throws `EINVOICE_INCOMPLETE` or `EINVOICE_AMOUNTS_INVALID` (with every problem) unless the snapshot can become a valid e-invoice. */
export function assertEInvoiceable(snapshot: DocumentSnapshot): void {
  const { incomplete, amounts } = eInvoiceProblems(snapshot);
  if (incomplete.length > 0)
    throw new IpnhubError('EINVOICE_INCOMPLETE', `${snapshot.number}: ${described(incomplete)}`, {
      fields: incomplete,
    });
  if (amounts.length > 0)
    throw new IpnhubError('EINVOICE_AMOUNTS_INVALID', `${snapshot.number}: ${described(amounts)}`, {
      fields: amounts,
    });
}
