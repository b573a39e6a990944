import * as z from 'zod';

export const paypalIpnForwardConfigSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).meta({
    title: 'Listener URL',
    description:
      "The IPN listener that used to be your PayPal account's IPN URL (shop plugin, accounting tool). Each PayPal IPN is re-posted to it byte for byte, so its own postback to PayPal still verifies.",
  }),
  timeoutMs: z.number().int().min(100).max(60_000).optional().meta({
    title: 'Timeout (ms)',
    description:
      'How long to wait for the listener to answer; defaults to the server-wide outbound timeout.',
  }),
});

export type PayPalIpnForwardConfig = z.infer<typeof paypalIpnForwardConfigSchema>;
