import { describe, expect, it } from 'vitest';
import { createSessionCache, credentialKey } from './session-cache.js';
import type { LoginResult } from './session-cache.js';

describe('session cache', () => {
  it('logs in once for concurrent callers and reuses the session', async () => {
    const cache = createSessionCache<string>();
    let logins = 0;
    const login = async (): Promise<LoginResult<string>> => ({ ok: true, session: `s${++logins}` });
    const results = await Promise.all([
      cache.get('k', login),
      cache.get('k', login),
      cache.get('k', login),
    ]);
    expect(results).toEqual([
      { ok: true, session: 's1' },
      { ok: true, session: 's1' },
      { ok: true, session: 's1' },
    ]);
    expect(await cache.get('k', login)).toEqual({ ok: true, session: 's1' });
    expect(logins).toBe(1);
  });

  it('logs in again, before the target refuses it, once a session is no longer fresh', async () => {
    let now = 0;
    const cache = createSessionCache<{ id: string; expiresAt: number }>({
      fresh: (session) => now < session.expiresAt,
    });
    let logins = 0;
    const login = async () => ({
      ok: true as const,
      session: { id: `s${++logins}`, expiresAt: now + 100 },
    });
    expect((await cache.get('k', login)).ok).toBe(true);
    now = 99;
    expect(await cache.get('k', login)).toEqual({
      ok: true,
      session: { id: 's1', expiresAt: 100 },
    });
    now = 100;
    expect(await cache.get('k', login)).toEqual({
      ok: true,
      session: { id: 's2', expiresAt: 200 },
    });
    expect(logins).toBe(2);
  });

  it('logs in again after the session is invalidated, but ignores stale invalidations', async () => {
    const cache = createSessionCache<string>();
    let logins = 0;
    const login = async (): Promise<LoginResult<string>> => ({ ok: true, session: `s${++logins}` });
    await cache.get('k', login);
    cache.invalidate('k', 's1');
    expect(await cache.get('k', login)).toEqual({ ok: true, session: 's2' });
    cache.invalidate('k', 's1');
    expect(await cache.get('k', login)).toEqual({ ok: true, session: 's2' });
    expect(logins).toBe(2);
  });

  it('does not cache failed logins or thrown errors', async () => {
    const cache = createSessionCache<string>();
    expect(
      await cache.get('k', async () => ({ ok: false, auth: true, message: 'bad password' })),
    ).toEqual({ ok: false, auth: true, message: 'bad password' });
    await expect(cache.get('k', async () => Promise.reject(new Error('bug')))).rejects.toThrow(
      'bug',
    );
    expect(await cache.get('k', async () => ({ ok: true, session: 'fresh' }))).toEqual({
      ok: true,
      session: 'fresh',
    });
  });

  it('derives different keys for different credentials and the same key for the same ones', () => {
    expect(credentialKey('user', 'pw1')).toBe(credentialKey('user', 'pw1'));
    expect(credentialKey('user', 'pw1')).not.toBe(credentialKey('user', 'pw2'));
    expect(credentialKey('a|b', 'c')).not.toBe(credentialKey('a', 'b|c'));
    expect(credentialKey('user', 'secret-password')).not.toContain('secret');
  });
});
