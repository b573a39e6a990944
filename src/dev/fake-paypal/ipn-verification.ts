/**
 * The fake of PayPal's IPN verification endpoint, `POST /cgi-bin/webscr` (see
 * docs/protocols/paypal.md#ipn-postback), for tests and `ipnhub dev fake-paypal`. Like PayPal it answers `VERIFIED`
 * only for the exact bytes of a message it sent, prefixed with `cmd=_notify-validate&`, and
 * `INVALID` for anything else, including the same message re-encoded; a request without the
 * form content type gets 400, one without a User-Agent 403 (as PayPal did, docs/protocols/paypal.md#ipn-postback).
 *
 * "Messages it sent" are the bodies registered with `register()`, and bodies carrying a valid
 * dev signature in `verify_sign` (so a simulator can post a message to ipnhub that the fake
 * will vouch for without sharing state). The dev key is public: this is for local use only.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FakeRequest, FakeResponse, FakeRoute } from './fake-route.js';
import { mediaTypeOf } from '../../lib/media-type.js';

/**
 * The HMAC key of dev signatures. Deliberately public and INSECURE: anyone can sign with it.
 * Only the fake honours it; real PayPal ignores `verify_sign` contents entirely.
 */
export const DEV_VERIFY_SIGN_KEY = 'ipnhub-dev-fake-paypal-insecure-key';

export const IPN_VERIFICATION_PATH = '/cgi-bin/webscr';

export type IpnVerificationMode = 'normal' | 'fail500' | 'garbage' | { delayMs: number };

export interface IpnPostback {
  /** The request body exactly as received. */
  body: Buffer;
  userAgent?: string;
  /** All request headers, names lower-cased. */
  headers: Readonly<Record<string, string>>;
}

export interface IpnVerificationFake {
  route: FakeRoute;
  /** Marks `rawBody` (an IPN body as ipnhub would receive it) as sent by this PayPal. */
  register(rawBody: Buffer): void;
  /** `fail500`: HTTP 500 with an HTML page; `garbage`: HTTP 200 with an HTML page; `{ delayMs }`: a normal answer, late. */
  setMode(mode: IpnVerificationMode): void;
  /** Every postback that reached the route, in order, whatever the mode. */
  readonly postbacks: ReadonlyArray<IpnPostback>;
}

export interface IpnVerificationFakeOptions {
  /** Bodies registered from the start. */
  registered?: readonly Buffer[];
  /** Honour dev signatures in `verify_sign`. Default true. */
  acceptDevSignatures?: boolean;
}

const PREFIX = Buffer.from('cmd=_notify-validate&', 'latin1');
const VERIFY_SIGN = Buffer.from('verify_sign', 'latin1');
const AMPERSAND = 0x26;
const EQUALS = 0x3d;

const ERROR_PAGE =
  '<!DOCTYPE html><html><head><title>Internal Server Error</title></head><body><h1>Internal Server Error</h1></body></html>';
const MAINTENANCE_PAGE =
  '<!DOCTYPE html><html><head><title>PayPal</title></head><body><p>We are performing scheduled maintenance.</p></body></html>';

/** The `name=value` pairs of a raw body as byte ranges, without decoding anything. */
function pairs(body: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  while (start <= body.length) {
    let end = body.indexOf(AMPERSAND, start);
    if (end === -1) end = body.length;
    out.push(body.subarray(start, end));
    start = end + 1;
  }
  return out;
}

function pairName(pair: Buffer): Buffer {
  const split = pair.indexOf(EQUALS);
  return split === -1 ? pair : pair.subarray(0, split);
}

function join(parts: readonly Buffer[]): Buffer {
  const out: Buffer[] = [];
  parts.forEach((part, i) => {
    if (i > 0) out.push(Buffer.of(AMPERSAND));
    out.push(part);
  });
  return Buffer.concat(out);
}

/** `rawBody` without its `verify_sign=…` pair(s), and the first such pair's raw value (or null). */
function splitVerifySign(rawBody: Buffer): { rest: Buffer; signature: string | null } {
  const kept: Buffer[] = [];
  let signature: string | null = null;
  for (const pair of pairs(rawBody)) {
    if (pairName(pair).equals(VERIFY_SIGN))
      signature ??= pair.subarray(VERIFY_SIGN.length + 1).toString('latin1');
    else kept.push(pair);
  }
  return { rest: join(kept), signature };
}

