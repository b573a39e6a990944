/**
 * A source's inbound URL: the address its provider posts notifications to, always absolute
 * (a provider's settings take nothing else). Its origin is the configured public base URL
 * (`publicBaseUrl`) when there is one, so every place shows the same address. Without it, the
 * best address each place knows (docs/configuration.md): the admin API and the web UI the
 * origin the request reached this server at (behind a trusted proxy, the forwarded scheme and
 * host), the CLI the address the server listens on.
 */

/** `<origin>/ipn/<sourceId>`; trailing slashes of the origin do not double the separator. */
export function inboundUrl(origin: string, sourceId: string): string {
  return `${origin.replace(/\/+$/, '')}/ipn/${encodeURIComponent(sourceId)}`;
}

/**
 * `http://<host>:<port>` of the address the server listens on. A wildcard address (`0.0.0.0`,
 * `::`) accepts connections on every interface; it is reached on the loopback address. An IPv6
 * address is bracketed.
 */
export function listenOrigin(host: string, port: number): string {
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

/** A source (any object with its id) with its inbound URL on `origin`. */
export function withInboundUrl<T extends { id: string }>(
  source: T,
  origin: string,
): T & { inboundUrl: string } {
  return { ...source, inboundUrl: inboundUrl(origin, source.id) };
}
