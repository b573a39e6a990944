/**
 * The SSRF guard (docs/security.md, after Svix's `webhook_http_client.rs`): user-entered outbound
 * URLs must not reach the machine ipnhub runs on, its private network or a cloud metadata
 * service. An address is refused when it is loopback, private (RFC 1918, fc00::/7),
 * link-local (incl. 169.254.169.254 and fe80::/10), CGNAT (100.64/10), unspecified,
 * multicast, broadcast, reserved/documentation, or an IPv6 form that embeds one of those
 * (IPv4-mapped `::ffff:127.0.0.1`, NAT64, 6to4, IPv4-compatible), plus AWS's `fd00:ec2::254`.
 *
 * The allow-list (`IPNHUB_OUTBOUND_ALLOW_LIST`) lets chosen targets through anyway. Entries are
 * a CIDR (`10.0.0.0/8`), a single IP (`192.168.1.20`, `::1`) or an exact host name
 * (`crm.internal`), the latter matched case-insensitively against the URL's host before any DNS
 * lookup. Malformed input is refused, never allowed.
 */
import ipaddr from 'ipaddr.js';

type IpAddress = ipaddr.IPv4 | ipaddr.IPv6;

export interface AddressGuard {
  /** True when a connection to this IP address (v4 or v6, no brackets) may be made. */
  isAllowed(ip: string): boolean;
  /** True when the host name is on the allow-list by name: its addresses are then not checked. */
  isAllowedHost(hostname: string): boolean;
  /** Why the address is refused (`'loopback'`, `'private'`, …), or null when it is allowed. */
  blockReason(ip: string): string | null;
}

const BLOCKED_V4_RANGES: ReadonlySet<string> = new Set([
  'unspecified',
  'broadcast',
  'multicast',
  'linkLocal',
  'loopback',
  'carrierGradeNat',
  'private',
  'reserved',
  'benchmarking',
]);

const BLOCKED_V6_RANGES: ReadonlySet<string> = new Set([
  'unspecified',
  'linkLocal',
  'multicast',
  'loopback',
  'uniqueLocal',
  'deprecatedSiteLocal',
  'discard',
  'reserved',
  'benchmarking',
  'teredo',
  'deprecatedOrchid',
  'orchid2',
]);

/** Explicitly named because people look for it; it is inside fc00::/7 as well. */
const AWS_METADATA_V6 = ipaddr.IPv6.parse('fd00:ec2::254');

function parseIp(ip: string): IpAddress | null {
  const bare = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  if (!ipaddr.isValid(bare)) return null;
  try {
    return ipaddr.parse(bare);
  } catch {
    return null;
  }
}

/** The IPv4 address an IPv6 address carries inside, for the forms that route to IPv4. */
function embeddedIpv4(address: ipaddr.IPv6): ipaddr.IPv4 | null {
  const p = address.parts;
  const word = (i: number): number => p[i] ?? 0;
  const fromWords = (hi: number, lo: number): ipaddr.IPv4 =>
    new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  const range = address.range();
  // ::ffff:a.b.c.d (mapped), ::ffff:0:a.b.c.d (RFC 6145), 64:ff9b::a.b.c.d (NAT64)
  if (range === 'ipv4Mapped' || range === 'rfc6145' || range === 'rfc6052')
    return fromWords(word(6), word(7));
  // 2002:aabb:ccdd::/48 (6to4) carries aa.bb.cc.dd
  if (range === '6to4') return fromWords(word(1), word(2));
  // ::a.b.c.d (deprecated IPv4-compatible); :: and ::1 are classified on their own
  if (p.slice(0, 6).every((w) => w === 0) && range !== 'unspecified' && range !== 'loopback')
    return fromWords(word(6), word(7));
  return null;
}

