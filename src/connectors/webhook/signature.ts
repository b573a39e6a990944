/**
 * The Standard Webhooks v1 symmetric signature (docs/protocols/webhooks.md#standard-webhooks): HMAC-SHA256
 * over `<webhook-id>.<webhook-timestamp>.<body>` keyed with the decoded secret, sent as
 * `v1,<base64>`. The body is signed as the exact bytes that go on the wire.
 */
import { createHmac } from 'node:crypto';

/** The `webhook-signature` header value for one attempt. */
export function signWebhook(
  key: Buffer,
  id: string,
  timestampSeconds: number,
  body: string | Buffer,
): string {
  const mac = createHmac('sha256', key)
    .update(`${id}.${timestampSeconds}.`, 'utf8')
    .update(body) // a string is hashed as its UTF-8 bytes, the bytes it is sent as
    .digest('base64');
  return `v1,${mac}`;
}
