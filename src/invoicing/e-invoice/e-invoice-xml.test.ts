import type { Invoice } from '@e-invoice-eu/core';
import { describe, expect, it } from 'vitest';
import type { DocumentSnapshot } from '../document-snapshot.js';
import { LEGAL_NOTES } from '../pdf/legal-notes.js';
import { ENGLISH_INVOICE, GERMAN_CREDIT_NOTE } from '../pdf/test-support/sample-snapshots.js';
import { withPrecedingInvoice, withSellerIdentifier } from './cii-additions.js';
import { eInvoiceXml, generateWithLibrary } from './e-invoice-xml.js';
import { en16931Invoice } from './en16931-invoice.js';
import { ciiFacts, en16931Violations } from './test-support/cii-facts.js';
import {
  E_INVOICE_SAMPLES,
  GERMAN_B2B_INVOICE,
  GERMAN_SMALL_BUSINESS_INVOICE,
} from './test-support/e-invoice-samples.js';

describe('eInvoiceXml', () => {
  it.each(Object.entries(E_INVOICE_SAMPLES))(
    'writes the %s as CII that breaks no EN 16931 rule',
    async (_name, snapshot) => {
      const facts = ciiFacts(await eInvoiceXml(snapshot));
      expect(en16931Violations(facts)).toEqual([]);
      expect(facts.specification).toBe('urn:cen.eu:en16931:2017');
    },
  );

  it('carries every term EN 16931 requires, as the German B2B document says it', async () => {
    const facts = ciiFacts(await eInvoiceXml(GERMAN_B2B_INVOICE));
    expect(facts).toMatchObject({
      specification: 'urn:cen.eu:en16931:2017',
      number: 'RE-2026-000130',
      // Issued 2026-01-02 23:30 UTC: already the 3rd in Berlin, the day the PDF prints.
      issueDate: '20260103',
      issueDateFormat: '102',
      typeCode: '380',
      currency: 'EUR',
      notes: [],
      precedingInvoices: [],
      deliveryDate: '20260103',
      seller: {
        name: 'Anna Schmidt Digitalverlag',
        vatId: 'DE123456789',
        taxNumber: '29/123/45678',
        electronicAddress: { value: 'rechnung@schmidt-verlag.example', scheme: 'EM' },
        address: {
          line1: 'Lindenstraße 12',
          line2: undefined,
          city: 'Berlin',
          postcode: '10969',
          country: 'DE',
        },
      },
      buyer: {
        name: 'Weiß & Partner Steuerberatung GmbH',
        contact: 'Jörg Weiß',
        vatId: 'DE987654321',
        electronicAddress: { value: 'buchhaltung@weiss-partner.example', scheme: 'EM' },
        address: {
          line1: 'Hauptstraße 5',
          line2: 'Rückgebäude',
          city: 'München',
          postcode: '80331',
          country: 'DE',
        },
      },
      payment: [{ code: '68', information: 'PayPal' }],
      paymentReference: '8MC585209K746392H',
      lines: [
        {
          id: '1',
          name: 'Online-Kurs „Buchhaltung für Selbständige“',
          quantity: '1',
          unitCode: 'C62',
          price: '1000.00',
          baseQuantity: undefined,
          net: '1000.00',
          category: 'S',
          rate: '19',
        },
        {
          id: '2',
          name: 'Arbeitsbuch (PDF)',
          quantity: '2',
          unitCode: 'C62',
          price: '10.00',
          baseQuantity: undefined,
          net: '20.00',
          category: 'S',
          rate: '19',
        },
      ],
      vat: [
        {
          taxable: '1020.00',
          tax: '193.80',
          category: 'S',
          rate: '19',
          exemptionReason: undefined,
          exemptionCode: undefined,
        },
      ],
      totals: {
        lineNet: '1020.00',
        taxExclusive: '1020.00',
        tax: '193.80',
        taxCurrency: 'EUR',
        taxInclusive: '1213.80',
        prepaid: '1213.80',
        due: '0.00',
      },
    });
  });

  it('writes a credit note as type 381 with positive amounts and the invoice it corrects (BG-3)', async () => {
    const facts = ciiFacts(await eInvoiceXml(GERMAN_CREDIT_NOTE));
    expect(facts).toMatchObject({
      number: 'GS-2026-000007',
      typeCode: '381',
      issueDate: '20260210',
      precedingInvoices: [{ number: 'RE-2026-000123', date: '20260103' }],
      paymentReference: '5TY05013RG002845M',
      lines: [{ name: 'Arbeitsbuch (PDF)', quantity: '2', net: '20.00', price: '10.00' }],
      vat: [{ taxable: '20.00', tax: '3.80', category: 'S', rate: '19' }],
      totals: {
        lineNet: '20.00',
        tax: '3.80',
        taxInclusive: '23.80',
        prepaid: '23.80',
        due: '0.00',
      },
    });
  });

  it('writes a small business as exempt (E) with the § 19 UStG note, and its tax number as identifier', async () => {
    const facts = ciiFacts(await eInvoiceXml(GERMAN_SMALL_BUSINESS_INVOICE));
    const note = LEGAL_NOTES.de.smallBusinessGermany;
    expect(facts).toMatchObject({
      notes: [note],
      seller: {
        name: 'Lena Vogel Webdesign',
        vatId: undefined,
        taxNumber: '21/815/08150',
        identifier: '21/815/08150',
      },
      lines: [
        { net: '1190.00', category: 'E', rate: '0' },
        { net: '23.80', price: '11.90', category: 'E', rate: '0' },
      ],
      vat: [
        {
          taxable: '1213.80',
          tax: '0.00',
          category: 'E',
          rate: '0',
          exemptionReason: note,
          exemptionCode: undefined,
        },
      ],
      totals: { lineNet: '1213.80', tax: '0.00', taxInclusive: '1213.80' },
    });
  });

  it('writes reverse charge (AE) with both VAT ids, the exemption code and the note', async () => {
    const facts = ciiFacts(await eInvoiceXml(ENGLISH_INVOICE));
    const note = LEGAL_NOTES.en.reverseCharge;
    expect(facts).toMatchObject({
      notes: [note],
      seller: { vatId: 'DE123456789' },
      buyer: {
        name: 'Brightwater Learning Ltd',
        contact: 'Siobhán O’Brien',
        vatId: 'IE1234567TA',
        address: {
          line1: '14 Harbour Road',
          city: 'Dún Laoghaire, Co. Dublin A96 X2Y3',
          postcode: undefined,
          country: 'IE',
        },
      },
      lines: [{ quantity: '10', price: '49.00', net: '490.00', category: 'AE', rate: '0' }],
      vat: [
        {
          taxable: '490.00',
          tax: '0.00',
          category: 'AE',
          rate: '0',
          exemptionReason: note,
          exemptionCode: 'VATEX-EU-AE',
        },
      ],
      totals: { tax: '0.00', taxInclusive: '490.00' },
    });
  });

  it('gives a line whose net does not divide by its quantity the price of the whole quantity, so the line stays exact', async () => {
    const snapshot: DocumentSnapshot = {
      ...GERMAN_B2B_INVOICE,
      lines: [{ description: 'Workshop-Plätze', quantity: 3, unitAmount: 1001, amount: 3003 }],
      totals: { net: 2524, tax: 479, gross: 3003 },
    };
    const facts = ciiFacts(await eInvoiceXml(snapshot));
    expect(facts.lines).toEqual([
      expect.objectContaining({ quantity: '3', price: '25.24', baseQuantity: '3', net: '25.24' }),
    ]);
    expect(en16931Violations(facts)).toEqual([]);
  });

  it('escapes what XML reserves and reads names back exactly', async () => {
    const buyer = { ...GERMAN_B2B_INVOICE.buyer, company: 'A & B <Werbung> "GmbH"' };
    const facts = ciiFacts(await eInvoiceXml({ ...GERMAN_B2B_INVOICE, buyer }));
    expect(facts.buyer.name).toBe('A & B <Werbung> "GmbH"');
  });

  it('gives the same XML for the same document', async () => {
    expect(await eInvoiceXml(GERMAN_CREDIT_NOTE)).toBe(await eInvoiceXml(GERMAN_CREDIT_NOTE));
  });
});

