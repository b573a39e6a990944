/**
 * A stored event that is read from its JSON only when something looks inside it. A webhook
 * attempt in the standard format sends the stored JSON as it is (the envelope, built from the
 * row's `type` and `occurred_at` columns), and its connector never reads a field: the parse was
 * ~4 % of the delivery phase's main thread (docs/benchmarks.md, "The event parsed on first
 * use"). Every other use — a field, `in`, `Object.keys`, spread, `JSON.stringify` — parses it
 * once and then acts on the parsed object, so the value behaves as the parsed event does.
 */
import type { CanonicalEvent } from '../core/events.js';

type Parsed = Record<PropertyKey, unknown>;

export function lazyEvent(json: string): CanonicalEvent {
  let parsed: Parsed | null = null;
  const event = (): Parsed => {
    parsed ??= JSON.parse(json) as Parsed;
    return parsed;
  };
  // The target stays empty and extensible, so reporting the parsed object's (configurable)
  // properties keeps the proxy invariants.
  const handler: ProxyHandler<Parsed> = {
    get: (_target, key) => event()[key],
    has: (_target, key) => key in event(),
    ownKeys: () => Reflect.ownKeys(event()),
    getOwnPropertyDescriptor: (_target, key) => Reflect.getOwnPropertyDescriptor(event(), key),
    set: (_target, key, value) => Reflect.set(event(), key, value),
    deleteProperty: (_target, key) => Reflect.deleteProperty(event(), key),
    // Refused when the property would end up non-configurable (a new one without
    // `configurable: true` is), which the empty target could not report.
    defineProperty: (_target, key, descriptor) => {
      const existing = Reflect.getOwnPropertyDescriptor(event(), key);
      const configurable = descriptor.configurable ?? existing?.configurable ?? false;
      return configurable && Reflect.defineProperty(event(), key, descriptor);
    },
  };
  return new Proxy<Parsed>({}, handler) as unknown as CanonicalEvent;
}
