import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IpnhubError } from '../core/errors.js';
import { CONFIG_KEYS, envName, loadConfig, loadSettings } from './config.js';

const doc = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');

/** The CONFIG_INVALID message of a refused configuration. */
function refusal(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(IpnhubError);
    expect((err as IpnhubError).code).toBe('CONFIG_INVALID');
    return (err as IpnhubError).message;
  }
  throw new Error('expected CONFIG_INVALID');
}

describe('configuration', () => {
  let dir: string;
  /** A data directory without a settings file, so nothing on the machine leaks into a test. */
  let base: NodeJS.ProcessEnv;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ipnhub-config-'));
    base = { IPNHUB_DATA_DIR: join(dir, 'data') };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('documents every key with its environment variable', () => {
    for (const key of CONFIG_KEYS) {
      expect(doc, `docs/configuration.md misses ${key}`).toContain(
        `| \`${key}\` | \`${envName(key)}\` |`,
      );
    }
    const documented = [...doc.matchAll(/^\| `([a-zA-Z]+)` \| `IPNHUB_/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual([...CONFIG_KEYS].sort());
  });

  it('has working defaults', () => {
    // An empty named file keeps a developer's ./data/ipnhub.json out of the test.
    const empty = join(dir, 'empty.json');
    writeFileSync(empty, '{}');
    const config = loadConfig({ IPNHUB_CONFIG: empty });
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      dataDir: './data',
      logLevel: 'info',
      retrySchedule: [5, 300, 1800, 7200, 18000, 36000, 36000],
    });
    expect(config.databaseUrl).toBeUndefined();
  });

  it('reads IPNHUB_* variables, lists and DATABASE_URL', () => {
    const config = loadConfig({
      ...base,
      IPNHUB_PORT: ' 9090 ',
      IPNHUB_OUTBOUND_ALLOW_LIST: '10.0.0.0/8, billing.internal, ::1',
      IPNHUB_RETRY_SCHEDULE: '1, 2,3',
      DATABASE_URL: 'postgres://u:p@h/db',
      IPNHUB_TRUST_PROXY: 'true',
    });
    expect(config.port).toBe(9090);
    expect(config.outboundAllowList).toEqual(['10.0.0.0/8', 'billing.internal', '::1']);
    expect(config.retrySchedule).toEqual([1, 2, 3]);
    expect(config.databaseUrl).toBe('postgres://u:p@h/db');
    expect(config.trustProxy).toBe(true);
  });

  it('reads the usual spellings of yes and no, and refuses anything else naming the variable', () => {
    for (const [text, value] of [
      ['TRUE', true],
      ['1', true],
      ['yes', true],
      ['on', true],
      ['false', false],
      ['0', false],
      ['No', false],
      ['off', false],
    ] as const) {
      expect(loadConfig({ ...base, IPNHUB_TRUST_PROXY: text }).trustProxy, text).toBe(value);
    }
    expect(refusal(() => loadConfig({ ...base, IPNHUB_TRUST_PROXY: 'ture' }))).toContain(
      'trustProxy (IPNHUB_TRUST_PROXY=ture): expected true or false (also 1/0, yes/no, on/off)',
    );
    expect(refusal(() => loadConfig({ ...base, IPNHUB_INGEST_WRITER_THREAD: 'maybe' }))).toContain(
      'ingestWriterThread (IPNHUB_INGEST_WRITER_THREAD=maybe)',
    );
  });

  it('takes only whole decimal numbers for counts, and says what is expected', () => {
    for (const text of ['eighty', '8080abc', '0x1f90', '1e3', '80.5', '70000', '-1']) {
      expect(
        refusal(() => loadConfig({ ...base, IPNHUB_PORT: text })),
        text,
      ).toContain(`port (IPNHUB_PORT=${text}): expected a port number from 0 to 65535`);
    }
    expect(refusal(() => loadConfig({ ...base, IPNHUB_RETRY_SCHEDULE: '5,300,soon' }))).toContain(
      'retrySchedule (IPNHUB_RETRY_SCHEDULE=5,300,soon): expected comma-separated whole numbers of seconds',
    );
    expect(refusal(() => loadConfig({ ...base, IPNHUB_RETRY_JITTER: '0x1' }))).toContain(
      'retryJitter (IPNHUB_RETRY_JITTER=0x1): expected a number from 0 to 1',
    );
    expect(loadConfig({ ...base, IPNHUB_RETRY_JITTER: '.5' }).retryJitter).toBe(0.5);
  });

  it('takes the log format json or pretty, json by default, and refuses anything else naming the setting', () => {
    expect(loadConfig(base).logFormat).toBe('json');
    expect(loadConfig({ ...base, IPNHUB_LOG_FORMAT: 'pretty' }).logFormat).toBe('pretty');
    expect(refusal(() => loadConfig({ ...base, IPNHUB_LOG_FORMAT: 'prety' }))).toContain(
      'logFormat (IPNHUB_LOG_FORMAT=prety): expected one of json, pretty (did you mean "pretty"?)',
    );
    expect(refusal(() => loadConfig({ ...base, IPNHUB_LOG_FORMAT: 'xml' }))).toContain(
      'logFormat (IPNHUB_LOG_FORMAT=xml): expected one of json, pretty',
    );
  });

  it('takes an operator address and the days before a failing connection is switched off', () => {
    expect(loadConfig(base)).toMatchObject({ autoDisableAfterDays: 5 });
    expect(loadConfig(base).operatorEmail).toBeUndefined();
    expect(
      loadConfig({
        ...base,
        IPNHUB_OPERATOR_EMAIL: ' ops@example.com ',
        IPNHUB_AUTO_DISABLE_AFTER_DAYS: '0',
      }),
    ).toMatchObject({ operatorEmail: 'ops@example.com', autoDisableAfterDays: 0 });
    const message = refusal(() =>
      loadConfig({
        ...base,
        IPNHUB_OPERATOR_EMAIL: 'ops at example',
        IPNHUB_AUTO_DISABLE_AFTER_DAYS: '2.5',
      }),
    );
    expect(message).toContain(
      'operatorEmail (IPNHUB_OPERATOR_EMAIL=ops at example): expected one e-mail address',
    );
    expect(message).toContain('autoDisableAfterDays (IPNHUB_AUTO_DISABLE_AFTER_DAYS=2.5)');
  });

  it('reports every bad value at once, suggests the closest valid word, and never repeats a secret', () => {
    const message = refusal(() =>
      loadConfig({
        ...base,
        IPNHUB_PORT: 'eighty',
        IPNHUB_LOG_LEVEL: 'warning',
        IPNHUB_ADMIN_TOKEN: 'short-secret',
        IPNHUB_DATABASE_URL: 'mysql://root:hunter2@db/x',
      }),
    );
    expect(message).toContain('port (IPNHUB_PORT=eighty)');
    expect(message).toContain(
      'logLevel (IPNHUB_LOG_LEVEL=warning): expected one of fatal, error, warn, info, debug, trace, silent (did you mean "warn"?)',
    );
    expect(message).toContain(
      'adminToken (IPNHUB_ADMIN_TOKEN, value not shown): expected a token of at least 16 characters',
    );
    expect(message).toContain(
      'databaseUrl (IPNHUB_DATABASE_URL, value not shown): expected a postgres:// URL',
    );
    expect(message).not.toContain('short-secret');
    expect(message).not.toContain('hunter2');
  });

  it('refuses a master key that is not 32 bytes when the settings are read, without repeating it', () => {
    const message = refusal(() =>
      loadConfig({ ...base, IPNHUB_MASTER_KEY: 'correct-horse-battery-staple' }),
    );
    expect(message).toContain(
      'masterKey (IPNHUB_MASTER_KEY, value not shown): expected 32 bytes as base64 or as 64 hex characters',
    );
    expect(message).not.toContain('correct-horse');
    expect(loadConfig({ ...base, IPNHUB_MASTER_KEY: 'ab'.repeat(32) }).masterKey).toBe(
      'ab'.repeat(32),
    );
  });

  it('refuses a lease no longer than the outbound timeout, which would send deliveries twice, naming both settings', () => {
    const message = refusal(() =>
      loadConfig({ ...base, IPNHUB_LEASE_SECONDS: '15', IPNHUB_OUTBOUND_TIMEOUT_MS: '15000' }),
    );
    expect(message).toBe(
      'The configuration is not valid. leaseSeconds (IPNHUB_LEASE_SECONDS=15) must be longer than outboundTimeoutMs (IPNHUB_OUTBOUND_TIMEOUT_MS=15000) (15 s): ' +
        'a delivery still waiting for its target would be taken over by another worker and sent twice. See docs/configuration.md.',
    );
    expect(
      loadConfig({ ...base, IPNHUB_LEASE_SECONDS: '16', IPNHUB_OUTBOUND_TIMEOUT_MS: '15000' })
        .leaseSeconds,
    ).toBe(16);
  });

  it('refuses allow-list entries that mean nothing instead of ignoring them', () => {
    const message = refusal(() =>
      loadConfig({
        ...base,
        IPNHUB_OUTBOUND_ALLOW_LIST:
          '10.0.0.0/33,https://crm.internal,crm.internal:8080,crm.internal',
      }),
    );
    expect(message).toContain(
      '"10.0.0.0/33", "https://crm.internal", "crm.internal:8080": not a CIDR, IP address or host name',
    );
    expect(message).not.toContain('"crm.internal",');
  });

  it('warns about unknown IPNHUB_* variables with the closest valid name, and ignores other variables', () => {
    const settings = loadSettings({
      ...base,
      IPNHUB_PROT: '9000',
      IPNHUB_TRUSTPROXY: 'true',
      IPNHUB_CONFIG: '',
      PATH: '/bin',
      NODE_ENV: 'production',
    });
    expect(settings.warnings).toEqual([
      'unknown setting IPNHUB_PROT is ignored (did you mean IPNHUB_PORT?)',
      'unknown setting IPNHUB_TRUSTPROXY is ignored (did you mean IPNHUB_TRUST_PROXY?)',
    ]);
    expect(settings.config.port).toBe(8080);
    expect(settings.config.trustProxy).toBe(false);
  });

  describe('secrets from files (IPNHUB_*_FILE)', () => {
    const token = 'a-token-from-a-file-0123456789';
    const key = Buffer.alloc(32, 7).toString('base64');

    it('reads each secret setting from the file its _FILE variable names, without the trailing newline', () => {
      writeFileSync(join(dir, 'admin_token'), `${token}\n`);
      writeFileSync(join(dir, 'master_key'), `  ${key}\r\n`);
      writeFileSync(join(dir, 'database_url'), 'postgres://ipnhub:pw@db:5432/ipnhub\n');
      writeFileSync(join(dir, 'smtp_url'), 'smtps://u:p@mail.example.com:465');
      writeFileSync(join(dir, 'metrics_token'), 'metrics-token-0123456789\n');
      const settings = loadSettings({
        ...base,
        IPNHUB_ADMIN_TOKEN_FILE: join(dir, 'admin_token'),
        IPNHUB_MASTER_KEY_FILE: join(dir, 'master_key'),
        IPNHUB_DATABASE_URL_FILE: join(dir, 'database_url'),
        IPNHUB_SMTP_URL_FILE: join(dir, 'smtp_url'),
        IPNHUB_METRICS_TOKEN_FILE: join(dir, 'metrics_token'),
      });
      expect(settings.warnings).toEqual([]);
      expect(settings.config.adminToken).toBe(token);
      expect(settings.config.masterKey).toBe(key);
      expect(settings.config.databaseUrl).toBe('postgres://ipnhub:pw@db:5432/ipnhub');
      expect(settings.config.smtpUrl).toBe('smtps://u:p@mail.example.com:465');
      expect(settings.config.metricsToken).toBe('metrics-token-0123456789');
      expect(settings.origins.adminToken).toBe(
        `IPNHUB_ADMIN_TOKEN_FILE=${join(dir, 'admin_token')}`,
      );
    });

    it('wins over DATABASE_URL, as IPNHUB_DATABASE_URL does', () => {
      writeFileSync(join(dir, 'database_url'), 'postgres://ipnhub:pw@db:5432/ipnhub\n');
      const config = loadConfig({
        ...base,
        DATABASE_URL: 'postgres://other@elsewhere/x',
        IPNHUB_DATABASE_URL_FILE: join(dir, 'database_url'),
      });
      expect(config.databaseUrl).toBe('postgres://ipnhub:pw@db:5432/ipnhub');
    });

    it('refuses a missing or empty file, both the variable and its _FILE, and a bad value, never repeating the secret', () => {
      writeFileSync(join(dir, 'empty'), '\n');
      writeFileSync(join(dir, 'short'), 'too-short\n');
      const message = refusal(() =>
        loadConfig({
          ...base,
          IPNHUB_ADMIN_TOKEN_FILE: join(dir, 'missing'),
          IPNHUB_METRICS_TOKEN_FILE: join(dir, 'empty'),
          IPNHUB_MASTER_KEY: key,
          IPNHUB_MASTER_KEY_FILE: join(dir, 'empty'),
          IPNHUB_SMTP_URL_FILE: dir,
        }),
      );
      expect(message).toContain(
        `adminToken (IPNHUB_ADMIN_TOKEN_FILE=${join(dir, 'missing')}): cannot read the file: the file does not exist`,
      );
      expect(message).toContain(
        `metricsToken (IPNHUB_METRICS_TOKEN_FILE=${join(dir, 'empty')}): the file is empty`,
      );
      expect(message).toContain(
        'masterKey: both IPNHUB_MASTER_KEY and IPNHUB_MASTER_KEY_FILE are set; set only one of them',
      );
      expect(message).toContain(
        `smtpUrl (IPNHUB_SMTP_URL_FILE=${dir}): cannot read the file: it is a directory, not a file`,
      );
      expect(message).not.toContain(key);

      const bad = refusal(() =>
        loadConfig({ ...base, IPNHUB_ADMIN_TOKEN_FILE: join(dir, 'short') }),
      );
      expect(bad).toContain(
        `adminToken (IPNHUB_ADMIN_TOKEN_FILE=${join(dir, 'short')}, value not shown): expected a token of at least 16 characters`,
      );
      expect(bad).not.toContain('too-short');
    });

    it('has no _FILE variant for settings that are not secret', () => {
      writeFileSync(join(dir, 'port'), '9000');
      const settings = loadSettings({ ...base, IPNHUB_PORT_FILE: join(dir, 'port') });
      expect(settings.config.port).toBe(8080);
      expect(settings.warnings).toEqual([
        'unknown setting IPNHUB_PORT_FILE is ignored (did you mean IPNHUB_PORT?)',
      ]);
    });
  });

  it('refuses unknown keys given by a caller', () => {
    expect(refusal(() => loadConfig(base, { prot: 1 } as Record<string, unknown>))).toContain(
      'unknown setting "prot" (did you mean "port"?)',
    );
  });

  describe('public base URL', () => {
    it.each([
      ['https://ipn.example.com/hub/', 'https://ipn.example.com/hub'],
      ['https://ipn.example.com//', 'https://ipn.example.com'],
      ['https://ipn.example.com', 'https://ipn.example.com'],
      [' https://IPN.Example.com:443/Hub ', 'https://ipn.example.com/Hub'],
      ['https://ipn.example.com:8443/', 'https://ipn.example.com:8443'],
    ])('normalises %s to %s, so inbound URLs have no double slash', (given, normalised) => {
      const settings = loadSettings({ ...base, IPNHUB_PUBLIC_BASE_URL: given });
      expect(settings.config.publicBaseUrl).toBe(normalised);
      expect(settings.warnings).toEqual([]);
    });

    it('warns when it is plain http, which Digistore24 refuses', () => {
      const settings = loadSettings({ ...base, IPNHUB_PUBLIC_BASE_URL: 'http://ipn.example.com/' });
      expect(settings.config.publicBaseUrl).toBe('http://ipn.example.com');
      expect(settings.warnings).toEqual([
        expect.stringMatching(
          /^publicBaseUrl \(IPNHUB_PUBLIC_BASE_URL\) is a plain http:\/\/ address \(http:\/\/ipn\.example\.com\): Digistore24 refuses http URLs/,
        ),
      ]);
    });

    it.each([
      ['ipn.example.com', 'not an https:// URL'],
      ['ftp://ipn.example.com', 'not an https:// URL'],
      ['https://ipn.example.com/?x=1', 'must not contain a query'],
      [
        'https://user:pw@ipn.example.com',
        'must not contain a query (?…), a fragment (#…) or credentials',
      ],
    ])('refuses %s', (given, problem) => {
      expect(refusal(() => loadConfig({ ...base, IPNHUB_PUBLIC_BASE_URL: given }))).toContain(
        `publicBaseUrl (IPNHUB_PUBLIC_BASE_URL=${given}): ${problem}`,
      );
    });
  });

  describe('settings file', () => {
    function writeJson(path: string, value: unknown): string {
      writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
      return path;
    }

    it('reads ipnhub.json in the data directory when IPNHUB_CONFIG is not set; variables win over it', () => {
      mkdirSync(join(dir, 'data'));
      const file = writeJson(join(dir, 'data', 'ipnhub.json'), {
        port: 9000,
        outboundAllowList: ['127.0.0.1'],
        trustProxy: 'yes',
        publicBaseUrl: 'https://hub.example.com/',
      });
      const settings = loadSettings({ ...base, IPNHUB_PORT: '9100' });
      expect(settings.file).toBe(file);
      expect(settings.config).toMatchObject({
        port: 9100,
        outboundAllowList: ['127.0.0.1'],
        trustProxy: true,
        publicBaseUrl: 'https://hub.example.com',
      });
      expect(settings.origins).toMatchObject({
        port: 'IPNHUB_PORT',
        outboundAllowList: file,
        host: 'default',
        dataDir: 'IPNHUB_DATA_DIR',
      });
    });

    it('reads the file named by IPNHUB_CONFIG, which may move the data directory, and says that the other one is not read', () => {
      mkdirSync(join(dir, 'elsewhere'));
      writeJson(join(dir, 'elsewhere', 'ipnhub.json'), { port: 1 });
      const named = writeJson(join(dir, 'ipnhub.json'), {
        dataDir: join(dir, 'elsewhere'),
        port: 9001,
      });
      const settings = loadSettings({ IPNHUB_CONFIG: named });
      expect(settings.file).toBe(named);
      expect(settings.config).toMatchObject({ port: 9001, dataDir: join(dir, 'elsewhere') });
      expect(settings.warnings).toEqual([
        `${join(dir, 'elsewhere', 'ipnhub.json')} is not read, because IPNHUB_CONFIG names ${named}`,
      ]);
    });

    it('refuses unknown keys naming the file and the closest key, also for variable names used as keys', () => {
      mkdirSync(join(dir, 'data'));
      const file = writeJson(join(dir, 'data', 'ipnhub.json'), {
        prot: 9000,
        IPNHUB_HOST: '0.0.0.0',
        colour: 'blue',
      });
      const message = refusal(() => loadSettings(base));
      expect(message).toContain(`unknown setting "prot" in ${file} (did you mean "port"?)`);
      expect(message).toContain(
        `unknown setting "IPNHUB_HOST" in ${file} (write "host": the file takes keys, not variable names)`,
      );
      expect(message).toContain(`unknown setting "colour" in ${file}.`);
    });

    it('names the file and the key of a bad value', () => {
      mkdirSync(join(dir, 'data'));
      const file = writeJson(join(dir, 'data', 'ipnhub.json'), {
        trustProxy: 'ture',
        workerConcurrency: 0,
      });
      const message = refusal(() => loadSettings(base));
      expect(message).toContain(`trustProxy (in ${file}: "ture"): expected true or false`);
      expect(message).toContain(
        `workerConcurrency (in ${file}: 0): expected a whole number, at least 1`,
      );
    });

    it('refuses a data directory file that tries to move the data directory', () => {
      mkdirSync(join(dir, 'data'));
      const file = writeJson(join(dir, 'data', 'ipnhub.json'), { dataDir: '/srv/other' });
      expect(refusal(() => loadSettings(base))).toContain(
        `dataDir (in ${file}): the data directory's own ipnhub.json cannot move it`,
      );
    });

    it('refuses a file that is missing, not JSON, or not an object', () => {
      expect(refusal(() => loadSettings({ IPNHUB_CONFIG: join(dir, 'missing.json') }))).toContain(
        `IPNHUB_CONFIG=${join(dir, 'missing.json')}: cannot read the settings file: the file does not exist.`,
      );
      const broken = writeJson(join(dir, 'broken.json'), '{"port": 9000,');
      expect(refusal(() => loadSettings({ IPNHUB_CONFIG: broken }))).toContain(
        `IPNHUB_CONFIG=${broken}: not valid JSON`,
      );
      const list = writeJson(join(dir, 'list.json'), [1]);
      expect(refusal(() => loadSettings({ IPNHUB_CONFIG: list }))).toContain(
        'must hold one JSON object of settings',
      );
      expect(refusal(() => loadSettings({ IPNHUB_CONFIG: dir }))).toContain(
        'it is a directory, not a file',
      );
    });

    it('treats a missing data directory, or one that is a file, as "no settings file"', () => {
      expect(loadSettings(base).file).toBeUndefined();
      writeFileSync(join(dir, 'data'), 'not a directory');
      expect(loadSettings(base).file).toBeUndefined();
    });
  });
});
