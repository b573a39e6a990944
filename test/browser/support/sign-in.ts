/**
 * Signing a page in: through the sign-in form, as a person does (the tests of signing in), or
 * through `POST /api/v1/session` in the page's own cookie jar (every other test: it starts
 * where the flow under test begins).
 */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { TEST_ADMIN_TOKEN } from '../../helpers/test-runtime.js';
import { uiText } from './ui-text.js';
import type { UiLanguage } from './ui-text.js';

/** The main navigation, present on every signed-in page. */
export function mainNavigation(page: Page, language: UiLanguage) {
  return page.getByRole('navigation', { name: uiText(language, 'app.mainNavigation') });
}

/** Opens `/`, fills the sign-in form and waits for the signed-in shell. */
export async function signInThroughForm(
  page: Page,
  language: UiLanguage,
  token = TEST_ADMIN_TOKEN,
): Promise<void> {
  await page.goto('/');
  await page.getByLabel(uiText(language, 'signIn.tokenLabel')).fill(token);
  await page.getByRole('button', { name: uiText(language, 'signIn.submit') }).click();
  await mainNavigation(page, language).waitFor();
}

/** Gives the page's browser context a session cookie, as the sign-in form would. */
export async function signInQuietly(page: Page, token = TEST_ADMIN_TOKEN): Promise<void> {
  const answer = await page
    .context()
    .request.post('/api/v1/session', { data: { token }, headers: { 'x-ipnhub-csrf': '1' } });
  expect(answer.status(), 'sign-in through the API').toBe(204);
}

/** A signed-in page at `path`, in the language the browser asks for. */
export async function openSignedIn(page: Page, path: string, language: UiLanguage): Promise<void> {
  await signInQuietly(page);
  await page.goto(path);
  await mainNavigation(page, language).waitFor();
}
