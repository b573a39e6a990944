/**
 * Connecting a Digistore24 account from the browser alone: "Add source" with the keyboard only,
 * the inbound URL copied with its button, the setup steps, and the signed test notification
 * ipnhub sends itself, answered as Digistore24 would see it, recorded on the server and shown in
 * the notification log with the fields it carried.
 */
import { describe, expect, it } from 'vitest';
import { expectAccessiblePage } from './support/axe.js';
import { useBrowserHarness } from './support/browser-harness.js';
import { tabTo } from './support/keyboard.js';
import { openSignedIn } from './support/sign-in.js';
import { nameValueRows, rowTexts, tableNamed } from './support/tables.js';
import { uiText } from './support/ui-text.js';

const harness = useBrowserHarness();

describe('sources', () => {
  it('adds a Digistore24 source with the keyboard alone, copies its URL and sends a signed test notification', async () => {
    const { origin, runtime } = harness.current;
    const page = await harness.current.newPage({ language: 'de' });
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
    await openSignedIn(page, '/sources', 'de');
    await page.getByRole('heading', { level: 1, name: 'Quellen', exact: true }).waitFor();
    await page.getByText(uiText('de', 'sources.emptyTitle')).waitFor();

    // Keyboard only: to "Add Digistore24 source", through the form, Enter submits it.
    await tabTo(page, 'Digistore24-Quelle hinzufügen');
    await page.keyboard.press('Enter');
    await page
      .getByRole('heading', { level: 1, name: 'Digistore24-Quelle hinzufügen', exact: true })
      .waitFor();
    await expectAccessiblePage(page, 'the add-source form');
    await tabTo(page, 'Name');
    await page.keyboard.type('Mein Shop');
    await tabTo(page, 'IPN-Passphrase');
    await page.keyboard.type('eine lange geheime Passphrase');
    await page.keyboard.press('Enter');

    await page.getByRole('heading', { level: 1, name: 'Mein Shop', exact: true }).waitFor();
    const [source] = await runtime.sources.list();
    expect(source?.name).toBe('Mein Shop');
    expect(source?.secretFields).toEqual({ passphrase: 'set' });
    expect(new URL(page.url()).pathname).toBe(`/sources/${source?.id}`);
    // The passphrase was stored and is shown nowhere.
    expect(await page.locator('body').innerText()).not.toContain('eine lange geheime Passphrase');

    // The setup steps in German, with the address to paste into Digistore24 and its copy button.
    const setup = page.getByRole('region', { name: uiText('de', 'setup.title') });
    const inboundUrl = `${origin}/ipn/${source?.id}`;
    expect(await setup.innerText()).toContain('Einstellungen → Anbindungen (IPN) → Neue Anbindung');
    await setup.getByText(inboundUrl).waitFor();
    await setup.getByRole('button', { name: 'Eingangs-URL kopieren' }).click();
    await setup.getByText(uiText('de', 'common.copied')).waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(inboundUrl);
    await expectAccessiblePage(page, 'the new source with its setup steps');

    // "Test connection": signed with the stored passphrase, through the real inbound route.
    await page.getByRole('button', { name: uiText('de', 'sources.test.send') }).click();
    await page.getByText(uiText('de', 'sources.test.ok')).waitFor();
    const answer = page.locator('.test-notification');
    expect(await answer.locator('dd').allInnerTexts()).toEqual(['200', 'OK']);
    await expectAccessiblePage(page, 'the answer to the test notification');
    const requests = await runtime.admin.db
      .selectFrom('inbound_requests')
      .select(['id', 'verdict', 'source_id'])
      .execute();
    expect(requests).toEqual([{ id: expect.any(String), verdict: 'test', source_id: source?.id }]);
    const logLink = page.getByRole('link', { name: uiText('de', 'sources.test.openLog') });
    expect(await logLink.getAttribute('href')).toBe(`/notifications/${requests[0]?.id}`);

    // The card on the list counts it.
    await page.getByRole('navigation').getByRole('link', { name: 'Quellen' }).click();
    const card = page.getByRole('article', { name: 'Mein Shop' });
    await card.waitFor();
    expect(await card.innerText()).toContain(inboundUrl);
    expect(await card.innerText()).not.toContain(uiText('de', 'sources.noNotificationYet'));

    // The notification log lists it, from this source, as a test; its page shows what arrived.
    await page
      .getByRole('navigation')
      .getByRole('link', { name: uiText('de', 'nav.notifications') })
      .click();
    const log = tableNamed(page, uiText('de', 'notifications.tableCaption'));
    const [row] = await rowTexts(log);
    expect(row?.slice(1)).toEqual(['Mein Shop', uiText('de', 'status.verdict.test'), '0']);
    await log.getByRole('link').first().click();
    await page
      .getByRole('heading', {
        level: 1,
        name: uiText('de', 'notifications.detail.title'),
        exact: true,
      })
      .waitFor();
    expect(new URL(page.url()).pathname).toBe(`/notifications/${requests[0]?.id}`);
    await page.getByText(uiText('de', 'notifications.verdictHelp.test')).waitFor();
    await page.getByText(uiText('de', 'notifications.detail.noEvents')).waitFor();
    const fields = await nameValueRows(
      tableNamed(page, uiText('de', 'notifications.detail.fieldsCaption')),
    );
    expect(fields.map(([name]) => name)).toEqual(['event', 'api_mode', 'ipn_version', 'sha_sign']);
    expect(fields.slice(0, 3)).toEqual([
      ['event', 'connection_test'],
      ['api_mode', 'live'],
      ['ipn_version', '1.6'],
    ]);
    expect(fields[3]?.[1]).toMatch(/^[0-9A-F]{64,128}$/);
    await page
      .getByText(uiText('de', 'notifications.detail.charset.provider', { charset: 'UTF-8' }))
      .waitFor();
    expect(
      await page
        .getByRole('region', { name: uiText('de', 'notifications.detail.bodyTitle') })
        .innerText(),
    ).toContain('event=connection_test&api_mode=live&ipn_version=1.6&sha_sign=');
    await expectAccessiblePage(page, 'the test notification in the log');
  });
});
