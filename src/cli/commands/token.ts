/**
 * `ipnhub token rotate`: replaces the stored admin API token with a new one and prints it
 * once. Only its SHA-256 is stored, so a lost token cannot be shown again, only replaced.
 * Running servers on the same database check the stored token on every request, so the old
 * one stops working at once, and every sign-in session of the web UI ends.
 */
import type { Command } from 'commander';
import { rotateAdminToken } from '../../secrets/admin-token.js';
import type { CommandContext } from '../command-context.js';
import { withDbRuntime } from '../db-runtime.js';
import { printJson, printLines } from '../output.js';

/** Adds `token rotate`. */
export function registerTokenCommand(program: Command, ctx: CommandContext): void {
  const token = program.command('token').description('Manage the admin API token.');

  token
    .command('rotate')
    .description(
      'Generate a new admin API token, store its hash and print it once. Running servers on the same database refuse the old token from their next request on; IPNHUB_ADMIN_TOKEN, when set, takes precedence.',
    )
    .option('--json', 'print the result as JSON')
    .action(async (options: { json?: boolean }) => {
      await withDbRuntime(ctx.io, async (runtime) => {
        const value = await rotateAdminToken({
          db: runtime.dbHandle.db,
          adapter: runtime.dbHandle.adapter,
        });
        const overridden = runtime.config.adminToken !== undefined;
        if (options.json === true) {
          printJson(ctx.io, { token: value, overriddenByConfig: overridden });
          return;
        }
        if (overridden) {
          printLines(ctx.io, `New admin API token (shown once): ${value}`);
          ctx.io.stderr(
            'warning: IPNHUB_ADMIN_TOKEN is set and takes precedence; the new token is only used once it is unset.\n',
          );
        } else {
          printLines(
            ctx.io,
            `New admin API token (shown once): ${value}`,
            'The old token no longer works, also in servers running now; everyone signed in to the web UI must sign in again.',
          );
        }
      });
    });
}
