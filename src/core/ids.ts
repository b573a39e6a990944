/**
 * Prefixed, time-sortable ids (`evt_01J…`): a 48-bit millisecond timestamp and 80 random bits
 * in Crockford base32 (the ULID layout), so ids sort by creation time as plain strings and a
 * log line names its row. Within one process ids are strictly increasing even inside one
 * millisecond (the random part is incremented), which the outbox relies on for ordering.
 */
import { randomFillSync } from 'node:crypto';

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

const RANDOM_DIGITS = 16;

let lastTime = -1;
let lastTimeText = '';
/** The random part of the last id, one base-32 digit per element. */
const lastRandom = new Uint8Array(RANDOM_DIGITS);

// Random bytes are drawn from the system a pool at a time rather than per id.
const randomPool = Buffer.alloc(RANDOM_DIGITS * 64);
let randomPoolUsed = randomPool.length;

function encodeTime(ms: number): string {
  let out = '';
  let value = ms;
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[value % 32] + out;
    value = Math.floor(value / 32);
  }
  return out;
}

function freshRandom(): void {
  if (randomPoolUsed === randomPool.length) {
    randomFillSync(randomPool);
    randomPoolUsed = 0;
  }
  for (let i = 0; i < RANDOM_DIGITS; i++)
    lastRandom[i] = (randomPool[randomPoolUsed++] as number) % 32;
}

/** Adds one to the random part (the ids of one millisecond stay ordered); fresh on overflow. */
function incrementRandom(): void {
  for (let i = RANDOM_DIGITS - 1; i >= 0; i--) {
    const digit = lastRandom[i] as number;
    if (digit < 31) {
      lastRandom[i] = digit + 1;
      return;
    }
    lastRandom[i] = 0;
  }
  freshRandom();
}

export function newId(kind: IdKind, now: number = Date.now()): string {
  if (now <= lastTime) {
    incrementRandom();
  } else {
    lastTime = now;
    lastTimeText = encodeTime(now);
    freshRandom();
  }
  let random = '';
  for (let i = 0; i < RANDOM_DIGITS; i++) random += ALPHABET[lastRandom[i] as number];
  return `${ID_PREFIXES[kind]}_${lastTimeText}${random}`;
}

export function hasPrefix(id: string, kind: IdKind): boolean {
  return id.startsWith(`${ID_PREFIXES[kind]}_`);
}
