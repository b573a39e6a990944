/**
 * The inbound request whose body is being read on each connection. Node reports a broken body
 * (a bad chunk size, a body still trickling in at the request timeout) as an error of the
 * connection, not of the request; this registry lets the client-error handler attribute it to
 * the request, and so to its source. Entries are weak: they go with their connection.
 */
import type { Socket } from 'node:net';
import type { FastifyRequest } from 'fastify';

export type InboundFastifyRequest = FastifyRequest<{ Params: { sourceId: string } }>;

export interface InflightRequests {
  track(req: InboundFastifyRequest): void;
  /** Drops `req` once it is answered, so an idle keep-alive connection holds no request. */
  forget(req: InboundFastifyRequest): void;
  /** The tracked request on `socket` if its body has not been received completely, else undefined. */
  receiving(socket: Socket): InboundFastifyRequest | undefined;
}

export function createInflightRequests(): InflightRequests {
  const bySocket = new WeakMap<Socket, InboundFastifyRequest>();
  return {
    track(req) {
      bySocket.set(req.raw.socket, req);
    },
    forget(req) {
      if (bySocket.get(req.raw.socket) === req) bySocket.delete(req.raw.socket);
    },
    receiving(socket) {
      const req = bySocket.get(socket);
      return req && !req.raw.complete ? req : undefined;
    },
  };
}
