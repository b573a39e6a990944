// @vitest-environment jsdom
/**
 * The page tests' accessibility check fails where it must: a serious violation is reported with
 * the rule and the element it was found at, even though only violations are reported in full.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { expectAccessible } from './axe.js';

afterEach(() => {
  document.body.innerHTML = '';
});

/** The violations a failed check listed (the assertion's actual value), or null when it passed. */
function violationsOf(check: Promise<void>): Promise<unknown> {
  return check.then(
    () => null,
    (err: unknown) => (err as { actual?: unknown }).actual,
  );
}

describe('expectAccessible', () => {
  it('passes a labelled form', async () => {
    document.body.innerHTML =
      '<main><h1>Profile</h1><label for="name">Name</label><input id="name"><img src="logo.png" alt="Logo of Muster"></main>';
    await expectAccessible();
  });

  it('fails naming the rule and the element of each serious violation', async () => {
    document.body.innerHTML =
      '<main><h1>Profile</h1><label for="name">Name</label><input id="name"><input id="unlabelled"><img id="logo" src="logo.png"></main>';
    expect(await violationsOf(expectAccessible())).toEqual([
      'image-alt: Images must have alternative text (#logo)',
      'label: Form elements must have labels (#unlabelled)',
    ]);
  });

  it('checks only the element it is given', async () => {
    document.body.innerHTML =
      '<main><h1>Profile</h1><section id="logo-region"><img src="logo.png" alt="Logo of Muster"></section><input id="unlabelled"></main>';
    await expectAccessible(document.getElementById('logo-region') as HTMLElement);
    expect(await violationsOf(expectAccessible())).toEqual([
      'label: Form elements must have labels (#unlabelled)',
    ]);
  });
});
