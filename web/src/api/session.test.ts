import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionContract, startRecordingServer } from '../test-support/recording-server.js';
import type { RecordingServer } from '../test-support/recording-server.js';
import { TEST_ADMIN_TOKEN } from '../../../test/helpers/test-runtime.js';
import { startTestServer } from '../test-support/ipnhub-server.js';
import type { TestServer } from '../test-support/ipnhub-server.js';
import { getSession, signIn, signOut } from './session.js';

describe('session calls on the wire', () => {
  let server: RecordingServer;
  beforeAll(async () => {
    server = await startRecordingServer(sessionContract('the-admin-token'));
  });
  afterAll(() => server.close());

  it('signs in with the token in the body, checks the session and signs out, with the CSRF header', async () => {
    const options = { baseUrl: server.baseUrl };
    expect(await getSession(options)).toBeNull();
    await expect(signIn('wrong', options)).rejects.toMatchObject({
      status: 401,
      code: 'UNAUTHORIZED',
    });
    await signIn('the-admin-token', options);
    expect(await getSession(options)).toEqual({
      authenticated: true,
      expiresAt: '2030-01-01T00:00:00.000Z',
    });
    await signOut(options);
    expect(await getSession(options)).toBeNull();
    const posts = server.requests.filter((r) => r.method === 'POST');
    expect(posts.map((r) => JSON.parse(r.body))).toEqual([
      { token: 'wrong' },
      { token: 'the-admin-token' },
    ]);
    expect(
      server.requests
        .filter((r) => r.method !== 'GET')
        .every((r) => r.headers['x-ipnhub-csrf'] === '1'),
    ).toBe(true);
    // The token travels only in the body, never in the address.
    expect(server.requests.every((r) => !r.path.includes('token'))).toBe(true);
  });
});

/** A fetch that keeps the cookies the server sets, as a browser does for its own origin. */
function cookieKeepingFetch(): typeof globalThis.fetch {
  const cookies = new Map<string, string>();
  return async (input, init) => {
    const request = new Request(input, init);
    if (cookies.size > 0)
      request.headers.set(
        'cookie',
        [...cookies].map(([name, value]) => `${name}=${value}`).join('; '),
      );
    const response = await globalThis.fetch(request);
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const [name = '', value = ''] = pair.split('=');
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '';
      if (expired) cookies.delete(name.trim());
      else cookies.set(name.trim(), value);
    }
    return response;
  };
}

describe('session calls against a real ipnhub', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('signs in with the session cookie, sees the session, signs out, and treats an ended session as none', async () => {
    const options = { baseUrl: server.baseUrl, fetch: cookieKeepingFetch() };
    expect(await getSession(options)).toBeNull();
    await expect(signIn('not-the-admin-token', options)).rejects.toMatchObject({
      status: 401,
      code: 'UNAUTHORIZED',
    });
    await signIn(TEST_ADMIN_TOKEN, options);
    const session = await getSession(options);
    expect(session?.authenticated).toBe(true);
    expect(Date.parse(session?.expiresAt ?? '')).toBeGreaterThan(Date.now());
    await signOut(options);
    expect(await getSession(options)).toBeNull();
    await expect(signOut(options)).resolves.toBeUndefined();
  });
});