describe('generateWithLibrary', () => {
  it('says where the library found its input invalid', async () => {
    const data = en16931Invoice(GERMAN_B2B_INVOICE);
    const { 'cbc:ID': _number, ...withoutNumber } = data['ubl:Invoice'];
    await expect(
      generateWithLibrary({ 'ubl:Invoice': withoutNumber } as unknown as Invoice, {
        format: 'CII',
        lang: 'de',
      }),
    ).rejects.toThrow(
      "@e-invoice-eu/core rejected the e-invoice data: /ubl:Invoice must have required property 'cbc:ID'",
    );
  });
});

describe('the EN 16931 rule check used above', () => {
  it('reports the rules a changed invoice breaks', async () => {
    const xml = await eInvoiceXml(GERMAN_B2B_INVOICE);
    const wrongLine = xml.replace(
      '<ram:LineTotalAmount>20.00</ram:LineTotalAmount>',
      '<ram:LineTotalAmount>20.01</ram:LineTotalAmount>',
    );
    expect(en16931Violations(ciiFacts(wrongLine))).toEqual(['BR-CO-10', 'BR-S-08', 'LINE-NET']);

    const noVatId = xml
      .replace(
        /<ram:SpecifiedTaxRegistration>\s*<ram:ID schemeID="VA">DE123456789<\/ram:ID>\s*<\/ram:SpecifiedTaxRegistration>/,
        '',
      )
      .replace(
        /<ram:SpecifiedTaxRegistration>\s*<ram:ID schemeID="FC">[^<]*<\/ram:ID>\s*<\/ram:SpecifiedTaxRegistration>/,
        '',
      );
    expect(en16931Violations(ciiFacts(noVatId))).toEqual(['BR-CO-26', 'BR-S-02']);

    const taxOff = xml.replace(
      '<ram:CalculatedAmount>193.80</ram:CalculatedAmount>',
      '<ram:CalculatedAmount>193.82</ram:CalculatedAmount>',
    );
    expect(en16931Violations(ciiFacts(taxOff))).toEqual(['BR-CO-14', 'BR-CO-17']);

    const noCountry = xml.replace('<ram:CountryID>DE</ram:CountryID>', '');
    expect(en16931Violations(ciiFacts(noCountry))).toEqual(['BR-09']);
  });

  it('reports a credit note without its invoice reference', async () => {
    const xml = await eInvoiceXml(GERMAN_CREDIT_NOTE);
    const withoutReference = xml.replace(
      /<ram:InvoiceReferencedDocument>[\s\S]*<\/ram:InvoiceReferencedDocument>/,
      '',
    );
    expect(en16931Violations(ciiFacts(withoutReference))).toEqual(['BG-3']);
  });
});

describe('the parts ipnhub adds to the library’s CII', () => {
  it('refuses to add a credit note reference or seller identifier a second time', async () => {
    const credit = await eInvoiceXml(GERMAN_CREDIT_NOTE);
    expect(() => withPrecedingInvoice(credit, 'RE-1', '2026-01-01')).toThrow(
      /already names a preceding invoice/,
    );
    const small = await eInvoiceXml(GERMAN_SMALL_BUSINESS_INVOICE);
    expect(() => withSellerIdentifier(small, '21/815/08150')).toThrow(
      /already identifies the seller/,
    );
  });
});
