/**
 * `ipnhub … | head`: when the reader of standard output goes away, the rest of the output is
 * dropped and the command ends as it would have, not with an unhandled EPIPE and its stack.
 */
import { describe, expect, it } from 'vitest';
import { runCliProcess } from '../../test/helpers/cli-process.js';

describe('ipnhub with a standard output nobody reads', () => {
  it('prints its help into a closed pipe and exits 0 without an error', async () => {
    const result = await runCliProcess(['--help'], { env: {}, closeStdout: true });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  }, 60_000);

  it('still reports its own errors on standard error, with their exit code', async () => {
    const result = await runCliProcess(['no-such-command'], { env: {}, closeStdout: true });
    expect(result.stderr).toMatch(/unknown command 'no-such-command'/);
    expect(result.stderr).not.toMatch(/EPIPE/);
    expect(result.code).toBe(1);
  }, 60_000);
});
