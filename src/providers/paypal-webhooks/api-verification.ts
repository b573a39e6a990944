/**
 * Verification by asking PayPal — docs/protocols/paypal.md#webhook-signature-verification method 2: `POST
 * {api}/v1/notifications/verify-webhook-signature` with a bearer token and the five
 * transmission headers, our webhook ID and the event as received; PayPal answers
 * `verification_status` `SUCCESS` or `FAILURE`. Anything that is not one of those two answers
 * (network failure, 5xx, other 4xx, a second 401 after one token refresh) is not a verdict:
 * VERIFICATION_UNAVAILABLE, so PayPal delivers the message again later.
 */
import type { HttpResult } from '../../lib/http-client.js';
import type { ProviderContext, Verification } from '../provider.js';
import { accessToken, discardAccessToken } from './access-token.js';
import type { ClientCredentials } from './access-token.js';
import type { TransmissionHeaders } from './transmission-headers.js';

export interface ApiVerificationInput {
  headers: TransmissionHeaders;
  /** The raw body; already checked to be a UTF-8 JSON object. */
  rawBody: Buffer;
  webhookId: string;
  credentials: ClientCredentials;
}

/** The `method` of a verdict PayPal's API gave. */
export const API_VERIFICATION_METHOD = 'PayPal verify-webhook-signature API';

/**
 * The request body. `webhook_event` is the received body spliced in byte for byte rather than
 * re-serialised: parsing and serialising can change the JSON (number forms, escapes), and the
 * pitfalls listed in docs/protocols/paypal.md#webhook-signature-verification say changed bytes break the CRC PayPal checks.
 */
function requestBody(input: ApiVerificationInput): string {
  const { headers } = input;
  const fields = JSON.stringify({
    auth_algo: headers.authAlgo,
    cert_url: headers.certUrl,
    transmission_id: headers.transmissionId,
    transmission_sig: headers.transmissionSig,
    transmission_time: headers.transmissionTime,
    webhook_id: input.webhookId,
  });
  return `${fields.slice(0, -1)},"webhook_event":${input.rawBody.toString('utf8')}}`;
}

function unavailable(reason: string): Verification {
  return { ok: false, code: 'VERIFICATION_UNAVAILABLE', reason };
}

function verdict(result: HttpResult): Verification {
  if (!result.ok)
    return unavailable(
      `PayPal's verification API is unreachable (${result.kind}): ${result.message}`,
    );
  const { status, body } = result.response;
  if (status !== 200)
    return unavailable(
      `PayPal's verification API answered HTTP ${status}: ${body.replace(/\s+/g, ' ').slice(0, 200)}`,
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return unavailable("PayPal's verification API answered something that is not JSON");
  }
  const verificationStatus = (parsed as { verification_status?: unknown } | null)
    ?.verification_status;
  if (verificationStatus === 'SUCCESS') return { ok: true, method: API_VERIFICATION_METHOD };
  if (verificationStatus === 'FAILURE')
    return {
      ok: false,
      code: 'SIGNATURE_INVALID',
      reason: "PayPal's verification API answered FAILURE for this message",
    };
  return unavailable(
    `PayPal's verification API answered an unknown verification_status ${JSON.stringify(verificationStatus ?? null).slice(0, 40)}`,
  );
}

/** Verifies one delivery with PayPal's API: one token refresh when PayPal rejects a cached token. */
export async function verifyWithApi(
  input: ApiVerificationInput,
  ctx: ProviderContext,
): Promise<Verification> {
  const body = requestBody(input);
  const post = (token: string): Promise<HttpResult> =>
    ctx.http.request({
      method: 'POST',
      url: `${input.credentials.apiBase}/v1/notifications/verify-webhook-signature`,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body,
    });

  for (let attempt = 1; ; attempt++) {
    const token = await accessToken(input.credentials, ctx);
    if (!token.ok) return unavailable(token.reason);
    const result = await post(token.token);
    if (!(result.ok && result.response.status === 401)) return verdict(result);
    discardAccessToken(input.credentials, token.token, ctx.caches);
    if (attempt >= 2)
      return unavailable(
        "PayPal's verification API refused a freshly issued access token (HTTP 401)",
      );
  }
}
