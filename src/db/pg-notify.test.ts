import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { coalescedNotify } from './pg-notify.js';
import type { Database } from './schema.js';

const pool = { isTransaction: false } as unknown as Kysely<Database>;
const transaction = { isTransaction: true } as unknown as Kysely<Database>;

/** A send that records each NOTIFY and finishes only when the test says so. */
function recordingSend() {
  const sent: Array<{ channel: string; finish: () => void; fail: (err: Error) => void }> = [];
  const send = (_db: Kysely<Database>, channel: string) =>
    new Promise<void>((resolve, reject) => {
      sent.push({ channel, finish: resolve, fail: reject });
    });
  return { sent, send };
}

const settled = (p: Promise<void>) => {
  const state = { done: false };
  p.then(
    () => {
      state.done = true;
    },
    () => {
      state.done = true;
    },
  );
  return state;
};

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('coalesced NOTIFY', () => {
  it('sends one NOTIFY for the calls of one turn of the event loop', async () => {
    const { sent, send } = recordingSend();
    const notify = coalescedNotify(send);
    const calls = Array.from({ length: 25 }, () => notify(pool, 'deliveries'));
    await turn();
    expect(sent).toHaveLength(1);
    sent[0]?.finish();
    await Promise.all(calls);
    expect(sent).toHaveLength(1);
  });

  it('sends a later call its own NOTIFY after the one in flight, shared with every call meanwhile', async () => {
    const { sent, send } = recordingSend();
    const notify = coalescedNotify(send);
    const first = settled(notify(pool, 'deliveries'));
    await turn();
    expect(sent).toHaveLength(1);
    // Called while the first NOTIFY is on its way: it may have reached the server before the
    // caller's commit, so these wait for one of their own.
    const later = [notify(pool, 'deliveries'), notify(pool, 'deliveries')];
    const laterState = settled(Promise.all(later).then(() => undefined));
    await turn();
    expect(sent).toHaveLength(1);
    sent[0]?.finish();
    await turn();
    expect(first.done).toBe(true);
    expect(sent).toHaveLength(2);
    expect(laterState.done).toBe(false);
    sent[1]?.finish();
    await Promise.all(later);
  });

  it('keeps channels apart and passes a failure to the callers that shared the NOTIFY', async () => {
    const { sent, send } = recordingSend();
    const notify = coalescedNotify(send);
    const a = [notify(pool, 'a'), notify(pool, 'a')];
    const b = notify(pool, 'b');
    await turn();
    expect(sent.map((s) => s.channel)).toEqual(['a', 'b']);
    sent[0]?.fail(new Error('connection lost'));
    sent[1]?.finish();
    await expect(Promise.all(a)).rejects.toThrow('connection lost');
    await b;
    // A failed NOTIFY does not stop the next one.
    const again = notify(pool, 'a');
    await turn();
    expect(sent).toHaveLength(3);
    sent[2]?.finish();
    await again;
  });

  it("sends a NOTIFY inside a transaction at once, as the transaction's own", async () => {
    const { sent, send } = recordingSend();
    const notify = coalescedNotify(send);
    const inside = [notify(transaction, 'deliveries'), notify(transaction, 'deliveries')];
    expect(sent).toHaveLength(2);
    for (const s of sent) s.finish();
    await Promise.all(inside);
  });
});
