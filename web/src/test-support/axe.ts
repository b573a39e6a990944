/**
 * axe-core over what is rendered in jsdom: no serious or critical violation. Colour contrast
 * needs a real layout engine and is left to the browser tests.
 *
 * Only violations are reported in full (`resultTypes`): every rule still runs over every
 * element, but axe no longer builds a CSS selector for each element that passed, which in
 * jsdom cost more than the checks themselves (about half of each run on a large form).
 */
import axe from 'axe-core';
import { expect } from 'vitest';

export async function expectAccessible(root: Element = document.body): Promise<void> {
  const results = await axe.run(root, {
    resultTypes: ['violations'],
    rules: { 'color-contrast': { enabled: false } },
  });
  const serious = results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`,
    );
  expect(serious).toEqual([]);
}
