/**
 * End to end through real HTTP, on both dialects: a signed Digistore24 IPN and a signed PayPal
 * REST webhook come in over a socket, land in the ledger, and the worker delivers them to a
 * local Keap fake: the payment creates the contact (name, billing address, opt-in from the
 * buyer's newsletter consent, product tag), the refund swaps the tag. The connection signs in
 * with OAuth2: the refresh token Keap hands out is stored encrypted in the connection, never
 * shown by the API, and used after the runtime forgot what it held.
 */
import { describe, expect, it } from 'vitest';
import { KEAP_FAKE_CLIENT_ID, KEAP_FAKE_CLIENT_SECRET, startKeapFake } from '../fakes/keap-fake.js';
import { useDs24Hub } from '../helpers/ds24-hub.js';
import { usePayPalWebhookSource } from '../helpers/paypal-webhook-source.js';
import { enabledDialects } from '../helpers/test-db.js';

for (const dialect of enabledDialects()) {
  describe(`Digistore24 and PayPal webhooks → ledger → Keap on ${dialect}`, () => {
    const stage = useDs24Hub(dialect, () => startKeapFake(), {
      passphrase: 'e2e-passphrase-keap',
    });
    const paypal = usePayPalWebhookSource();

    async function createConnection(): Promise<string> {
      const created = await stage.hub.addConnection(
        'keap',
        {
          apiUrl: stage.target.apiUrl,
          credentials: {
            method: 'oauth',
            clientId: KEAP_FAKE_CLIENT_ID,
            clientSecret: KEAP_FAKE_CLIENT_SECRET,
            refreshToken: 'rt-1',
            tokenUrl: stage.target.tokenUrl,
          },
        },
        { name: 'Keap buyers', filters: { eventTypes: ['payment', 'refund'], includeTest: true } },
      );
      expect(JSON.stringify(created.response.json())).not.toMatch(/rt-1|fake-client-secret/);
      return created.id;
    }

    it('creates and tags the buyer from Digistore24, swaps the tag on refund, and keeps the rotated refresh token', async () => {
      const { hub, target: keap } = stage;
      const connectionId = await createConnection();
      await hub.postIpn('on_payment', {
        orderId: 'KEAPORD1',
        extra: { newsletter_choice: 'single_optin' },
      });
      expect(await hub.runtime.worker.runOnce()).toBe(1);
      const [contact, ...others] = keap.contactsByEmail('anna.beispiel@example.com');
      expect(others).toEqual([]);
      expect(contact).toMatchObject({
        given_name: 'Anna',
        family_name: 'Beispiel',
        addresses: [
          {
            field: 'BILLING',
            line1: 'Musterstraße 5',
            postal_code: '10115',
            locality: 'Berlin',
            country_code: 'DEU',
          },
        ],
      });
      expect(contact?.email_addresses[0]?.opt_in_reason).toContain('KEAPORD1');
      expect(keap.tagsOf(contact!.id)).toEqual(['Online Course Basic']);
      expect(keap.refreshes()).toBe(1);

      // The stored connection holds Keap's new refresh token; the API never shows it.
      const shown = await hub.call('GET', `/connections/${connectionId}`);
      expect(shown.text).not.toMatch(/rt-\d/);
      const stored = await hub.runtime.connections.loadForDelivery(connectionId);
      expect(stored?.config).toMatchObject({ credentials: { refreshToken: keap.refreshToken() } });

      // Keap refuses the access token: one refresh, with the refresh token Keap handed out last.
      keap.expireAccessTokens();
      await hub.postIpn('on_refund', { orderId: 'KEAPORD1' });
      expect(await hub.runtime.worker.runOnce()).toBe(1);
      expect(keap.tagsOf(contact!.id)).toEqual(['Online Course Basic - refund']);
      expect(keap.refreshes()).toBe(2);
      expect((await hub.runtime.connections.loadForDelivery(connectionId))?.config).toMatchObject({
        credentials: { refreshToken: 'rt-3' },
      });
      expect((await hub.deliveries(connectionId)).map((d) => d.status)).toEqual([
        'delivered',
        'delivered',
      ]);
    });

    it('creates the buyer of a completed PayPal checkout order (webhook)', async () => {
      const { hub, target: keap } = stage;
      await createConnection();
      await paypal.postCompletedOrder(hub.base, await paypal.create(hub), {
        eventId: 'WH-KEAP-1',
        transactionId: 'CAPTUREKEAP0001',
        email: 'kim.paypal@example.com',
        firstName: 'Kim',
        lastName: 'Käufer',
      });
      expect(await hub.runtime.worker.runOnce()).toBe(1);
      const [contact] = keap.contactsByEmail('kim.paypal@example.com');
      expect(contact).toMatchObject({ given_name: 'Kim', family_name: 'Käufer' });
      expect(contact?.email_addresses[0]?.opt_in_reason).toBeNull();
      expect(keap.tags.size).toBe(1);
      expect(keap.tagsOf(contact!.id)).toHaveLength(1);
    });
  });
}
