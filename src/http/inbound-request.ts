/**
 * The neutral {@link InboundRequest} a provider sees, built from a Fastify request: the inbound
 * route builds it for every notification, the client-error handler for a request whose HTTP
 * framing broke while its body was being read.
 */
import type { FastifyRequest } from 'fastify';
import type { Clock } from '../lib/clock.js';
import type { InboundRequest } from '../providers/provider.js';
import { clientAddress } from './client-address.js';

export const EMPTY_BODY = Buffer.alloc(0);

function headersOf(req: FastifyRequest): Record<string, string> {
  const headers = req.headers;
  const out: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

export function toInbound(req: FastifyRequest, body: Buffer, clock: Clock): InboundRequest {
  return {
    receivedAt: clock.now(),
    method: req.method,
    url: req.url,
    headers: headersOf(req),
    rawBody: body,
    remoteAddress: clientAddress(req),
  };
}
