import { describe, expect, it } from 'vitest';
import { partnerCipher, partnerHeaders } from './partner-auth.js';

describe('Klick-Tipp partner authentication', () => {
  it('computes X-Ci as the test vector in docs/protocols/klicktipp.md#authentication says', () => {
    expect(partnerCipher('00112233445566778899aabbccddeeff', 'cust-abc')).toBe(
      'CAQA5T19ucrnJQARPsQaj9JeFB9NFSKrjss+HNZ9g0djdXN0LWFiYw==',
    );
    expect(partnerHeaders('shop', '00112233445566778899aabbccddeeff', 'cust-abc')).toEqual({
      'x-un': 'shop',
      'x-ci': 'CAQA5T19ucrnJQARPsQaj9JeFB9NFSKrjss+HNZ9g0djdXN0LWFiYw==',
    });
  });
});
