// @vitest-environment jsdom
/**
 * The Seller profiles pages against a real ipnhub over HTTP: adding a profile (checks before
 * sending, suggestions for the user's language, live examples of the next number from the
 * server), editing it with the server's refusals at their fields, the logo with the server's
 * format errors, attaching sources (one profile per source), and deleting.
 *
 * The profile form is large (every time zone, the mail texts of four languages): its fields are
 * looked up inside their group (`within(group)`), since a label search over the whole document
 * costs jsdom a walk of the document per control, and texts whose keystrokes are not under test
 * are pasted (docs/testing.md).
 */
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  fakePdfRenderer,
  sampleProfileSettings,
} from '../../../../src/invoicing/test-support/invoicing-fixtures.js';
import { ManualClock } from '../../../../src/lib/clock.js';
import { expectAccessible } from '../../test-support/axe.js';
import { startTestServer } from '../../test-support/ipnhub-server.js';
import type { TestServer } from '../../test-support/ipnhub-server.js';
import { fill } from '../../test-support/fill.js';
import {
  clearInvoicing,
  pay,
  paypalSeller,
  renderInvoicing,
} from '../../test-support/invoicing-pages.js';

const PNG = new Uint8Array([
  0x89,
  0x50,
  0x4e,
  0x47,
  0x0d,
  0x0a,
  0x1a,
  0x0a,
  ...new Array<number>(40).fill(3),
]);

