import { describe, expect, it } from 'vitest';
import { flattenJson } from './flatten-json.js';

describe('flattenJson', () => {
  it('keys every leaf by its dot path, array indexes included, values as text', () => {
    expect(
      flattenJson({
        id: 'WH-1',
        resource: {
          amount: { value: '9.99' },
          final_capture: true,
          n: 2,
          note: null,
          links: [{ rel: 'self' }, { rel: 'up' }],
          empty: {},
          none: [],
        },
      }),
    ).toEqual({
      id: 'WH-1',
      'resource.amount.value': '9.99',
      'resource.final_capture': 'true',
      'resource.n': '2',
      'resource.note': '',
      'resource.links.0.rel': 'self',
      'resource.links.1.rel': 'up',
    });
  });

  it('keeps a key named __proto__ as a plain field', () => {
    const flat = flattenJson(
      JSON.parse('{"__proto__":{"polluted":"yes"},"id":"x"}') as Record<string, unknown>,
    );
    expect(Object.getPrototypeOf(flat)).toBe(Object.prototype);
    expect(flat['__proto__.polluted']).toBe('yes');
    expect(({} as Record<string, unknown>)['polluted']).toBe(undefined);
  });

  it('leaves out leaves nested deeper than 32 levels instead of recursing without end', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 10_000; i++) deep = [deep];
    const flat = flattenJson({ id: 'x', deep });
    expect(flat).toEqual({ id: 'x' });
  });
});
