import { once } from 'node:events';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { capturePeerAddresses, peerAddress } from './client-address.js';

/** The server side of one connection whose client resets it; resolves once the server saw it close. */
async function resetConnection(server: Server): Promise<Socket> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const accepted = once(server, 'connection') as Promise<[Socket]>;
  const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
  await once(client, 'connect');
  const [socket] = await accepted;
  // (`once` would reject on the ECONNRESET error that precedes the close.)
  const closed = new Promise((resolve) => socket.on('close', resolve));
  client.resetAndDestroy();
  await closed;
  return socket;
}

describe('peerAddress', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(
      servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))),
    );
  });

  it('knows the address of a connection its client has reset, when captured at accept time', async () => {
    const server = createServer();
    servers.push(server);
    capturePeerAddresses(server);
    const socket = await resetConnection(server);
    expect(peerAddress(socket)).toBe('127.0.0.1');
  });

  it('is empty (unknown), not undefined, when the address was never read before the reset', async () => {
    const server = createServer();
    servers.push(server);
    const socket = await resetConnection(server);
    expect(socket.remoteAddress).toBeUndefined();
    expect(peerAddress(socket)).toBe('');
  });
});
