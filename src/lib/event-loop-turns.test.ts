import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { createEventLoopTurns } from './event-loop-turns.js';

describe('event-loop turns', () => {
  it('starts each piece of work that became ready together in an event-loop iteration of its own', async () => {
    // Counts iterations: one immediate per check phase, each queuing the next.
    let iteration = 0;
    let ticking = true;
    const tick = (): void => {
      iteration++;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const takeTurn = createEventLoopTurns();
    const seen: number[] = [];
    await Promise.all(
      Array.from({ length: 5 }, async () => {
        await takeTurn();
        seen.push(iteration);
      }),
    );
    ticking = false;
    expect(new Set(seen).size).toBe(5);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  it('lets the HTTP server answer a request between two pieces of work', async () => {
    const server = createServer((_req, res) => res.end('answered'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const takeTurn = createEventLoopTurns();
      let answered = false;
      const answer = request(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`).then(
        async (res) => {
          answered = (await res.body.text()) === 'answered';
        },
      );
      // Work that is always ready: without turns it would run to the end before any I/O.
      let pieces = 0;
      while (!answered && pieces < 100_000) {
        await takeTurn();
        pieces++;
      }
      await answer;
      expect(pieces).toBeLessThan(100_000);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
