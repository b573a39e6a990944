/**
 * What every command's registration receives from `main()`: where to write, how to set the
 * exit code `main()` returns (commander actions cannot return one), and how a long-running
 * command makes the process a server process.
 */
import type { CliIo } from './cli-io.js';

export interface CommandContext {
  io: CliIo;
  /** Sets the exit code `main()` returns once the command has finished (default 0). */
  setExitCode(code: number): void;
  /**
   * Called by `serve` and `worker` before they start: applies the process-wide settings of a
   * long-running server process (lib/heap-tuning.ts) when `main()` is the process's own entry
   * point, and nothing when it runs inside another program (the tests).
   */
  serverProcess(): void;
}
