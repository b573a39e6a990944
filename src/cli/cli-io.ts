/**
 * Where the CLI reads and writes: injected so tests run `main()` in-process and read exactly
 * what a user would see, and so nothing in the CLI touches `process` except {@link processIo}.
 */

export interface CliIo {
  /** Receives complete chunks of standard output (lines end with `\n`). */
  stdout: (s: string) => void;
  /** Receives complete chunks of standard error. */
  stderr: (s: string) => void;
  /** The environment the configuration is read from (`loadConfig(env)`). */
  env: NodeJS.ProcessEnv;
  /**
   * Resolves when a long-running command (`serve`, `worker`) should shut down gracefully.
   * When absent, those commands wait for SIGINT or SIGTERM.
   */
  shutdownSignal?: Promise<void>;
  /**
   * Asks a person a question and resolves with the answer line; absent when nobody can answer
   * (standard input is not a terminal), so commands that need a confirmation require `--yes`.
   */
  ask?: (question: string) => Promise<string>;
}

let stdoutReaderGone = false;
let watchingStdout = false;

/**
 * Standard output whose reader has gone (`ipnhub events list | head`): what is left to print
 * is dropped, as a Unix tool's would be, instead of the write's EPIPE ending the process with
 * an unhandled error and its stack trace. Any other write error still ends it.
 */
function watchStdout(): void {
  if (watchingStdout) return;
  watchingStdout = true;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    stdoutReaderGone = true;
  });
}

/** The real process: stdout, stderr and `process.env`; shutdown on SIGINT/SIGTERM. */
export function processIo(): CliIo {
  watchStdout();
  return {
    stdout: (s) => {
      if (!stdoutReaderGone) process.stdout.write(s);
    },
    stderr: (s) => {
      process.stderr.write(s);
    },
    env: process.env,
    ask: process.stdin.isTTY ? askOnTerminal : undefined,
  };
}

async function askOnTerminal(question: string): Promise<string> {
  const { createInterface } = await import('node:readline/promises');
  const terminal = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await terminal.question(question);
  } finally {
    terminal.close();
  }
}

/**
 * The promise a long-running command waits on: the injected one, or the first SIGINT/SIGTERM.
 * The signal handlers are removed once one fires, so a second Ctrl-C during a slow shutdown
 * gets Node's default behaviour (terminate) instead of being swallowed.
 */
export function waitForShutdown(io: CliIo): Promise<string> {
  if (io.shutdownSignal) return io.shutdownSignal.then(() => 'shutdown requested');
  return new Promise((resolve) => {
    const signals = ['SIGINT', 'SIGTERM'] as const;
    const onSignal = (signal: NodeJS.Signals): void => {
      for (const s of signals) process.off(s, onSignal);
      resolve(signal);
    };
    for (const s of signals) process.on(s, onSignal);
  });
}
