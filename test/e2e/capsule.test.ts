/**
 * End to end through real HTTP, on both dialects: a signed Digistore24 IPN and a signed PayPal
 * REST webhook come in over a socket, land in the ledger, and the worker delivers them to a
 * local Capsule fake: the payment creates the person (name, address, custom field, product
 * tag) and wins the order's opportunity, the refund swaps the tag and loses the opportunity.
 * A wrong token fails the delivery at once and mails the connection's error address.
 */
import { describe, expect, it } from 'vitest';
import { startCapsuleFake } from '../fakes/capsule-fake.js';
import { useDs24Hub } from '../helpers/ds24-hub.js';
import { usePayPalWebhookSource } from '../helpers/paypal-webhook-source.js';
import { enabledDialects } from '../helpers/test-db.js';

for (const dialect of enabledDialects()) {
  describe(`Digistore24 and PayPal webhooks → ledger → Capsule on ${dialect}`, () => {
    const stage = useDs24Hub(
      dialect,
      () => startCapsuleFake({ definitions: [{ name: 'Order ID', type: 'text' }] }),
      { passphrase: 'e2e-passphrase-capsule' },
    );
    const paypal = usePayPalWebhookSource();

    async function createConnection(apiToken: string): Promise<string> {
      const capsule = stage.target;
      const created = await stage.hub.addConnection(
        'capsule',
        {
          apiUrl: capsule.url,
          apiToken,
          customFields: { 'Order ID': 'order.id' },
          opportunity: {
            enabled: true,
            pipelineId: capsule.pipelineId,
            milestoneId: capsule.milestone('New'),
            wonMilestoneId: capsule.milestone('Won'),
            lostMilestoneId: capsule.milestone('Lost'),
          },
        },
        {
          name: 'Capsule buyers',
          filters: { eventTypes: ['payment', 'refund'], includeTest: true },
          errorEmails: ['ops@example.com'],
        },
      );
      expect(JSON.stringify(created.response.json())).not.toContain(apiToken);
      return created.id;
    }

    it('creates and tags the buyer from Digistore24 and wins the opportunity; the refund swaps the tag and loses it', async () => {
      const { hub, target: capsule } = stage;
      const connectionId = await createConnection(capsule.token);
      await hub.postIpn('on_payment', { orderId: 'CAPSORD1' });
      expect(await hub.runtime.worker.runOnce()).toBe(1);
      const [person, ...others] = capsule.peopleByEmail('anna.beispiel@example.com');
      expect(others).toEqual([]);
      expect(person).toMatchObject({
        firstName: 'Anna',
        lastName: 'Beispiel',
        addresses: [{ street: 'Musterstraße 5', zip: '10115', city: 'Berlin', country: 'Germany' }],
      });
      const personId = person?.id ?? 0;
      expect(capsule.tagsOf(personId)).toEqual(['Online Course Basic']);
      expect(capsule.fieldsOf(personId)).toEqual({ 'Order ID': 'CAPSORD1' });
      const [opportunity] = capsule.opportunitiesOf(personId);
      expect(opportunity).toMatchObject({
        description: 'ipnhub order: CAPSORD1',
        milestoneId: capsule.milestone('Won'),
      });

      await hub.postIpn('on_refund', { orderId: 'CAPSORD1' });
      expect(await hub.runtime.worker.runOnce()).toBe(1);
      expect(capsule.peopleByEmail('anna.beispiel@example.com')).toHaveLength(1);
      expect(capsule.tagsOf(personId)).toEqual(['Online Course Basic - refund']);
      expect(capsule.opportunitiesOf(personId).map((o) => o.milestoneId)).toEqual([
        capsule.milestone('Lost'),
      ]);
      expect((await hub.deliveries(connectionId)).map((d) => d.status)).toEqual([
        'delivered',
        'delivered',
      ]);
    });

    it('creates the buyer of a completed PayPal checkout order (webhook)', async () => {
      const { hub, target: capsule } = stage;
      await createConnection(capsule.token);
      await paypal.postCompletedOrder(hub.base, await paypal.create(hub), {
        eventId: 'WH-CAPSULE-1',
        transactionId: 'CAPTURECAPS0001',
        email: 'kim.paypal@example.com',
        firstName: 'Kim',
        lastName: 'Käufer',
      });
      expect(await hub.runtime.worker.runOnce()).toBe(1);
      const [person] = capsule.peopleByEmail('kim.paypal@example.com');
      expect(person).toMatchObject({ firstName: 'Kim', lastName: 'Käufer' });
      expect(capsule.tagsOf(person?.id ?? 0)).toHaveLength(1);
      expect(capsule.opportunitiesOf(person?.id ?? 0)).toMatchObject([
        { milestoneId: capsule.milestone('Won') },
      ]);
    });

    it('fails a delivery with a wrong token at once, and mails the error address with the cause', async () => {
      const { hub, target: capsule } = stage;
      const connectionId = await createConnection('not-the-token');
      await hub.postIpn('on_payment');
      expect(await hub.runtime.worker.runOnce()).toBe(1);
      const [failed] = await hub.deliveries(connectionId);
      expect(failed).toMatchObject({ status: 'failed', attemptCount: 1 });
      expect(capsule.parties.size).toBe(0);
      await hub.smtp.waitForMessages(1);
      const mail = hub.smtp.messages.find((m) => m.subject.includes('Capsule buyers'));
      expect(mail?.to).toEqual(['ops@example.com']);
      expect(mail?.subject).toContain(
        'TARGET_AUTH_FAILED: Capsule rejected the credentials (HTTP 401)',
      );
    });
  });
}
