/**
 * End to end through real HTTP, on both dialects: signed Digistore24 IPNs come in over a
 * socket, land in the ledger, and the worker delivers them to a local Quentn fake: the payment
 * creates the contact (mapped fields, field assignments, product tag, e-mail confirmed from the
 * buyer's newsletter consent), the refund takes the product tag off again. A wrong API key
 * fails the delivery at once and mails the connection's error address with the cause.
 */
import { describe, expect, it } from 'vitest';
import { QUENTN_FAKE_KEY, startQuentnFake } from '../fakes/quentn-fake.js';
import { useDs24Hub } from '../helpers/ds24-hub.js';
import { enabledDialects } from '../helpers/test-db.js';

for (const dialect of enabledDialects()) {
  describe(`Digistore24 → ledger → Quentn on ${dialect}`, () => {
    const customFields = [
      { field_name: 'ds24_affiliate', label: 'Affiliate', type: 'text_textfield' },
      { field_name: 'ds24_order_id', label: 'Order ID', type: 'text_textfield' },
      { field_name: 'ds24_invoice', label: 'Invoice', type: 'text_textfield' },
    ];
    const stage = useDs24Hub(dialect, () => startQuentnFake({ customFields }), {
      passphrase: 'e2e-passphrase-quentn',
    });

    async function createConnection(apiKey: string): Promise<string> {
      const created = await stage.hub.addConnection(
        'quentn',
        {
          baseUrl: stage.target.url,
          apiKey,
          requestsPerSecond: 50,
          fieldAssignments: {
            affiliateName: 'ds24_affiliate',
            orderId: 'ds24_order_id',
            invoiceLink: 'ds24_invoice',
          },
        },
        {
          name: 'Quentn buyers',
          filters: { eventTypes: ['payment', 'refund'] },
          errorEmails: ['ops@example.com'],
        },
      );
      expect(
        created.response.json<{ config: Record<string, unknown> }>().config,
      ).not.toHaveProperty('apiKey');
      return created.id;
    }

    async function postIpn(event: string, extra: Record<string, string> = {}): Promise<void> {
      await stage.hub.postIpn(event, { orderId: 'QNTORD01', extra });
    }

    it('creates the tagged contact on payment and takes the tag off on refund', async () => {
      const { hub, target: quentn } = stage;
      const connectionId = await createConnection(QUENTN_FAKE_KEY);
      await postIpn('on_payment', {
        newsletter_choice: 'single_optin',
        affiliate_name: 'maxpartner',
        affiliate_id: '4711',
      });
      expect(await hub.runtime.worker.runOnce()).toBe(1);

      const [contact, ...others] = quentn.contactsByMail('anna.beispiel@example.com');
      expect(others).toEqual([]);
      expect(contact?.fields).toEqual({
        mail_status: 'confirmed',
        first_name: 'Anna',
        family_name: 'Beispiel',
        ba_street: 'Musterstraße 5',
        ba_postal_code: '10115',
        ba_city: 'Berlin',
        ba_country: 'DE',
        ds24_affiliate: 'maxpartner',
        ds24_order_id: 'QNTORD01',
        ds24_invoice: 'https://www.digistore24.com/invoice/QNTORD01/91000001/ABCD1234.pdf',
        mail: 'anna.beispiel@example.com',
      });
      expect(quentn.tagsOf(contact!.id)).toEqual(['Online Course Basic']);
      expect((await hub.deliveries(connectionId)).map((d) => d.status)).toEqual(['delivered']);

      await postIpn('on_refund');
      expect(await hub.runtime.worker.runOnce()).toBe(1);
      expect(quentn.contacts.size).toBe(1);
      expect(quentn.tagsOf(contact!.id)).toEqual(['Online Course Basic - refund']);
      expect(contact?.fields.mail_status).toBe('confirmed');
      expect((await hub.deliveries(connectionId)).map((d) => d.status).sort()).toEqual([
        'delivered',
        'delivered',
      ]);
      expect(await hub.runtime.worker.runOnce()).toBe(0);
    });

    it('fails a delivery with a wrong API key at once, and mails the error address naming the connection and the cause', async () => {
      const { hub, target: quentn } = stage;
      const connectionId = await createConnection('not-the-key');
      await postIpn('on_payment');
      expect(await hub.runtime.worker.runOnce()).toBe(1);
      const [failed] = await hub.deliveries(connectionId);
      expect(failed).toMatchObject({ status: 'failed', attemptCount: 1 });
      expect(quentn.requests).toHaveLength(1);
      expect(quentn.contacts.size).toBe(0);

      await hub.smtp.waitForMessages(1);
      const mail = hub.smtp.messages.find((m) => m.subject.includes('Quentn buyers'));
      expect(mail?.to).toEqual(['ops@example.com']);
      expect(mail?.subject).toContain(
        'TARGET_AUTH_FAILED: Quentn rejected the credentials (HTTP 401)',
      );
      expect(mail?.text).toContain(failed!.id);
    });
  });
}
