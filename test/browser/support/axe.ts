/**
 * axe-core in the real browser: its source is evaluated in the page (through the DevTools
 * protocol, which the page's Content-Security-Policy does not restrict, so the UI is checked
 * under the CSP it really has) and run over the whole document with every rule, colour
 * contrast included. A page passes with no serious or critical violation.
 */
import axe from 'axe-core';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

interface AxeNode {
  target: unknown[];
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: AxeNode[];
}

function isViolationList(value: unknown): value is AxeViolation[] {
  return (
    Array.isArray(value) &&
    value.every(
      (item: unknown) =>
        typeof item === 'object' && item !== null && 'id' in item && 'nodes' in item,
    )
  );
}

/** The serious and critical violations on the page as it is now, one line each. */
export async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(axe.source);
  const violations: unknown = await page.evaluate(
    'window.axe.run(document, { resultTypes: ["violations"] }).then((result) => result.violations)',
  );
  if (!isViolationList(violations))
    throw new Error('axe-core did not answer with a list of violations');
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
    );
}

/** Fails naming every serious or critical violation on the page, under `what` (the page checked). */
export async function expectAccessiblePage(page: Page, what: string): Promise<void> {
  expect(await seriousViolations(page), `axe on ${what}`).toEqual([]);
}
