import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureLogger } from '../../test/helpers/capture-logger.js';
import { IpnhubError } from '../core/errors.js';
import { parseMasterKey } from './master-key-format.js';
import { resolveMasterKey } from './master-key.js';

function thrown(run: () => unknown): IpnhubError {
  try {
    run();
  } catch (err) {
    if (err instanceof IpnhubError) return err;
    throw err;
  }
  throw new Error('expected an IpnhubError');
}

describe('parseMasterKey', () => {
  const key = randomBytes(32);

  it('accepts 64 hex characters, base64 and base64url of 32 bytes, trimming whitespace', () => {
    expect(parseMasterKey(key.toString('hex'))?.equals(key)).toBe(true);
    expect(parseMasterKey(key.toString('hex').toUpperCase())?.equals(key)).toBe(true);
    expect(parseMasterKey(key.toString('base64'))?.equals(key)).toBe(true);
    expect(parseMasterKey(key.toString('base64url'))?.equals(key)).toBe(true);
    expect(parseMasterKey(` ${key.toString('base64')}\n`)?.equals(key)).toBe(true);
  });

  it('refuses other lengths and non-key text', () => {
    expect(parseMasterKey(randomBytes(31).toString('base64'))).toBeUndefined();
    expect(parseMasterKey(randomBytes(33).toString('base64'))).toBeUndefined();
    expect(parseMasterKey(randomBytes(31).toString('hex'))).toBeUndefined();
    expect(parseMasterKey('')).toBeUndefined();
    expect(parseMasterKey('correct horse battery staple correct horse battery')).toBeUndefined();
    expect(parseMasterKey(`${key.toString('base64').slice(0, 40)}!!!=`)).toBeUndefined();
  });
});

describe('resolveMasterKey', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ipnhub-key-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('uses a configured key and touches no file', () => {
    const key = randomBytes(32);
    const { logger, lines } = captureLogger();
    const dataDir = join(dir, 'data');
    expect(
      resolveMasterKey({ configured: key.toString('hex'), dataDir, embedded: true, logger }).equals(
        key,
      ),
    ).toBe(true);
    expect(
      resolveMasterKey({
        configured: key.toString('base64'),
        dataDir,
        embedded: false,
        logger,
      }).equals(key),
    ).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
    expect(lines()).toEqual([]);
  });

  it('refuses a malformed configured key with CONFIG_INVALID naming the variable', () => {
    const { logger } = captureLogger();
    for (const configured of [
      'short',
      randomBytes(16).toString('base64'),
      randomBytes(32).toString('hex').slice(1),
      '',
    ]) {
      const err = thrown(() =>
        resolveMasterKey({ configured, dataDir: dir, embedded: true, logger }),
      );
      expect(err.code).toBe('CONFIG_INVALID');
      expect(err.detail).toBe('masterKey (IPNHUB_MASTER_KEY): must be 32 bytes, base64 or hex');
    }
  });

  it('requires a configured key when the database is not embedded', () => {
    const { logger, lines } = captureLogger();
    const err = thrown(() =>
      resolveMasterKey({ dataDir: join(dir, 'data'), embedded: false, logger }),
    );
    expect(err.code).toBe('MASTER_KEY_REQUIRED');
    expect(readdirSync(dir)).toEqual([]);
    expect(lines()).toEqual([]);
  });

  it('generates, stores (mode 0600) and announces a key once on the embedded default, then reuses it', () => {
    const { logger, lines } = captureLogger();
    const dataDir = join(dir, 'nested', 'data');
    const key = resolveMasterKey({ dataDir, embedded: true, logger });
    expect(key).toHaveLength(32);

    const file = join(dataDir, 'master.key');
    expect(readdirSync(dataDir)).toEqual(['master.key']);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64').equals(key)).toBe(true);

    const logged = lines();
    expect(logged).toHaveLength(1);
    const line = logged[0] ?? {};
    expect(line.level).toBe(40);
    expect(line.file).toBe(file);
    expect(String(line.msg)).toContain(file);
    expect(String(line.msg)).toContain('back it up');
    const raw = JSON.stringify(logged);
    expect(raw).not.toContain(key.toString('base64'));
    expect(raw).not.toContain(key.toString('hex'));

    const again = resolveMasterKey({ dataDir, embedded: true, logger });
    expect(again.equals(key)).toBe(true);
    expect(lines()).toHaveLength(1);
  });

  it('reads an existing key file without logging', () => {
    const { logger, lines } = captureLogger();
    const key = randomBytes(32);
    writeFileSync(join(dir, 'master.key'), `${key.toString('base64')}\n`, { mode: 0o600 });
    expect(resolveMasterKey({ dataDir: dir, embedded: true, logger }).equals(key)).toBe(true);
    expect(lines()).toEqual([]);
  });

  it('refuses a corrupt key file instead of replacing it', () => {
    const { logger } = captureLogger();
    const file = join(dir, 'master.key');
    writeFileSync(file, 'not a key\n');
    const err = thrown(() => resolveMasterKey({ dataDir: dir, embedded: true, logger }));
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.detail).toBe(`masterKey (${file}): must be 32 bytes, base64 or hex`);
    expect(readFileSync(file, 'utf8')).toBe('not a key\n');
  });
});
