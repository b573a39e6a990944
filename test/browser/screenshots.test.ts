/**
 * Screenshots of the main pages in German and Hebrew, over the demo data, at a fixed date (the
 * server's clock and the browser's), so that taking them again shows the same dates; ids (and
 * the addresses that contain them) are new on each run. `npm run screenshots` runs this file with IPNHUB_SCREENSHOTS_DIR=docs/screenshots
 * (scripts/screenshots.ts); in `npm test` they go to a temporary directory and the test checks
 * that every page rendered, without a problem, into a picture of the window's size.
 */
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { askAccess } from './support/access-check.js';
import { useBrowserHarness } from './support/browser-harness.js';
import { DEMO_CONFIG, seedDemoData } from './support/demo-data.js';
import type { DemoData } from './support/demo-data.js';
import { settled } from './support/settled.js';
import { signInQuietly } from './support/sign-in.js';
import { uiText } from './support/ui-text.js';
import type { UiLanguage } from './support/ui-text.js';

/** The demo's "now": the server's clock and the browser's. */
const DEMO_NOW = new Date('2026-05-14T09:30:00.000Z');
const VIEWPORT = { width: 1280, height: 800 };
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const target = process.env.IPNHUB_SCREENSHOTS_DIR;
const outDir = target ? resolve(target) : mkdtempSync(join(tmpdir(), 'ipnhub-screenshots-'));
afterAll(() => {
  if (!target) rmSync(outDir, { recursive: true, force: true });
});

const harness = useBrowserHarness({
  clock: new ManualClock(DEMO_NOW),
  config: { ...DEMO_CONFIG, publicBaseUrl: 'https://ipn.example.com' },
});
let demo: DemoData;
beforeAll(async () => {
  demo = await seedDemoData(harness.current.runtime, harness.current.origin);
  return () => demo.sink.close();
});

interface Shot {
  name: string;
  path: string;
  /** What a person does on the page before it is taken, after it has settled. */
  afterLoad?: (page: Page, language: UiLanguage) => Promise<void>;
}

/** Asks the access check about the demo's buyer and waits for the answer, shown at the top. */
async function showAccess(page: Page, language: UiLanguage): Promise<void> {
  const check = await askAccess(page, language, demo.buyer.email, demo.buyer.productId);
  await check.getByRole('table', { name: uiText(language, 'customers.check.grants') }).waitFor();
  await check.scrollIntoViewIfNeeded();
}

/** The pages shown, by file name (`<language>-<name>.png`). */
function mainPages(): Shot[] {
  return [
    { name: 'overview', path: '/' },
    { name: 'sources', path: '/sources' },
    { name: 'source', path: `/sources/${demo.digistore24Id}` },
    { name: 'connections', path: '/connections' },
    { name: 'connection', path: `/connections/${demo.webhookId}` },
    { name: 'notifications', path: '/notifications' },
    { name: 'notification', path: `/notifications/${demo.requests.accepted}` },
    { name: 'deliveries', path: '/deliveries' },
    { name: 'delivery', path: `/deliveries/${demo.deliveries.dead}` },
    { name: 'customers', path: '/customers', afterLoad: showAccess },
    { name: 'customer', path: `/customers/${demo.ledger.customerId}` },
    { name: 'settings', path: '/settings' },
  ];
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE), 'a PNG file').toBe(true);
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe.each(['de', 'he'] as const)('screenshots in %s', (language) => {
  it('shows every main page', async () => {
    mkdirSync(outDir, { recursive: true });
    const page = await harness.current.newPage({ language, viewport: VIEWPORT });
    await page.clock.setFixedTime(DEMO_NOW);
    await signInQuietly(page);
    for (const { name, path, afterLoad } of mainPages()) {
      await page.goto(path);
      await settled(page);
      await afterLoad?.(page, language);
      const file = join(outDir, `${language}-${name}.png`);
      await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
      expect(pngSize(readFileSync(file)), file).toEqual(VIEWPORT);
    }
  });
});
