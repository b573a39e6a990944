/**
 * How sessions end and how guessing is stopped, seen in the browser: failed sign-ins are limited
 * per address (then even the right token waits for the minute to pass), and rotating the admin
 * token ends every open session: the next click leads to the sign-in page, which says why, and
 * only the new token signs in. The server's clock is a manual one, so the limit's minute ends
 * when the test says so.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { useBrowserHarness } from './support/browser-harness.js';
import { settled } from './support/settled.js';
import { mainNavigation } from './support/sign-in.js';
import { uiText } from './support/ui-text.js';

const clock = new ManualClock(new Date());
// No configured token: the stored one can be rotated (a configured IPNHUB_ADMIN_TOKEN cannot).
const harness = useBrowserHarness({
  clock,
  config: { adminToken: undefined, adminAuthFailuresPerMinute: 3 },
});

describe('sessions', () => {
  it('limits failed sign-ins per address; after the minute the right token signs in', async () => {
    const token = await harness.current.runtime.admin.rotateToken();
    const page = await harness.current.newPage({ language: 'de' });
    await page.goto('/');
    const alert = page.getByRole('alert');

    const codes: string[] = [];
    while (codes.at(-1) !== 'RATE_LIMITED') {
      expect(codes.length, 'wrong tokens before the limit').toBeLessThan(4);
      codes.push(await submitToken(page, `wrong-${codes.length}`));
    }
    expect(codes.slice(0, -1).every((code) => code === 'UNAUTHORIZED')).toBe(true);
    expect(await alert.textContent()).toContain(uiText('de', 'errors.RATE_LIMITED.title'));
    // The retry time the server gave (Retry-After), in words.
    expect(await alert.textContent()).toMatch(/Versuche es in \d+ Sekunden? erneut\./);

    // Over the limit even the right token is refused, until the minute is over.
    expect(await submitToken(page, token)).toBe('RATE_LIMITED');
    expect(await page.context().cookies()).toEqual([]);

    clock.advance(61_000);
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await mainNavigation(page, 'de').waitFor();
  });

  it('ends the session when the admin token is rotated; only the new token signs in', async () => {
    clock.advance(61_000);
    const oldToken = await harness.current.runtime.admin.rotateToken();
    const page = await harness.current.newPage({ language: 'de' });
    await page.goto('/');
    await page.getByLabel('Admin-Token').fill(oldToken);
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await mainNavigation(page, 'de').waitFor();
    // The start page has its answers before the token changes: one answered after the rotation
    // would be refused and end the session by itself, and the click below would wait for a
    // link the sign-in page does not have (on a busy machine, until the test's timeout).
    await settled(page);

    // Rotated elsewhere (`ipnhub token rotate`, or Settings in another tab).
    const newToken = await harness.current.runtime.admin.rotateToken();
    await mainNavigation(page, 'de').getByRole('link', { name: 'Quellen' }).click();
    await page.getByText(uiText('de', 'signIn.expired')).waitFor();
    expect(new URL(page.url()).pathname).toBe('/sign-in');

    expect(await submitToken(page, oldToken)).toBe('UNAUTHORIZED');
    await page.getByLabel('Admin-Token').fill(newToken);
    await page.getByRole('button', { name: 'Anmelden' }).click();
    // Back where the user was going.
    await page.getByRole('heading', { level: 1, name: 'Quellen', exact: true }).waitFor();
  });
});

/** Sends `token` with the sign-in form (German) and waits until the page shows the refusal; resolves to its error code, or '' when signed in. */
async function submitToken(page: Page, token: string): Promise<string> {
  await page.getByLabel('Admin-Token').fill(token);
  const [answer] = await Promise.all([
    page.waitForResponse(
      (response) =>
        response.request().method() === 'POST' &&
        new URL(response.url()).pathname === '/api/v1/session',
    ),
    page.getByRole('button', { name: 'Anmelden' }).click(),
  ]);
  if (answer.ok()) return '';
  const body: unknown = await answer.json();
  const code =
    typeof body === 'object' &&
    body !== null &&
    'error' in body &&
    typeof body.error === 'object' &&
    body.error !== null &&
    'code' in body.error
      ? String(body.error.code)
      : `HTTP ${answer.status()}`;
  await page.getByRole('alert').filter({ hasText: code }).waitFor();
  return code;
}
