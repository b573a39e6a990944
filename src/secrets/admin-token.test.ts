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
      expect(await verifier.verify('configured-token-0123456789')).toBe(true);
      expect(await verifier.verify('configured-token-012345678')).toBe(false);
      expect(await verifier.verify('configured-token-01234567890')).toBe(false);
      expect(await verifier.verify('')).toBe(false);
      expect(await verifier.verify(undefined)).toBe(false);
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
      expect(await verifier.verify(token)).toBe(true);
      expect(await verifier.verify(`${token}x`)).toBe(false);
      expect(await verifier.verify(sha256Hex(token))).toBe(false);

      const again = await ensureAdminToken({ db: handle.db, adapter: handle.adapter, announce });
      expect(announced).toHaveLength(1);
      expect(await again.verify(token)).toBe(true);
    });

    it('announces exactly once when several processes start together', async () => {
      // Separate handles on the same database stand in for separate processes.
      const others = [openDb(handle.target), openDb(handle.target), openDb(handle.target)];
      try {
        const announced: string[] = [];
        const announce = (token: string) => announced.push(token);
        const dbs = [handle, ...others, handle, ...others];
        const verifiers = await Promise.all(
          dbs.map((d) => ensureAdminToken({ db: d.db, adapter: d.adapter, announce })),
        );
        expect(announced).toHaveLength(1);
        const token = announced[0] ?? '';
        for (const verifier of verifiers) expect(await verifier.verify(token)).toBe(true);
        expect(await settings()).toEqual([{ key: ADMIN_TOKEN_SETTING, value: sha256Hex(token) }]);
      } finally {
        await Promise.all(others.map((o) => o.close()));
      }
    });

    it('rotates: the new token verifies, the old one no longer does, after a restart too', async () => {
      const announced: string[] = [];
      await ensureAdminToken({
        db: handle.db,
        adapter: handle.adapter,
        announce: (t) => announced.push(t),
      });
      const old = announced[0] ?? '';

      const rotated = await rotateAdminToken({ db: handle.db, adapter: handle.adapter });
      expect(rotated).toMatch(/^iph_[A-Za-z0-9_-]{43}$/);
      expect(rotated).not.toBe(old);
      expect(await settings()).toEqual([{ key: ADMIN_TOKEN_SETTING, value: sha256Hex(rotated) }]);

      const restarted = await ensureAdminToken({
        db: handle.db,
        adapter: handle.adapter,
        announce: (t) => announced.push(t),
      });
      expect(announced).toEqual([old]);
      expect(await restarted.verify(rotated)).toBe(true);
      expect(await restarted.verify(old)).toBe(false);
    });

    it('a running verifier follows a rotation made through another connection at once', async () => {
      // The server's verifier on one handle; `ipnhub token rotate` in another process, here a
      // second handle on the same database.
      const other = openDb(handle.target);
      try {
        const announced: string[] = [];
        const running = await ensureAdminToken({
          db: handle.db,
          adapter: handle.adapter,
          announce: (t) => announced.push(t),
        });
        const old = announced[0] ?? '';
        expect(await running.verify(old)).toBe(true);

        const first = await rotateAdminToken({ db: other.db, adapter: other.adapter });
        expect(await running.verify(old)).toBe(false);
        expect(await running.verify(first)).toBe(true);

        const second = await rotateAdminToken({ db: other.db, adapter: other.adapter });
        expect(await running.verify(first)).toBe(false);
        expect(await running.verify(second)).toBe(true);
      } finally {
        await other.close();
      }
    });

    it('refuses every token once the stored one is gone', async () => {
      const announced: string[] = [];
      const verifier = await ensureAdminToken({
        db: handle.db,
        adapter: handle.adapter,
        announce: (t) => announced.push(t),
      });
      await handle.db.deleteFrom('settings').where('key', '=', ADMIN_TOKEN_SETTING).execute();
      expect(await verifier.verify(announced[0])).toBe(false);
      expect(await verifier.verify('')).toBe(false);
    });

    it('a configured token is not affected by a rotation', async () => {
      const verifier = await ensureAdminToken({
        db: handle.db,
        adapter: handle.adapter,
        configured: 'configured-token-0123456789',
        announce: () => undefined,
      });
      const rotated = await rotateAdminToken({ db: handle.db, adapter: handle.adapter });
      expect(await verifier.verify('configured-token-0123456789')).toBe(true);
      expect(await verifier.verify(rotated)).toBe(false);
    });

    it('rotates on an empty database too', async () => {
      const rotated = await rotateAdminToken({ db: handle.db, adapter: handle.adapter });
      const announced: string[] = [];
      const verifier = await ensureAdminToken({
        db: handle.db,
        adapter: handle.adapter,
        announce: (t) => announced.push(t),
      });
      expect(announced).toEqual([]);
      expect(await verifier.verify(rotated)).toBe(true);
    });
  });
}
