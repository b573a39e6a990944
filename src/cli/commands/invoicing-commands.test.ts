/**
 * `ipnhub profile …` and `ipnhub documents …` run in-process on a real data directory, as a
 * user would: the profile's flags and errors, and the documents a worker issued there (the
 * worker runs in a runtime opened on the same directory between two commands).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.js';
import {
  fakePdfRenderer,
  paymentDraft,
  refundDraft,
} from '../../invoicing/test-support/invoicing-fixtures.js';
import { commitNotification } from '../../../test/helpers/commit-notification.js';
import { silentLogger } from '../../lib/logger.js';
import { createRuntime } from '../../runtime.js';
import { createCliEnv } from '../test-support/cli-harness.js';
import type { CliEnv } from '../test-support/cli-harness.js';

const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(32, 1),
]);

describe('ipnhub profile and documents', () => {
  let cli: CliEnv;
  beforeEach(() => {
    cli = createCliEnv();
  });
  afterEach(() => cli.dispose());

  async function json<T>(argv: string[]): Promise<T> {
    const result = await cli.run([...argv, '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout) as T;
  }

  const PROFILE_FLAGS = [
    '--legal-name',
    'Muster Software GmbH',
    '--address',
    'Hauptstraße 1',
    '--address',
    '10115 Berlin',
    '--country',
    'de',
    '--language',
    'de',
    '--time-zone',
    'Europe/Berlin',
    '--tax-mode',
    'vat_included:1900',
  ];

  it('adds, shows, updates, attaches and removes a seller profile; refuses bad settings by name', async () => {
    const bad = await cli.run([
      'profile',
      'add',
      '--name',
      'X',
      ...PROFILE_FLAGS,
      '--time-zone',
      'Mars/Base',
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(
      /^error VALIDATION_FAILED: .*settings\.timeZone \(--time-zone\): an IANA time zone/,
    );
    expect(
      (await cli.run(['profile', 'add', '--name', 'X', ...PROFILE_FLAGS, '--tax-mode', 'vat:19']))
        .stderr,
    ).toContain('--tax-mode');

    const logo = join(cli.dataDir, 'logo.png');
    writeFileSync(logo, PNG);
    const created = await json<{
      id: string;
      invoicing: boolean;
      settings: {
        invoiceSeries: { prefix: string };
        creditNoteSeries: { prefix: string };
        countryCode: string;
      };
      logo: unknown;
    }>(['profile', 'add', '--name', 'Muster', ...PROFILE_FLAGS, '--logo', logo]);
    expect(created).toMatchObject({
      invoicing: false,
      settings: {
        invoiceSeries: { prefix: 'RE' },
        creditNoteSeries: { prefix: 'GS' },
        countryCode: 'DE',
      },
      logo: { mediaType: 'image/png', bytes: PNG.length },
    });

    const shown = await cli.run(['profile', 'show', created.id]);
    expect(shown.stdout).toContain('Seller: Muster Software GmbH, Hauptstraße 1, 10115 Berlin, DE');
    expect(shown.stdout).toContain('Tax: vat_included 19 %');
    expect(shown.stdout).toContain('E-invoice (Factur-X): off');

    const noTaxId = await cli.run(['profile', 'update', created.id, '--e-invoice', 'on']);
    expect(noTaxId.code).toBe(1);
    expect(noTaxId.stderr).toMatch(
      /^error EINVOICE_INCOMPLETE: .*settings\.vatId \(--vat-id\): BT-31\/BT-32.*settings\.taxNumber \(--tax-number\)/,
    );
    const eInvoice = await cli.run([
      'profile',
      'update',
      created.id,
      '--e-invoice',
      'on',
      '--tax-number',
      '27/123/45678',
    ]);
    expect(eInvoice.stdout).toContain('E-invoice (Factur-X): on');

    const updated = await json<{
      invoicing: boolean;
      settings: {
        invoiceSeries: { prefix: string; yearlyReset: boolean };
        mail: { sellerRecipients: string[] };
      };
    }>([
      'profile',
      'update',
      created.id,
      '--invoicing',
      'on',
      '--invoice-prefix',
      'R',
      '--seller-email',
      'orders@muster.example',
      '--set',
      'invoiceSeries.width:=8',
    ]);
    expect(updated).toMatchObject({
      invoicing: true,
      settings: {
        invoiceSeries: { prefix: 'R', yearlyReset: true, width: 8 },
        mail: { sellerRecipients: ['orders@muster.example'] },
      },
    });

    const gif = join(cli.dataDir, 'logo.gif');
    writeFileSync(gif, 'GIF89a');
    expect((await cli.run(['profile', 'update', created.id, '--logo', gif])).stderr).toMatch(
      /^error LOGO_INVALID/,
    );

    const source = await json<{ id: string }>([
      'source',
      'add',
      '--provider',
      'paypal-ipn',
      '--name',
      'PayPal',
      '--set',
      'receiverEmail=seller@example.com',
    ]);
    expect((await cli.run(['profile', 'attach', created.id, source.id])).stdout).toContain(
      `Attached source ${source.id} to profile ${created.id}`,
    );
    const other = await json<{ id: string }>([
      'profile',
      'add',
      '--name',
      'Other',
      ...PROFILE_FLAGS,
    ]);
    expect((await cli.run(['profile', 'attach', other.id, source.id])).stderr).toMatch(
      /^error SOURCE_HAS_PROFILE/,
    );
    expect((await cli.run(['profile', 'list'])).stdout).toMatch(
      new RegExp(`${created.id}\\s+Muster\\s+on\\s+Muster Software GmbH \\(DE\\)\\s+${source.id}`),
    );
    expect((await cli.run(['profile', 'detach', created.id, source.id])).code).toBe(0);
    expect((await cli.run(['profile', 'remove', other.id])).stdout).toBe(
      `Removed seller profile ${other.id}.\n`,
    );
  });

  it('lists, shows, writes the PDF of, credits and exports issued documents, and lists refunds for manual handling', async () => {
    const profile = await json<{ id: string }>([
      'profile',
      'add',
      '--name',
      'Muster',
      ...PROFILE_FLAGS,
      '--invoicing',
      'on',
      '--seller-email',
      'orders@muster.example',
    ]);
    const source = await json<{ id: string; provider: string }>([
      'source',
      'add',
      '--provider',
      'paypal-ipn',
      '--name',
      'PayPal',
      '--set',
      'receiverEmail=seller@example.com',
    ]);
    await cli.run(['profile', 'attach', profile.id, source.id]);

    // A worker on the same data directory issues and renders (mail goes to .eml files).
    const runtime = await createRuntime(
      loadConfig({}, { dataDir: cli.dataDir, logLevel: 'silent' }),
      { logger: silentLogger(), skipAdminToken: true, renderDocument: fakePdfRenderer },
    );
    try {
      await commitNotification(runtime, source, [paymentDraft({ txnId: 'TX-1', amount: 11900 })]);
      await commitNotification(runtime, source, [
        refundDraft({ txnId: 'TX-9', parentTxnId: 'TX-UNKNOWN', amount: 100 }),
      ]);
      await runtime.worker.runOnce();
    } finally {
      await runtime.close();
    }

    const page = await json<{ data: Array<{ id: string; number: string; renderState: string }> }>([
      'documents',
      'list',
    ]);
    expect(page.data.map((d) => [d.number, d.renderState])).toEqual([
      ['RE-2026-000001', 'rendered'],
    ]);
    const id = page.data[0]?.id ?? '';
    const table = await cli.run(['documents', 'list', '--kind', 'invoice']);
    expect(table.stdout).toMatch(/\bPDF\s+E-INVOICE\n/);
    expect(table.stdout).toMatch(
      /RE-2026-000001\s+invoice\s+\S+\s+Erika Mustermann buyer@example.com\s+119\.00 EUR\s+rendered\s+off\n/,
    );
    const shown = await cli.run(['documents', 'show', id]);
    expect(shown.stdout).toContain('Invoice RE-2026-000001');
    expect(shown.stdout).toContain('Total:   119.00 EUR (net 100.00 EUR, tax 19.00 EUR)');
    expect(shown.stdout).toMatch(/buyer: buyer@example.com\s+issue\s+sent/);
    expect(shown.stdout).not.toContain('E-invoice');

    const out = join(cli.dataDir, 'invoice.pdf');
    expect((await cli.run(['documents', 'pdf', id, '--out', out])).code).toBe(0);
    expect(readFileSync(out).toString()).toContain('invoice RE-2026-000001');

    const credit = await json<{ number: string }>([
      'documents',
      'credit-note',
      id,
      '--amount',
      '19.00',
    ]);
    expect(credit.number).toBe('GS-2026-000001');
    expect((await cli.run(['documents', 'credit-note', id, '--amount', '500'])).stderr).toMatch(
      /^error CREDIT_NOT_POSSIBLE/,
    );
    expect(await json(['documents', 'resend', id, '--to', 'buyer'])).toEqual({ queued: 1 });

    const csv = join(cli.dataDir, 'period.csv');
    const zip = join(cli.dataDir, 'period.zip');
    expect(
      (
        await cli.run([
          'documents',
          'export',
          '--from',
          '2026-01-01T00:00:00Z',
          '--csv',
          csv,
          '--zip',
          zip,
        ])
      ).code,
    ).toBe(0);
    expect(
      readFileSync(csv, 'utf8')
        .split('\r\n')
        .slice(1, 3)
        .map((row) => row.split(',')[0]),
    ).toEqual(['RE-2026-000001', 'GS-2026-000001']);
    expect(Object.keys(unzipSync(readFileSync(zip))).sort()).toEqual([
      'RE-2026-000001.pdf',
      'documents.csv',
    ]);
    expect((await cli.run(['documents', 'export'])).stderr).toMatch(
      /^error VALIDATION_FAILED: .*Name a file: --csv <file> and\/or --zip <file>/,
    );

    const manual = await cli.run(['documents', 'manual-refunds']);
    expect(manual.stdout).toMatch(/refund\s+\S+\s+TX-UNKNOWN\s+1\.00 EUR/);
    expect(existsSync(join(cli.dataDir, 'mail'))).toBe(true);
  });

  it('lists the mails of Digistore24 sales with whom, which links and how sending went', async () => {
    const profile = await json<{ id: string }>([
      'profile',
      'add',
      '--name',
      'Muster',
      ...PROFILE_FLAGS,
      '--invoicing',
      'on',
      '--seller-email',
      'orders@muster.example',
    ]);
    const source = await json<{ id: string; provider: string }>([
      'source',
      'add',
      '--provider',
      'digistore24',
      '--name',
      'DS24',
      '--set',
      'passphrase=cli-sale-mails',
    ]);
    await cli.run(['profile', 'attach', profile.id, source.id]);
    const runtime = await createRuntime(
      loadConfig({}, { dataDir: cli.dataDir, logLevel: 'silent' }),
      { logger: silentLogger(), skipAdminToken: true, renderDocument: fakePdfRenderer },
    );
    try {
      const draft = paymentDraft({ txnId: 'DS-1', amount: 9700, email: 'anna@example.com' });
      const order =
        draft.order === null
          ? null
          : {
              ...draft.order,
              id: 'DSORD001',
              invoiceUrl: 'https://www.digistore24.com/invoice/DSORD001/1/X.pdf',
            };
      await commitNotification(runtime, source, [{ ...draft, order }]);
      await runtime.worker.runOnce();
    } finally {
      await runtime.close();
    }
    const table = await cli.run(['documents', 'sale-mails']);
    expect(table.stdout).toMatch(/\bQUEUED\s+ORDER\s+TO\s+LINKS\s+STATUS\s+TRIES\s+ERROR\n/);
    expect(table.stdout).toMatch(
      /DSORD001\s+seller: orders@muster\.example\s+invoice\s+sent\s+1\s*\n/,
    );
    expect(table.stdout).toMatch(/DSORD001\s+buyer: anna@example\.com\s+invoice\s+sent\s+1\s*\n/);
    const page = await json<{
      data: Array<{
        role: string;
        invoiceUrl: string | null;
        receiptUrl: string | null;
        sourceId: string;
      }>;
    }>(['documents', 'sale-mails', '--email', 'ANNA@example.com', '--limit', '1']);
    expect(page.data).toEqual([
      expect.objectContaining({
        invoiceUrl: 'https://www.digistore24.com/invoice/DSORD001/1/X.pdf',
        receiptUrl: null,
        sourceId: source.id,
      }),
    ]);
    expect((await cli.run(['documents', 'sale-mails', '--profile', 'prf_none'])).stdout).toBe(
      'No mails of Digistore24 sales match.\n',
    );
    expect((await cli.run(['documents', 'sale-mails', '--from', 'yesterday'])).stderr).toMatch(
      /^error: option '--from <instant>' argument 'yesterday' is invalid/,
    );
  });

  it('shows why a document of an e-invoice profile got the plain PDF', async () => {
    const profile = await json<{ id: string }>([
      'profile',
      'add',
      '--name',
      'Muster',
      ...PROFILE_FLAGS,
      '--tax-number',
      '27/123/45678',
      '--invoicing',
      'on',
      '--e-invoice',
      'on',
    ]);
    const source = await json<{ id: string; provider: string }>([
      'source',
      'add',
      '--provider',
      'paypal-ipn',
      '--name',
      'PayPal',
      '--set',
      'receiverEmail=seller@example.com',
    ]);
    await cli.run(['profile', 'attach', profile.id, source.id]);
    const runtime = await createRuntime(
      loadConfig({}, { dataDir: cli.dataDir, logLevel: 'silent' }),
      { logger: silentLogger(), skipAdminToken: true, renderDocument: fakePdfRenderer },
    );
    try {
      const draft = paymentDraft({ txnId: 'TX-NC', amount: 11900 });
      // No address, so no country: the e-invoice is refused before the PDF is opened.
      await commitNotification(runtime, source, [
        { ...draft, buyer: draft.buyer === null ? null : { ...draft.buyer, address: null } },
      ]);
      await runtime.worker.runOnce();
    } finally {
      await runtime.close();
    }
    const [doc] = (await json<{ data: Array<{ id: string }> }>(['documents', 'list'])).data;
    expect((await cli.run(['documents', 'list'])).stdout).toMatch(
      /RE-2026-000001 .* rendered\s+refused: EINVOICE_INCOMPLETE: RE-2026-000001: buyer\.\w*…\n/,
    );
    const shown = await cli.run(['documents', 'show', doc?.id ?? '']);
    expect(shown.stdout).toMatch(
      /E-invoice: not possible for this document, the PDF is the plain one — EINVOICE_INCOMPLETE: RE-2026-000001: buyer\.countryCode: BT-55/,
    );
    expect(await json(['documents', 'show', doc?.id ?? ''])).toMatchObject({
      renderState: 'rendered',
      eInvoice: { status: 'refused' },
    });
  });
});
