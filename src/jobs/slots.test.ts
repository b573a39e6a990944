import { describe, expect, it } from 'vitest';
import { createSlots } from './slots.js';

describe('slots', () => {
  it('hands out at most `count` at once and the freed ones to the callers in the order they asked', async () => {
    const slots = createSlots(2);
    const got: string[] = [];
    const take = (name: string) => slots.take().then(() => got.push(name));
    const all = [take('a'), take('b'), take('c'), take('d')];
    await Promise.resolve();
    expect(got).toEqual(['a', 'b']);
    expect(slots.busy).toBe(2);
    slots.give();
    await Promise.resolve();
    expect(got).toEqual(['a', 'b', 'c']);
    expect(slots.busy).toBe(2);
    slots.give();
    await Promise.all(all);
    expect(got).toEqual(['a', 'b', 'c', 'd']);
    slots.give();
    slots.give();
    expect(slots.busy).toBe(0);
    await slots.take();
    expect(slots.busy).toBe(1);
  });

  it('refuses a count that is not a whole number of at least 1', () => {
    expect(() => createSlots(0)).toThrow(RangeError);
    expect(() => createSlots(1.5)).toThrow(RangeError);
  });
});
