import { describe, expect, it } from 'vitest';
import { IpnhubError } from '../../core/errors.js';
import type { DocumentSnapshot, DocumentTaxMode } from '../document-snapshot.js';
import { ENGLISH_INVOICE, GERMAN_CREDIT_NOTE } from '../pdf/test-support/sample-snapshots.js';
import { assertEInvoiceable, eInvoiceProblems } from './e-invoice-problems.js';
import { netLines } from './line-amounts.js';
import {
  E_INVOICE_SAMPLES,
  GERMAN_B2B_INVOICE,
  GERMAN_SMALL_BUSINESS_INVOICE,
} from './test-support/e-invoice-samples.js';

const paths = (snapshot: DocumentSnapshot): { incomplete: string[]; amounts: string[] } => {
  const problems = eInvoiceProblems(snapshot);
  return {
    incomplete: problems.incomplete.map((p) => p.path),
    amounts: problems.amounts.map((p) => p.path),
  };
};

describe('eInvoiceProblems', () => {
  it.each(Object.entries(E_INVOICE_SAMPLES))('finds none in the %s', (_name, snapshot) => {
    expect(eInvoiceProblems(snapshot)).toEqual({ incomplete: [], amounts: [] });
  });

  it('names what an e-invoice needs and the document lacks', () => {
    const seller = {
      ...GERMAN_B2B_INVOICE.seller,
      vatId: null,
      taxNumber: null,
      countryCode: null,
      addressLines: [],
    };
    expect(paths({ ...GERMAN_B2B_INVOICE, seller })).toEqual({
      incomplete: ['seller.countryCode', 'seller.addressLines', 'seller.vatId'],
      amounts: [],
    });
    expect(
      paths({
        ...GERMAN_B2B_INVOICE,
        buyer: { ...GERMAN_B2B_INVOICE.buyer, name: ' ', company: null, countryCode: null },
      }),
    ).toEqual({
      incomplete: ['buyer.name', 'buyer.countryCode'],
      amounts: [],
    });
    expect(
      paths({
        ...GERMAN_B2B_INVOICE,
        number: '',
        issuedAt: 'yesterday',
        supplyDate: '3.1.2026',
        timeZone: 'Europe/Nowhere',
        currency: 'euro',
      }).incomplete,
    ).toEqual(['number', 'issuedAt', 'timeZone', 'supplyDate', 'currency']);
    expect(
      paths({
        ...GERMAN_B2B_INVOICE,
        lines: [{ ...GERMAN_B2B_INVOICE.lines[0]!, description: '' }],
      }).incomplete,
    ).toEqual(['lines.0.description']);
  });

  it('wants VAT ids with their country prefix (BR-CO-09)', () => {
    const problems = eInvoiceProblems({
      ...GERMAN_B2B_INVOICE,
      seller: { ...GERMAN_B2B_INVOICE.seller, vatId: '123456789' },
      buyer: { ...GERMAN_B2B_INVOICE.buyer, vatId: '987654321' },
    });
    expect(problems.incomplete).toEqual([
      {
        path: 'seller.vatId',
        problem: 'BT-31: the VAT id must start with its two-letter country prefix (BR-CO-09)',
      },
      {
        path: 'buyer.vatId',
        problem: 'BT-48: the VAT id must start with its two-letter country prefix (BR-CO-09)',
      },
    ]);
  });

  it('wants both VAT ids for reverse charge, a tax number is not enough', () => {
    const seller = { ...ENGLISH_INVOICE.seller, vatId: null };
    const buyer = { ...ENGLISH_INVOICE.buyer, vatId: null };
    expect(paths({ ...ENGLISH_INVOICE, seller, buyer }).incomplete).toEqual([
      'seller.vatId',
      'buyer.vatId',
    ]);
    // A small business with only a tax number is fine (BR-E-02).
    expect(paths(GERMAN_SMALL_BUSINESS_INVOICE).incomplete).toEqual([]);
  });

  it('wants a credit note to name the invoice it corrects', () => {
    expect(paths({ ...GERMAN_CREDIT_NOTE, corrects: null }).incomplete).toEqual(['corrects']);
    expect(
      paths({ ...GERMAN_CREDIT_NOTE, corrects: { number: 'RE-1', issuedAt: 'never' } }).incomplete,
    ).toEqual(['corrects.issuedAt']);
  });

  it('names amounts that cannot make a valid e-invoice', () => {
    const amounts = (snapshot: DocumentSnapshot): string[] => paths(snapshot).amounts;
    expect(
      amounts({ ...GERMAN_B2B_INVOICE, totals: { ...GERMAN_B2B_INVOICE.totals, gross: 121381 } }),
    ).toEqual(['totals', 'lines']);
    expect(
      amounts({ ...GERMAN_B2B_INVOICE, totals: { net: 102002, tax: 19378, gross: 121380 } }),
    ).toEqual(['totals.tax']);
    expect(
      amounts({
        ...GERMAN_SMALL_BUSINESS_INVOICE,
        totals: { net: 102000, tax: 19380, gross: 121380 },
      }),
    ).toEqual(['totals.tax']);
    expect(
      amounts({ ...GERMAN_B2B_INVOICE, taxMode: { kind: 'vat_included', rateBasisPoints: 0 } }),
    ).toEqual(['totals.tax', 'taxMode.rateBasisPoints']);
    expect(amounts({ ...GERMAN_B2B_INVOICE, currency: 'KWD' })).toEqual(['currency']);
    expect(
      amounts({
        ...GERMAN_B2B_INVOICE,
        lines: [
          { ...GERMAN_B2B_INVOICE.lines[0]!, quantity: 0 },
          { ...GERMAN_B2B_INVOICE.lines[1]!, amount: -2380 },
        ],
      }),
    ).toEqual(['lines.0.quantity', 'lines.1.amount']);
    expect(
      amounts({ ...GERMAN_B2B_INVOICE, totals: { net: 1020.5, tax: 193.8, gross: 1214.3 } }),
    ).toEqual(['totals.net', 'totals.tax', 'totals.gross']);
  });
});

