/**
 * For state nothing can announce to the test (a child process's HTTP API, a database a
 * server's own worker loop writes to): reads it again after a short pause until `done` holds.
 * The pause only spaces the reads; the outcome never depends on it. Like `createCondition`,
 * there is no deadline of its own: the test's timeout bounds the wait. See docs/testing.md.
 */
export async function pollUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  pauseMs = 50,
): Promise<T> {
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}
