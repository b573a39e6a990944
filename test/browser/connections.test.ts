/**
 * Connections from the browser, against a local webhook sink (test/fakes/webhook-sink.ts) and
 * payments that Digistore24 sends over HTTP: add a webhook connection, test it, see each
 * delivery with its attempt as sent and answered; the sink fails and the delivery is given up;
 * the sink is fixed and "redeliver everything that failed" sends it again. Then a connection's
 * filters are changed in its form and the next event is not delivered, the page saying why.
 * The worker is driven with `runOnce()` once the notification is in, with no retries in its
 * schedule (a failed delivery is given up at once).
 */
import type { Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebhookSink } from '../fakes/webhook-sink.js';
import type { WebhookSink } from '../fakes/webhook-sink.js';
import { expectAccessiblePage } from './support/axe.js';
import { useBrowserHarness } from './support/browser-harness.js';
import { sendDigistore24 } from './support/digistore24-sender.js';
import { mainNavigation, openSignedIn } from './support/sign-in.js';
import { rowTexts, tableNamed } from './support/tables.js';
import { uiText } from './support/ui-text.js';
import type { UiLanguage } from './support/ui-text.js';

const harness = useBrowserHarness({ config: { retrySchedule: [] } });
const PASSPHRASE = 'passphrase-of-the-shop';
let sink: WebhookSink;
let sourceId: string;

beforeAll(async () => {
  sink = await startWebhookSink();
  const source = await harness.current.runtime.sources.create({
    provider: 'digistore24',
    name: 'Onlinekurse',
    config: { passphrase: PASSPHRASE },
  });
  sourceId = source.id;
});
afterAll(async () => {
  await sink?.close();
});

/** A payment as Digistore24 sends it, then the worker's deliveries of it. */
async function pay(orderId: string, productId = '543210'): Promise<void> {
  const answer = await sendDigistore24(harness.current.origin, sourceId, PASSPHRASE, 'on_payment', {
    orderId,
    productId,
    email: `${orderId.toLowerCase()}@example.de`,
  });
  expect(answer, `payment ${orderId}`).toEqual({ status: 200, text: 'OK' });
  await harness.current.runtime.worker.runOnce();
}

/** The connection's recent deliveries as shown on its page, read again from the server. */
async function recentDeliveries(
  page: Page,
  language: UiLanguage,
  rows: number,
): Promise<string[][]> {
  await page.reload();
  const table = tableNamed(page, uiText(language, 'connections.deliveries.title'));
  await table
    .locator('tbody tr')
    .nth(rows - 1)
    .waitFor();
  return rowTexts(table);
}

