/**
 * Reading the UI's tables as a person reads them: found by their caption (their accessible
 * name), row by row.
 */
import type { Locator, Page } from 'playwright-core';

/** The table whose caption is `caption` (visible or not). */
export function tableNamed(scope: Page | Locator, caption: string): Locator {
  return scope.getByRole('table', { name: caption, exact: true });
}

/** A two-column name/value table (a notification's fields, a request's headers) as pairs, in order. */
export async function nameValueRows(table: Locator): Promise<Array<[string, string]>> {
  await table.waitFor();
  const names = await table.locator('tbody tr > th').allInnerTexts();
  const values = await table.locator('tbody tr > td').allInnerTexts();
  if (names.length !== values.length)
    throw new Error(`${names.length} names but ${values.length} values in the table`);
  return names.map((name, index) => [name.trim(), (values[index] ?? '').trim()]);
}

/** Each body row's cells' texts, in order. */
export async function rowTexts(table: Locator): Promise<string[][]> {
  await table.waitFor();
  const rows: string[][] = [];
  for (const row of await table.locator('tbody tr').all())
    rows.push((await row.locator('td, th').allInnerTexts()).map((text) => text.trim()));
  return rows;
}
