import { describe, expect, it } from 'vitest';
import { klickTippErrorMessage } from './error-message.js';

describe('Klick-Tipp error messages', () => {
  it('reads message arrays and coded 406 bodies', () => {
    expect(klickTippErrorMessage(['API access denied.'])).toBe('API access denied.');
    expect(klickTippErrorMessage({ error: 7 })).toBe('error 7 (subscriber e-mail not found)');
    expect(klickTippErrorMessage({ error: '10', code: 9 })).toBe(
      'error 10 (subscriber update failed): code 9',
    );
    expect(
      klickTippErrorMessage({
        error: 8,
        field: 'field501',
        field_value: '14.05.2024',
        reason: 'not a timestamp',
      }),
    ).toBe('error 8 (field validation failed): field501 = "14.05.2024": not a timestamp');
    expect(klickTippErrorMessage({ error: 999 })).toBe('error 999');
    expect(klickTippErrorMessage([])).toBeUndefined();
    expect(klickTippErrorMessage(null)).toBeUndefined();
  });
});