describe('Seller profiles pages', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      clock: new ManualClock('2026-03-01T10:00:00.000Z'),
      renderDocument: fakePdfRenderer,
    });
  });
  afterAll(() => server.close());
  beforeEach(() => clearInvoicing(server));

  /** A group of the form (a fieldset, or a language's mail texts) by its legend. */
  const group = (legend: string): HTMLElement => screen.getByRole('group', { name: legend });
  /** The live example of the next number in a numbering group. */
  const example = (series: HTMLElement): HTMLElement => within(series).getByRole('status');

  it('adds a profile: nothing is sent while required fields are empty, suggestions for German, live number examples', async () => {
    const user = userEvent.setup({ delay: null });
    const { router } = await renderInvoicing(server, '/profiles', 'de');
    expect(await screen.findByText('Noch kein Verkäuferprofil')).toBeTruthy();
    expect(screen.getByText(/ist Digistore24 der Verkäufer \(Wiederverkäufer\)/)).toBeTruthy();
    await expectAccessible();
    await user.click(
      screen.getAllByRole('link', { name: 'Verkäuferprofil anlegen' })[0] as HTMLElement,
    );
    expect(router.state.location.pathname).toBe('/profiles/new');
    await screen.findByRole('heading', { level: 1, name: 'Verkäuferprofil anlegen' });
    const business = within(group('Ihr Unternehmen, wie es gedruckt wird'));
    const invoiceNumbers = group('Rechnungsnummern');
    const creditNoteNumbers = group('Gutschriftsnummern');
    expect((business.getByLabelText(/^Land/) as HTMLInputElement).value).toBe('DE');
    expect(
      (
        within(group('Sprache, Zeitzone und Steuer')).getByLabelText(
          /^Umsatzsteuersatz/,
        ) as HTMLInputElement
      ).value,
    ).toBe('19');
    await waitFor(() =>
      expect(example(invoiceNumbers).textContent).toBe('Nächste Nummer: RE-2026-000001'),
    );
    await waitFor(() =>
      expect(example(creditNoteNumbers).textContent).toBe('Nächste Nummer: GS-2026-000001'),
    );
    await expectAccessible();

    const name = screen.getByLabelText(/^Name des Profils/);
    await user.click(screen.getByRole('button', { name: 'Profil anlegen' }));
    expect(document.activeElement).toBe(name);
    expect(screen.getAllByText('Bitte fülle dieses Feld aus.')).toHaveLength(3);
    expect(await server.runtime.profiles.list()).toEqual([]);

    await user.type(name, 'Shop');
    await fill(user, business.getByLabelText(/^Firmenname/), 'Muster Software GmbH');
    await fill(user, business.getByLabelText(/^Anschrift/), 'Hauptstraße 1\n10115 Berlin');
    await fill(user, business.getByLabelText(/^USt-IdNr\./), 'DE123456789');
    const invoices = within(invoiceNumbers);
    await user.clear(invoices.getByLabelText(/^Präfix/));
    await user.type(invoices.getByLabelText(/^Präfix/), 'INV');
    await user.click(invoices.getByRole('checkbox', { name: 'Jedes Jahr neu beginnen' }));
    await user.clear(invoices.getByLabelText(/^Erste Nummer/));
    await user.type(invoices.getByLabelText(/^Erste Nummer/), '1001');
    await waitFor(() =>
      expect(example(invoiceNumbers).textContent).toBe('Nächste Nummer: INV-001001'),
    );
    await fill(
      user,
      within(group('E-Mails')).getByLabelText(/^Ihre Adressen für neue Bestellungen/),
      'orders@muster.example',
    );
    await user.click(screen.getByRole('button', { name: 'Profil anlegen' }));

    await screen.findByRole('heading', { level: 1, name: 'Shop' });
    const [created] = await server.runtime.profiles.list();
    expect(router.state.location.pathname).toBe(`/profiles/${created?.id}`);
    expect(screen.getByText(/^Das Profil wurde angelegt\./).getAttribute('role')).toBe('status');
    expect(created).toMatchObject({
      name: 'Shop',
      invoicing: false,
      settings: {
        legalName: 'Muster Software GmbH',
        addressLines: ['Hauptstraße 1', '10115 Berlin'],
        countryCode: 'DE',
        vatId: 'DE123456789',
        taxNumber: null,
        defaultLanguage: 'de',
        taxMode: { kind: 'vat_included', rateBasisPoints: 1900 },
        invoiceSeries: { prefix: 'INV', yearlyReset: false, width: 6, startAt: 1001 },
        creditNoteSeries: { prefix: 'GS', yearlyReset: true, width: 6, startAt: 1 },
        mail: { toBuyer: true, sellerRecipients: ['orders@muster.example'], replyTo: null },
        templates: {},
      },
    });
  });

  it('edits a profile: the next number counts on from issued documents; refusals of the server at their fields', async () => {
    const user = userEvent.setup({ delay: null });
    const seller = await paypalSeller(server);
    await pay(server, seller, { txnId: 'TX-1', amount: 1000 });
    await renderInvoicing(server, `/profiles/${seller.profileId}`);
    await screen.findByRole('heading', { level: 1, name: 'Muster' });
    expect(screen.getByText('Invoicing on')).toBeTruthy();
    const invoiceNumbers = group('Invoice numbers');
    await waitFor(() =>
      expect(example(invoiceNumbers).textContent).toBe('Next number: RE-2026-000002'),
    );
    const invoices = within(invoiceNumbers);
    await user.clear(invoices.getByLabelText(/^Prefix/));
    await user.type(invoices.getByLabelText(/^Prefix/), 'R');
    await waitFor(() =>
      expect(example(invoiceNumbers).textContent).toBe('Next number: R-2026-000002'),
    );
    await user.clear(invoices.getByLabelText(/^Digits/));
    expect(example(invoiceNumbers).textContent).toBe(
      'Next number: complete the fields above to see it',
    );
    await user.type(invoices.getByLabelText(/^Digits/), '4');

    // A mail text naming a placeholder the server does not know: refused at that field.
    const english = screen.getByText(/^English ·/).closest('details') as HTMLDetailsElement;
    fireEvent.click(within(english).getByText(/^English ·/));
    const subject = within(english).getByLabelText(
      'Subject: Buyer’s e-mail with the invoice (English)',
    );
    await user.click(subject);
    await user.paste('Invoice {{numbr}}');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(
      within(english).getByText('Fill in both the subject and the text, or leave both empty.'),
    ).toBeTruthy();
    const body = within(english).getByLabelText('Text: Buyer’s e-mail with the invoice (English)');
    await user.click(body);
    await user.paste('Hello {{buyerName}}');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(subject.getAttribute('aria-invalid')).toBe('true'));
    expect(
      within(english).getByText(
        /^Not accepted: \{\{numbr\}\} is not a placeholder of buyerInvoice \(did you mean "number"\?\)/,
      ),
    ).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toContain('VALIDATION_FAILED');
    expect(
      (await server.runtime.profiles.get(seller.profileId))?.settings.invoiceSeries.prefix,
    ).toBe('RE');
    await expectAccessible();

    await user.clear(subject);
    await user.paste('Invoice {{number}}');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(
      await screen.findByText(/^Saved\. Documents issued from now on use these settings/),
    ).toBeTruthy();
    expect((await server.runtime.profiles.get(seller.profileId))?.settings).toMatchObject({
      invoiceSeries: { prefix: 'R', width: 4 },
      templates: {
        en: { buyerInvoice: { subject: 'Invoice {{number}}', body: 'Hello {{buyerName}}' } },
      },
    });
    await waitFor(() =>
      expect(example(invoiceNumbers).textContent).toBe('Next number: R-2026-0002'),
    );
  });

  it('switches the e-invoice on only for a profile that can issue one; the refusal names the fields', async () => {
    const user = userEvent.setup({ delay: null });
    const seller = await paypalSeller(server, { vatId: null, taxNumber: null });
    await renderInvoicing(server, `/profiles/${seller.profileId}`);
    await screen.findByRole('heading', { level: 1, name: 'Muster' });
    const eInvoice = screen.getByRole('checkbox', { name: /^Embed an e-invoice/ });
    expect((eInvoice as HTMLInputElement).checked).toBe(false);
    await user.click(eInvoice);
    const vatId = within(group('Your business as printed')).getByLabelText(/^VAT ID/);
    await user.click(screen.getByRole('button', { name: 'Save' }));
    // Without a VAT ID or tax number no document could be an e-invoice: refused at those fields.
    await waitFor(() => expect(vatId.getAttribute('aria-invalid')).toBe('true'));
    expect(screen.getByRole('alert').textContent).toContain('EINVOICE_INCOMPLETE');
    expect((await server.runtime.profiles.get(seller.profileId))?.settings.eInvoice).toBe(false);

    await fill(user, vatId, 'DE123456789');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(
      await screen.findByText(/^Saved\. Documents issued from now on use these settings/),
    ).toBeTruthy();
    expect((await server.runtime.profiles.get(seller.profileId))?.settings).toMatchObject({
      eInvoice: true,
      vatId: 'DE123456789',
    });
  });

  it('uploads a logo with a preview, shows the server’s refusal of other files, and removes it', async () => {
    const user = userEvent.setup({ delay: null, applyAccept: false });
    const profile = await server.runtime.profiles.create({
      name: 'Muster',
      settings: sampleProfileSettings(),
    });
    await renderInvoicing(server, `/profiles/${profile.id}`);
    const logo = within(await screen.findByRole('region', { name: 'Logo' }));
    expect(logo.getByText('No logo: documents show your name only.')).toBeTruthy();
    const input = logo.getByLabelText('Upload logo');
    await user.upload(input, new File(['GIF89a-not-a-logo'], 'logo.gif', { type: 'image/gif' }));
    await waitFor(() => expect(input.getAttribute('aria-invalid')).toBe('true'));
    expect(logo.getByText(/^Logo not accepted: The file is not a PNG or JPEG image/)).toBeTruthy();
    await user.upload(
      input,
      new File([new Uint8Array(256 * 1024 + 1)], 'huge.png', { type: 'image/png' }),
    );
    expect(logo.getByText(/^Logo too large: /)).toBeTruthy();
    expect((await server.runtime.profiles.get(profile.id))?.logo).toBeNull();

    await user.upload(input, new File([PNG], 'logo.png', { type: 'image/png' }));
    const image = (await logo.findByRole('img', { name: 'Logo of Muster' })) as HTMLImageElement;
    expect(image.src).toBe(`data:image/png;base64,${Buffer.from(PNG).toString('base64')}`);
    expect(input.getAttribute('aria-invalid')).toBeNull();
    expect((await server.runtime.profiles.get(profile.id))?.logo).toEqual({
      mediaType: 'image/png',
      bytes: PNG.length,
    });
    await expectAccessible();
    await user.click(logo.getByRole('button', { name: 'Remove logo' }));
    expect(await logo.findByText('No logo: documents show your name only.')).toBeTruthy();
    expect(logo.queryByRole('img')).toBeNull();
  });

  it('attaches sources, one profile per source, and says Digistore24 invoices its own sales', async () => {
    const user = userEvent.setup({ delay: null });
    const seller = await paypalSeller(server);
    const digistore = await server.runtime.sources.create({
      provider: 'digistore24',
      name: 'Digistore Shop',
      config: { passphrase: 'profiles-pages-passphrase' },
    });
    const other = await server.runtime.profiles.create({
      name: 'Zweitfirma',
      settings: sampleProfileSettings(),
    });
    await renderInvoicing(server, `/profiles/${other.id}`);
    const sources = within(await screen.findByRole('region', { name: 'Sources' }));
    expect(sources.getByText('No source is attached yet.')).toBeTruthy();
    const choose = await sources.findByLabelText('Source to attach');
    await waitFor(() =>
      expect(
        within(choose).getByRole('option', { name: 'PayPal Shop (belongs to Muster)' }),
      ).toBeTruthy(),
    );
    await user.selectOptions(choose, 'PayPal Shop (belongs to Muster)');
    await user.click(sources.getByRole('button', { name: 'Attach' }));
    await waitFor(() => expect(choose.getAttribute('aria-invalid')).toBe('true'));
    expect(sources.getByText(/^Source belongs to another profile: /)).toBeTruthy();
    expect((await server.runtime.profiles.get(seller.profileId))?.sourceIds).toEqual([
      seller.source.id,
    ]);

    await user.selectOptions(choose, 'Digistore Shop');
    expect(choose.getAttribute('aria-invalid')).toBeNull();
    await user.click(sources.getByRole('button', { name: 'Attach' }));
    expect(await sources.findByRole('link', { name: 'Digistore Shop' })).toBeTruthy();
    expect(
      sources.getByText('Digistore24 invoices these sales itself: no documents.'),
    ).toBeTruthy();
    expect((await server.runtime.profiles.get(other.id))?.sourceIds).toEqual([digistore.id]);
    await expectAccessible();
    await user.click(sources.getByRole('button', { name: 'Detach Digistore Shop' }));
    expect(await sources.findByText('No source is attached yet.')).toBeTruthy();
    expect((await server.runtime.profiles.get(other.id))?.sourceIds).toEqual([]);
  });

  it('deletes a profile that issued nothing; one with documents is refused in the dialog', async () => {
    const user = userEvent.setup({ delay: null });
    const seller = await paypalSeller(server);
    await pay(server, seller, { txnId: 'TX-1', amount: 1000 });
    const { router } = await renderInvoicing(server, `/profiles/${seller.profileId}`);
    await screen.findByRole('heading', { level: 1, name: 'Muster' });
    await user.click(screen.getByRole('button', { name: 'Delete' }));
    const dialog = within(screen.getByRole('alertdialog', { name: 'Delete Muster?' }));
    await user.click(dialog.getByRole('button', { name: 'Delete' }));
    expect((await dialog.findByRole('alert')).textContent).toContain('PROFILE_HAS_DOCUMENTS');
    await user.click(dialog.getByRole('button', { name: 'Cancel' }));

    const spare = await server.runtime.profiles.create({
      name: 'Spare',
      settings: sampleProfileSettings(),
    });
    await router.navigate(`/profiles/${spare.id}`);
    await screen.findByRole('heading', { level: 1, name: 'Spare' });
    await user.click(screen.getByRole('button', { name: 'Delete' }));
    await user.click(
      within(screen.getByRole('alertdialog', { name: 'Delete Spare?' })).getByRole('button', {
        name: 'Delete',
      }),
    );
    await waitFor(() => expect(router.state.location.pathname).toBe('/profiles'));
    const table = await screen.findByRole('table', { name: 'Seller profiles' });
    expect(table.textContent).toContain('Muster');
    expect(table.textContent).not.toContain('Spare');
    expect(await server.runtime.profiles.get(spare.id)).toBeNull();
  });

  it('reads right to left in Hebrew on every profile page', async () => {
    const seller = await paypalSeller(server);
    await renderInvoicing(server, '/profiles', 'he');
    expect(await screen.findByRole('table', { name: 'פרופילי מוכר' })).toBeTruthy();
    await waitFor(() => expect(screen.getByRole('table').textContent).toContain('PayPal Shop'));
    await expectAccessible();
    cleanup();
    await renderInvoicing(server, '/profiles/new', 'he');
    await screen.findByRole('heading', { level: 1, name: 'הוספת פרופיל מוכר' });
    expect(
      (within(group('העסק כפי שהוא מודפס')).getByLabelText(/^מדינה/) as HTMLInputElement).value,
    ).toBe('IL');
    const invoiceNumbers = group('מספור חשבוניות');
    await waitFor(() =>
      expect(example(invoiceNumbers).textContent).toBe('המספר הבא: INV-2026-000001'),
    );
    await expectAccessible();
    cleanup();
    await renderInvoicing(server, `/profiles/${seller.profileId}`, 'he');
    await screen.findByRole('heading', { level: 1, name: 'Muster' });
    const hebrewBody = within(
      screen.getByText(/^עברית ·/).closest('details') as HTMLDetailsElement,
    ).getByLabelText('טקסט: הודעה לקונה עם החשבונית (עברית)');
    expect(hebrewBody.getAttribute('dir')).toBe('rtl');
    expect(hebrewBody.getAttribute('lang')).toBe('he');
    await expectAccessible();
  });
});
