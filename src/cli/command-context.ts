/**
 * What every command's registration receives from `main()`: where to write, and how to set the
 * exit code `main()` returns (commander actions cannot return one).
 */
import type { CliIo } from './cli-io.js';

export interface CommandContext {
  io: CliIo;
  /** Sets the exit code `main()` returns once the command has finished (default 0). */
  setExitCode(code: number): void;
}
