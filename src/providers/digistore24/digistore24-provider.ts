/**
 * The Digistore24 provider: a Generic IPN connection posting form-encoded UTF-8 fields
 * (docs/protocols/digistore24.md#transport transport), signed with `sha_sign` (docs/protocols/digistore24.md#signature), one event per call
 * (docs/protocols/digistore24.md#events, docs/protocols/digistore24.md#parameters), answered with plain text that starts with `OK` on success (docs/protocols/digistore24.md#the-answer-digistore24-expects).
 */
import { parseFormBody } from '../../lib/form-body.js';
import type { FormBodyErrorCode } from '../../lib/form-body.js';
import type { InboundRequest, Normalized, Provider, Verification } from '../provider.js';
import {
  PROVIDER_UTF8,
  decodedFields,
  parsedOnce,
  textAcknowledgement,
} from '../provider-support.js';
import { digistore24ConfigSchema } from './config.js';
import type { Digistore24Config } from './config.js';
import { normalizeDigistore24 } from './normalize.js';
import { encodeDigistore24Body, sampleDigistore24Fields } from './sign-request.js';
import { SIGNATURE_FIELDS, verifyShaSign } from './sha-sign.js';
import type { ShaSignVerdict } from './sha-sign.js';

const parseBody = parsedOnce(parseFormBody);

type Checked = ShaSignVerdict | { ok: false; code: FormBodyErrorCode; reason: string };

interface CheckedBody {
  config: Digistore24Config;
  verdict: Checked;
}

/**
 * The verdict per body and config: the pipeline calls `verify` and then `normalize` with the
 * same request, and `normalize` must build the event from the fields as signed, which only the
 * verdict knows. Keyed weakly by the body buffer.
 */
const checkedBodies = new WeakMap<Buffer, CheckedBody>();

function check(req: InboundRequest, config: Digistore24Config): Checked {
  const memo = checkedBodies.get(req.rawBody);
  if (memo !== undefined && memo.config === config) return memo.verdict;
  // Parsed here without the parse's own memo: one weak entry per body, not two.
  const parsed = parseFormBody(req.rawBody);
  const verdict: Checked = parsed.ok
    ? verifyShaSign(parsed.fields, config.passphrase, {
        legacyHtmlDecoding: config.legacyHtmlDecoding,
      })
    : parsed;
  if (parsed.ok && verdict.ok && verdict.signedFields === parsed.fields) {
    // Verified, the signature is of no further use, and these fields are this module's own:
    // without it they are the event's raw fields as they are, with no copy (normalize.ts).
    for (const name of SIGNATURE_FIELDS) delete parsed.fields[name];
  }
  checkedBodies.set(req.rawBody, { config, verdict });
  return verdict;
}

function verify(req: InboundRequest, config: Digistore24Config): Verification {
  const verdict = check(req, config);
  return verdict.ok
    ? { ok: true, method: `sha512 variant ${verdict.variant}` }
    : { ok: false, code: verdict.code, reason: verdict.reason };
}

/**
 * Events are built only from the fields as signed: a body whose signature does not hold gets
 * no events even if `normalize` is called without `verify`.
 */
function normalize(req: InboundRequest, config: Digistore24Config): Normalized {
  const verdict = check(req, config);
  // The pipeline's last use of the verdict: the memo would keep the fields reachable for as
  // long as the request's body lives (its whole commit), a copy for every young-generation
  // collection in between (docs/benchmarks.md, "What a request holds while its commit is in
  // flight"). A later call parses and checks again.
  checkedBodies.delete(req.rawBody);
  return verdict.ok
    ? normalizeDigistore24(verdict.signedFields)
    : { kind: 'invalid', code: verdict.code, reason: verdict.reason };
}

/**
 * docs/protocols/digistore24.md#the-answer-digistore24-expects: DS24 counts a call as delivered only when the body starts with `OK`; anything else is
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
    normalize,
    acknowledge,
    decodeFields: (rawBody) => decodedFields(parseBody(rawBody), PROVIDER_UTF8),
    // What Digistore24's "Test connection" button sends (docs/protocols/digistore24.md#example-payloads example 9), signed with the source's passphrase.
    testNotification: (config) => ({
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'user-agent': 'ipnhub (test notification from the admin UI)',
      },
      body: Buffer.from(
        encodeDigistore24Body(sampleDigistore24Fields('connection_test'), config.passphrase),
        'utf8',
      ),
    }),
  } satisfies Provider<Digistore24Config>;
}
