/**
 * axe-core on every page of the UI in the real browser (colour contrast included), in English
 * and in Hebrew (right to left), over the demo data (support/demo-data.ts): no serious or
 * critical violation anywhere. Every page also has exactly one `<h1>` and names itself in the
 * document title. The signed-in pages are reached one after the other through the app's
 * router, as a person clicking through the app reaches them (support/in-app-navigation.ts):
 * axe-core and the app load once per language, not once per page.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { askAccess } from './support/access-check.js';
import { expectAccessiblePage, seriousViolations } from './support/axe.js';
import { useBrowserHarness } from './support/browser-harness.js';
import { DEMO_CONFIG, seedDemoData } from './support/demo-data.js';
import type { DemoData } from './support/demo-data.js';
import { showInApp, UNMATCHED_PATH } from './support/in-app-navigation.js';
import { settled } from './support/settled.js';
import { signInQuietly } from './support/sign-in.js';
import { rowTexts, tableNamed } from './support/tables.js';
import { uiText } from './support/ui-text.js';

const harness = useBrowserHarness({ config: DEMO_CONFIG });
let demo: DemoData;

beforeAll(async () => {
  demo = await seedDemoData(harness.current.runtime, harness.current.origin);
  return () => demo.sink.close();
});

/** Every page a signed-in user can reach, with the demo data's ids filled in. */
function signedInPages(): string[] {
  return [
    '/',
    '/sources',
    '/sources/new/digistore24',
    '/sources/new/paypal-ipn',
    '/sources/new/paypal-webhooks',
    `/sources/${demo.digistore24Id}`,
    `/sources/${demo.paypalId}`,
    `/sources/${demo.digistore24Id}/edit`,
    '/connections',
    '/connections/new',
    '/connections/new/webhook',
    '/connections/new/salesforce',
    `/connections/${demo.webhookId}`,
    `/connections/${demo.webhookId}/edit`,
    `/connections/${demo.emailId}`,
    '/notifications',
    `/notifications/${demo.requests.accepted}`,
    `/notifications/${demo.requests.refund}`,
    `/notifications/${demo.requests.test}`,
    `/notifications/${demo.requests.rejected}`,
    `/events/${demo.events.payment}`,
    `/events/${demo.events.refund}`,
    '/deliveries',
    `/deliveries/${demo.deliveries.delivered}`,
    `/deliveries/${demo.deliveries.dead}`,
    '/customers',
    `/customers/${demo.ledger.customerId}`,
    `/customers/orders/${demo.ledger.orderId}`,
    '/documents',
    '/documents/manual-refunds',
    '/documents/sale-mails',
    `/documents/${demo.invoicing.invoiceId}`,
    `/documents/${demo.invoicing.creditNoteId}`,
    '/profiles',
    '/profiles/new',
    `/profiles/${demo.invoicing.profileId}`,
    '/settings',
    UNMATCHED_PATH,
  ];
}

/**
 * What is wrong with the page at `path`, reached through the app's router from the page on
 * screen: axe's serious and critical violations, headings, title.
 */
async function problemsOf(page: Page, path: string): Promise<string[]> {
  await showInApp(page, path);
  const problems = await seriousViolations(page);
  const headings = await page.locator('h1').count();
  if (headings !== 1) problems.push(`${headings} h1 elements`);
  const title = await page.title();
  if (!title.endsWith(' · ipnhub')) problems.push(`document title "${title}"`);
  return problems.map((problem) => `${path}: ${problem}`);
}

/** The invoicing pages the demo data fills, with what each must show (else axe would check an empty or error page). */
async function expectInvoicingPagesFilled(page: Page, language: 'en' | 'he'): Promise<void> {
  const heading = (name: string) => page.getByRole('heading', { level: 1, name, exact: true });
  await page.goto(`/documents/${demo.invoicing.invoiceId}`);
  await heading(
    uiText(language, 'documents.titleOf.invoice', { number: 'RE-2026-000001' }),
  ).waitFor();
  await page.goto(`/documents/${demo.invoicing.creditNoteId}`);
  await heading(
    uiText(language, 'documents.titleOf.credit_note', { number: 'GS-2026-000001' }),
  ).waitFor();
  await page.goto(`/profiles/${demo.invoicing.profileId}`);
  await heading('Muster Software').waitFor();
  await page.goto('/documents');
  expect(
    (await rowTexts(tableNamed(page, uiText(language, 'documents.tableCaption')))).map(
      (row) => row[0],
    ),
  ).toEqual(['GS-2026-000001', 'RE-2026-000001']);
  await page.goto('/documents/sale-mails');
  expect(
    (await rowTexts(tableNamed(page, uiText(language, 'documents.saleMails.tableCaption')))).length,
  ).toBeGreaterThan(0);
}

describe.each(['en', 'he'] as const)('every page in %s', (language) => {
  it('passes axe when signed out', async () => {
    const page = await harness.current.newPage({ language });
    await page.goto('/');
    await page
      .getByRole('heading', { level: 1, name: uiText(language, 'signIn.title'), exact: true })
      .waitFor();
    await expectAccessiblePage(page, `the sign-in page (${language})`);
  });

  it('passes axe on every signed-in page', async () => {
    const page = await harness.current.newPage({ language });
    await signInQuietly(page);
    await page.goto('/');
    await settled(page);
    const problems: string[] = [];
    for (const path of signedInPages()) problems.push(...(await problemsOf(page, path)));
    expect(problems).toEqual([]);
    await expectInvoicingPagesFilled(page, language);
  });

  it('passes axe with the access check answered', async () => {
    const page = await harness.current.newPage({ language });
    await signInQuietly(page);
    await page.goto('/customers');
    await settled(page);
    const check = await askAccess(page, language, demo.buyer.email, demo.buyer.productId);
    await check.getByRole('table', { name: uiText(language, 'customers.check.grants') }).waitFor();
    await expectAccessiblePage(page, `the access check's answer (${language})`);
  });

  it('passes axe with the pointer on a button of the header', async () => {
    const page = await harness.current.newPage({ language });
    await signInQuietly(page);
    await page.goto('/');
    await settled(page);
    // The header's buttons stand on the primary colour; hovered, their text must stay readable.
    await page
      .getByRole('banner')
      .getByRole('button', { name: uiText(language, 'app.signOut') })
      .hover();
    await expectAccessiblePage(page, `a hovered header button (${language})`);
  });

  it('passes axe with a confirmation dialog open', async () => {
    const page = await harness.current.newPage({ language });
    await signInQuietly(page);
    await page.goto(`/sources/${demo.paypalId}`);
    await settled(page);
    await page.getByRole('button', { name: uiText(language, 'common.delete') }).click();
    await page.getByRole('alertdialog').waitFor();
    await expectAccessiblePage(page, `the delete dialog (${language})`);
  });
});
