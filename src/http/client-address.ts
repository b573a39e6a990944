/**
 * The client address of a connection or request, known for the whole life of the connection.
 *
 * Node asks the operating system for a socket's peer address on first use (`remoteAddress`).
 * Once the client has reset the connection that question has no answer and `remoteAddress` is
 * undefined — and a client may send a complete, correctly signed notification and reset the
 * connection before its answer is written. That request must still be recorded with where it
 * came from, so the address is read when the connection is accepted and kept with the socket.
 * When even that failed (a reset before the accept was handled), the address is `''`: unknown.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyRequest } from 'fastify';

const peers = new WeakMap<Socket, string>();

/** Remembers the peer address of every connection `server` accepts, before anything else runs on it. */
export function capturePeerAddresses(server: Server): void {
  server.prependListener('connection', (socket: Socket) => {
    const address = socket.remoteAddress;
    if (address !== undefined) peers.set(socket, address);
  });
}

/** The peer address of `socket`: captured at accept time, else what Node still knows, else `''` (unknown). */
export function peerAddress(socket: Socket): string {
  return peers.get(socket) ?? socket.remoteAddress ?? '';
}

/**
 * The client address of a request: Fastify's `req.ip` (the forwarded address when
 * `trustProxy` is on, computed when the request arrived), else the connection's peer address.
 */
export function clientAddress(req: FastifyRequest): string {
  // `req.ip` is typed string but reads the socket lazily when no proxy is trusted: undefined after a reset.
  const ip: string | undefined = req.ip;
  return ip ?? peerAddress(req.raw.socket);
}
