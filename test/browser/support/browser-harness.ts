/**
 * A real ipnhub on SQLite (test settings, see test/helpers/test-runtime.ts) serving the web UI
 * built from the current sources, listening on 127.0.0.1, and Debian's Chromium to drive it.
 * One harness (one server, one browser) per test file; every page gets its own browser context
 * (cookies, storage), so tests do not share a session unless they share a page.
 *
 * Each page is watched for what must never happen in the UI: an uncaught error, a console error
 * (a Content-Security-Policy refusal is one), or a request to anything but this ipnhub. The
 * hooks that `useBrowserHarness()` registers fail the test that caused one; a page with an
 * error or console error is closed at once, so the test fails then rather than at its timeout.
 */
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, vi } from 'vitest';
import { createTestRuntime } from '../../helpers/test-runtime.js';
import type { TestRuntime, TestRuntimeOptions } from '../../helpers/test-runtime.js';
import { launchChromium } from './chromium.js';
import { builtUi } from './ui-build.js';
import { BROWSER_OF } from './ui-text.js';
import type { UiLanguage } from './ui-text.js';

export interface PageOptions {
  /** The language the browser asks for (`navigator.languages`, `Accept-Language`), with its locale and time zone (ui-text.ts); English by default. */
  language?: UiLanguage;
  /** Another time zone than the language's usual one (ui-text.ts). */
  timezoneId?: string;
  /** Wide enough for the navigation beside the page by default (1280 × 800). */
  viewport?: { width: number; height: number };
  /**
   * What this test provokes on purpose and checks itself: other origins its pages may load
   * (a cross-site page it serves with `page.route`), console errors it expects (a refusal).
   */
  allow?: { origins?: readonly string[]; consoleErrors?: readonly RegExp[] };
}

export interface BrowserHarness {
  runtime: TestRuntime;
  /** `http://127.0.0.1:<port>`: the UI at `/`, the API at `/api/v1`. */
  origin: string;
  browser: Browser;
  /** A new browser window with its own cookies and storage, at no page yet. */
  newPage(options?: PageOptions): Promise<Page>;
  /** What went wrong in any page since the last call (and forgets it). */
  takeProblems(): string[];
  /** Every page open now. */
  openPages(): Page[];
  /** Closes every page opened so far. */
  closePages(): Promise<void>;
  close(): Promise<void>;
}

/** Chromium reports every answer ≥ 400 this way; the UI handles 4xx answers (401 before sign-in, 404, 422) itself. */
const HANDLED_ANSWER = /^Failed to load resource: the server responded with a status of 4\d\d\b/;

export async function startBrowserHarness(
  options: TestRuntimeOptions = {},
): Promise<BrowserHarness> {
  const webRoot = await builtUi();
  let runtime: TestRuntime | undefined;
  let app: FastifyInstance | undefined;
  let browser: Browser | undefined;
  try {
    runtime = await createTestRuntime('sqlite', { ...options, webRoot });
    app = await runtime.buildApp();
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchChromium();
    return harness(runtime, app, address, browser);
  } catch (err) {
    await browser?.close();
    await app?.close();
    await runtime?.dispose();
    throw err;
  }
}

function harness(
  runtime: TestRuntime,
  app: FastifyInstance,
  origin: string,
  browser: Browser,
): BrowserHarness {
  const problems: string[] = [];
  const contexts = new Set<BrowserContext>();

  // A page with a problem is closed at once: the test's next wait fails then instead of
  // waiting for its timeout on a page that will not come right, and the problem is reported.
  const fail = (page: Page, problem: string): void => {
    problems.push(problem);
    void page
      .context()
      .close()
      .catch(() => undefined);
  };
  const watch = (page: Page, allowedErrors: readonly RegExp[]): void => {
    page.on('pageerror', (err) => fail(page, `uncaught error on ${page.url()}: ${err.message}`));
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const text = message.text();
      if (!HANDLED_ANSWER.test(text) && !allowedErrors.some((allowed) => allowed.test(text)))
        fail(page, `console error on ${page.url()}: ${text}`);
    });
  };

  const closePages = async (): Promise<void> => {
    const open = [...contexts];
    contexts.clear();
    await Promise.all(open.map((context) => context.close()));
  };

  return {
    runtime,
    origin,
    browser,
    async newPage(pageOptions = {}) {
      const context = await browser.newContext({
        ...BROWSER_OF[pageOptions.language ?? 'en'],
        ...(pageOptions.timezoneId ? { timezoneId: pageOptions.timezoneId } : {}),
        viewport: pageOptions.viewport ?? { width: 1280, height: 800 },
        baseURL: origin,
      });
      // No deadline of Playwright's own: the test's timeout bounds every wait (docs/testing.md).
      context.setDefaultTimeout(0);
      contexts.add(context);
      const origins = [origin, ...(pageOptions.allow?.origins ?? [])];
      context.on('request', (request) => {
        const url = request.url();
        if (
          !origins.some((allowed) => url.startsWith(`${allowed}/`)) &&
          !url.startsWith('data:') &&
          !url.startsWith('blob:')
        )
          problems.push(`request to another origin: ${url}`);
      });
      context.on('page', (page) => watch(page, pageOptions.allow?.consoleErrors ?? []));
      return context.newPage();
    },
    takeProblems: () => problems.splice(0),
    openPages: () => [...contexts].flatMap((context) => context.pages()),
    closePages,
    async close() {
      await closePages();
      await browser.close();
      await app.close();
      await runtime.dispose();
    },
  };
}

/** A browser test's bound: flows of several pages on a busy machine (docs/testing.md). */
export const BROWSER_TEST_TIMEOUT_MS = 120_000;

/**
 * The harness for the tests of one file: started before them, closed after them; after each
 * test its pages are closed and the test fails if a page had a problem. When a test failed,
 * each open page's address, text and a screenshot (in a temporary directory) are printed, as
 * the timeout that ended a wait does not say what the page showed.
 */
export function useBrowserHarness(options: TestRuntimeOptions = {}): {
  readonly current: BrowserHarness;
} {
  vi.setConfig({ testTimeout: BROWSER_TEST_TIMEOUT_MS });
  let started: BrowserHarness | undefined;
  beforeAll(async () => {
    started = await startBrowserHarness(options);
  }, 120_000);
  afterEach(async (context) => {
    if (!started) return;
    if (context.task.result?.state === 'fail')
      await describePages(started.openPages(), context.task.name);
    await started.closePages();
    expect(started.takeProblems(), 'problems in the browser').toEqual([]);
  });
  afterAll(async () => {
    await started?.close();
  });
  return {
    get current(): BrowserHarness {
      if (!started) throw new Error('The browser harness is not started (beforeAll failed?)');
      return started;
    },
  };
}

async function describePages(pages: readonly Page[], testName: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ipnhub-browser-failure-'));
  for (const [index, page] of pages.entries()) {
    const file = join(dir, `page-${index + 1}.png`);
    const shown = await page.screenshot({ path: file, fullPage: true, timeout: 10_000 }).then(
      () => file,
      (err: unknown) => `no screenshot (${String(err)})`,
    );
    const text = await page
      .locator('body')
      .innerText({ timeout: 10_000 })
      .catch(() => '');
    process.stderr.write(
      `\n[browser] "${testName}" failed; page ${index + 1} at ${page.url()} — ${shown}\n${text.slice(0, 2000)}\n`,
    );
  }
}
