import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS, envName, loadConfig } from './config.js';

const doc = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');

describe('configuration', () => {
  it('documents every key with its environment variable', () => {
    for (const key of CONFIG_KEYS) {
      expect(doc, `docs/configuration.md misses ${key}`).toContain(`| \`${key}\` | \`${envName(key)}\` |`);
    }
    const documented = [...doc.matchAll(/^\| `([a-zA-Z]+)` \| `IPNHUB_/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual([...CONFIG_KEYS].sort());
  });

  it('has working defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 8080, host: '127.0.0.1', dataDir: './data', logLevel: 'info', retrySchedule: [5, 300, 1800, 7200, 18000, 36000, 36000] });
    expect(config.databaseUrl).toBeUndefined();
  });

  it('reads IPNHUB_* variables, lists and DATABASE_URL', () => {
    const config = loadConfig({ IPNHUB_PORT: '9090', IPNHUB_OUTBOUND_ALLOW_LIST: '10.0.0.0/8, billing.internal', IPNHUB_RETRY_SCHEDULE: '1,2,3', DATABASE_URL: 'postgres://u:p@h/db', IPNHUB_TRUST_PROXY: 'true' });
    expect(config.port).toBe(9090);
    expect(config.outboundAllowList).toEqual(['10.0.0.0/8', 'billing.internal']);
    expect(config.retrySchedule).toEqual([1, 2, 3]);
    expect(config.databaseUrl).toBe('postgres://u:p@h/db');
    expect(config.trustProxy).toBe(true);
  });

  it('fails naming the field and its variable', () => {
    expect(() => loadConfig({ IPNHUB_PORT: 'eighty' })).toThrow(/CONFIG_INVALID|port \(IPNHUB_PORT\)/);
    expect(() => loadConfig({ IPNHUB_DATABASE_URL: 'mysql://x' })).toThrow(/databaseUrl \(IPNHUB_DATABASE_URL\): must be a postgres:\/\/ URL/);
    expect(() => loadConfig({ IPNHUB_ADMIN_TOKEN: 'short' })).toThrow(/adminToken \(IPNHUB_ADMIN_TOKEN\)/);
  });
});
