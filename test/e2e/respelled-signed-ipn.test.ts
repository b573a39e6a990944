/**
 * One genuine, signed Digistore24 notification must never become a second payment. An attacker
 * who has seen one can respell its values without breaking the signature only where a signature
 * variant hashes something other than the received text: HTML entities (`&#79;` for `O`, the
 * legacy variant hashes decoded values) and the case of names (the upper-case-keys variant).
 * Every such body must either be refused or count as a duplicate of the original: same events,
 * same ledger, no new delivery.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { sql } from 'kysely';
import { startAdminHarness } from '../../src/http/admin/test-support/admin-harness.js';
import type { AdminHarness } from '../../src/http/admin/test-support/admin-harness.js';
import { computeShaSign } from '../../src/providers/digistore24/sha-sign.js';
import {
  sampleDigistore24Fields,
  signDigistore24Fields,
} from '../../src/providers/digistore24/sign-request.js';
import { enabledDialects } from '../helpers/test-db.js';

const PASS = 'respelling-passphrase';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** Fields that decide whether a notification is new, whose order it is, and whose access it changes. */
const IDENTITY_FIELDS = [
  'event',
  'order_id',
  'transaction_id',
  'pay_sequence_no',
  'rebill_stop_noted_at',
  'product_id',
  'email',
  'affiliate_name',
  'transaction_type',
  'amount',
  'currency',
  'billing_type',
  'api_mode',
];

/** Named HTML entities for characters the sample values contain (HTML5 names, as PHP and `entities` decode them). */
const NAMED: Readonly<Record<string, readonly string[]>> = {
  _: ['&lowbar;', '&UnderBar;'],
  '.': ['&period;'],
  '@': ['&commat;'],
  ':': ['&colon;'],
};

/** Every way of writing `ch` as a character reference that an HTML decoder turns back into `ch`. */
function entitySpellings(ch: string): string[] {
  const code = ch.codePointAt(0) ?? 0;
  const hex = code.toString(16);
  return [
    ...new Set([
      `&#${code};`,
      `&#0${code};`,
      `&#0000${code};`,
      `&#x${hex};`,
      `&#X${hex};`,
      `&#x${hex.toUpperCase()};`,
      `&#x00${hex};`,
      ...(NAMED[ch] ?? []),
    ]),
  ];
}

interface Respelling {
  field: string;
  value: string;
}

/** The respellings of one field's value: every spelling of its first character, and the whole value as decimal references. */
function respellings(field: string, value: string, all: boolean): Respelling[] {
  const first = String.fromCodePoint(value.codePointAt(0) ?? 0);
  const rest = value.slice(first.length);
  const spellings = all ? entitySpellings(first) : entitySpellings(first).slice(0, 1);
  const whole = [...value].map((ch) => `&#${ch.codePointAt(0) ?? 0};`).join('');
  return [
    ...spellings.map((s) => ({ field, value: s + rest })),
    ...(all ? [{ field, value: whole }] : []),
  ];
}

function encode(fields: Readonly<Record<string, string>>): string {
  return new URLSearchParams(Object.entries(fields)).toString();
}

/** Genuine notifications of the three kinds whose dedup keys are built differently. */
function genuineMessages(): Array<Record<string, string>> {
  return [
    sampleDigistore24Fields('on_payment', {
      orderId: 'ORDX7',
      transactionId: '7001',
      productId: '543210',
      email: 'buyer@example.com',
    }),
    sampleDigistore24Fields('on_rebill_cancelled', {
      orderId: 'ORDX8',
      productId: '543210',
      email: 'buyer@example.com',
      billingType: 'subscription',
    }),
    sampleDigistore24Fields('on_affiliation', {
      productId: '543210',
      email: 'affiliate@example.com',
    }),
  ];
}

