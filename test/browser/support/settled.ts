import type { Page } from 'playwright-core';

/**
 * Waits until the page shows its heading and nothing on it is loading any more (the shared
 * `Loading` state, `.loading`). Locators, not `waitForFunction`: the page's CSP forbids the
 * eval that the latter needs.
 */
export async function settled(page: Page): Promise<void> {
  await page.locator('main h1').waitFor();
  await page.locator('.loading').first().waitFor({ state: 'detached' });
}
