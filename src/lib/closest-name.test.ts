import { describe, expect, it } from 'vitest';
import { closestName, didYouMean, editDistance } from './closest-name.js';

describe('closest name', () => {
  it('counts inserts, deletes, substitutions and swapped neighbours as one edit each', () => {
    expect(editDistance('port', 'port')).toBe(0);
    expect(editDistance('prot', 'port')).toBe(1);
    expect(editDistance('ports', 'port')).toBe(1);
    expect(editDistance('pert', 'port')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('finds the intended name of common typos, ignoring case', () => {
    const keys = ['timeoutMs', 'tagField', 'url', 'publicBaseUrl', 'dataDir'];
    expect(closestName('timeoutMS', keys)).toBe('timeoutMs');
    expect(closestName('tagFeild', keys)).toBe('tagField');
    expect(closestName('publicBaseURL', keys)).toBe('publicBaseUrl');
    expect(closestName('datadir', keys)).toBe('dataDir');
  });

  it('finds a name that the input starts with, or that starts with the input', () => {
    expect(closestName('warning', ['fatal', 'error', 'warn', 'info'])).toBe('warn');
    expect(closestName('err', ['fatal', 'error', 'warn'])).toBe('error');
    expect(closestName('wa', ['warn'])).toBeUndefined();
  });

  it('suggests nothing for names that are not plausibly a typo', () => {
    expect(closestName('color', ['port', 'host'])).toBeUndefined();
    expect(closestName('ab', ['xy'])).toBeUndefined();
    expect(closestName('anything', [])).toBeUndefined();
  });

  it('prefers the nearest candidate, then the earlier one', () => {
    expect(closestName('hostnam', ['host', 'hostname'])).toBe('hostname');
    expect(closestName('abcdef', ['abcdeg', 'abcdeh'])).toBe('abcdeg');
  });

  it('phrases the suggestion, with a caller-chosen quote', () => {
    expect(didYouMean('prot', ['port'])).toBe(' (did you mean "port"?)');
    expect(didYouMean('IPNHUB_PROT', ['IPNHUB_PORT'], (n) => n)).toBe(
      ' (did you mean IPNHUB_PORT?)',
    );
    expect(didYouMean('zzz', ['port'])).toBe('');
  });
});
