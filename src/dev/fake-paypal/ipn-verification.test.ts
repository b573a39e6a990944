import { createHmac } from 'node:crypto';
import { createServer, request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeRoute } from './fake-route.js';
import {
  DEV_VERIFY_SIGN_KEY,
  IPN_VERIFICATION_PATH,
  createIpnVerificationFake,
  devVerifySign,
  hasValidDevVerifySign,
  withDevVerifySign,
} from './ipn-verification.js';

const FORM = 'application/x-www-form-urlencoded';
const UA = 'ipnhub-test/1.0';
const message = Buffer.from(
  'mc_gross=19.99&first_name=J%F6rg&payment_date=10%3A15%3A02+May+14%2C+2024+PDT&verify_sign=AiPC9Bjk.Q&txn_id=61E67681CH3238416&charset=windows-1252',
  'latin1',
);

function prefixed(body: Buffer | string): Buffer {
  return Buffer.concat([
    Buffer.from('cmd=_notify-validate&', 'latin1'),
    typeof body === 'string' ? Buffer.from(body, 'latin1') : body,
  ]);
}

function flatten(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers))
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

/** A minimal server mounting one route, as `ipnhub dev fake-paypal` would. */
async function mount(route: FakeRoute): Promise<{ port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const [path = '/', query = ''] = (req.url ?? '/').split('?');
      void route({
        method: req.method ?? 'GET',
        path,
        query,
        headers: flatten(req.headers),
        body: Buffer.concat(chunks),
      }).then((answer) => {
        const response = answer ?? { status: 404, body: 'Not Found' };
        res.writeHead(response.status, response.headers);
        res.end(response.body);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A raw POST with exactly these headers (node:http adds no User-Agent). */
function post(
  port: number,
  body: Buffer,
  headers: Record<string, string>,
  path = IPN_VERIFICATION_PATH,
): Promise<{ status: number; contentType: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        headers: { ...headers, 'content-length': String(body.length) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: res.headers['content-type'],
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('createIpnVerificationFake over HTTP', () => {
  const fake = createIpnVerificationFake({ registered: [message] });
  let server: { port: number; close(): Promise<void> };
  const postback = (
    body: Buffer,
    headers: Record<string, string> = { 'content-type': FORM, 'user-agent': UA },
  ) => post(server.port, body, headers);

  beforeAll(async () => {
    server = await mount(fake.route);
  });
  afterAll(async () => server.close());

  it('answers VERIFIED for the exact bytes of a registered message after the command', async () => {
    fake.setMode('normal');
    expect(await postback(prefixed(message))).toEqual({
      status: 200,
      contentType: 'text/plain; charset=utf-8',
      body: 'VERIFIED',
    });
  });

  it('answers INVALID for anything else', async () => {
    fake.setMode('normal');
    const text = message.toString('latin1');
    for (const body of [
      prefixed(text.replace('19.99', '19.98')),
      prefixed(text.replaceAll('+', '%20')),
      prefixed(text.replace('J%F6rg', 'J%C3%B6rg')),
      prefixed(`${text}&x=1`),
      message,
      Buffer.from(`${text}&cmd=_notify-validate`, 'latin1'),
      prefixed(''),
    ]) {
      expect((await postback(body)).body, body.toString('latin1')).toBe('INVALID');
    }
  });

  it('answers 400 without the form content type and 403 without a User-Agent', async () => {
    expect(
      (await postback(prefixed(message), { 'content-type': 'application/json', 'user-agent': UA }))
        .status,
    ).toBe(400);
    expect((await postback(prefixed(message), { 'user-agent': UA })).status).toBe(400);
    expect((await postback(prefixed(message), { 'content-type': FORM })).status).toBe(403);
    expect(
      (
        await postback(prefixed(message), {
          'content-type': `${FORM}; charset=windows-1252`,
          'user-agent': UA,
        })
      ).body,
    ).toBe('VERIFIED');
  });

  it('verifies an unregistered message carrying a dev signature', async () => {
    const other = Buffer.from(
      message.toString('latin1').replace('61E67681CH3238416', '0ANOTHER000000001'),
      'latin1',
    );
    expect((await postback(prefixed(other))).body).toBe('INVALID');
    expect((await postback(prefixed(withDevVerifySign(other)))).body).toBe('VERIFIED');
  });

  it('fails, garbles or delays on request', async () => {
    fake.setMode('fail500');
    const failed = await postback(prefixed(message));
    expect(failed.status).toBe(500);
    expect(failed.contentType).toBe('text/html; charset=utf-8');
    expect(failed.body).toContain('Internal Server Error');
    fake.setMode('garbage');
    const garbage = await postback(prefixed(message));
    expect(garbage.status).toBe(200);
    expect(garbage.body).toMatch(/^<!DOCTYPE html>/);
    fake.setMode({ delayMs: 50 });
    expect((await postback(prefixed(message))).body).toBe('VERIFIED');
    fake.setMode('normal');
  });

  it('records every postback with its exact body and User-Agent', async () => {
    const before = fake.postbacks.length;
    const body = prefixed(message);
    await postback(body);
    await postback(body, { 'content-type': FORM });
    const [withAgent, without] = fake.postbacks.slice(before);
    expect(withAgent?.body.equals(body)).toBe(true);
    expect(withAgent?.userAgent).toBe(UA);
    expect(withAgent?.headers['content-type']).toBe(FORM);
    expect(without?.userAgent).toBe(undefined);
  });

  it('answers other paths with 404 through the server, and other methods with 405', async () => {
    expect(
      (
        await post(
          server.port,
          prefixed(message),
          { 'content-type': FORM, 'user-agent': UA },
          '/v1/oauth2/token',
        )
      ).status,
    ).toBe(404);
    expect(
      await fake.route({
        method: 'POST',
        path: '/elsewhere',
        query: '',
        headers: {},
        body: Buffer.alloc(0),
      }),
    ).toBe(null);
    expect(
      await fake.route({
        method: 'GET',
        path: IPN_VERIFICATION_PATH,
        query: '',
        headers: {},
        body: Buffer.alloc(0),
      }),
    ).toMatchObject({ status: 405 });
  });
});

describe('registration', () => {
  it('verifies a body registered later, and not before', async () => {
    const fake = createIpnVerificationFake();
    const req = {
      method: 'POST',
      path: IPN_VERIFICATION_PATH,
      query: '',
      headers: { 'content-type': FORM, 'user-agent': UA },
      body: prefixed(message),
    };
    expect(await fake.route(req)).toMatchObject({ status: 200, body: 'INVALID' });
    fake.register(message);
    expect(await fake.route(req)).toMatchObject({ status: 200, body: 'VERIFIED' });
  });

  it('ignores dev signatures when told to', async () => {
    const fake = createIpnVerificationFake({ acceptDevSignatures: false });
    const req = {
      method: 'POST',
      path: IPN_VERIFICATION_PATH,
      query: '',
      headers: { 'content-type': FORM, 'user-agent': UA },
      body: prefixed(withDevVerifySign(message)),
    };
    expect(await fake.route(req)).toMatchObject({ body: 'INVALID' });
  });
});

describe('dev signatures', () => {
  const hmac = (body: string) =>
    createHmac('sha256', DEV_VERIFY_SIGN_KEY).update(Buffer.from(body, 'latin1'));

  it('are HMAC-SHA256 under the public dev key, base64url, over the body without verify_sign', () => {
    const without =
      'mc_gross=19.99&first_name=J%F6rg&payment_date=10%3A15%3A02+May+14%2C+2024+PDT&txn_id=61E67681CH3238416&charset=windows-1252';
    expect(devVerifySign(Buffer.from(without, 'latin1'))).toBe(hmac(without).digest('base64url'));
    const signed = withDevVerifySign(message).toString('latin1');
    // The pair keeps its place; only its value changes.
    expect(signed).toBe(
      message
        .toString('latin1')
        .replace('verify_sign=AiPC9Bjk.Q', `verify_sign=${hmac(without).digest('base64url')}`),
    );
  });

  it('append the pair when the body has none, and keep one pair when it had several', () => {
    const plain = 'a=1&b=2';
    expect(withDevVerifySign(Buffer.from(plain, 'latin1')).toString('latin1')).toBe(
      `a=1&b=2&verify_sign=${hmac(plain).digest('base64url')}`,
    );
    expect(withDevVerifySign(Buffer.alloc(0)).toString('latin1')).toBe(
      `verify_sign=${hmac('').digest('base64url')}`,
    );
    const twice = withDevVerifySign(
      Buffer.from('verify_sign=x&a=1&verify_sign=y', 'latin1'),
    ).toString('latin1');
    expect(twice).toBe(`verify_sign=${hmac('a=1').digest('base64url')}&a=1`);
  });

  it('are accepted in hex of either case too, and rejected when anything else changed', () => {
    const rest = 'a=1&b=J%F6rg';
    expect(
      hasValidDevVerifySign(
        Buffer.from(`${rest}&verify_sign=${hmac(rest).digest('hex')}`, 'latin1'),
      ),
    ).toBe(true);
    expect(
      hasValidDevVerifySign(
        Buffer.from(`verify_sign=${hmac(rest).digest('hex').toUpperCase()}&${rest}`, 'latin1'),
      ),
    ).toBe(true);
    const signed = withDevVerifySign(Buffer.from(rest, 'latin1')).toString('latin1');
    expect(hasValidDevVerifySign(Buffer.from(signed, 'latin1'))).toBe(true);
    expect(hasValidDevVerifySign(Buffer.from(signed.replace('a=1', 'a=2'), 'latin1'))).toBe(false);
    expect(
      hasValidDevVerifySign(Buffer.from(signed.replace('J%F6rg', 'J%C3%B6rg'), 'latin1')),
    ).toBe(false);
    expect(hasValidDevVerifySign(Buffer.from(rest, 'latin1'))).toBe(false);
    const foreign = createHmac('sha256', 'another key').update(rest).digest('base64url');
    expect(hasValidDevVerifySign(Buffer.from(`${rest}&verify_sign=${foreign}`, 'latin1'))).toBe(
      false,
    );
  });
});