/** The dev signature (HMAC-SHA256 under {@link DEV_VERIFY_SIGN_KEY}, base64url) of a body without its `verify_sign` pair. */
export function devVerifySign(rawBodyWithoutVerifySign: Buffer): string {
  return createHmac('sha256', DEV_VERIFY_SIGN_KEY)
    .update(rawBodyWithoutVerifySign)
    .digest('base64url');
}

/**
 * `rawBody` with a dev-signed `verify_sign`: the first existing pair keeps its position and
 * gets the new value (further ones are dropped), otherwise the pair is appended. All other
 * bytes are unchanged.
 */
export function withDevVerifySign(rawBody: Buffer): Buffer {
  const { rest, signature } = splitVerifySign(rawBody);
  const signed = Buffer.from(`verify_sign=${devVerifySign(rest)}`, 'latin1');
  if (signature === null) return rest.length === 0 ? signed : join([rest, signed]);
  const out: Buffer[] = [];
  let placed = false;
  for (const pair of pairs(rawBody)) {
    if (!pairName(pair).equals(VERIFY_SIGN)) out.push(pair);
    else if (!placed) {
      out.push(signed);
      placed = true;
    }
  }
  return join(out);
}

/** True when `rawBody` carries a valid dev signature (base64url, or hex in either case; constant-time compare). */
export function hasValidDevVerifySign(rawBody: Buffer): boolean {
  const { rest, signature } = splitVerifySign(rawBody);
  if (signature === null) return false;
  const mac = createHmac('sha256', DEV_VERIFY_SIGN_KEY).update(rest).digest();
  const matches = (expected: string, given: string): boolean => {
    const a = Buffer.from(expected, 'latin1');
    const b = Buffer.from(given, 'latin1');
    return a.length === b.length && timingSafeEqual(a, b);
  };
  return (
    matches(mac.toString('base64url'), signature) ||
    matches(mac.toString('hex'), signature.toLowerCase())
  );
}

function text(
  status: number,
  body: string,
  contentType = 'text/plain; charset=utf-8',
): FakeResponse {
  return { status, headers: { 'content-type': contentType }, body };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A fresh fake with its own registry, mode (`normal`) and postback log. */
export function createIpnVerificationFake(
  options: IpnVerificationFakeOptions = {},
): IpnVerificationFake {
  const registered = new Set<string>(
    (options.registered ?? []).map((body) => body.toString('latin1')),
  );
  const acceptDevSignatures = options.acceptDevSignatures ?? true;
  const postbacks: IpnPostback[] = [];
  let mode: IpnVerificationMode = 'normal';

  function verdict(body: Buffer): 'VERIFIED' | 'INVALID' {
    if (body.length < PREFIX.length || !body.subarray(0, PREFIX.length).equals(PREFIX))
      return 'INVALID';
    const message = body.subarray(PREFIX.length);
    if (registered.has(message.toString('latin1'))) return 'VERIFIED';
    return acceptDevSignatures && hasValidDevVerifySign(message) ? 'VERIFIED' : 'INVALID';
  }

  const route: FakeRoute = async (req: FakeRequest) => {
    if (req.path !== IPN_VERIFICATION_PATH) return null;
    if (req.method.toUpperCase() !== 'POST') return text(405, 'Method Not Allowed');
    const userAgent = req.headers['user-agent'];
    postbacks.push({
      body: Buffer.from(req.body),
      ...(userAgent === undefined ? {} : { userAgent }),
      headers: { ...req.headers },
    });
    if (mediaTypeOf(req.headers['content-type']) !== 'application/x-www-form-urlencoded')
      return text(400, 'Bad Request');
    if (userAgent === undefined || userAgent.trim() === '') return text(403, 'Forbidden');
    const current = mode;
    if (current === 'fail500') return text(500, ERROR_PAGE, 'text/html; charset=utf-8');
    if (current === 'garbage') return text(200, MAINTENANCE_PAGE, 'text/html; charset=utf-8');
    if (typeof current === 'object') await delay(current.delayMs);
    return text(200, verdict(req.body));
  };

  return {
    route,
    register: (rawBody) => {
      registered.add(rawBody.toString('latin1'));
    },
    setMode: (next) => {
      mode = next;
    },
    get postbacks() {
      return postbacks;
    },
  };
}
