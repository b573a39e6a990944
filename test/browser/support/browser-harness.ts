/**
 * A real ipnhub on SQLite (test settings, see test/helpers/test-runtime.ts) serving the web UI
 * built from the current sources, listening on 127.0.0.1, and Debian's Chromium to drive it.
 * One harness (one server, one browser) per test file; every page gets its own browser context
 * (cookies, storage), so tests do not share a session unless they share a page.
 *
 * Each page is watched for what must never happen in the UI: an uncaught error, a console error
 * (a Content-Security-Policy refusal is one), or a request to anything but this ipnhub. The
 * hooks that `useBrowserHarness()` registers fail the test that caused one.
 */
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { createTestRuntime } from '../../helpers/test-runtime.js';
import type { TestRuntime, TestRuntimeOptions } from '../../helpers/test-runtime.js';
import { launchChromium } from './chromium.js';
import { buildUi } from './ui-build.js';
import type { UiBuild } from './ui-build.js';

export interface PageOptions {
  /** The browser's language (`navigator.languages`, `Accept-Language`); `en-US` by default. */
  locale?: string;
  /** The browser's time zone; `Europe/Berlin` by default. */
  timezoneId?: string;
  /** Wide enough for the navigation beside the page by default (1280 × 800). */
  viewport?: { width: number; height: number };
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
  /** Closes every page opened so far. */
  closePages(): Promise<void>;
  close(): Promise<void>;
}

/** Chromium reports every answer ≥ 400 this way; the UI handles 4xx answers (401 before sign-in, 404, 422) itself. */
const HANDLED_ANSWER = /^Failed to load resource: the server responded with a status of 4\d\d\b/;

export async function startBrowserHarness(options: TestRuntimeOptions = {}): Promise<BrowserHarness> {
  const build: UiBuild = await buildUi();
  let runtime: TestRuntime | undefined;
  let app: FastifyInstance | undefined;
  let browser: Browser | undefined;
  try {
    runtime = await createTestRuntime('sqlite', { ...options, webRoot: build.dir });
    app = await runtime.buildApp();
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchChromium();
    return harness(runtime, app, address, browser, build);
  } catch (err) {
    await browser?.close();
    await app?.close();
    await runtime?.dispose();
    build.remove();
    throw err;
  }
}

function harness(runtime: TestRuntime, app: FastifyInstance, origin: string, browser: Browser, build: UiBuild): BrowserHarness {
  const problems: string[] = [];
  const contexts = new Set<BrowserContext>();

  const watch = (page: Page): void => {
    page.on('pageerror', (err) => problems.push(`uncaught error on ${page.url()}: ${err.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && !HANDLED_ANSWER.test(message.text())) problems.push(`console error on ${page.url()}: ${message.text()}`);
    });
  };

  return {
    runtime,
    origin,
    browser,
    async newPage(pageOptions = {}) {
      const context = await browser.newContext({
        locale: pageOptions.locale ?? 'en-US',
        timezoneId: pageOptions.timezoneId ?? 'Europe/Berlin',
        viewport: pageOptions.viewport ?? { width: 1280, height: 800 },
        baseURL: origin,
      });
      contexts.add(context);
      context.on('request', (request) => {
        const url = request.url();
        if (!url.startsWith(`${origin}/`) && !url.startsWith('data:') && !url.startsWith('blob:')) problems.push(`request to another origin: ${url}`);
      });
      context.on('page', watch);
      return context.newPage();
    },
    takeProblems: () => problems.splice(0),
    async closePages() {
      const open = [...contexts];
      contexts.clear();
      await Promise.all(open.map((context) => context.close()));
    },
    async close() {
      await this.closePages();
      await browser.close();
      await app.close();
      await runtime.dispose();
      build.remove();
    },
  };
}

/**
 * The harness for the tests of one file: started before them, closed after them; after each
 * test its pages are closed and the test fails if a page had a problem.
 */
export function useBrowserHarness(options: TestRuntimeOptions = {}): { readonly current: BrowserHarness } {
  let started: BrowserHarness | undefined;
  beforeAll(async () => {
    started = await startBrowserHarness(options);
  }, 120_000);
  afterEach(async () => {
    if (!started) return;
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
