/**
 * The classic PayPal IPN provider (docs/protocols/paypal.md#classic-ipn): form-encoded messages in the
 * charset they name (docs/protocols/paypal.md#ipn-transport-and-character-set), proven authentic only by posting them back to PayPal (docs/protocols/paypal.md#ipn-postback), so
 * `verify` checks the shape locally and `confirm` asks PayPal later, from the worker; the
 * checks after VERIFIED (docs/protocols/paypal.md#ipn-checks-after-verified) run in `normalize`, which has the source's config. PayPal wants
 * an empty 200 for everything it should not resend (docs/protocols/paypal.md#ipn-answer-timing-and-retries).
 */
import type {
  Confirmation,
  InboundRequest,
  Provider,
  ProviderContext,
  Verification,
} from '../provider.js';
import { decodedFields, parsedOnce, textAcknowledgement } from '../provider-support.js';
import { missingEssentialField } from './classify.js';
import { paypalIpnConfigSchema, postbackUrl } from './config.js';
import type { PayPalIpnConfig } from './config.js';
import { DEFAULT_IPN_CHARSET, parseIpnBody } from './ipn-body.js';
import type { IpnBodyResult } from './ipn-body.js';
import { normalizePayPalIpn } from './normalize.js';
import { postBack } from './postback.js';

const parseBody = parsedOnce(parseIpnBody);

function parse(req: InboundRequest): IpnBodyResult {
  return parseBody(req.rawBody);
}

/**
 * docs/protocols/paypal.md#ipn-transport-and-character-set: a message without a `charset` field is decoded as windows-1252, as PayPal's old
 * simulator and django-paypal assume; a profile set to UTF-8 would then show `Ã¶` for `ö`.
 */
function withCharsetNote<T extends { ok: true; method: string }>(
  result: T,
  parsed: Extract<IpnBodyResult, { ok: true }>,
): T {
  return parsed.charsetDeclared
    ? result
    : { ...result, notes: [`no charset field; decoded as ${DEFAULT_IPN_CHARSET}`] };
}

/** The local part of verification: a decodable IPN. Authenticity is `confirm`'s job. */
function verify(req: InboundRequest): Verification {
  const parsed = parse(req);
  if (!parsed.ok) return { ok: false, code: parsed.code, reason: parsed.reason };
  const missing = missingEssentialField(parsed.fields);
  if (missing !== null)
    return { ok: false, code: 'MISSING_FIELD', reason: `${missing} is missing: not a PayPal IPN` };
  return withCharsetNote({ ok: true, method: 'postback pending' }, parsed);
}

/** The postback, with the decoding notes carried over to the final verification record. */
async function confirm(
  req: InboundRequest,
  config: PayPalIpnConfig,
  ctx: ProviderContext,
): Promise<Confirmation> {
  const confirmation = await postBack(req.rawBody, postbackUrl(config), ctx.http, ctx.clock);
  const parsed = parse(req);
  return confirmation.ok === true && parsed.ok
    ? withCharsetNote(confirmation, parsed)
    : confirmation;
}

/**
 * Empty 200 for everything stored (PayPal resends on anything else, for about four days); a
 * rejection gets its status and one line of text for PayPal's IPN History; a failure to store
 * gets a 500 so PayPal tries again.
 */
const acknowledge = textAcknowledgement('');

/** The classic PayPal IPN inbound provider (id `paypal-ipn`); config: account, environment, optional prices. */
export function paypalIpnProvider(): Provider<PayPalIpnConfig> {
  return {
    id: 'paypal-ipn',
    displayName: 'PayPal IPN',
    configSchema: paypalIpnConfigSchema,
    secretFields: [],
    contentTypes: ['application/x-www-form-urlencoded'],
    verify: async (req) => verify(req),
    normalize: (req, config) => {
      const parsed = parse(req);
      return parsed.ok
        ? normalizePayPalIpn(parsed.fields, config)
        : { kind: 'invalid', code: parsed.code, reason: parsed.reason };
    },
    acknowledge,
    decodeFields: (rawBody) => {
      const parsed = parseBody(rawBody);
      if (!parsed.ok) return { ok: false, reason: parsed.reason };
      return decodedFields(parsed, {
        name: parsed.charset,
        basis: parsed.charsetDeclared ? 'message' : 'assumed',
      });
    },
    confirm,
  } satisfies Provider<PayPalIpnConfig>;
}
