import { describe, expect, it } from 'vitest';
import { closestName, didYouMean } from './closest-name.js';

describe('closestName', () => {
  it.each([
    ['timeoutMS', ['url', 'secret', 'headers', 'mapping', 'timeoutMs'], 'timeoutMs'],
    ['tagFeild', ['tagField', 'mapping', 'opportunity'], 'tagField'],
    ['firstNme', ['email', 'firstName', 'lastName'], 'firstName'],
    ['amout', ['id', 'amount', 'event', 'product'], 'amount'],
    ['mappnig', ['mapping', 'tagField'], 'mapping'],
    ['ur', ['url', 'secret'], 'url'],
  ])('%s → %s', (name, candidates, expected) => {
    expect(closestName(name, candidates)).toBe(expected);
  });

  it('prefers the smallest distance, then the earlier candidate', () => {
    expect(closestName('lastname', ['firstName', 'lastName'])).toBe('lastName');
    expect(closestName('ab', ['ax', 'ay'])).toBe('ax');
  });

  it('suggests nothing when no candidate is a likely typo', () => {
    expect(closestName('colour', ['url', 'secret', 'headers'])).toBeUndefined();
    expect(closestName('x', [])).toBeUndefined();
    expect(closestName('webhookSecretKey', ['url'])).toBeUndefined();
  });
});

describe('didYouMean', () => {
  it('phrases the suggestion, or says nothing', () => {
    expect(didYouMean('timeoutMS', ['timeoutMs'])).toBe(' (did you mean "timeoutMs"?)');
    expect(didYouMean('colour', ['url'])).toBe('');
  });
});
