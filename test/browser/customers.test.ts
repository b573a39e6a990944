/**
 * "Does buyer X have access to product Y?", answered in the browser from what Digistore24 sent
 * over HTTP: the payment found in the notification log by its order id, with its fields and the
 * event it produced; the access check on Customers & access says yes, no for a product not
 * bought, and no again once the refund has arrived; the order behind the answer shows both on
 * its timeline. In Italian, one of the users' languages.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { askAccess } from './support/access-check.js';
import { expectAccessiblePage } from './support/axe.js';
import { useBrowserHarness } from './support/browser-harness.js';
import { sendDigistore24 } from './support/digistore24-sender.js';
import { mainNavigation, openSignedIn } from './support/sign-in.js';
import { nameValueRows, rowTexts, tableNamed } from './support/tables.js';
import { uiText } from './support/ui-text.js';

const harness = useBrowserHarness();
const PASSPHRASE = 'passphrase-of-the-shop';
const BUYER = {
  email: 'giulia.bianchi@example.it',
  orderId: 'B4NC8Q2X',
  productId: '543210',
  language: 'it',
};
/** The sample payment's product name (src/providers/digistore24/sample-fields.ts), as the UI labels a product. */
const PRODUCT = `Online Course Basic (${BUYER.productId})`;

/** Asks the access check and waits for its answer to be `expected` (an earlier answer may still be shown until then). */
async function checkAccess(
  page: Page,
  email: string,
  productId: string,
  expected: string,
): Promise<void> {
  const check = await askAccess(page, 'it', email, productId);
  const answer = check.locator('.access-answer').filter({ hasText: expected });
  await answer.waitFor();
  expect(await answer.innerText()).toBe(expected);
}

describe('customers and access', () => {
  it('finds the payment in the log, says the buyer has access, and no longer after the refund', async () => {
    const { origin, runtime } = harness.current;
    const source = await runtime.sources.create({
      provider: 'digistore24',
      name: 'Corsi online',
      config: { passphrase: PASSPHRASE },
    });
    const paid = await sendDigistore24(origin, source.id, PASSPHRASE, 'on_payment', BUYER);
    expect(paid).toEqual({ status: 200, text: 'OK' });
    // Something else in the log that the search must leave out.
    expect(await sendDigistore24(origin, source.id, PASSPHRASE, 'connection_test')).toEqual({
      status: 200,
      text: 'OK',
    });

    // The notification log finds the payment by its order id; its page has the fields and the event.
    const page = await harness.current.newPage({ language: 'it' });
    await openSignedIn(page, '/notifications', 'it');
    const filters = page.getByRole('search', { name: uiText('it', 'notifications.filtersLabel') });
    await filters.getByLabel(uiText('it', 'notifications.search')).fill(BUYER.orderId);
    const log = tableNamed(page, uiText('it', 'notifications.tableCaption'));
    const testRow = log.getByRole('row').filter({ hasText: uiText('it', 'status.verdict.test') });
    await testRow.waitFor();
    await filters.getByRole('button', { name: uiText('it', 'common.apply') }).click();
    await testRow.waitFor({ state: 'detached' });
    expect((await rowTexts(log)).map((row) => row.slice(1))).toEqual([
      ['Corsi online', uiText('it', 'status.verdict.accepted'), '1'],
    ]);
    // The time it was received links to it.
    await log.locator('tbody td:first-child a').click();
    await page
      .getByRole('heading', {
        level: 1,
        name: uiText('it', 'notifications.detail.title'),
        exact: true,
      })
      .waitFor();
    const fields = new Map(
      await nameValueRows(tableNamed(page, uiText('it', 'notifications.detail.fieldsCaption'))),
    );
    expect([
      fields.get('event'),
      fields.get('order_id'),
      fields.get('email'),
      fields.get('product_id'),
      fields.get('amount'),
    ]).toEqual(['on_payment', BUYER.orderId, BUYER.email, BUYER.productId, '97.00']);
    await page
      .getByRole('heading', { level: 3, name: uiText('it', 'eventTypes.payment') })
      .waitFor();
    await expectAccessiblePage(page, 'the payment in the log (it)');

    // Customers & access: yes for the product bought, with the order behind the answer.
    await mainNavigation(page, 'it')
      .getByRole('link', { name: uiText('it', 'nav.customers') })
      .click();
    await page
      .getByRole('heading', { level: 1, name: uiText('it', 'nav.customers'), exact: true })
      .waitFor();
    await checkAccess(
      page,
      BUYER.email,
      BUYER.productId,
      `${uiText('it', 'customers.check.answerYes')} ${uiText('it', 'customers.check.yes', { email: BUYER.email, product: PRODUCT })}`,
    );
    const grants = tableNamed(page, uiText('it', 'customers.check.grants'));
    const [grant] = await rowTexts(grants);
    expect(grant?.slice(0, 3)).toEqual([
      BUYER.orderId,
      uiText('it', 'customers.orderStatus.paid'),
      uiText('it', 'customers.accessStatus.active'),
    ]);
    await expectAccessiblePage(page, 'the access check answered yes (it)');

    // No for a product this buyer did not buy.
    await checkAccess(
      page,
      BUYER.email,
      '999999',
      `${uiText('it', 'customers.check.answerNo')} ${uiText('it', 'customers.check.none', { email: BUYER.email, product: '999999' })}`,
    );

    // Asked again, yes; then Digistore24 sends the refund, and the same question asked once more
    // (the server asked again, not the page's last answer) is answered no: revoked.
    await checkAccess(
      page,
      BUYER.email,
      BUYER.productId,
      `${uiText('it', 'customers.check.answerYes')} ${uiText('it', 'customers.check.yes', { email: BUYER.email, product: PRODUCT })}`,
    );
    const refunded = await sendDigistore24(origin, source.id, PASSPHRASE, 'on_refund', BUYER);
    expect(refunded).toEqual({ status: 200, text: 'OK' });
    await checkAccess(
      page,
      BUYER.email,
      BUYER.productId,
      `${uiText('it', 'customers.check.answerNo')} ${uiText('it', 'customers.check.revoked', { email: BUYER.email, product: PRODUCT })}`,
    );

    // The order behind it: refunded, with the payment and the refund on its timeline.
    await grants.getByRole('link', { name: BUYER.orderId }).click();
    await page
      .getByRole('heading', {
        level: 1,
        name: uiText('it', 'customers.orderTitle', { id: BUYER.orderId }),
        exact: true,
      })
      .waitFor();
    const timeline = page.locator('.timeline-entry strong');
    await timeline.nth(1).waitFor();
    expect(await timeline.allInnerTexts()).toEqual([
      uiText('it', 'eventTypes.payment'),
      uiText('it', 'eventTypes.refund'),
    ]);
    await expectAccessiblePage(page, 'the refunded order (it)');
  });
});
