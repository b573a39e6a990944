import type { Page } from 'playwright-core';
import { settled } from './settled.js';

/** A path no route matches: the app answers it with its not-found page, a route of its own. */
export const UNMATCHED_PATH = '/no-such-page';

/**
 * Goes to `path` through the app's router, as the browser's back button would, and waits for
 * the page's heading: the heading on screen is marked first, so that the wait can tell the new
 * page's from it, and the document title is cleared, so that the page must name itself, as it
 * must when loaded afresh. (Expressions, not functions: this project's Node-side types have no
 * DOM.)
 */
async function pushPath(page: Page, path: string): Promise<void> {
  // `first()`: a page with two headings is the check's to report (accessibility.test.ts), not a
  // strict-mode error of the wait.
  await page.locator('main h1').first().waitFor();
  await page.evaluate(
    `document.querySelector('main h1').setAttribute('data-left', '');
     document.title = '';
     window.history.pushState(null, '', ${JSON.stringify(path)});
     window.dispatchEvent(new PopStateEvent('popstate'));`,
  );
  await page.locator('main h1:not([data-left])').first().waitFor();
}

/**
 * Shows the page at `path` without reloading the app: the router renders it in the document
 * that is already there, the way a link in the app would, so what was loaded into the document
 * (axe-core, the app's own code) is loaded once, not once per page. Waits as
 * {@link settled} does.
 *
 * A route that only changes its parameters (one source, then another) keeps its elements, so
 * its old heading could pass for the new one: the way there leads through the not-found page,
 * a route of its own, and each step waits for a heading that was not on screen before it.
 */
export async function showInApp(page: Page, path: string): Promise<void> {
  if (path !== UNMATCHED_PATH) await pushPath(page, UNMATCHED_PATH);
  await pushPath(page, path);
  await settled(page);
}
