/**
 * A complete, correctly signed notification whose client resets the connection right after
 * sending it is still recorded and its events are committed (the provider never saw the answer
 * and will resend; the resend is then a duplicate). The client's address is recorded when the
 * server could read it before the reset, and empty otherwise. Nothing is logged as an error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  encodeDigistore24Body,
  sampleDigistore24Fields,
} from '../../src/providers/digistore24/sign-request.js';
import { captureLogger } from '../helpers/capture-logger.js';
import type { CapturedLogger } from '../helpers/capture-logger.js';
import { pollUntil } from '../helpers/poll-until.js';
import { openRaw, postHead } from '../helpers/raw-http.js';
import { startListeningRuntime } from '../helpers/listening-runtime.js';
import type { ListeningRuntime } from '../helpers/listening-runtime.js';
import { enabledDialects } from '../helpers/test-db.js';

const PASS = 'reset-pass';

for (const dialect of enabledDialects()) {
  describe(`a client that resets the connection after a complete notification, on ${dialect}`, () => {
    let hub: ListeningRuntime;
    let log: CapturedLogger;

    beforeAll(async () => {
      log = captureLogger('info');
      hub = await startListeningRuntime(dialect, PASS, { logger: log.logger });
    });
    afterAll(async () => hub.close());

    /** The source's stored requests once there are `expected` of them (the server stores them after the client is gone). */
    async function storedRows(expected: number) {
      return pollUntil(
        () =>
          hub.runtime.dbHandle.db
            .selectFrom('inbound_requests')
            .select(['url', 'verdict', 'verdict_code', 'remote_address', 'event_ids'])
            .where('source_id', '=', hub.sourceId)
            .orderBy('id')
            .execute(),
        (rows) => rows.length >= expected,
      );
    }

    async function sendAndReset(
      orderId: string,
      transactionId: string,
      afterAccept: boolean,
    ): Promise<void> {
      const body = encodeDigistore24Body(
        sampleDigistore24Fields('on_payment', { orderId, transactionId }),
        PASS,
      );
      const accepted = afterAccept
        ? new Promise((resolve) => hub.app.server.once('connection', resolve))
        : null;
      const connection = await openRaw(hub.port);
      await accepted;
      await connection.write(
        postHead(`/ipn/${hub.sourceId}`, [
          'Content-Type: application/x-www-form-urlencoded',
          `Content-Length: ${Buffer.byteLength(body)}`,
        ]) + body,
      );
      connection.socket.resetAndDestroy();
      await connection.closed;
    }

    it('records the request with the address the connection was accepted from', async () => {
      await sendAndReset('RESET-A', '8000', true);
      const [row] = await storedRows(1);
      expect(row).toMatchObject({
        verdict: 'accepted',
        verdict_code: null,
        remote_address: '127.0.0.1',
      });
      expect(JSON.parse(row?.event_ids ?? '[]')).toHaveLength(1);
    });

    it('records every one of many such requests, the address empty when the reset came before the server could read it', async () => {
      const orders = Array.from({ length: 10 }, (_, i) => `RESET${i}`);
      await Promise.all(orders.map((orderId, i) => sendAndReset(orderId, `9000${i}`, false)));
      const rows = await storedRows(orders.length + 1);
      for (const row of rows) {
        expect(row).toMatchObject({ verdict: 'accepted', verdict_code: null });
        // The operating system forgets the peer of a reset connection; '' is "unknown".
        expect(['127.0.0.1', '']).toContain(row.remote_address);
      }
      const events = await hub.runtime.dbHandle.db
        .selectFrom('events')
        .select('order_ref')
        .where('source_id', '=', hub.sourceId)
        .execute();
      expect(events.map((e) => e.order_ref).sort()).toEqual(['RESET-A', ...orders].sort());
      expect(log.lines().filter((line) => Number(line.level) >= 50)).toEqual([]);
    });
  });
}
