// @vitest-environment jsdom
/**
 * The Documents pages against a real ipnhub over HTTP: documents issued from committed PayPal
 * payments by the real worker (with a stand-in PDF renderer that can be made to fail), listed
 * with server-side filters, shown with their parties, amounts, origin and mails, downloaded,
 * mailed again and credited by hand, with whether their PDF carries the e-invoice; the period
 * export; refunds left for manual handling; the mails of Digistore24 sales with their links.
 */
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  paymentDraft,
  sampleProfileSettings,
  switchableRenderer,
} from '../../../../src/invoicing/test-support/invoicing-fixtures.js';
import { commitNotification } from '../../../../test/helpers/commit-notification.js';
import { ManualClock } from '../../../../src/lib/clock.js';
import { expectAccessible } from '../../test-support/axe.js';
import { startTestServer } from '../../test-support/ipnhub-server.js';
import type { TestServer } from '../../test-support/ipnhub-server.js';
import {
  captureDownloads,
  clearInvoicing,
  pay,
  paypalSeller,
  refund,
  renderInvoicing,
} from '../../test-support/invoicing-pages.js';

describe('Documents pages', () => {
  let server: TestServer;
  const renderer = switchableRenderer();
  const downloads = captureDownloads();
  beforeAll(async () => {
    renderer.failing = false;
    server = await startTestServer({
      clock: new ManualClock('2026-03-01T10:00:00.000Z'),
      renderDocument: renderer.render,
    });
  });
  afterAll(() => server.close());
  beforeEach(async () => {
    renderer.failing = false;
    await clearInvoicing(server);
  });

  const numbers = (): string[] =>
    within(screen.getByRole('table', { name: 'Issued documents' }))
      .getAllByRole('row')
      .slice(1)
      .map((row) => within(row).getAllByRole('cell')[0]?.textContent ?? '');
  const documentId = async (number: string): Promise<string> => {
    const row = await server.runtime.dbHandle.db
      .selectFrom('documents')
      .select('id')
      .where('number', '=', number)
      .executeTakeFirstOrThrow();
    return row.id;
  };

  it('says how to start without a seller profile, in English and Hebrew', async () => {
    await renderInvoicing(server, '/documents');
    expect(await screen.findByText('No documents yet')).toBeTruthy();
    expect(screen.getByText(/Set up a seller profile first/)).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Add seller profile' }).getAttribute('href')).toBe(
      '/profiles/new',
    );
    expect(document.title).toBe('Documents · ipnhub');
    await expectAccessible();
    cleanup();
    await renderInvoicing(server, '/documents', 'he');
    expect(await screen.findByText('עדיין אין מסמכים')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'הוספת פרופיל מוכר' })).toBeTruthy();
    await expectAccessible();
  });

  it('lists documents newest first and filters them on the server by kind and buyer e-mail', async () => {
    const user = userEvent.setup();
    const seller = await paypalSeller(server);
    await pay(
      server,
      seller,
      { txnId: 'TX-1', amount: 11900, email: 'erika@example.com' },
      { txnId: 'TX-2', amount: 5000, email: 'max@example.com', firstName: 'Max' },
    );
    await refund(server, seller, { txnId: 'TX-R', parentTxnId: 'TX-1', amount: 1900 });
    await renderInvoicing(server, '/documents');
    await waitFor(() =>
      expect(numbers()).toEqual(['GS-2026-000001', 'RE-2026-000002', 'RE-2026-000001']),
    );
    const list = screen.getByRole('table', { name: 'Issued documents' });
    expect(list.textContent).toContain('Credit note');
    expect(list.textContent).toContain('Max Mustermann');
    expect(list.textContent).toContain('€119.00');
    const eInvoices = within(list)
      .getAllByRole('row')
      .slice(1)
      .map((row) => within(row).getAllByRole('cell')[7]?.textContent);
    expect(eInvoices).toEqual(['Not requested', 'Not requested', 'Not requested']);
    await expectAccessible();

    const filters = screen.getByRole('search', { name: 'Filter documents' });
    await user.selectOptions(within(filters).getByLabelText('Kind'), 'Invoice-receipt');
    await user.click(within(filters).getByRole('button', { name: 'Apply' }));
    await waitFor(() => expect(numbers()).toEqual(['RE-2026-000002', 'RE-2026-000001']));
    await user.type(within(filters).getByLabelText('Buyer’s e-mail'), 'ERIKA@example.com');
    await user.click(within(filters).getByRole('button', { name: 'Apply' }));
    await waitFor(() => expect(numbers()).toEqual(['RE-2026-000001']));
    await user.type(within(filters).getByLabelText('From (day)'), '2026-03-02');
    await user.click(within(filters).getByRole('button', { name: 'Apply' }));
    expect(await screen.findByText('No document matches')).toBeTruthy();
    await user.click(within(filters).getByRole('button', { name: 'Reset' }));
    await waitFor(() => expect(numbers()).toHaveLength(3));
  });

  it('shows a document with its parties, amounts, origin and mails, and downloads its PDF', async () => {
    const user = userEvent.setup();
    const seller = await paypalSeller(server);
    await pay(server, seller, { txnId: 'TX-1', amount: 11900, email: 'erika@example.com' });
    const id = await documentId('RE-2026-000001');
    const { router } = await renderInvoicing(server, `/documents/${id}`);
    await screen.findByRole('heading', { level: 1, name: 'Invoice-receipt RE-2026-000001' });
    expect(screen.getByRole('region', { name: 'Seller' }).textContent).toContain(
      'Muster Software GmbH',
    );
    expect(screen.getByRole('region', { name: 'Buyer' }).textContent).toContain('Erika Mustermann');
    const amounts = screen.getByRole('region', { name: 'Amounts' });
    expect(amounts.textContent).toContain('Online-Kurs Basis');
    expect(amounts.textContent).toContain('€100.00');
    expect(amounts.textContent).toContain('€19.00');
    expect(amounts.textContent).toContain('Prices include VAT at 19%');
    const mails = within(screen.getByRole('region', { name: 'E-mails' }));
    expect(mails.getByRole('row', { name: /Buyer erika@example.com .* Sent/ })).toBeTruthy();
    expect(
      mails.getByRole('row', { name: /You \(new order\) orders@muster.example .* Sent/ }),
    ).toBeTruthy();
    const origin = within(screen.getByRole('region', { name: 'Order and payment' }));
    await waitFor(() =>
      expect(origin.getByRole('link', { name: 'Open the notification' })).toBeTruthy(),
    );
    const event = await server.runtime.dbHandle.db
      .selectFrom('events')
      .select(['id', 'inbound_request_id'])
      .where('source_id', '=', seller.source.id)
      .executeTakeFirstOrThrow();
    expect(origin.getByRole('link', { name: 'Open the notification' }).getAttribute('href')).toBe(
      `/notifications/${event.inbound_request_id}`,
    );
    expect(origin.getByRole('link', { name: 'Open the event' }).getAttribute('href')).toBe(
      `/events/${event.id}`,
    );
    expect(origin.getByRole('link', { name: 'TX-1' }).getAttribute('href')).toMatch(
      /^\/customers\/orders\/ord_/,
    );
    expect(origin.getByRole('link', { name: 'PayPal Shop' }).getAttribute('href')).toBe(
      `/sources/${seller.source.id}`,
    );
    expect(
      screen.getByRole('region', { name: 'Credit notes for this invoice' }).textContent,
    ).toContain('None.');
    await expectAccessible();

    await user.click(screen.getByRole('button', { name: 'Download PDF' }));
    await waitFor(() => expect(downloads).toHaveLength(1));
    expect(downloads[0]?.fileName).toBe('RE-2026-000001.pdf');
    expect(await downloads[0]?.blob.text()).toContain(
      'invoice RE-2026-000001 Muster Software GmbH → Erika Mustermann 11900 EUR',
    );
    // Nothing of the document went into the address.
    expect(router.state.location.pathname).toBe(`/documents/${id}`);
  });

  it('explains that a PDF not rendered yet cannot be downloaded, while the document keeps its number', async () => {
    const user = userEvent.setup();
    renderer.failing = true;
    const seller = await paypalSeller(server);
    await pay(server, seller, { txnId: 'TX-1', amount: 1000 });
    await renderInvoicing(server, `/documents/${await documentId('RE-2026-000001')}`, 'he');
    await screen.findByRole('heading', { level: 1, name: 'חשבונית מס/קבלה RE-2026-000001' });
    expect(document.documentElement.getAttribute('dir')).not.toBe('ltr');
    const pdf = screen.getByRole('region', { name: 'PDF' });
    expect(pdf.textContent).toContain('בהכנה');
    expect(pdf.textContent).toContain('renderer down (test)');
    await user.click(screen.getByRole('button', { name: 'הורדת PDF' }));
    expect((await screen.findByRole('alert')).textContent).toContain('DOCUMENT_NOT_RENDERED');
    expect(downloads).toEqual([]);
    await expectAccessible();
  });

  it('sends the mails again after asking whose, and says how many are on their way', async () => {
    const user = userEvent.setup();
    const seller = await paypalSeller(server);
    await pay(server, seller, { txnId: 'TX-1', amount: 1000 });
    const id = await documentId('RE-2026-000001');
    await renderInvoicing(server, `/documents/${id}`);
    await user.click(await screen.findByRole('button', { name: 'Resend e-mail' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Send the e-mail again?' });
    await user.click(within(dialog).getByRole('checkbox', { name: 'To the buyer, with the PDF' }));
    expect(within(dialog).getByText('Choose at least one.')).toBeTruthy();
    await user.click(within(dialog).getByRole('button', { name: 'Send' }));
    expect(screen.getByRole('alertdialog')).toBeTruthy();
    await user.click(
      within(dialog).getByRole('checkbox', { name: 'To you (the new-order notice), with the PDF' }),
    );
    await expectAccessible();
    await user.click(within(dialog).getByRole('button', { name: 'Send' }));
    expect((await screen.findByText('1 e-mail is on its way.')).getAttribute('role')).toBe(
      'status',
    );
    const mails = await server.runtime.dbHandle.db
      .selectFrom('document_mails')
      .select(['role', 'trigger'])
      .where('document_id', '=', id)
      .orderBy('id')
      .execute();
    expect(mails).toEqual([
      { role: 'buyer', trigger: 'issue' },
      { role: 'seller', trigger: 'issue' },
      { role: 'seller', trigger: 'resend' },
    ]);
    await waitFor(() =>
      expect(
        within(screen.getByRole('region', { name: 'E-mails' })).getByText('sent again by hand'),
      ).toBeTruthy(),
    );
  });

  it('issues a credit note by hand after confirming, with refusals shown at the amount', async () => {
    const user = userEvent.setup();
    const seller = await paypalSeller(server);
    await pay(server, seller, { txnId: 'TX-1', amount: 11900 });
    const id = await documentId('RE-2026-000001');
    const { router } = await renderInvoicing(server, `/documents/${id}`, 'de');
    const credit = within(await screen.findByRole('region', { name: 'Gutschrift ausstellen' }));
    expect(credit.getByText('Noch gutzuschreiben: 119,00 €')).toBeTruthy();
    await user.click(credit.getByRole('radio', { name: 'Einen Betrag' }));
    const amount = credit.getByRole('textbox', { name: 'Betrag in EUR' });
    await user.type(amount, '12,345');
    await user.click(credit.getByRole('button', { name: 'Gutschrift ausstellen …' }));
    expect(amount.getAttribute('aria-invalid')).toBe('true');
    expect(
      credit.getByText('Geben Sie einen Betrag über null ein, zum Beispiel 12,50.'),
    ).toBeTruthy();
    expect(screen.queryByRole('alertdialog')).toBeNull();

    // More than the invoice: the server refuses, and says so at the amount.
    await user.clear(amount);
    await user.type(amount, '200');
    await user.click(credit.getByRole('button', { name: 'Gutschrift ausstellen …' }));
    const dialog = screen.getByRole('alertdialog', {
      name: 'Gutschrift zu RE-2026-000001 ausstellen?',
    });
    expect(dialog.textContent?.replace(/\u00a0/g, ' ')).toContain('Sie schreibt 200,00 € gut.');
    await user.click(within(dialog).getByRole('button', { name: 'Gutschrift ausstellen' }));
    await waitFor(() => expect(amount.getAttribute('aria-invalid')).toBe('true'));
    expect(credit.getByText(/^Keine Gutschrift möglich: /)).toBeTruthy();
    expect(
      await server.runtime.dbHandle.db
        .selectFrom('documents')
        .select('id')
        .where('kind', '=', 'credit_note')
        .execute(),
    ).toEqual([]);

    await user.clear(amount);
    await user.type(amount, '19,00');
    await user.click(credit.getByRole('button', { name: 'Gutschrift ausstellen …' }));
    await user.click(
      within(screen.getByRole('alertdialog')).getByRole('button', {
        name: 'Gutschrift ausstellen',
      }),
    );
    await screen.findByRole('heading', { level: 1, name: 'Gutschrift GS-2026-000001' });
    const noteId = await documentId('GS-2026-000001');
    expect(router.state.location.pathname).toBe(`/documents/${noteId}`);
    expect(screen.getByRole('status').textContent).toBe(
      'Die Gutschrift GS-2026-000001 wurde ausgestellt.',
    );
    expect(
      screen.getByRole('region', { name: 'Beträge' }).textContent?.replace(/\u00a0/g, ' '),
    ).toContain('19,00 €');
    expect(screen.queryByRole('region', { name: 'Gutschrift ausstellen' })).toBeNull();
    const corrects = within(screen.getByRole('region', { name: 'Korrigiert die Rechnung' }));
    await user.click(corrects.getByRole('link', { name: 'RE-2026-000001' }));
    const notes = within(
      await screen.findByRole('region', { name: 'Gutschriften zu dieser Rechnung' }),
    );
    await waitFor(() =>
      expect(notes.getByRole('link', { name: 'GS-2026-000001' }).getAttribute('href')).toBe(
        `/documents/${noteId}`,
      ),
    );
    await waitFor(() => expect(screen.getByText('Noch gutzuschreiben: 100,00 €')).toBeTruthy());
    await expectAccessible();
  });

  it('exports a period as CSV and as a ZIP with the PDFs', async () => {
    const user = userEvent.setup();
    const seller = await paypalSeller(server);
    await pay(server, seller, { txnId: 'TX-1', amount: 1000 }, { txnId: 'TX-2', amount: 2000 });
    await renderInvoicing(server, '/documents');
    const exporter = within(
      await screen.findByRole('region', { name: 'Export for your accountant' }),
    );
    await user.type(exporter.getByLabelText('From (day)'), '2026-03-01');
    await user.type(exporter.getByLabelText('To (day)'), '2026-03-31');
    await user.click(exporter.getByRole('button', { name: 'Download CSV' }));
    await waitFor(() => expect(downloads).toHaveLength(1));
    expect(downloads[0]?.fileName).toMatch(/^documents_\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = (await downloads[0]?.blob.text()) ?? '';
    expect(csv).toContain('RE-2026-000001');
    expect(csv).toContain('RE-2026-000002');
    await user.click(exporter.getByRole('button', { name: 'Download ZIP with PDFs' }));
    await waitFor(() => expect(downloads).toHaveLength(2));
    const zip = unzipSync(
      new Uint8Array((await downloads[1]?.blob.arrayBuffer()) ?? new ArrayBuffer(0)),
    );
    expect(Object.keys(zip).sort()).toEqual([
      'RE-2026-000001.pdf',
      'RE-2026-000002.pdf',
      'documents.csv',
    ]);
    await expectAccessible();
  });

  it('lists refunds that need handling by hand, with what to do, and points to them from the list', async () => {
    const user = userEvent.setup();
    const seller = await paypalSeller(server);
    await refund(server, seller, { txnId: 'TX-R', parentTxnId: 'TX-BEFORE-IPNHUB', amount: 500 });
    const { router } = await renderInvoicing(server, '/documents');
    const notice = await screen.findByText('1 refund needs handling by hand.');
    await user.click(within(notice).getByRole('link', { name: 'Show them' }));
    expect(router.state.location.pathname).toBe('/documents/manual-refunds');
    const table = await screen.findByRole('table', { name: 'Refunds needing manual handling' });
    const row = within(table).getAllByRole('row')[1];
    expect(row?.textContent).toContain('Refund');
    expect(row?.textContent).toContain('€5.00');
    expect(row?.textContent).toContain('TX-BEFORE-IPNHUB');
    expect(screen.getByRole('region', { name: 'What to do' }).textContent).toContain(
      'Issue the credit note where the invoice was issued.',
    );
    await expectAccessible();
    await user.selectOptions(screen.getByLabelText('Seller profile'), 'Muster');
    expect(
      (await screen.findByRole('table', { name: 'Refunds needing manual handling' })).textContent,
    ).toContain('TX-BEFORE-IPNHUB');
    cleanup();
    await renderInvoicing(server, '/documents/manual-refunds', 'he');
    const hebrew = await screen.findByRole('table', { name: 'החזרים לטיפול ידני' });
    await waitFor(() => expect(hebrew.textContent).toContain('החזר כספי'));
    await expectAccessible();
  });

  it('shows per document whether its PDF carries the e-invoice, and why not', async () => {
    const seller = await paypalSeller(server, { eInvoice: true });
    const noAddress = paymentDraft({ txnId: 'TX-NC', amount: 5000, email: 'max@example.com' });
    // The stand-in PDF cannot take an e-invoice (its render is retried); a buyer without an address cannot get one.
    await commitNotification(server.runtime, seller.source, [
      paymentDraft({ txnId: 'TX-1', amount: 11900 }),
      {
        ...noAddress,
        buyer: noAddress.buyer === null ? null : { ...noAddress.buyer, address: null },
      },
    ]);
    await server.runtime.worker.runOnce();
    await renderInvoicing(server, '/documents');
    const list = await screen.findByRole('table', { name: 'Issued documents' });
    await waitFor(() => expect(numbers()).toEqual(['RE-2026-000002', 'RE-2026-000001']));
    const [refused, pending] = within(list).getAllByRole('row').slice(1);
    const refusedCell = within(refused as HTMLElement).getAllByRole('cell')[7];
    expect(refusedCell?.textContent).toMatch(
      /^Not possibleEINVOICE_INCOMPLETE: RE-2026-000002: .*buyer\.countryCode/,
    );
    expect(within(pending as HTMLElement).getAllByRole('cell')[7]?.textContent).toBe(
      'Comes with the PDF',
    );
    await expectAccessible();
    cleanup();

    await renderInvoicing(server, `/documents/${await documentId('RE-2026-000002')}`, 'de');
    const pdf = within(await screen.findByRole('region', { name: 'PDF' }));
    expect(pdf.getByText('E-Rechnung (ZUGFeRD / Factur-X)').nextElementSibling?.textContent).toBe(
      'Nicht möglich',
    );
    expect(
      pdf.getByText('Warum das PDF ohne E-Rechnung ist').nextElementSibling?.textContent,
    ).toMatch(/buyer\.countryCode: BT-55/);
    await expectAccessible();
  });

  it('lists the mails of Digistore24 sales with whom, their links and state, filtered on the server', async () => {
    const user = userEvent.setup();
    const shop = await server.runtime.sources.create({
      provider: 'digistore24',
      name: 'DS24 Shop',
      config: { passphrase: 'pages-passphrase' },
    });
    const courses = await server.runtime.sources.create({
      provider: 'digistore24',
      name: 'DS24 Kurse',
      config: { passphrase: 'pages-passphrase' },
    });
    const profile = await server.runtime.profiles.create({
      name: 'Muster',
      invoicing: true,
      settings: sampleProfileSettings(),
    });
    await server.runtime.profiles.attach(profile.id, shop.id);
    await server.runtime.profiles.attach(profile.id, courses.id);
    const sale = (txnId: string, email: string, links: boolean) => {
      const draft = paymentDraft({ txnId, amount: 9700, email });
      const order =
        draft.order === null
          ? null
          : {
              ...draft.order,
              id: `DS-${txnId}`,
              invoiceUrl: links ? `https://www.digistore24.com/invoice/DS-${txnId}.pdf` : null,
              receiptUrl: links ? `https://www.digistore24.com/receipt/DS-${txnId}` : null,
            };
      return { ...draft, order };
    };
    await commitNotification(server.runtime, { id: shop.id, provider: 'digistore24' }, [
      sale('1', 'anna@example.com', true),
    ]);
    await commitNotification(server.runtime, { id: courses.id, provider: 'digistore24' }, [
      sale('2', 'ben@example.com', false),
    ]);
    await server.runtime.worker.runOnce();

    const { router } = await renderInvoicing(server, '/documents');
    await user.click(await screen.findByRole('link', { name: 'Digistore24 sale mails' }));
    expect(router.state.location.pathname).toBe('/documents/sale-mails');
    await screen.findByRole('heading', { level: 1, name: 'Mails of Digistore24 sales' });
    const table = await screen.findByRole('table', { name: 'Mails of Digistore24 sales' });
    const rows = () =>
      within(screen.getByRole('table', { name: 'Mails of Digistore24 sales' }))
        .getAllByRole('row')
        .slice(1);
    await waitFor(() => expect(rows()).toHaveLength(4));
    const annaToBuyer = rows().find(
      (row) =>
        row.textContent?.includes('DS-1') && row.textContent.includes('Buyeranna@example.com'),
    );
    expect(annaToBuyer?.textContent).toContain('€97.00');
    expect(annaToBuyer?.textContent).toContain('DS24 Shop');
    expect(
      within(annaToBuyer as HTMLElement)
        .getByRole('link', { name: 'Invoice' })
        .getAttribute('href'),
    ).toBe('https://www.digistore24.com/invoice/DS-1.pdf');
    expect(
      within(annaToBuyer as HTMLElement)
        .getByRole('link', { name: 'Receipt' })
        .getAttribute('href'),
    ).toBe('https://www.digistore24.com/receipt/DS-1');
    expect(within(annaToBuyer as HTMLElement).getByText('Sent')).toBeTruthy();
    expect(
      within(annaToBuyer as HTMLElement)
        .getAllByRole('cell')
        .at(-1)?.textContent,
    ).toBe('1');
    const benToSeller = rows().find(
      (row) =>
        row.textContent?.includes('DS-2') &&
        row.textContent.includes('You (new order)orders@muster.example'),
    );
    expect(benToSeller?.textContent).toContain('No links in the notification');
    expect(table.textContent).not.toContain('RE-2026');
    await expectAccessible();

    const filters = screen.getByRole('search', { name: 'Filter mails' });
    await user.selectOptions(within(filters).getByLabelText('Source'), 'DS24 Kurse');
    await user.click(within(filters).getByRole('button', { name: 'Apply' }));
    await waitFor(() =>
      expect(rows().every((row) => row.textContent?.includes('DS-2'))).toBe(true),
    );
    expect(rows()).toHaveLength(2);
    await user.click(within(filters).getByRole('button', { name: 'Reset' }));
    await user.type(within(filters).getByLabelText('Buyer’s e-mail'), 'ANNA@example.com');
    await user.click(within(filters).getByRole('button', { name: 'Apply' }));
    await waitFor(() =>
      expect(rows().every((row) => row.textContent?.includes('DS-1'))).toBe(true),
    );
    await user.type(within(filters).getByLabelText('From (day)'), '2026-03-02');
    await user.click(within(filters).getByRole('button', { name: 'Apply' }));
    expect(await screen.findByText('No mail matches')).toBeTruthy();
    cleanup();

    await renderInvoicing(server, '/documents/sale-mails', 'he');
    const hebrew = await screen.findByRole('table', { name: 'הודעות דוא״ל של מכירות Digistore24' });
    await waitFor(() => expect(hebrew.textContent).toContain('חשבונית'));
    await expectAccessible();
  });
});
