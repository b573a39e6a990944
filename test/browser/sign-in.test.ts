/**
 * Signing in and out in a real browser: a wrong token is refused and explained, the right one is
 * exchanged for an HttpOnly, SameSite=Strict cookie the page cannot read, the token is kept
 * nowhere in the browser, a reload keeps the session, signing out ends it; a deep link comes
 * back after sign-in; and the whole of it works with the keyboard alone.
 */
import { describe, expect, it } from 'vitest';
import { TEST_ADMIN_TOKEN } from '../helpers/test-runtime.js';
import { expectAccessiblePage } from './support/axe.js';
import { useBrowserHarness } from './support/browser-harness.js';
import { focusedName, tabTo } from './support/keyboard.js';
import { mainNavigation } from './support/sign-in.js';
import { uiText } from './support/ui-text.js';

const harness = useBrowserHarness();

describe('signing in', () => {
  it('refuses a wrong token, signs in with the right one into a cookie the page cannot read, and signs out', async () => {
    const page = await harness.current.newPage({ language: 'de' });
    await page.goto('/');
    // Not signed in: the sign-in page, in the browser's language.
    await page.getByRole('heading', { level: 1, name: 'Anmelden', exact: true }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect(await page.locator('html').getAttribute('lang')).toBe('de');
    await expectAccessiblePage(page, 'the sign-in page');

    const token = page.getByLabel('Admin-Token');
    const submit = page.getByRole('button', { name: 'Anmelden' });
    expect(await submit.isDisabled()).toBe(true);
    await token.fill('not-the-token');
    await submit.click();
    const refusal = page.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain(uiText('de', 'errors.UNAUTHORIZED.title'));
    expect(await refusal.textContent()).toContain('UNAUTHORIZED');
    await expectAccessiblePage(page, 'the sign-in page with its error');
    expect(await page.context().cookies()).toEqual([]);

    await token.fill(TEST_ADMIN_TOKEN);
    await submit.click();
    await mainNavigation(page, 'de').waitFor();
    expect(new URL(page.url()).pathname).toBe('/');

    // The session is a cookie scripts cannot read; the token itself is nowhere in the browser.
    const cookies = await page.context().cookies();
    expect(
      cookies.map(({ name, httpOnly, sameSite, path }) => ({ name, httpOnly, sameSite, path })),
    ).toEqual([{ name: 'ipnhub_session', httpOnly: true, sameSite: 'Strict', path: '/' }]);
    expect(cookies[0]?.value).not.toContain(TEST_ADMIN_TOKEN);
    expect(await page.evaluate('document.cookie')).toBe('');
    const stored = await page.evaluate(
      'JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage } })',
    );
    expect(stored).not.toContain(TEST_ADMIN_TOKEN);
    expect(page.url()).not.toContain(TEST_ADMIN_TOKEN);
    expect(await page.getByLabel('Admin-Token').count()).toBe(0);

    // A reload keeps the session.
    await page.reload();
    await mainNavigation(page, 'de').waitFor();
    expect(new URL(page.url()).pathname).toBe('/');

    await page.getByRole('button', { name: 'Abmelden' }).click();
    await page.getByText(uiText('de', 'signIn.signedOut')).waitFor();
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect(
      (await page.context().cookies()).filter((cookie) => cookie.name === 'ipnhub_session'),
    ).toEqual([]);
    // Signed out for good: a page behind the sign-in sends back to it.
    await page.goto('/sources');
    await page.getByRole('heading', { level: 1, name: 'Anmelden', exact: true }).waitFor();
  });

  it('brings a deep link back after signing in', async () => {
    const page = await harness.current.newPage({ language: 'en' });
    await page.goto('/sources');
    await page.getByRole('heading', { level: 1, name: 'Sign in', exact: true }).waitFor();
    await page.getByLabel('Admin token').fill(TEST_ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sources', exact: true }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/sources');
  });

  it('signs in and moves through the app with the keyboard alone', async () => {
    const page = await harness.current.newPage({ language: 'de' });
    await page.goto('/');
    await page.getByRole('heading', { level: 1, name: 'Anmelden', exact: true }).waitFor();
    // Tab to the token field (past the language menu), type, Enter.
    await tabTo(page, 'Admin-Token');
    await page.keyboard.type(TEST_ADMIN_TOKEN);
    await page.keyboard.press('Enter');
    await mainNavigation(page, 'de').waitFor();

    // The first Tab reaches the skip link; following it puts focus on the page's content.
    await page.keyboard.press('Tab');
    expect(await focusedName(page)).toBe('Zum Inhalt springen');
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('main');

    // Back up to the navigation and open the Sources page from it.
    await page.goto('/');
    await mainNavigation(page, 'de').waitFor();
    await tabTo(page, 'Quellen');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Quellen', exact: true }).waitFor();
    // Focus moved to the new page's content, not left on the link.
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('main');
  });
});
