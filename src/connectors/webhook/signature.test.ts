import { describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { decodeWebhookSecret, generateWebhookSecret, isValidWebhookSecret } from './secret.js';
import { signWebhook } from './signature.js';

const VECTOR_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

function key(secret: string): Buffer {
  const decoded = decodeWebhookSecret(secret);
  if (!decoded) throw new Error(`invalid secret ${secret}`);
  return decoded;
}

describe('signWebhook (docs/protocols/webhooks.md#standard-webhooks test vectors)', () => {
  it('matches the reference Python test vector', () => {
    expect(
      signWebhook(
        key(VECTOR_SECRET),
        'msg_p5jXN8AQM9LWM0D4loKWxJek',
        1614265330,
        Buffer.from('{"test": 2432232314}'),
      ),
    ).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('matches the second vector with an envelope body', () => {
    const body =
      '{"type":"order.paid","timestamp":"2024-01-01T00:00:00Z","data":{"order_id":"ABC123"}}';
    expect(signWebhook(key(VECTOR_SECRET), 'msg_test_1', 1704067200, Buffer.from(body))).toBe(
      'v1,pQlqvvJ+evDMDS84+SGp3/40Wwva2YKoAieMjsZXoXs=',
    );
  });

  it('signs the exact bytes: a different body gives a different signature', () => {
    const a = signWebhook(key(VECTOR_SECRET), 'msg_1', 1704067200, Buffer.from('{"a":1}'));
    const b = signWebhook(key(VECTOR_SECRET), 'msg_1', 1704067200, Buffer.from('{"a": 1}'));
    expect(a).not.toBe(b);
  });

  it('agrees with the standardwebhooks library for non-ASCII bodies', () => {
    const secret = generateWebhookSecret();
    const body = Buffer.from('{"name":"Jörg Müller & Söhne — 97,00 €"}', 'utf8');
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = signWebhook(key(secret), 'dlv_01ABC', timestamp, body);
    expect(signature).toBe(
      new Webhook(secret).sign('dlv_01ABC', new Date(timestamp * 1000), body.toString('utf8')),
    );
    expect(
      new Webhook(secret).verify(body, {
        'webhook-id': 'dlv_01ABC',
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signature,
      }),
    ).toEqual({
      name: 'Jörg Müller & Söhne — 97,00 €',
    });
  });
});

describe('webhook secrets', () => {
  it('generates whsec_ secrets of 32 random bytes', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(decodeWebhookSecret(secret)?.length).toBe(32);
    expect(generateWebhookSecret()).not.toBe(secret);
  });

  it('accepts 24 to 64 bytes, padded or not', () => {
    expect(decodeWebhookSecret(VECTOR_SECRET)?.length).toBe(24);
    expect(isValidWebhookSecret(`whsec_${Buffer.alloc(64, 1).toString('base64')}`)).toBe(true);
    expect(
      isValidWebhookSecret(`whsec_${Buffer.alloc(32, 1).toString('base64').replace(/=+$/, '')}`),
    ).toBe(true);
  });

  it.each([
    ['no prefix', Buffer.alloc(32, 1).toString('base64')],
    ['too short', `whsec_${Buffer.alloc(23, 1).toString('base64')}`],
    ['too long', `whsec_${Buffer.alloc(65, 1).toString('base64')}`],
    ['not base64', 'whsec_not-base64-at-all!!!!!!!!!!!!!!!!!!!'],
    ['empty', 'whsec_'],
  ])('refuses a secret with %s', (_label, secret) => {
    expect(isValidWebhookSecret(secret)).toBe(false);
    expect(decodeWebhookSecret(secret)).toBeNull();
  });
});
