// Run only by test/helpers/exit-code.test.ts: one test that fails.
import { expect, it } from 'vitest';

it('fails on purpose', () => {
  expect(1).toBe(2);
});