for (const dialect of enabledDialects()) {
  describe(`respelled copies of a signed Digistore24 notification on ${dialect}`, () => {
    let hub: AdminHarness;
    let base: string;

    beforeAll(async () => {
      hub = await startAdminHarness(dialect);
      base = await hub.app.listen({ port: 0, host: '127.0.0.1' });
    });
    afterAll(async () => {
      await hub.close();
    });

    async function addSource(config: Record<string, unknown>): Promise<string> {
      const res = await hub.call('POST', '/sources', {
        provider: 'digistore24',
        name: `ds24 ${String(config['legacyHtmlDecoding'])}`,
        config,
      });
      expect(res.status).toBe(201);
      return res.json<{ id: string }>().id;
    }

    async function post(sourceId: string, body: string): Promise<{ status: number; text: string }> {
      const res = await request(`${base}/ipn/${sourceId}`, { method: 'POST', headers: FORM, body });
      return { status: res.statusCode, text: await res.body.text() };
    }

    async function counts(sourceId: string) {
      const db = hub.db;
      const events = await db
        .selectFrom('events')
        .select(sql<number>`count(*)`.as('n'))
        .where('source_id', '=', sourceId)
        .executeTakeFirstOrThrow();
      const verdicts = await db
        .selectFrom('inbound_requests')
        .select(['verdict', sql<number>`count(*)`.as('n')])
        .where('source_id', '=', sourceId)
        .groupBy('verdict')
        .execute();
      const orders = await db
        .selectFrom('orders')
        .select(sql<number>`count(*)`.as('n'))
        .executeTakeFirstOrThrow();
      const transactions = await db
        .selectFrom('transactions')
        .select(sql<number>`count(*)`.as('n'))
        .executeTakeFirstOrThrow();
      return {
        events: Number(events.n),
        verdicts: Object.fromEntries(verdicts.map((v) => [v.verdict, Number(v.n)])),
        orders: Number(orders.n),
        transactions: Number(transactions.n),
      };
    }

    it('counts every entity spelling of every field as a duplicate when legacy signatures are accepted', async () => {
      const sourceId = await addSource({ passphrase: PASS, legacyHtmlDecoding: true });
      const webhook = await hub.call('POST', '/connections', {
        connector: 'webhook',
        name: 'billing',
        config: { url: 'https://billing.example.com/ipn' },
        filters: { sources: [sourceId] },
      });
      expect(webhook.status).toBe(201);
      let sent = 0;
      for (const fields of genuineMessages()) {
        const signed = signDigistore24Fields(fields, PASS);
        expect(await post(sourceId, encode(signed))).toEqual({ status: 200, text: 'OK' });
        const before = await counts(sourceId);
        const deliveriesBefore = await hub.call(
          'GET',
          `/deliveries?connectionId=${webhook.json<{ id: string }>().id}`,
        );
        let tried = 0;
        for (const [field, value] of Object.entries(fields)) {
          if (value === '' || field === 'sha_sign') continue;
          for (const respelt of respellings(field, value, IDENTITY_FIELDS.includes(field))) {
            const reply = await post(
              sourceId,
              encode({ ...signed, [respelt.field]: respelt.value }),
            );
            expect({ field, spelling: respelt.value, reply }).toEqual({
              field,
              spelling: respelt.value,
              reply: { status: 200, text: 'OK' },
            });
            tried += 1;
          }
        }
        sent += 1 + tried;
        const after = await counts(sourceId);
        expect(after.events).toBe(before.events);
        expect(after.orders).toBe(before.orders);
        expect(after.transactions).toBe(before.transactions);
        expect(after.verdicts['duplicate'] ?? 0).toBe((before.verdicts['duplicate'] ?? 0) + tried);
        const deliveriesAfter = await hub.call(
          'GET',
          `/deliveries?connectionId=${webhook.json<{ id: string }>().id}`,
        );
        expect(deliveriesAfter.json<{ data: unknown[] }>().data).toHaveLength(
          deliveriesBefore.json<{ data: unknown[] }>().data.length,
        );
      }
      const final = await counts(sourceId);
      // Three genuine notifications: the payment and the cancellation are events, the affiliation too.
      expect(final.events).toBe(3);
      expect(Object.values(final.verdicts).reduce((a, b) => a + b, 0)).toBe(sent);
    });

    it('refuses every respelling by default, when only the received text is hashed', async () => {
      const sourceId = await addSource({ passphrase: PASS });
      for (const fields of genuineMessages()) {
        const signed = signDigistore24Fields(fields, PASS);
        expect(await post(sourceId, encode(signed))).toEqual({ status: 200, text: 'OK' });
        for (const field of IDENTITY_FIELDS) {
          const value = fields[field];
          if (value === undefined || value === '') continue;
          for (const respelt of respellings(field, value, true)) {
            const reply = await post(
              sourceId,
              encode({ ...signed, [respelt.field]: respelt.value }),
            );
            expect({
              field,
              spelling: respelt.value,
              status: reply.status,
              text: reply.text,
            }).toEqual({
              field,
              spelling: respelt.value,
              status: 403,
              text: 'ERROR: SIGNATURE_INVALID: sha_sign does not match the configured passphrase',
            });
          }
        }
      }
      expect((await counts(sourceId)).events).toBe(3);
    });

    it('counts a notification signed with upper-case keys as a duplicate whatever the case of its names', async () => {
      const sourceId = await addSource({ passphrase: PASS });
      const fields = sampleDigistore24Fields('on_payment', {
        orderId: 'ORDB1',
        transactionId: '8001',
        productId: '543210',
      });
      const signature = computeShaSign(fields, PASS, { upperCaseKeys: true });
      expect(await post(sourceId, encode({ ...fields, sha_sign: signature }))).toEqual({
        status: 200,
        text: 'OK',
      });
      for (const field of IDENTITY_FIELDS) {
        if ((fields[field] ?? '') === '') continue;
        const { [field]: value, ...rest } = fields;
        const reply = await post(
          sourceId,
          encode({ ...rest, [field.toUpperCase()]: value ?? '', sha_sign: signature }),
        );
        expect({ field, reply }).toEqual({ field, reply: { status: 200, text: 'OK' } });
      }
      const collide = await post(
        sourceId,
        encode({
          ...fields,
          ORDER_ID: 'ORDB2',
          sha_sign: computeShaSign({ ...fields, ORDER_ID: 'ORDB2' }, PASS, { upperCaseKeys: true }),
        }),
      );
      expect(collide).toEqual({
        status: 400,
        text: 'ERROR: DUPLICATE_FIELD: two fields differ only in the case of their names',
      });
      const after = await counts(sourceId);
      expect(after.events).toBe(1);
      expect(after.verdicts).toMatchObject({ accepted: 1, rejected: 1 });
    });
  });
}
