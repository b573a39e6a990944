import { describe, expect, it } from 'vitest';
import { IpnhubError } from '../core/errors.js';
import { namingFlags, withFlagNames } from './flag-names.js';

const FLAGS = {
  passphrase: '--passphrase',
  'filters.eventTypes': '--event',
  errorEmails: '--error-email',
  filters: '--filters',
};

describe('flag names in validation errors', () => {
  it('names the flag of each field, the most specific one first, and --set for other config fields', () => {
    const err = new IpnhubError('INVALID_CONFIG', 'ignored', {
      fields: [
        { path: 'passphrase', problem: 'is required (text)' },
        { path: 'filters.eventTypes.1', problem: 'must be one of payment, refund' },
        { path: 'filters.addons', problem: 'must be one of include, exclude' },
        { path: 'errorEmails.0', problem: 'is not an e-mail address' },
        { path: 'headers.x-key', problem: 'must be text' },
        { path: '(root)', problem: 'unknown field "colour"' },
      ],
    });
    const named = withFlagNames(err, FLAGS) as IpnhubError;
    expect(named.code).toBe('INVALID_CONFIG');
    expect(named.detail).toBe(
      'passphrase (--passphrase): is required (text); filters.eventTypes.1 (--event): must be one of payment, refund; filters.addons (--filters): must be one of include, exclude; ' +
        'errorEmails.0 (--error-email): is not an e-mail address; headers.x-key (--set headers.x-key=…): must be text; (root): unknown field "colour"',
    );
    expect(named.fields).toEqual(err.fields);
  });

  it('tells a typed config field set as text to use :=', () => {
    const err = new IpnhubError('INVALID_CONFIG', 'x', {
      fields: [
        { path: 'timeoutMs', problem: 'must be a whole number, not text' },
        { path: 'legacyHtmlDecoding', problem: 'must be true or false, not text' },
        { path: 'url', problem: 'must be an http:// or https:// URL' },
      ],
    });
    expect((withFlagNames(err, FLAGS) as IpnhubError).detail).toBe(
      'timeoutMs (--set timeoutMs:=…): must be a whole number, not text (--set timeoutMs=… always gives text; write timeoutMs:= followed by the JSON value, e.g. :=5000, :=true or :=["a","b"]); ' +
        'legacyHtmlDecoding (--set legacyHtmlDecoding:=…): must be true or false, not text (--set legacyHtmlDecoding=… always gives text; write legacyHtmlDecoding:= followed by the JSON value, e.g. :=5000, :=true or :=["a","b"]); ' +
        'url (--set url=…): must be an http:// or https:// URL',
    );
  });

  it('leaves fields outside a config without --set, and other errors untouched', () => {
    const validation = new IpnhubError('VALIDATION_FAILED', 'x', {
      fields: [{ path: 'name', problem: 'must not be empty' }],
    });
    expect((withFlagNames(validation, FLAGS) as IpnhubError).detail).toBe(
      'name: must not be empty',
    );
    const plain = new IpnhubError('NOT_FOUND', 'No source x.');
    expect(withFlagNames(plain, FLAGS)).toBe(plain);
    const bug = new Error('boom');
    expect(withFlagNames(bug, FLAGS)).toBe(bug);
  });

  it('rethrows what the work throws, renamed', async () => {
    const failing = namingFlags(FLAGS, () =>
      Promise.reject(
        new IpnhubError('INVALID_CONFIG', 'x', {
          fields: [{ path: 'passphrase', problem: 'is required (text)' }],
        }),
      ),
    );
    await expect(failing).rejects.toThrow('passphrase (--passphrase): is required (text)');
    await expect(namingFlags(FLAGS, () => Promise.resolve(7))).resolves.toBe(7);
  });
});
