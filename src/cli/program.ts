/**
 * The `ipnhub` command line (bin/ipnhub.js calls {@link main} through src/main.ts). Every
 * command lives in src/cli/commands/, one file per group; this file only assembles them and turns outcomes
 * into an exit code. Nothing here calls `process.exit`: output goes to the injected
 * {@link CliIo} and the exit code is returned, so tests run the CLI in-process.
 */
import { Command, CommanderError } from 'commander';
import { isIpnhubError } from '../core/errors.js';
import { processIo } from './cli-io.js';
import type { CliIo } from './cli-io.js';
import type { CommandContext } from './command-context.js';
import { registerAccessCommand } from './commands/access.js';
import { registerBackupCommand } from './commands/backup.js';
import { registerConfigCommand } from './commands/config.js';
import { registerConnectionCommand } from './commands/connection.js';
import { registerCustomerCommand } from './commands/customer.js';
import { registerDeliveriesCommand } from './commands/deliveries.js';
import { registerDevCommand } from './commands/dev.js';
import { registerDocumentsCommand } from './commands/documents.js';
import { registerEventsCommand } from './commands/events.js';
import { registerInboundRequestsCommand } from './commands/inbound-requests.js';
import { registerMigrateCommand } from './commands/migrate.js';
import { registerProfileCommand } from './commands/profile.js';
import { registerServeCommand } from './commands/serve.js';
import { registerSimulateCommand } from './commands/simulate.js';
import { registerSourceCommand } from './commands/source.js';
import { registerTokenCommand } from './commands/token.js';
import { registerWorkerCommand } from './commands/worker.js';
import { printError } from './output.js';
import { packageVersion } from '../lib/package-version.js';
import { tuneHeapForServer } from '../lib/heap-tuning.js';

export { processIo };
export type { CliIo };

export interface MainOptions {
  /**
   * True when `main()` is the process's own entry point (bin/ipnhub.js): only then may `serve`
   * and `worker` change process-wide settings. Tests run `main()` inside their own process.
   */
  entryPoint?: boolean;
}

/** Builds the command tree; exported for tests that inspect it. */
export function buildProgram(ctx: CommandContext): Command {
  const program = new Command('ipnhub')
    .description(
      'Self-hosted hub for payment notifications: receive, verify, record and route Digistore24 and PayPal IPNs.',
    )
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .helpCommand('help [command]', 'show help for a command')
    .exitOverride()
    .configureOutput({ writeOut: ctx.io.stdout, writeErr: ctx.io.stderr })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText(
      'after',
      '\nSettings come from the settings file ipnhub.json in the data directory (./data unless IPNHUB_DATA_DIR says otherwise; IPNHUB_CONFIG names another file) and IPNHUB_* environment variables (e.g. IPNHUB_DATA_DIR, DATABASE_URL, IPNHUB_PORT, IPNHUB_PUBLIC_BASE_URL), which win. `ipnhub config show` prints what this command line uses.',
    );
  registerServeCommand(program, ctx);
  registerWorkerCommand(program, ctx);
  registerMigrateCommand(program, ctx);
  registerBackupCommand(program, ctx);
  registerSourceCommand(program, ctx);
  registerConnectionCommand(program, ctx);
  registerInboundRequestsCommand(program, ctx);
  registerEventsCommand(program, ctx);
  registerDeliveriesCommand(program, ctx);
  registerAccessCommand(program, ctx);
  registerCustomerCommand(program, ctx);
  registerProfileCommand(program, ctx);
  registerDocumentsCommand(program, ctx);
  registerSimulateCommand(program, ctx);
  registerTokenCommand(program, ctx);
  registerConfigCommand(program, ctx);
  registerDevCommand(program, ctx);
  return program;
}

/** Whether the user asked for JSON, decided from argv so that errors raised before or
 *  during option parsing are reported in the same format. Arguments after `--` do not count. */
function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}

/**
 * Runs the CLI with `argv` (without the node and script paths) and returns the exit code:
 * 0 on success; 1 for an `IpnhubError` (printed as `error CODE: message`, or
 * `{"error":{"code","message"}}` with `--json`), a failed check (`connection test`,
 * `simulate`) or a usage error. Long-running commands resolve only after a graceful shutdown.
 */
export async function main(
  argv: string[],
  io: CliIo = processIo(),
  options: MainOptions = {},
): Promise<number> {
  let exitCode = 0;
  const serverProcess = options.entryPoint === true ? tuneHeapForServer : () => undefined;
  const program = buildProgram({ io, setExitCode: (code) => (exitCode = code), serverProcess });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    // Commander has already printed help, the version or the usage error itself.
    if (err instanceof CommanderError) return err.exitCode;
    if (isIpnhubError(err)) {
      printError(io, wantsJson(argv), err.code, err.message);
      return 1;
    }
    // Anything else is a bug or the environment (port in use, database unreachable).
    printError(io, wantsJson(argv), 'INTERNAL', err instanceof Error ? err.message : String(err));
    return 1;
  }
}
