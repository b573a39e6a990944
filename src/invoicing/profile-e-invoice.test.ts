import { describe, expect, it } from 'vitest';
import { IpnhubError } from '../core/errors.js';
import { assertProfileCanEInvoice, profileEInvoiceProblems } from './profile-e-invoice.js';
import { profileSettingsSchema } from './profile-settings.js';
import type { ProfileSettingsInput } from './profile-settings.js';
import { sampleProfileSettings } from './test-support/invoicing-fixtures.js';

const settings = (overrides: Partial<ProfileSettingsInput> = {}) =>
  profileSettingsSchema.parse(sampleProfileSettings(overrides));
const paths = (overrides: Partial<ProfileSettingsInput>): string[] =>
  profileEInvoiceProblems(settings(overrides)).map((field) => field.path);

describe('profileEInvoiceProblems', () => {
  it('finds nothing in a complete profile, whatever the standard rate or exemption', () => {
    expect(paths({})).toEqual([]);
    expect(paths({ taxMode: { kind: 'vat_included', rateBasisPoints: 700 } })).toEqual([]);
    expect(paths({ vatId: null, taxMode: { kind: 'small_business' } })).toEqual([]);
    expect(
      paths({
        countryCode: 'IL',
        vatId: null,
        taxNumber: '512345678',
        taxMode: { kind: 'israel_vat', rateBasisPoints: 1800 },
      }),
    ).toEqual([]);
  });

  it('names the settings the seller lacks, by their setting names', () => {
    const problems = profileEInvoiceProblems(settings({ vatId: null, taxNumber: null }));
    expect(problems.map((p) => p.path)).toEqual(['settings.vatId', 'settings.taxNumber']);
    expect(problems[0]?.problem).toContain('VAT id or a tax number');
    expect(paths({ vatId: '123456789' })).toEqual(['settings.vatId']);
    expect(paths({ taxMode: { kind: 'vat_included', rateBasisPoints: 0 } })).toEqual([
      'settings.taxMode',
    ]);
  });

  it('refuses reverse charge, whose buyer VAT id no payment carries, and names the seller VAT id it lacks', () => {
    const problems = profileEInvoiceProblems(settings({ taxMode: { kind: 'reverse_charge' } }));
    expect(problems).toEqual([
      {
        path: 'settings.taxMode',
        problem: expect.stringContaining("payments do not carry the buyer's VAT id"),
      },
    ]);
    expect(paths({ taxMode: { kind: 'reverse_charge' }, vatId: null })).toEqual([
      'settings.vatId',
      'settings.taxMode',
    ]);
  });

  it('asserts only when the switch is on, with EINVOICE_INCOMPLETE and the fields', () => {
    expect(() =>
      assertProfileCanEInvoice(settings({ vatId: null, taxNumber: null })),
    ).not.toThrow();
    const err = (() => {
      try {
        assertProfileCanEInvoice(settings({ eInvoice: true, vatId: null, taxNumber: null }));
        return null;
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(IpnhubError);
    expect(err).toMatchObject({
      code: 'EINVOICE_INCOMPLETE',
      fields: [{ path: 'settings.vatId' }, { path: 'settings.taxNumber' }],
    });
    expect((err as IpnhubError).message).toContain(
      'The e-invoice cannot be switched on: settings.vatId: BT-31/BT-32',
    );
  });
});
