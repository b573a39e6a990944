import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionContract, startRecordingServer } from '../test-support/recording-server.js';
import type { RecordingServer } from '../test-support/recording-server.js';
import { getSession, signIn, signOut } from './session.js';

describe('session calls', () => {
  let server: RecordingServer;
  beforeAll(async () => {
    server = await startRecordingServer(sessionContract('the-admin-token'));
  });
  afterAll(() => server.close());

  it('signs in with the token in the body, checks the session and signs out, with the CSRF header', async () => {
    const options = { baseUrl: server.baseUrl };
    expect(await getSession(options)).toBeNull();
    await expect(signIn('wrong', options)).rejects.toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    await signIn('the-admin-token', options);
    expect(await getSession(options)).toEqual({ authenticated: true, expiresAt: '2030-01-01T00:00:00.000Z' });
    await signOut(options);
    expect(await getSession(options)).toBeNull();
    const posts = server.requests.filter((r) => r.method === 'POST');
    expect(posts.map((r) => JSON.parse(r.body))).toEqual([{ token: 'wrong' }, { token: 'the-admin-token' }]);
    expect(server.requests.filter((r) => r.method !== 'GET').every((r) => r.headers['x-ipnhub-csrf'] === '1')).toBe(true);
    // The token travels only in the body, never in the address.
    expect(server.requests.every((r) => !r.path.includes('token'))).toBe(true);
  });
});
