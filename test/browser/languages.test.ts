/**
 * Languages in the real browser: the browser's language decides, the switcher changes it and is
 * remembered; Hebrew turns the document right to left (`dir="rtl"`), and the layout follows
 * from the logical CSS alone (the navigation moves to the right of the page); dates are
 * formatted with `Intl` in the chosen locale and the browser's time zone.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectAccessiblePage } from './support/axe.js';
import { useBrowserHarness } from './support/browser-harness.js';
import { mainNavigation, openSignedIn } from './support/sign-in.js';
import { uiText } from './support/ui-text.js';
import type { UiLanguage } from './support/ui-text.js';

const harness = useBrowserHarness();

async function documentLanguage(page: Page): Promise<{ lang: string | null; dir: string | null }> {
  const html = page.locator('html');
  return { lang: await html.getAttribute('lang'), dir: await html.getAttribute('dir') };
}

/** Where the navigation is, seen from the page content: 'start' of a left-to-right page is the left. */
async function navigationSide(page: Page, language: UiLanguage): Promise<'left' | 'right'> {
  const nav = await mainNavigation(page, language).boundingBox();
  const main = await page.locator('main#main').boundingBox();
  if (!nav || !main) throw new Error('navigation or main content not laid out');
  return nav.x + nav.width <= main.x ? 'left' : 'right';
}

describe('languages', () => {
  it('follows the browser, switches to Hebrew right to left, remembers the choice, and back', async () => {
    const page = await harness.current.newPage({ language: 'en' });
    await openSignedIn(page, '/sources', 'en');
    await page.getByRole('heading', { level: 1, name: 'Sources', exact: true }).waitFor();
    expect(await documentLanguage(page)).toEqual({ lang: 'en', dir: 'ltr' });
    expect(await navigationSide(page, 'en')).toBe('left');

    await page.getByLabel('Language').selectOption('he');
    await page.getByRole('heading', { level: 1, name: 'מקורות', exact: true }).waitFor();
    expect(await documentLanguage(page)).toEqual({ lang: 'he', dir: 'rtl' });
    const nav = mainNavigation(page, 'he');
    expect(await nav.getByRole('link').allInnerTexts()).toEqual([
      'סקירה',
      'מקורות',
      'חיבורים',
      'הודעות',
      'מסירות',
      'לקוחות והרשאות גישה',
      'מסמכים',
      'פרופילי מוכר',
      'הגדרות',
    ]);
    expect(await page.getByRole('button', { name: uiText('he', 'app.signOut') }).count()).toBe(1);
    // Mirrored by the logical properties, not by rules written for Hebrew.
    expect(await navigationSide(page, 'he')).toBe('right');
    await expectAccessiblePage(page, 'Sources in Hebrew');

    // Remembered in this browser, although the browser still asks for English.
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'מקורות', exact: true }).waitFor();
    expect(await documentLanguage(page)).toEqual({ lang: 'he', dir: 'rtl' });

    await page.getByLabel(uiText('he', 'app.language')).selectOption('de');
    await page.getByRole('heading', { level: 1, name: 'Quellen', exact: true }).waitFor();
    expect(await documentLanguage(page)).toEqual({ lang: 'de', dir: 'ltr' });
    expect(await navigationSide(page, 'de')).toBe('left');
  });

  it('opens in Hebrew for a Hebrew browser, from the sign-in page on', async () => {
    const page = await harness.current.newPage({ language: 'he' });
    await page.goto('/');
    await page.getByRole('heading', { level: 1, name: 'כניסה', exact: true }).waitFor();
    expect(await documentLanguage(page)).toEqual({ lang: 'he', dir: 'rtl' });
    expect(await page.getByLabel(uiText('he', 'signIn.tokenLabel')).count()).toBe(1);
    await expectAccessiblePage(page, 'the sign-in page in Hebrew');
  });

  it.each([
    ['de', 'Europe/Berlin'],
    ['it', 'America/New_York'],
    ['he', 'Asia/Tokyo'],
  ] as const)('formats dates in %s for a browser in %s', async (language, timezoneId) => {
    const source = await harness.current.runtime.sources.create({
      provider: 'digistore24',
      name: `Shop ${language}`,
      config: { passphrase: 'passphrase-for-dates' },
    });
    const page = await harness.current.newPage({ language, timezoneId });
    await openSignedIn(page, `/sources/${source.id}`, language);
    const shown = page.locator(`time[datetime="${source.createdAt}"]`);
    // What this browser's own Intl makes of the instant, in its locale and zone.
    const expected: unknown = await page.evaluate(
      `new Intl.DateTimeFormat(navigator.language, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(${JSON.stringify(source.createdAt)}))`,
    );
    expect(await shown.innerText()).toBe(expected);
    expect(await page.evaluate('Intl.DateTimeFormat().resolvedOptions().timeZone')).toBe(
      timezoneId,
    );
  });
});
