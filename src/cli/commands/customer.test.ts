/**
 * `ipnhub customer erase`: the confirmation (asked, refused, required where nobody can
 * answer), `--yes`, `--json` and an unknown e-mail. What an erasure changes is tested in
 * retention/erase-customer.test.ts; here the customer is a bare row in the CLI's database.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDb } from '../../db/connect.js';
import { createCliEnv } from '../test-support/cli-harness.js';
import type { CliEnv } from '../test-support/cli-harness.js';

const EMAIL = 'gudrun.lindqvist@example.com';

describe('ipnhub customer erase', () => {
  let cli: CliEnv;

  beforeEach(async () => {
    cli = createCliEnv();
    await cli.run(['config']);
    const handle = openDb({ kind: 'sqlite', file: join(cli.dataDir, 'ipnhub.db') });
    try {
      await handle.db
        .insertInto('customers')
        .values({
          id: 'cus_cli1',
          email: EMAIL,
          first_name: 'Gudrun',
          last_name: 'Lindqvist',
          company: null,
          phone: null,
          address: null,
          created_at: '2026-03-01T10:00:00.000Z',
          updated_at: '2026-03-01T10:00:00.000Z',
        })
        .execute();
    } finally {
      await handle.close();
    }
  });

  afterEach(() => cli.dispose());

  it('requires --yes where nobody can confirm, and erases nothing', async () => {
    const result = await cli.run(['customer', 'erase', EMAIL]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('CONFIRMATION_REQUIRED');
    const again = await cli.run(['customer', 'erase', EMAIL, '--yes', '--json']);
    expect(again.code, again.stderr).toBe(0);
  });

  it('asks, and an answer other than yes erases nothing', async () => {
    const no = await cli.run(['customer', 'erase', EMAIL], {}, 'no');
    expect(no.code).toBe(1);
    expect(no.stderr).toContain('This cannot be undone');
    expect(no.stderr).toContain('CONFIRMATION_REQUIRED');
    const yes = await cli.run(['customer', 'erase', 'Gudrun.Lindqvist@example.com'], {}, 'yes');
    expect(yes.code, yes.stderr).toBe(0);
    expect(yes.stdout).toContain('Erased the personal data of customer cus_cli1');
    expect(yes.stdout).not.toContain(EMAIL);
  });

  it('prints the audit record as JSON with --yes, and NOT_FOUND for an unknown e-mail', async () => {
    const result = await cli.run(['customer', 'erase', EMAIL, '--yes', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const erasure = JSON.parse(result.stdout) as {
      customerId: string;
      actor: string;
      removed: Record<string, number>;
    };
    expect(erasure).toMatchObject({
      customerId: 'cus_cli1',
      actor: 'cli',
      removed: { customers: 1 },
    });
    const gone = await cli.run(['customer', 'erase', EMAIL, '--yes', '--json']);
    expect(gone.code).toBe(1);
    expect(JSON.parse(gone.stderr)).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });
});
