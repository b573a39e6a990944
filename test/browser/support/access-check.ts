/**
 * The access check of Customers & access, used as a person does: the buyer's e-mail address
 * and the product id typed into its form, then "Check access".
 */
import type { Locator, Page } from 'playwright-core';
import { uiText } from './ui-text.js';
import type { UiLanguage } from './ui-text.js';

/** Asks the access check on the page (Customers & access, open) and returns its region, where the answer appears. */
export async function askAccess(
  page: Page,
  language: UiLanguage,
  email: string,
  productId: string,
): Promise<Locator> {
  const check = page.getByRole('region', { name: uiText(language, 'customers.check.title') });
  await check.getByLabel(uiText(language, 'customers.check.email')).fill(email);
  await check.getByLabel(uiText(language, 'customers.check.productId')).fill(productId);
  await check.getByRole('button', { name: uiText(language, 'customers.check.submit') }).click();
  return check;
}
