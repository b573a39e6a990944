/**
 * Slow clients are cut off: a connection that sends nothing, one that trickles its headers and
 * one that trickles its body are closed by the server with 408 REQUEST_TIMEOUT, and an idle
 * keep-alive connection is closed after its timeout. The test waits for each connection's close
 * event; the timeouts are short settings of this runtime (and long enough for a loaded machine
 * to send a whole request head in time).
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { openRaw, postHead } from '../helpers/raw-http.js';
import type { RawConnection } from '../helpers/raw-http.js';
import { startListeningRuntime } from '../helpers/listening-runtime.js';
import type { ListeningRuntime } from '../helpers/listening-runtime.js';
import { enabledDialects } from '../helpers/test-db.js';

/** Writes one byte of `text` at a time until the connection closes; never finishes a long text. */
function trickle(connection: RawConnection, text: string): void {
  let next = 0;
  const timer = setInterval(() => {
    if (connection.socket.destroyed || next >= text.length) {
      clearInterval(timer);
      return;
    }
    connection.socket.write(text.charAt(next++));
  }, 25);
  connection.socket.once('close', () => clearInterval(timer));
}

for (const dialect of enabledDialects()) {
  // The cases wait for timeouts independently: they run side by side.
  describe.concurrent(`slow clients on ${dialect}`, () => {
    let hub: ListeningRuntime;

    beforeAll(async () => {
      hub = await startListeningRuntime(dialect, 'slow-pass', {
        config: { headersTimeoutMs: 1500, requestTimeoutMs: 2500, keepAliveTimeoutMs: 500 },
      });
    });
    afterAll(async () => hub.close());

    it('closes a connection that sends nothing, answering 408 REQUEST_TIMEOUT', async ({
      expect,
    }) => {
      const connection = await openRaw(hub.port);
      const answer = await connection.closed;
      expect(answer.status).toBe(408);
      expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'REQUEST_TIMEOUT' } });
    });

    it('closes a connection that trickles its headers', async ({ expect }) => {
      const connection = await openRaw(hub.port);
      trickle(
        connection,
        `POST /ipn/${hub.sourceId} HTTP/1.1\r\nHost: x\r\nX-Slow: ${'s'.repeat(10_000)}`,
      );
      const answer = await connection.closed;
      expect(answer.status).toBe(408);
    });

    it('closes a connection that trickles its body, recording the request as rejected in the provider format', async ({
      expect,
    }) => {
      const connection = await openRaw(hub.port);
      await connection.write(
        postHead(`/ipn/${hub.sourceId}`, [
          'Content-Type: application/x-www-form-urlencoded',
          'Content-Length: 10000',
          'X-Marker: trickled',
        ]),
      );
      trickle(connection, 'a'.repeat(10_000));
      const answer = await connection.closed;
      expect(answer.status).toBe(408);
      expect(answer.body).toMatch(/^ERROR: REQUEST_TIMEOUT: /);
      const row = await hub.runtime.dbHandle.db
        .selectFrom('inbound_requests')
        .select(['verdict', 'verdict_code', 'headers'])
        .where('source_id', '=', hub.sourceId)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({ verdict: 'rejected', verdict_code: 'REQUEST_TIMEOUT' });
      expect(JSON.parse(row.headers)).toMatchObject({ 'x-marker': 'trickled' });
    });

    it('closes an idle keep-alive connection after its timeout', async ({ expect }) => {
      const connection = await openRaw(hub.port);
      await connection.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
      const answer = await connection.closed;
      expect(answer.status).toBe(200);
      expect(answer.body).toBe('{"status":"ok"}');
    });

    it('lowers a headers timeout longer than the request timeout to it (Node refuses the pair otherwise)', async ({
      expect,
    }) => {
      const other = await startListeningRuntime(dialect, 'slow-pass', {
        config: { headersTimeoutMs: 5000, requestTimeoutMs: 1000 },
      });
      try {
        expect(other.app.server.requestTimeout).toBe(1000);
        expect(other.app.server.headersTimeout).toBe(1000);
      } finally {
        await other.close();
      }
    });
  });
}