function blockedRange(address: IpAddress): string | null {
  if (address.kind() === 'ipv4') {
    const range = address.range();
    return BLOCKED_V4_RANGES.has(range) ? range : null;
  }
  const v6 = address as ipaddr.IPv6;
  if (v6.match(AWS_METADATA_V6, 128)) return 'cloud metadata';
  const range = v6.range();
  if (BLOCKED_V6_RANGES.has(range)) return range;
  // 64:ff9b:1::/48 is NAT64 for local use: it leads into the operator's own IPv4 network.
  if (range === 'rfc6052' && v6.parts[2] !== 0) return 'local-use NAT64';
  const inner = embeddedIpv4(v6);
  if (inner) {
    const innerRange = blockedRange(inner);
    return innerRange === null ? null : `${innerRange} (embedded in IPv6)`;
  }
  return null;
}

type AllowEntry = { kind: 'cidr'; range: [IpAddress, number] } | { kind: 'host'; name: string };

function normaliseHost(hostname: string): string {
  const lower = hostname.trim().toLowerCase();
  const bare = lower.startsWith('[') && lower.endsWith(']') ? lower.slice(1, -1) : lower;
  return bare.endsWith('.') ? bare.slice(0, -1) : bare;
}

function parseAllowEntry(entry: string): AllowEntry | null {
  const trimmed = entry.trim();
  if (trimmed.length === 0) return null;
  if (trimmed.includes('/')) {
    if (!ipaddr.isValidCIDR(trimmed)) return null;
    const [address, bits] = ipaddr.parseCIDR(trimmed);
    return { kind: 'cidr', range: [address, bits] };
  }
  const address = parseIp(trimmed);
  if (address) return { kind: 'cidr', range: [address, address.kind() === 'ipv4' ? 32 : 128] };
  return { kind: 'host', name: normaliseHost(trimmed) };
}

function inRange(address: IpAddress, [base, bits]: [IpAddress, number]): boolean {
  // Compare mapped IPv6 addresses as IPv4 so `10.0.0.0/8` also covers `::ffff:10.1.2.3`.
  const candidate =
    address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()
      ? (address as ipaddr.IPv6).toIPv4Address()
      : address;
  if (candidate.kind() !== base.kind()) return false;
  return candidate.match(base, bits);
}

/** DNS labels (letters, digits, `-`, and `_` which internal names use), dot-separated. */
const HOST_NAME =
  /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

/** Whether an allow-list entry means something: a CIDR, an IP address or a host name (no scheme, port or path). */
export function isValidAllowEntry(entry: string): boolean {
  const parsed = parseAllowEntry(entry);
  return parsed !== null && (parsed.kind === 'cidr' || HOST_NAME.test(parsed.name));
}

/** Address verdicts a guard remembers before it forgets them all. */
export const REMEMBERED_VERDICTS = 1024;

/** Builds the guard from the allow-list entries; empty or malformed entries are ignored (the configuration refuses them). */
export function createAddressGuard(allowList: readonly string[]): AddressGuard {
  const entries = allowList.map(parseAllowEntry).filter((e): e is AllowEntry => e !== null);
  const ranges = entries.flatMap((e) => (e.kind === 'cidr' ? [e.range] : []));
  const hosts = new Set(entries.flatMap((e) => (e.kind === 'host' ? [e.name] : [])));

  const verdictOf = (ip: string): string | null => {
    const address = parseIp(ip);
    if (!address) return 'not an IP address';
    const reason = blockedRange(address);
    if (reason === null) return null;
    return ranges.some((range) => inRange(address, range)) ? null : reason;
  };
  // The verdict on each address text, remembered: a client asks about the same few targets for
  // every request, and parsing an address allocates ~1.6 KB (docs/benchmarks.md, "The delivery
  // attempt's main thread, third look"). Forgotten all at once when full.
  const verdicts = new Map<string, string | null>();
  const blockReason = (ip: string): string | null => {
    const known = verdicts.get(ip);
    if (known !== undefined) return known;
    const verdict = verdictOf(ip);
    if (verdicts.size >= REMEMBERED_VERDICTS) verdicts.clear();
    verdicts.set(ip, verdict);
    return verdict;
  };

  return {
    blockReason,
    isAllowed: (ip) => blockReason(ip) === null,
    isAllowedHost: (hostname) => hosts.has(normaliseHost(hostname)),
  };
}
