import type { FastifyRequest } from 'fastify';

/** The origin of `value` (a URL or an `Origin` header), or undefined when it is not a URL. */
export function originOf(value: string): string | undefined {
  return URL.canParse(value) ? new URL(value).origin : undefined;
}

/**
 * The origin a request reached this server at: its scheme and `Host`, or the forwarded ones
 * (`X-Forwarded-Proto`, `X-Forwarded-Host`) when `trustProxy` is on. Undefined when the host
 * does not make a URL.
 */
export function requestOrigin(req: FastifyRequest): string | undefined {
  return originOf(`${req.protocol}://${req.host}`);
}