describe('assertEInvoiceable', () => {
  it('throws EINVOICE_INCOMPLETE with every missing field, before amounts', () => {
    const snapshot = {
      ...GERMAN_B2B_INVOICE,
      seller: { ...GERMAN_B2B_INVOICE.seller, vatId: null, taxNumber: null },
      currency: 'KWD',
    };
    const err = (() => {
      try {
        assertEInvoiceable(snapshot);
      } catch (caught) {
        return caught;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(IpnhubError);
    expect(err).toMatchObject({
      code: 'EINVOICE_INCOMPLETE',
      status: 400,
      fields: [{ path: 'seller.vatId' }],
    });
    expect((err as IpnhubError).message).toContain('RE-2026-000130: seller.vatId: BT-31/BT-32');
  });

  it('throws EINVOICE_AMOUNTS_INVALID when only the amounts are wrong', () => {
    expect(() => assertEInvoiceable({ ...GERMAN_B2B_INVOICE, currency: 'KWD' })).toThrow(
      expect.objectContaining({
        code: 'EINVOICE_AMOUNTS_INVALID',
        fields: [expect.objectContaining({ path: 'currency' })],
      }),
    );
  });

  it('passes a valid document', () => {
    expect(() => assertEInvoiceable(GERMAN_B2B_INVOICE)).not.toThrow();
  });
});

/** The issuing side's amounts: gross as paid, the included tax rounded to the minor unit. */
function issued(lineAmounts: number[], taxMode: DocumentTaxMode): DocumentSnapshot {
  const gross = lineAmounts.reduce((sum, amount) => sum + amount, 0);
  const rate =
    taxMode.kind === 'vat_included' || taxMode.kind === 'israel_vat' ? taxMode.rateBasisPoints : 0;
  const tax = Math.round((gross * rate) / (10_000 + rate));
  return {
    ...GERMAN_B2B_INVOICE,
    taxMode,
    lines: lineAmounts.map((amount, i) => ({
      description: `Item ${i + 1}`,
      quantity: (i % 3) + 1,
      unitAmount: amount,
      amount,
    })),
    totals: { net: gross - tax, tax, gross },
  };
}

describe('line nets for gross amounts', () => {
  it('add up to the net total and stay exact per line for every amount the issuing side can produce', () => {
    // A fixed pseudo-random sequence (a linear congruential generator), so every run checks the same 2000 documents.
    let seed = 20_260_102;
    const next = (n: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % n;
    };
    const modes: DocumentTaxMode[] = [
      { kind: 'vat_included', rateBasisPoints: 1900 },
      { kind: 'vat_included', rateBasisPoints: 700 },
      { kind: 'vat_included', rateBasisPoints: 2200 },
      { kind: 'israel_vat', rateBasisPoints: 1800 },
      { kind: 'small_business' },
      { kind: 'reverse_charge' },
    ];
    for (let run = 0; run < 2000; run += 1) {
      const amounts = Array.from(
        { length: 1 + next(5) },
        () => 1 + next(next(2) === 0 ? 1_000 : 1_000_000),
      );
      const snapshot = issued(amounts, modes[run % modes.length]!);
      expect(eInvoiceProblems(snapshot).amounts, JSON.stringify(snapshot.lines)).toEqual([]);
      const nets = netLines(snapshot);
      expect(nets.reduce((sum, line) => sum + line.net, 0)).toBe(snapshot.totals.net);
      nets.forEach((line, i) => {
        const quantity = snapshot.lines[i]!.quantity;
        expect(line.net).toBeGreaterThanOrEqual(0);
        expect(
          line.baseQuantity === null
            ? line.price * quantity
            : (line.price * quantity) / line.baseQuantity,
        ).toBe(line.net);
      });
    }
  });
});
