import { describe, expect, it } from 'vitest';
import { bucketSize, chunkSizes, paddedInList, powerOfTwoChunks } from './statement-shapes.js';

describe('bucketSize', () => {
  it('is the smallest power of two at least n', () => {
    expect([0, 1, 2, 3, 4, 5, 8, 9, 150, 256, 257].map(bucketSize)).toEqual([
      1, 1, 2, 4, 4, 8, 8, 16, 256, 256, 512,
    ]);
  });
});

describe('paddedInList', () => {
  it('pads with the last value up to a power of two, keeping the values and their order', () => {
    expect(paddedInList(['a', 'b', 'c'])).toEqual(['a', 'b', 'c', 'c']);
    expect(paddedInList(['a', 'b', 'c', 'd', 'e'])).toEqual([
      'a',
      'b',
      'c',
      'd',
      'e',
      'e',
      'e',
      'e',
    ]);
  });

  it('leaves a list of a power-of-two length, and an empty one, as they are', () => {
    expect(paddedInList(['a'])).toEqual(['a']);
    expect(paddedInList(['a', 'b', 'c', 'd'])).toEqual(['a', 'b', 'c', 'd']);
    expect(paddedInList([])).toEqual([]);
  });

  it('gives every list of 1 to 256 values one of nine lengths', () => {
    const lengths = new Set<number>();
    for (let n = 1; n <= 256; n++)
      lengths.add(paddedInList(Array.from({ length: n }, (_, i) => i)).length);
    expect([...lengths].sort((a, b) => a - b)).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256]);
  });
});

describe('chunkSizes', () => {
  it('cuts a number of rows into powers of two, largest first, each at most the cap', () => {
    expect(chunkSizes(0, 64)).toEqual([]);
    expect(chunkSizes(1, 64)).toEqual([1]);
    expect(chunkSizes(50, 64)).toEqual([32, 16, 2]);
    expect(chunkSizes(64, 64)).toEqual([64]);
    expect(chunkSizes(200)).toEqual([64, 64, 64, 8]);
    expect(chunkSizes(200, 256)).toEqual([128, 64, 8]);
  });
});

describe('powerOfTwoChunks', () => {
  it('cuts rows into power-of-two chunks, largest first, in order', () => {
    const rows = Array.from({ length: 37 }, (_, i) => i);
    const chunks = powerOfTwoChunks(rows, 256);
    expect(chunks.map((c) => c.length)).toEqual([32, 4, 1]);
    expect(chunks.flat()).toEqual(rows);
  });

  it('keeps a power-of-two batch whole and gives nothing for no rows', () => {
    expect(powerOfTwoChunks([1, 2, 3, 4], 256).map((c) => c.length)).toEqual([4]);
    expect(powerOfTwoChunks([], 256)).toEqual([]);
  });

  it('uses seven chunk sizes, at most 64 rows each, for batches up to 256 rows', () => {
    const sizes = new Set<number>();
    for (let n = 1; n <= 256; n++)
      for (const chunk of powerOfTwoChunks(Array.from({ length: n }, (_, i) => i)))
        sizes.add(chunk.length);
    expect([...sizes].sort((a, b) => a - b)).toEqual([1, 2, 4, 8, 16, 32, 64]);
  });
});
