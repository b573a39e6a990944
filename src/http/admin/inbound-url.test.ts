import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_TOKEN } from '../../../test/helpers/test-runtime.js';
import { startAdminHarness } from './test-support/admin-harness.js';
import type { AdminHarness } from './test-support/admin-harness.js';

const DS24 = {
  provider: 'digistore24',
  name: 'Shop',
  config: { passphrase: 'inbound-url-test-passphrase' },
};

/** Every inbound URL the API answers for `id`: create, get, list and update agree. */
async function inboundUrls(h: AdminHarness, headers: Record<string, string>): Promise<string[]> {
  const call = async (
    method: 'GET' | 'POST' | 'PATCH',
    url: string,
    payload?: Record<string, unknown>,
  ) => {
    const res = await h.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, ...headers },
      ...(payload ? { payload } : {}),
    });
    expect(res.statusCode, res.body).toBeLessThan(300);
    return JSON.parse(res.body) as {
      id: string;
      inboundUrl: string;
      data?: Array<{ id: string; inboundUrl: string }>;
    };
  };
  const created = await call('POST', '/sources', DS24);
  const read = await call('GET', `/sources/${created.id}`);
  const updated = await call('PATCH', `/sources/${created.id}`, { name: 'Shop 2' });
  const listed = (await call('GET', '/sources')).data?.find((source) => source.id === created.id);
  return [
    created.id,
    created.inboundUrl,
    read.inboundUrl,
    updated.inboundUrl,
    listed?.inboundUrl ?? 'missing',
  ];
}

describe('inbound URLs in the admin API (sqlite)', () => {
  describe('with a public base URL', () => {
    let h: AdminHarness;
    beforeAll(async () => {
      h = await startAdminHarness('sqlite', {
        config: { publicBaseUrl: 'https://IPN.example.com/hub/', trustProxy: true },
      });
    });
    afterAll(async () => h.close());

    it('is the public base URL, whatever address the request came in on, and what the CLI shows', async () => {
      const [id, ...urls] = await inboundUrls(h, {
        host: 'internal:8080',
        'x-forwarded-proto': 'http',
        'x-forwarded-host': 'elsewhere.example',
      });
      expect(urls).toEqual(Array(4).fill(`https://ipn.example.com/hub/ipn/${id}`));
      expect(h.runtime.inboundUrl(id ?? '')).toBe(`https://ipn.example.com/hub/ipn/${id}`);
    });
  });

  describe('without a public base URL', () => {
    let direct: AdminHarness;
    let proxied: AdminHarness;
    beforeAll(async () => {
      direct = await startAdminHarness('sqlite');
      proxied = await startAdminHarness('sqlite', { config: { trustProxy: true } });
    });
    afterAll(async () => {
      await direct.close();
      await proxied.close();
    });

    it('is absolute, on the origin the request reached the server at', async () => {
      const [id, ...urls] = await inboundUrls(direct, { host: 'hub.lan:8080' });
      expect(urls).toEqual(Array(4).fill(`http://hub.lan:8080/ipn/${id}`));
    });

    it('takes the forwarded scheme and host behind a trusted proxy, and ignores them otherwise', async () => {
      const forwarded = {
        host: '127.0.0.1:8080',
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'ipn.shop.example',
      };
      const [id, ...urls] = await inboundUrls(proxied, forwarded);
      expect(urls).toEqual(Array(4).fill(`https://ipn.shop.example/ipn/${id}`));
      const [otherId, ...untrusted] = await inboundUrls(direct, forwarded);
      expect(untrusted).toEqual(Array(4).fill(`http://127.0.0.1:8080/ipn/${otherId}`));
    });

    it('is on the listen address in the CLI', () => {
      const { host, port } = direct.runtime.config;
      expect(direct.runtime.inboundUrl('src_1')).toBe(`http://${host}:${port}/ipn/src_1`);
    });
  });
});
