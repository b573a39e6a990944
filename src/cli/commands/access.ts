/**
 * `ipnhub access check --email <e> --product <id>`: the membership question ("may this buyer
 * use this product now?") answered from the ledger with the same query as the admin API's
 * `GET /access`, with every grant behind the answer.
 */
import type { Command } from 'commander';
import { checkAccess } from '../../ledger/queries/access-query.js';
import type { AccessCheck, AccessGrant } from '../../ledger/queries/access-query.js';
import type { CliIo } from '../cli-io.js';
import type { CommandContext } from '../command-context.js';
import { emailFilter, nonEmpty } from '../../http/admin/common-schemas.js';
import { withDbRuntime } from '../db-runtime.js';
import { bySchema } from '../option-parsers.js';
import { formatTable, printJson } from '../output.js';

function printCheck(io: CliIo, check: AccessCheck): void {
  const verdict = check.hasAccess ? 'has access' : 'has no access';
  const status =
    check.status === 'none'
      ? 'no purchase recorded'
      : `${check.status}${check.paidUntil === null ? '' : `, paid until ${check.paidUntil}`}`;
  io.stdout(`${check.email} ${verdict} to product ${check.productId} (${status}).\n`);
  if (check.grants.length === 0) return;
  io.stdout('\n');
  io.stdout(
    formatTable(
      [
        { header: 'order', value: (g: AccessGrant) => `${g.orderId}${g.test ? ' (test)' : ''}` },
        { header: 'status', value: (g) => g.status },
        { header: 'order status', value: (g) => g.orderStatus },
        { header: 'paid until', value: (g) => g.paidUntil ?? '-' },
        { header: 'granted', value: (g) => g.grantedAt },
        { header: 'updated', value: (g) => g.updatedAt },
      ],
      check.grants,
    ),
  );
}

/** Adds `access check`. */
export function registerAccessCommand(program: Command, ctx: CommandContext): void {
  const access = program
    .command('access')
    .description(
      'Ask the ledger whether a buyer has access to a product (the membership question).',
    );

  access
    .command('check')
    .description(
      'Whether the buyer has access to the product now: granted on payment, suspended on a missed payment, ended on the last paid day, revoked on chargeback and once refunds add up to the payment (a partially refunded order keeps access). Lists every order behind the answer.',
    )
    .requiredOption(
      '--email <email>',
      "the buyer's e-mail (required; case-insensitive)",
      bySchema(emailFilter, 'an e-mail address'),
    )
    .requiredOption(
      '--product <id>',
      "the provider's product id (required)",
      bySchema(nonEmpty, 'a product id'),
    )
    .option('--json', 'print the answer as JSON, as GET /api/v1/access answers')
    .action(async (options: { email: string; product: string; json?: boolean }) => {
      await withDbRuntime(ctx.io, async (runtime) => {
        const check = await checkAccess(runtime.dbHandle.db, {
          email: options.email,
          productId: options.product,
        });
        if (options.json === true) printJson(ctx.io, check);
        else printCheck(ctx.io, check);
      });
    });
}
