import { describe, expect, it } from 'vitest';
import { createTurnBatch } from './turn-batch.js';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('createTurnBatch', () => {
  it('hands on what one turn submitted as one batch, in order, and nothing before the turn ends', async () => {
    const batches: number[][] = [];
    const submit = createTurnBatch<number>((items) => batches.push(items));
    submit(1);
    submit(2);
    // Microtasks of the same turn still join the batch.
    await Promise.resolve();
    submit(3);
    expect(batches).toEqual([]);
    await nextTurn();
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('starts a new batch in the next turn and hands on nothing for a turn without items', async () => {
    const batches: string[][] = [];
    const submit = createTurnBatch<string>((items) => batches.push(items));
    submit('a');
    await nextTurn();
    await nextTurn();
    submit('b');
    submit('c');
    await nextTurn();
    expect(batches).toEqual([['a'], ['b', 'c']]);
  });

  it('takes items submitted while a batch is handed on into the next batch', async () => {
    const batches: number[][] = [];
    const submit = createTurnBatch<number>((items) => {
      batches.push(items);
      if (items[0] === 1) submit(99);
    });
    submit(1);
    await nextTurn();
    expect(batches).toEqual([[1]]);
    await nextTurn();
    expect(batches).toEqual([[1], [99]]);
  });
});
