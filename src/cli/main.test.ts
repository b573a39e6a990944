import { sqliteAdapter } from '../db/dialect-adapter.js';
import { migrationsFor } from '../db/migrations.js';
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { buildProgram } from './program.js';
import { createCliEnv } from './test-support/cli-harness.js';
import type { CliEnv } from './test-support/cli-harness.js';

const COMMANDS = [
  'serve',
  'worker',
  'migrate',
  'backup',
  'source',
  'connection',
  'inbound-requests',
  'events',
  'deliveries',
  'access',
  'simulate',
  'token',
  'config',
];

function leaves(
  command: Command,
  path: string[] = [],
): Array<{ path: string[]; command: Command }> {
  if (command.commands.length === 0) return [{ path, command }];
  return command.commands.flatMap((sub) => leaves(sub, [...path, sub.name()]));
}

describe('ipnhub CLI', () => {
  let cli: CliEnv;
  afterEach(() => cli.dispose());

  it('--help lists every command and exits 0', async () => {
    cli = createCliEnv();
    const result = await cli.run(['--help']);
    expect(result.code).toBe(0);
    for (const name of COMMANDS) expect(result.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    expect(result.stdout).toContain('IPNHUB_DATA_DIR');
  });

  it('--version prints the version from package.json', async () => {
    cli = createCliEnv();
    const pkg = JSON.parse(
      readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as { version: string };
    const result = await cli.run(['--version']);
    expect(result).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  it('every command and option carries a description, and --help shows each option', async () => {
    cli = createCliEnv();
    const program = buildProgram({
      io: { stdout: () => undefined, stderr: () => undefined, env: {} },
      setExitCode: () => undefined,
      serverProcess: () => undefined,
    });
    const all = leaves(program);
    expect(all.map((l) => l.path.join(' ')).sort()).toEqual(
      [
        'access check',
        'backup',
        'connection add',
        'connection backfill',
        'connection disable',
        'connection enable',
        'connection list',
        'connection remove',
        'connection sample',
        'connection test',
        'connection update',
        'customer erase',
        'deliveries list',
        'deliveries redeliver',
        'deliveries replay',
        'deliveries show',
        'documents credit-note',
        'documents export',
        'documents list',
        'documents manual-refunds',
        'documents pdf',
        'documents resend',
        'documents sale-mails',
        'documents show',
        'profile add',
        'profile attach',
        'profile detach',
        'profile list',
        'profile remove',
        'profile show',
        'profile update',
        'events list',
        'events show',
        'inbound-requests list',
        'inbound-requests show',
        'config show',
        'dev fake-paypal',
        'migrate',
        'serve',
        'simulate digistore24',
        'simulate paypal-ipn',
        'simulate paypal-webhook',
        'source add',
        'source list',
        'source remove',
        'source update',
        'token rotate',
        'worker',
      ].sort(),
    );
    for (const { path, command } of all) {
      expect(command.description(), path.join(' ')).not.toBe('');
      for (const option of command.options)
        expect(option.description, `${path.join(' ')} ${option.flags}`).not.toBe('');
      const help = await cli.run([...path, '--help']);
      expect(help.code).toBe(0);
      for (const option of command.options)
        expect(help.stdout, `${path.join(' ')} --help`).toContain(option.long ?? option.flags);
    }
  });

  it("README's CLI table names every command and subcommand", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const rows = readme.split('\n').filter((line) => line.startsWith('| `ipnhub '));
    const program = buildProgram({
      io: { stdout: () => undefined, stderr: () => undefined, env: {} },
      setExitCode: () => undefined,
      serverProcess: () => undefined,
    });
    for (const { path } of leaves(program)) {
      const [group = '', sub] = path;
      // The first cell of the group's row, e.g. `ipnhub connection add\|list\|update`.
      const cells = rows
        .map((row) => row.split(' | ')[0] ?? '')
        .filter(
          (cell) =>
            cell.startsWith(`| \`ipnhub ${group} `) || cell.startsWith(`| \`ipnhub ${group}\``),
        );
      expect(cells.length, `a README row for ipnhub ${group}`).toBeGreaterThan(0);
      if (sub !== undefined)
        expect(
          cells.some((cell) => new RegExp(`[ |]${sub}(\\|| |\`)`).test(cell.replace(/\\\|/g, '|'))),
          `README names ipnhub ${path.join(' ')}`,
        ).toBe(true);
    }
  });

  it('every listing and creating command accepts --json', () => {
    const program = buildProgram({
      io: { stdout: () => undefined, stderr: () => undefined, env: {} },
      setExitCode: () => undefined,
      serverProcess: () => undefined,
    });
    const withoutJson = leaves(program)
      .filter(({ command }) => !command.options.some((o) => o.long === '--json'))
      .map(({ path }) => path.join(' '));
    expect(withoutJson.sort()).toEqual(['serve', 'worker']);
  });

  it('an unknown command is a usage error with exit code 1', async () => {
    cli = createCliEnv();
    const result = await cli.run(['frobnicate']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("unknown command 'frobnicate'");
    expect(result.stdout).toBe('');
  });

  it('a bad option value names the option', async () => {
    cli = createCliEnv();
    const result = await cli.run(['deliveries', 'list', '--status', 'lost']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "option '--status <status>' argument 'lost' is invalid. expected one of pending, delivering, delivered, skipped, failed, dead",
    );
  });

  it('a bad configuration is reported with its code, in text and in JSON', async () => {
    cli = createCliEnv({ IPNHUB_PORT: 'eighty' }, { database: 'none' });
    const text = await cli.run(['source', 'list']);
    expect(text.code).toBe(1);
    expect(text.stderr).toBe(
      'error CONFIG_INVALID: The configuration is not valid. port (IPNHUB_PORT=eighty): expected a port number from 0 to 65535. See docs/configuration.md.\n',
    );
    const json = await cli.run(['source', 'list', '--json']);
    expect(json.code).toBe(1);
    const parsed = JSON.parse(json.stderr) as { error: { code: string; message: string } };
    expect(parsed.error.code).toBe('CONFIG_INVALID');
    expect(parsed.error.message).toContain('port (IPNHUB_PORT=eighty)');
  });

  it('migrate applies the schema once, then reports it up to date', async () => {
    cli = createCliEnv({}, { database: 'none' });
    const first = await cli.run(['migrate', '--json']);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({
      database: `sqlite:${cli.dataDir}/ipnhub.db`,
      applied: Object.keys(migrationsFor(sqliteAdapter())),
      upToDate: false,
    });
    const second = await cli.run(['migrate']);
    expect(second).toEqual({
      code: 0,
      stdout: `Database sqlite:${cli.dataDir}/ipnhub.db is up to date.\n`,
      stderr: '',
    });
  });
});
