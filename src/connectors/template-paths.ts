/**
 * The paths a template or field mapping may name: the canonical event (`src/core/events.ts`)
 * plus the aliases `templateScope` adds (`event`, `product`, `amount`). A path outside this
 * shape always renders empty, so a typo such as `{buyer.firstNme}` silently blanks a field;
 * connections are checked against it when they are saved.
 *
 * The shape is typed against `CanonicalEvent`, so a field added to the event without being
 * added here (or one removed from the event) fails to compile. `raw` holds whatever fields the
 * provider sent and is open: every `raw.<field>` is allowed.
 */
import type { CanonicalEvent, EventItem } from '../core/events.js';
import { closestName } from '../lib/closest-name.js';

/** `value`: a leaf; `open`: any path below is fine; `[shape]`: a list of that shape; an object: its fields. */
type Shape = 'value' | 'open' | readonly [Shape] | { readonly [field: string]: Shape };

type Leaf = string | number | boolean | bigint | null;

/** The shape of `T`, key for key: every field of the event must be listed, none may be invented. */
type ShapeOf<T> = [T] extends [Leaf]
  ? 'value'
  : T extends readonly (infer U)[]
    ? readonly [ShapeOf<NonNullable<U>>]
    : string extends keyof T
      ? 'open'
      : { readonly [K in keyof T]-?: ShapeOf<NonNullable<T[K]>> };

const ITEM: ShapeOf<EventItem> = {
  productId: 'value',
  name: 'value',
  quantity: 'value',
  isAddon: 'value',
  amount: 'value',
};

const EVENT: ShapeOf<CanonicalEvent> = {
  id: 'value',
  type: 'value',
  occurredAt: 'value',
  receivedAt: 'value',
  source: { id: 'value', provider: 'value', test: 'value' },
  order: {
    id: 'value',
    transactionId: 'value',
    parentTransactionId: 'value',
    billingType: 'value',
    paySequenceNo: 'value',
    currency: 'value',
    amount: 'value',
    vat: 'value',
    net: 'value',
    fee: 'value',
    language: 'value',
    items: [ITEM],
    invoiceUrl: 'value',
    receiptUrl: 'value',
    nextPaymentAt: 'value',
    custom: 'value',
  },
  buyer: {
    email: 'value',
    firstName: 'value',
    lastName: 'value',
    company: 'value',
    phone: 'value',
    address: {
      street: 'value',
      street2: 'value',
      zipcode: 'value',
      city: 'value',
      state: 'value',
      country: 'value',
    },
    newsletterConsent: 'value',
    language: 'value',
  },
  affiliate: { id: 'value', name: 'value', email: 'value' },
  refund: {
    full: 'value',
    paymentTransactionId: 'value',
    paymentAmount: 'value',
    refundedTotal: 'value',
  },
  subscription: { id: 'value', status: 'value' },
  raw: 'open',
};

/** What `templateScope` offers: the event and its aliases. */
const SCOPE: Shape = { ...EVENT, event: 'value', product: ITEM, amount: 'value' };

const INDEX = /^\d+$/;

function isList(shape: Shape): shape is readonly [Shape] {
  return Array.isArray(shape);
}

function fieldsOf(shape: Shape): Readonly<Record<string, Shape>> | null {
  return typeof shape === 'object' && !isList(shape)
    ? (shape as Readonly<Record<string, Shape>>)
    : null;
}

/**
 * `segments` with each unknown field replaced by its closest valid name, as far as that leads;
 * undefined when the first unknown field has no likely correction.
 */
function corrected(segments: readonly string[]): string | undefined {
  const out: string[] = [];
  let shape: Shape = SCOPE;
  for (const segment of segments) {
    if (shape === 'open') return [...out, ...segments.slice(out.length)].join('.');
    if (shape === 'value') break;
    if (isList(shape)) {
      if (!INDEX.test(segment)) break;
      out.push(segment);
      shape = shape[0];
      continue;
    }
    const fields = fieldsOf(shape) ?? {};
    const name = Object.hasOwn(fields, segment)
      ? segment
      : closestName(segment, Object.keys(fields));
    if (name === undefined) break;
    out.push(name);
    shape = fields[name] ?? 'value';
  }
  return out.length > 0 && out.join('.') !== segments.join('.') ? out.join('.') : undefined;
}

/**
 * Why `path` names nothing in the event, with the closest valid path when there is a likely
 * one; null when the path is fine. Only the shape is checked: a path that exists may still be
 * empty for a given event (no affiliate, no second item).
 */
export function pathProblem(path: string): string | null {
  const segments = path.split('.');
  let shape: Shape = SCOPE;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] ?? '';
    const before = segments.slice(0, i).join('.');
    if (shape === 'open') return null;
    if (shape === 'value') return `"${before}" is a single value and has no field "${segment}"`;
    if (isList(shape)) {
      if (!INDEX.test(segment)) {
        // `order.items.name` lacks the index; in `order.items.first.name` the index is misspelt.
        const itemField = Object.hasOwn(fieldsOf(shape[0]) ?? {}, segment);
        const example = [before, '0', ...segments.slice(itemField ? i : i + 1)].join('.');
        return `"${before}" is a list: name an item by its number, e.g. "${example}"`;
      }
      shape = shape[0];
      continue;
    }
    const fields = fieldsOf(shape) ?? {};
    const next = Object.hasOwn(fields, segment) ? fields[segment] : undefined;
    if (next === undefined) {
      const hint = corrected(segments);
      return `the event has no "${path}"${hint === undefined ? '' : ` (did you mean "${hint}"?)`}`;
    }
    shape = next;
  }
  return null;
}
