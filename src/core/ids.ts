/**
 * Prefixed, time-sortable ids (`evt_01J…`): a 48-bit millisecond timestamp and 80 random bits
 * in Crockford base32 (the ULID layout), so ids sort by creation time as plain strings and a
 * log line names its row. Within one process ids are strictly increasing even inside one
 * millisecond (the random part is incremented), which the outbox relies on for ordering.
 */
import { randomBytes } from 'node:crypto';

export const ID_PREFIXES = {
  source: 'src',
  connection: 'con',
  event: 'evt',
  delivery: 'dlv',
  attempt: 'att',
  inbound: 'req',
  customer: 'cus',
  order: 'ord',
  transaction: 'txn',
  subscription: 'sub',
  access: 'acc',
  alert: 'alr',
  profile: 'prf',
  document: 'doc',
  documentMail: 'dml',
  manualRefund: 'mrf',
  platformSaleMail: 'psm',
  erasure: 'ers',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

let lastTime = -1;
let lastRandom: number[] = [];

function encodeTime(ms: number): string {
  let out = '';
  let value = ms;
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[value % 32] + out;
    value = Math.floor(value / 32);
  }
  return out;
}

function freshRandom(): number[] {
  return Array.from(randomBytes(16).subarray(0, 16), (b) => b % 32);
}

function incrementRandom(digits: number[]): number[] {
  const next = digits.slice();
  for (let i = next.length - 1; i >= 0; i--) {
    const digit = next[i] ?? 0;
    if (digit < 31) {
      next[i] = digit + 1;
      return next;
    }
    next[i] = 0;
  }
  return freshRandom();
}

/** A new id such as `evt_01JAB3…` (prefix, underscore, 26 base32 characters). */
export function newId(kind: IdKind, now: number = Date.now()): string {
  if (now <= lastTime) {
    lastRandom = incrementRandom(lastRandom);
  } else {
    lastTime = now;
    lastRandom = freshRandom();
  }
  const time = encodeTime(Math.max(now, lastTime));
  const random = lastRandom.map((d) => ALPHABET[d]).join('');
  return `${ID_PREFIXES[kind]}_${time}${random}`;
}

export function hasPrefix(id: string, kind: IdKind): boolean {
  return id.startsWith(`${ID_PREFIXES[kind]}_`);
}
