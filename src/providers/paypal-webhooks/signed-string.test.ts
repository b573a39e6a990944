import { describe, expect, it } from 'vitest';
import { crc32Decimal, signedBytes } from './signed-string.js';
import { loadPayPalWebhookVectors } from './test-support/vectors.js';

describe('crc32Decimal', () => {
  it('writes the CRC-32 of the raw bytes as an unsigned decimal (values computed with Python zlib)', () => {
    const vectors = loadPayPalWebhookVectors().vectors.map((v) => [
      v.name,
      crc32Decimal(Buffer.from(v.body, 'utf8')),
    ]);
    expect(vectors).toEqual([
      ['WH-01', '2771810304'],
      ['WH-02', '2487599788'],
      ['WH-03', '1915257671'],
    ]);
    expect(crc32Decimal(Buffer.alloc(0))).toBe('0');
    expect(crc32Decimal(Buffer.from('{}'))).toBe('2745614147');
  });
});

describe('signedBytes', () => {
  it('joins transmission id, time, webhook id and CRC with pipes, without spaces', () => {
    const bytes = signedBytes({
      transmissionId: 'dfb3be50-fd74-11e4-8bf3-77339302725b',
      transmissionTime: '2015-05-18T15:45:13Z',
      webhookId: '4JH86294D6297924G',
      rawBody: Buffer.from('{}'),
    });
    expect(bytes.toString('utf8')).toBe(
      'dfb3be50-fd74-11e4-8bf3-77339302725b|2015-05-18T15:45:13Z|4JH86294D6297924G|2745614147',
    );
  });
});