describe('connections', () => {
  it('adds a webhook connection, sees its delivery and attempt, then a given-up delivery redelivered after the sink is fixed', async () => {
    const page = await harness.current.newPage({ language: 'de' });
    await openSignedIn(page, '/connections', 'de');
    await page.getByText(uiText('de', 'connections.emptyTitle')).waitFor();

    // Add connection → the webhook's card → its form, generated from the connector's schema.
    await page
      .getByRole('main')
      .getByRole('link', { name: uiText('de', 'connections.add') })
      .click();
    await page
      .getByRole('link', {
        name: uiText('de', 'connections.addConnector', { connector: 'Webhook' }),
      })
      .click();
    await page
      .getByRole('heading', {
        level: 1,
        name: uiText('de', 'connections.addTitle', { connector: 'Webhook' }),
        exact: true,
      })
      .waitFor();
    await page
      .getByRole('textbox', { name: uiText('de', 'connections.form.name') })
      .fill('Buchhaltung');
    await page
      .getByRole('textbox', { name: uiText('de', 'configFields.webhook.url.title') })
      .fill(`${sink.url}/ipn`);
    await page
      .getByRole('group', { name: uiText('de', 'connections.filters.eventTypes') })
      .getByLabel(uiText('de', 'eventTypes.payment'), { exact: true })
      .check();
    await expectAccessiblePage(page, 'the webhook form');
    await page.getByRole('button', { name: uiText('de', 'connections.create') }).click();

    // Its page: the signing secret ipnhub generated, shown once; the filter; the connector's own test.
    await page.getByRole('heading', { level: 1, name: 'Buchhaltung', exact: true }).waitFor();
    const secret = await page.locator('.generated-secrets code').innerText();
    expect(secret).toMatch(/^whsec_/);
    const [connection] = await harness.current.runtime.connections.list();
    expect(connection?.filters.eventTypes).toEqual(['payment']);
    await page.getByRole('button', { name: uiText('de', 'connections.test.run') }).click();
    await page.getByText(uiText('de', 'connections.test.ok')).waitFor();
    const [test] = await sink.waitForRequests(1);
    const signer = new Webhook(secret);
    expect(test?.path).toBe('/ipn');
    expect(() =>
      signer.verify(test?.rawBody.toString('utf8') ?? '', test?.headers ?? {}),
    ).not.toThrow();
    await expectAccessiblePage(page, 'the new connection with its secret and test result');

    // A payment arrives: delivered, signed with that secret; the delivery shows its attempt as sent.
    await pay('ORDER0001');
    const delivered = (await sink.waitForRequests(2))[1];
    expect(() =>
      signer.verify(delivered?.rawBody.toString('utf8') ?? '', delivered?.headers ?? {}),
    ).not.toThrow();
    expect(JSON.stringify(delivered?.json)).toContain('ORDER0001');
    const [first] = await recentDeliveries(page, 'de', 1);
    expect(first?.slice(1, 4)).toEqual([
      uiText('de', 'eventTypes.payment'),
      uiText('de', 'status.delivery.delivered'),
      '1',
    ]);
    await tableNamed(page, uiText('de', 'connections.deliveries.title'))
      .locator('tbody td:first-child a')
      .click();
    await page
      .getByRole('heading', {
        level: 1,
        name: uiText('de', 'deliveries.detail.title', { connection: 'Buchhaltung' }),
        exact: true,
      })
      .waitFor();
    const attempt = page.getByRole('article', {
      name: uiText('de', 'deliveries.attempt.title', { number: 1 }),
    });
    await attempt
      .getByText(uiText('de', 'deliveries.attempt.outcome.delivered'), { exact: true })
      .waitFor();
    expect(await attempt.locator('.sent-request code').first().innerText()).toBe(
      `POST ${sink.url}/ipn`,
    );
    expect(
      await attempt
        .getByRole('region', { name: uiText('de', 'deliveries.attempt.bodyLabel', { number: 1 }) })
        .innerText(),
    ).toContain('ORDER0001');
    await expectAccessiblePage(page, 'a delivered delivery with its attempt');

    // The sink fails the next one: with no retries left it is given up.
    sink.respondWith({ status: 500, body: 'database down' });
    await pay('ORDER0002');
    await sink.waitForRequests(3);
    await page.getByRole('main').getByRole('link', { name: 'Buchhaltung' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Buchhaltung', exact: true }).waitFor();
    const [dead] = await recentDeliveries(page, 'de', 2);
    expect(dead?.slice(1, 4)).toEqual([
      uiText('de', 'eventTypes.payment'),
      uiText('de', 'status.delivery.dead'),
      '1',
    ]);
    expect(dead?.[5]).toBe('HTTP 500');
    await page
      .getByText(uiText('de', 'connections.health.dead_one', { count: 1 }))
      .first()
      .waitFor();
    const deadLink = tableNamed(page, uiText('de', 'connections.deliveries.title'))
      .locator('tbody tr')
      .first()
      .locator('td:first-child a');
    const deadPath = await deadLink.getAttribute('href');
    await deadLink.click();
    const failedAttempt = page.getByRole('article', {
      name: uiText('de', 'deliveries.attempt.title', { number: 1 }),
    });
    await failedAttempt
      .getByText(uiText('de', 'deliveries.attempt.outcome.givenUp'), { exact: true })
      .waitFor();
    expect(await failedAttempt.innerText()).toContain('database down');
    await expectAccessiblePage(page, 'a given-up delivery');

    // The sink is fixed (it answers 200 again): redeliver everything that failed, from the connection's page.
    await page.goBack();
    await page.getByRole('heading', { level: 1, name: 'Buchhaltung', exact: true }).waitFor();
    await page
      .getByRole('button', {
        name: uiText('de', 'deliveries.redeliverAll.button', { name: 'Buchhaltung' }),
      })
      .click();
    const dialog = page.getByRole('alertdialog', {
      name: uiText('de', 'deliveries.redeliverAll.title', { name: 'Buchhaltung' }),
    });
    await dialog
      .getByRole('button', { name: uiText('de', 'deliveries.redeliverAll.confirm') })
      .click();
    await page
      .getByText(uiText('de', 'deliveries.redeliverAll.done_one', { formatted: '1' }))
      .waitFor();
    await harness.current.runtime.worker.runOnce();
    const again = (await sink.waitForRequests(4))[3];
    expect(JSON.stringify(again?.json)).toContain('ORDER0002');
    await page.goto(deadPath ?? '/');
    const secondAttempt = page.getByRole('article', {
      name: uiText('de', 'deliveries.attempt.title', { number: 2 }),
    });
    await secondAttempt
      .getByText(uiText('de', 'deliveries.attempt.outcome.delivered'), { exact: true })
      .waitFor();
    expect(await secondAttempt.innerText()).toContain(
      uiText('de', 'deliveries.attempt.trigger.manual'),
    );
    const state = page.getByRole('region', { name: uiText('de', 'deliveries.detail.stateTitle') });
    expect(await state.locator('.badge').innerText()).toBe(
      uiText('de', 'status.delivery.delivered'),
    );
    expect(sink.requests).toHaveLength(4);
  });

  it("edits a connection's filters in its form, and the next event is not delivered", async () => {
    const { runtime } = harness.current;
    // This test's connection is the only one.
    for (const existing of await runtime.connections.list())
      await runtime.connections.remove(existing.id);
    const crm = await startWebhookSink();
    try {
      const { connection } = await runtime.connections.create({
        connector: 'webhook',
        name: 'CRM export',
        config: { url: `${crm.url}/crm` },
      });
      await pay('ORDER0101');
      await crm.waitForRequests(1);

      const page = await harness.current.newPage({ language: 'en' });
      await openSignedIn(page, `/connections/${connection.id}`, 'en');
      await page.getByRole('heading', { level: 1, name: 'CRM export', exact: true }).waitFor();
      await page
        .getByRole('main')
        .getByRole('link', { name: uiText('en', 'common.edit') })
        .click();
      await page
        .getByRole('heading', {
          level: 1,
          name: uiText('en', 'connections.editTitle', { name: 'CRM export' }),
          exact: true,
        })
        .waitFor();
      // Only product 111111 from now on.
      await page.getByLabel(uiText('en', 'connections.filters.productIds')).fill('111111');
      await page.getByRole('button', { name: uiText('en', 'common.save') }).click();
      await page.getByRole('heading', { level: 1, name: 'CRM export', exact: true }).waitFor();
      await page.locator('.filter-summary').getByText('111111', { exact: true }).waitFor();
      expect((await runtime.connections.get(connection.id))?.filters.productIds).toEqual([
        '111111',
      ]);

      // A payment for another product: not delivered; its notification says why.
      await pay('ORDER0102', '543210');
      await mainNavigation(page, 'en')
        .getByRole('link', { name: uiText('en', 'nav.notifications') })
        .click();
      const log = tableNamed(page, uiText('en', 'notifications.tableCaption'));
      await log.locator('tbody td:first-child a').first().click();
      await page
        .getByRole('heading', {
          level: 1,
          name: uiText('en', 'notifications.detail.title'),
          exact: true,
        })
        .waitFor();
      await page.getByText(uiText('en', 'events.noDeliveries')).waitFor();
      expect(await page.getByRole('article').innerText()).toContain('ORDER0102');
      await expectAccessiblePage(page, 'an event no connection took');

      // One for product 111111 still is: the filter lets through what it names.
      await pay('ORDER0103', '111111');
      const [, delivered] = await crm.waitForRequests(2);
      expect(JSON.stringify(delivered?.json)).toContain('ORDER0103');
      expect(crm.requests).toHaveLength(2);
    } finally {
      await crm.close();
    }
  });
});
