/**
 * Debian's Chromium, driven by playwright-core: no browser is downloaded. `.ci/run` installs
 * the `chromium` package when `/usr/bin/chromium` is missing; `IPNHUB_TEST_CHROMIUM` names
 * another binary. Playwright's `launch()` gives every browser a fresh temporary profile
 * (`--user-data-dir`) and removes it on close.
 */
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

export function chromiumPath(): string {
  return process.env.IPNHUB_TEST_CHROMIUM ?? DEFAULT_CHROMIUM;
}

/**
 * Flags for a quiet, local browser: no sandbox (tests run as root in CI), no GPU, no first-run
 * screens, none of Chromium's own background traffic (updates, sync, QUIC probes), and no name
 * resolved at all, so the browser reaches nothing but the ipnhub under test (127.0.0.1).
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw new Error(
      `No Chromium at ${executablePath}: install Debian's package (apt-get install chromium) or set IPNHUB_TEST_CHROMIUM to a Chromium binary.`,
    );
  }
  return chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_ARGS] });
}
