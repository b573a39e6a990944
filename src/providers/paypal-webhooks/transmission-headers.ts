/**
 * The five signature headers PayPal sends with every webhook delivery (docs/protocols/paypal.md#webhook-signature-verification):
 * `PAYPAL-TRANSMISSION-ID`, `-TRANSMISSION-TIME`, `-TRANSMISSION-SIG`, `PAYPAL-CERT-URL` and
 * `PAYPAL-AUTH-ALGO`. Both verification methods need all five.
 */

export interface TransmissionHeaders {
  transmissionId: string;
  transmissionTime: string;
  transmissionSig: string;
  certUrl: string;
  authAlgo: string;
}

/** The header names as they appear in `InboundRequest.headers` (lower case). */
export const TRANSMISSION_HEADER_NAMES = {
  transmissionId: 'paypal-transmission-id',
  transmissionTime: 'paypal-transmission-time',
  transmissionSig: 'paypal-transmission-sig',
  certUrl: 'paypal-cert-url',
  authAlgo: 'paypal-auth-algo',
} as const satisfies Record<keyof TransmissionHeaders, string>;

export type TransmissionHeadersResult =
  | { ok: true; headers: TransmissionHeaders }
  | { ok: false; missing: string[] };

/** Reads the five headers from lower-cased request headers; an empty value counts as missing. */
export function readTransmissionHeaders(
  headers: Readonly<Record<string, string>>,
): TransmissionHeadersResult {
  const missing: string[] = [];
  const read = (name: string): string => {
    const value = Object.hasOwn(headers, name) ? headers[name]?.trim() : undefined;
    if (value === undefined || value === '') missing.push(name);
    return value ?? '';
  };
  const result: TransmissionHeaders = {
    transmissionId: read(TRANSMISSION_HEADER_NAMES.transmissionId),
    transmissionTime: read(TRANSMISSION_HEADER_NAMES.transmissionTime),
    transmissionSig: read(TRANSMISSION_HEADER_NAMES.transmissionSig),
    certUrl: read(TRANSMISSION_HEADER_NAMES.certUrl),
    authAlgo: read(TRANSMISSION_HEADER_NAMES.authAlgo),
  };
  return missing.length === 0 ? { ok: true, headers: result } : { ok: false, missing };
}
