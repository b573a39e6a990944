import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDb } from '../db/connect.js';
import { createTestDb, enabledDialects } from '../../test/helpers/test-db.js';
import type { TestDb } from '../../test/helpers/test-db.js';
import { ADMIN_TOKEN_SETTING, ensureAdminToken, rotateAdminToken } from './admin-token.js';

const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

for (const dialect of enabledDialects()) {
  describe(`admin token on ${dialect}`, () => {
    let handle: TestDb;
    beforeEach(async () => {
      handle = await createTestDb(dialect);
    });
    afterEach(async () => handle.dispose());

    const settings = async () => handle.db.selectFrom('settings').selectAll().execute();

    it('uses a configured token without touching the database', async () => {
      const announced: string[] = [];
      const verifier = await ensureAdminToken({
        db: handle.db,
        adapter: handle.adapter,
        configured: 'configured-token-0123456789',
        announce: (token) => announced.push(token),
      });
      expect(verifier.verify('configured-token-0123456789')).toBe(true);
      expect(verifier.verify('configured-token-012345678')).toBe(false);
      expect(verifier.verify('configured-token-01234567890')).toBe(false);
      expect(verifier.verify('')).toBe(false);
      expect(verifier.verify(undefined)).toBe(false);
      expect(announced).toEqual([]);
      expect(await settings()).toEqual([]);
    });

    it('generates a token once, stores only its SHA-256 and announces it once', async () => {
      const announced: string[] = [];
      const announce = (token: string) => announced.push(token);
      const verifier = await ensureAdminToken({ db: handle.db, adapter: handle.adapter, announce });
      expect(announced).toHaveLength(1);
      const token = announced[0] ?? '';
      expect(token).toMatch(/^iph_[A-Za-z0-9_-]{43}$/);
      expect(await settings()).toEqual([{ key: ADMIN_TOKEN_SETTING, value: sha256Hex(token) }]);
      expect(JSON.stringify(await settings())).not.toContain(token.slice(4));
      expect(verifier.verify(token)).toBe(true);
      expect(verifier.verify(`${token}x`)).toBe(false);
      expect(verifier.verify(sha256Hex(token))).toBe(false);

      const again = await ensureAdminToken({ db: handle.db, adapter: handle.adapter, announce });
      expect(announced).toHaveLength(1);
      expect(again.verify(token)).toBe(true);
    });

    it('announces exactly once when several processes start together', async () => {
      // Separate handles on the same database stand in for separate processes.
      const others = [openDb(handle.target), openDb(handle.target), openDb(handle.target)];
      try {
        const announced: string[] = [];
        const announce = (token: string) => announced.push(token);
        const dbs = [handle, ...others, handle, ...others];
        const verifiers = await Promise.all(dbs.map((d) => ensureAdminToken({ db: d.db, adapter: d.adapter, announce })));
        expect(announced).toHaveLength(1);
        const token = announced[0] ?? '';
        for (const verifier of verifiers) expect(verifier.verify(token)).toBe(true);
        expect(await settings()).toEqual([{ key: ADMIN_TOKEN_SETTING, value: sha256Hex(token) }]);
      } finally {
        await Promise.all(others.map((o) => o.close()));
      }
    });

    it('rotates: the new token verifies after a restart, the old one no longer does', async () => {
      const announced: string[] = [];
      const first = await ensureAdminToken({ db: handle.db, adapter: handle.adapter, announce: (t) => announced.push(t) });
      const old = announced[0] ?? '';

      const rotated = await rotateAdminToken({ db: handle.db });
      expect(rotated).toMatch(/^iph_[A-Za-z0-9_-]{43}$/);
      expect(rotated).not.toBe(old);
      expect(await settings()).toEqual([{ key: ADMIN_TOKEN_SETTING, value: sha256Hex(rotated) }]);

      const restarted = await ensureAdminToken({ db: handle.db, adapter: handle.adapter, announce: (t) => announced.push(t) });
      expect(announced).toEqual([old]);
      expect(restarted.verify(rotated)).toBe(true);
      expect(restarted.verify(old)).toBe(false);
      // A running verifier keeps its digest until restart (documented).
      expect(first.verify(old)).toBe(true);
    });

    it('rotates on an empty database too', async () => {
      const rotated = await rotateAdminToken({ db: handle.db });
      const announced: string[] = [];
      const verifier = await ensureAdminToken({ db: handle.db, adapter: handle.adapter, announce: (t) => announced.push(t) });
      expect(announced).toEqual([]);
      expect(verifier.verify(rotated)).toBe(true);
    });
  });
}
