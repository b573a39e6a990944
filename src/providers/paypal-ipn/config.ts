/**
 * A PayPal IPN source's configuration (docs/protocols/paypal.md#ipn-postback endpoints, docs/protocols/paypal.md#ipn-checks-after-verified checks after
 * VERIFIED). Nothing in it is secret: IPN is authenticated by asking PayPal, not by a key.
 */
import * as z from 'zod';

/** The postback endpoints (docs/protocols/paypal.md#ipn-postback): the `ipnpb` hosts, not the older `www` ones. */
export const PAYPAL_IPN_ENDPOINTS = {
  live: 'https://ipnpb.paypal.com/cgi-bin/webscr',
  sandbox: 'https://ipnpb.sandbox.paypal.com/cgi-bin/webscr',
} as const;

const DECIMAL = /^\d{1,12}(?:\.\d{1,3})?$/;

const price = z.string().regex(DECIMAL, { message: 'must be a decimal amount such as "19.99"' });

const expectedPriceSchema = z.strictObject({
  amount: z.union([price, z.array(price).min(1)]).meta({
    title: 'Price',
    description:
      'The gross price of one unit as PayPal reports it (mc_gross, or mc_gross_N for a cart line), including tax and shipping; ' +
      'a line must equal price × quantity. A list accepts any of its prices, e.g. a trial and the regular subscription price.',
  }),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, { message: 'must be an upper-case ISO 4217 code such as "EUR"' })
    .meta({
      title: 'Currency',
      description: 'ISO 4217 code the payment must be made in (mc_currency), e.g. EUR.',
    }),
});

export const paypalIpnConfigSchema = z
  .strictObject({
    environment: z
      .enum(['live', 'sandbox'])
      .default('live')
      .meta({
        title: 'Environment',
        description:
          'Where notifications are verified: live (ipnpb.paypal.com) or sandbox (ipnpb.sandbox.paypal.com). ' +
          'A live source rejects sandbox messages (test_ipn=1).',
      }),
    receiverEmail: z
      .email({ message: 'must be an e-mail address' })
      .optional()
      .meta({
        title: 'PayPal account e-mail',
        description:
          "The PayPal account's primary e-mail address. PayPal always reports the primary address in receiver_email, " +
          'even when the button names a secondary one; messages for another account are rejected. Compared case-insensitively.',
      }),
    receiverId: z
      .string()
      .regex(/^[A-Za-z0-9]{13}$/, {
        message: 'must be the 13-character PayPal merchant account ID',
      })
      .optional()
      .meta({
        title: 'PayPal merchant account ID',
        description:
          'The 13-character merchant account ID (receiver_id), from the PayPal account settings. Either this or the e-mail must match.',
      }),
    verificationUrl: z
      .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
      .optional()
      .meta({
        title: 'Verification URL',
        description:
          'Overrides the PayPal postback endpoint, e.g. for a local fake PayPal in tests or an outbound proxy. Leave empty in production.',
      }),
    expectedPrices: z
      .record(z.string().min(1), expectedPriceSchema)
      .optional()
      .meta({
        title: 'Expected prices',
        description:
          'Optional, by item_number: what a payment for that item must cost, e.g. {"course-basic": {"amount": "19.99", "currency": "EUR"}}. ' +
          'Payments whose configured items differ in amount or currency are rejected; items not listed are not checked.',
      }),
  })
  .refine((config) => config.receiverEmail !== undefined || config.receiverId !== undefined, {
    message:
      'set receiverEmail or receiverId (or both): every message is checked against the PayPal account it was paid to',
    path: ['receiverEmail'],
  })
  .meta({
    title: 'PayPal IPN source',
    description: 'A PayPal account sending classic Instant Payment Notifications (IPN).',
  });

export type PayPalIpnConfig = z.infer<typeof paypalIpnConfigSchema>;
export type PayPalExpectedPrice = z.infer<typeof expectedPriceSchema>;

/** The postback URL for `config`: the override when set, else the environment's endpoint. */
export function postbackUrl(config: PayPalIpnConfig): string {
  return config.verificationUrl ?? PAYPAL_IPN_ENDPOINTS[config.environment];
}
