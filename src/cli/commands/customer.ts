/**
 * `ipnhub customer erase <email>`: erases one buyer's personal data everywhere ipnhub stores
 * it (retention/erase-customer.ts, docs/retention.md), the same erasure as
 * `DELETE /api/v1/customers/:id`, recorded with the actor `cli`. It asks for a confirmation
 * unless `--yes` is given; where nobody can answer (no terminal) `--yes` is required.
 */
import type { Command } from 'commander';
import { IpnhubError } from '../../core/errors.js';
import { emailFilter } from '../../http/admin/common-schemas.js';
import { customerIdByEmail, eraseCustomer } from '../../retention/erase-customer.js';
import type { Erasure } from '../../retention/erase-customer.js';
import type { CliIo } from '../cli-io.js';
import type { CommandContext } from '../command-context.js';
import { withDbRuntime } from '../db-runtime.js';
import { bySchema } from '../option-parsers.js';
import { printJson, printLines } from '../output.js';

async function confirmed(io: CliIo, email: string, yes: boolean): Promise<void> {
  if (yes) return;
  if (io.ask === undefined)
    throw new IpnhubError(
      'CONFIRMATION_REQUIRED',
      'Erasing personal data cannot be undone and nobody can confirm it here (standard input is not a terminal); pass --yes.',
    );
  const answer = await io.ask(
    `Erase the personal data of ${email} everywhere ipnhub stores it? This cannot be undone. Type yes to go on: `,
  );
  if (answer.trim().toLowerCase() !== 'yes')
    throw new IpnhubError('CONFIRMATION_REQUIRED', 'Not confirmed; nothing was erased.');
}

function printErasure(io: CliIo, erasure: Erasure): void {
  const changed = Object.entries(erasure.removed)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
  printLines(
    io,
    `Erased the personal data of customer ${erasure.customerId} (erasure ${erasure.id}, ${erasure.erasedAt}).`,
    `Rows changed: ${changed}.`,
    'Amounts, dates, order and transaction ids and document numbers are kept; see docs/retention.md.',
  );
}

/** Adds `customer erase`. */
export function registerCustomerCommand(program: Command, ctx: CommandContext): void {
  const customer = program.command('customer').description("Manage buyers' personal data.");

  customer
    .command('erase')
    .description(
      "Erase a buyer's personal data everywhere ipnhub stores it (customer, events, raw requests, delivery attempts, queued deliveries and mails, documents' e-mail), keeping amounts, dates, order and transaction ids and document numbers. Pending deliveries of the buyer's events are cancelled. Asks for a confirmation unless --yes.",
    )
    .argument(
      '<email>',
      "the buyer's e-mail (case-insensitive)",
      bySchema(emailFilter, 'an e-mail address'),
    )
    .option('--yes', 'do not ask for a confirmation (scripts)')
    .option('--json', 'print the audit record as JSON')
    .action(async (email: string, options: { yes?: boolean; json?: boolean }) => {
      await withDbRuntime(ctx.io, async (runtime) => {
        const { db, adapter } = runtime.dbHandle;
        const customerId = await customerIdByEmail(db, email);
        if (customerId === null)
          throw new IpnhubError('NOT_FOUND', `No customer with the e-mail ${email}.`);
        await confirmed(ctx.io, email, options.yes === true);
        const erasure = await eraseCustomer(
          { db, adapter, clock: runtime.clock },
          customerId,
          'cli',
        );
        if (erasure === null) throw new IpnhubError('NOT_FOUND', `No customer ${customerId}.`);
        if (options.json === true) printJson(ctx.io, erasure);
        else printErasure(ctx.io, erasure);
      });
    });
}
