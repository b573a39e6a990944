import { describe, expect, it } from 'vitest';
import { buildConfigInput } from './config-input.js';

describe('buildConfigInput', () => {
  it('starts from --config and applies --set in order, strings by default and JSON after :=', () => {
    expect(
      buildConfigInput({
        json: '{"url":"https://a.example","headers":{"x-a":"1"}}',
        sets: [
          'url=https://b.example',
          'headers.x-b=2',
          'timeoutMs:=5000',
          'tags:=["a","b"]',
          'note=a=b',
        ],
      }),
    ).toEqual({
      url: 'https://b.example',
      headers: { 'x-a': '1', 'x-b': '2' },
      timeoutMs: 5000,
      tags: ['a', 'b'],
      note: 'a=b',
    });
  });

  it('returns an empty object without input', () => {
    expect(buildConfigInput({})).toEqual({});
  });

  it('rejects bad JSON, non-objects, malformed --set and prototype keys with VALIDATION_FAILED', () => {
    const cases: Array<[Parameters<typeof buildConfigInput>[0], RegExp]> = [
      [{ json: '{nope' }, /--config: not valid JSON/],
      [{ json: '[1,2]' }, /--config: must be a JSON object/],
      [{ sets: ['no-equals-sign'] }, /--set: expected key=value or key:=json/],
      [{ sets: ['timeoutMs:=fast'] }, /--set timeoutMs: the value after := must be JSON/],
      [{ sets: ['__proto__.polluted=1'] }, /--set __proto__\.polluted: not a valid key/],
      [{ sets: ['a..b=1'] }, /--set a\.\.b: not a valid key/],
    ];
    for (const [input, message] of cases) {
      expect(() => buildConfigInput(input)).toThrow(message);
      try {
        buildConfigInput(input);
      } catch (err) {
        expect((err as { code?: string }).code).toBe('VALIDATION_FAILED');
      }
    }
  });

  it('never echoes a --set value in its messages', () => {
    expect(() => buildConfigInput({ sets: ['secret:={"whsec_do-not-print"'] })).toThrow(
      /^(?!.*do-not-print)/s,
    );
  });
});
