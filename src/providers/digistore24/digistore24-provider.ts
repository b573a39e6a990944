/**
 * The Digistore24 provider: a Generic IPN connection posting form-encoded UTF-8 fields
 * (reference digistore24.md §1 transport), signed with `sha_sign` (§2), one event per call
 * (§3, §4), answered with plain text that starts with `OK` on success (§1.1).
 */
import { parseFormBody } from '../../lib/form-body.js';
import type { FormBodyResult } from '../../lib/form-body.js';
import type { InboundRequest, Provider, Verification } from '../provider.js';
import { decodedFields, parsedOnce, textAcknowledgement } from '../provider-support.js';
import { digistore24ConfigSchema } from './config.js';
import type { Digistore24Config } from './config.js';
import { normalizeDigistore24 } from './normalize.js';
import { verifyShaSign } from './sha-sign.js';

const parseBody = parsedOnce(parseFormBody);

function parse(req: InboundRequest): FormBodyResult {
  return parseBody(req.rawBody);
}

function verify(req: InboundRequest, config: Digistore24Config): Verification {
  const parsed = parse(req);
  if (!parsed.ok) return { ok: false, code: parsed.code, reason: parsed.reason };
  const verdict = verifyShaSign(parsed.fields, config.passphrase);
  return verdict.ok ? { ok: true, method: `sha512 variant ${verdict.variant}` } : verdict;
}

/**
 * §1.1: DS24 counts a call as delivered only when the body starts with `OK`; anything else is
 * retried (about 20 times over 10 days) and shown verbatim in the vendor's IPN log, so an error
 * names its code and cause in one plain-text line.
 */
const acknowledge = textAcknowledgement('OK');

/** The Digistore24 inbound provider (id `digistore24`); config: the IPN passphrase. */
export function digistore24Provider(): Provider<Digistore24Config> {
  return {
    id: 'digistore24',
    displayName: 'Digistore24',
    configSchema: digistore24ConfigSchema,
    secretFields: ['passphrase'],
    contentTypes: ['application/x-www-form-urlencoded'],
    verify: async (req, config) => verify(req, config),
    normalize: (req) => {
      const parsed = parse(req);
      return parsed.ok ? normalizeDigistore24(parsed.fields) : { kind: 'invalid', code: parsed.code, reason: parsed.reason };
    },
    acknowledge,
    decodeFields: (rawBody) => decodedFields(parseBody(rawBody)),
  } satisfies Provider<Digistore24Config>;
}
