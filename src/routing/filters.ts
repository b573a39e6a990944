/**
 * Connection filters: which events a connection receives. Mirrors Digistore24's IPN
 * connection screen (products, add-ons, languages, events, follow-up payments) across every
 * source. An empty list means "all". The matcher is pure and runs inside the ingest
 * transaction, once per event and connection.
 */
import * as z from 'zod';
import { EVENT_TYPES } from '../core/events.js';
import type { CanonicalEvent } from '../core/events.js';

export const filtersSchema = z
  .object({
    sources: z
      .array(z.string())
      .default([])
      .meta({ description: 'Source ids; empty = every source.' }),
    eventTypes: z
      .array(z.enum(EVENT_TYPES))
      .default([])
      .meta({ description: 'Canonical event types; empty = every type.' }),
    productIds: z.array(z.string()).default([]).meta({
      description:
        'Product ids; empty = every product. An event matches when any of its items does.',
    }),
    addons: z.enum(['include', 'exclude', 'only']).default('include').meta({
      description:
        'include: main products and add-ons; exclude: main products only; only: add-ons only.',
    }),
    languages: z
      .array(z.string())
      .default([])
      .meta({ description: 'Order languages (ISO 639-1); empty = every language.' }),
    payments: z.enum(['all', 'first', 'rebills']).default('all').meta({
      description:
        'For payment events: all, only the first payment of an order, or only follow-up payments (rebills, instalments).',
    }),
    includeTest: z
      .boolean()
      .default(false)
      .meta({ description: 'Deliver test events (Digistore24 api_mode=test, PayPal test_ipn=1).' }),
  })
  .strict();

export type ConnectionFilters = z.infer<typeof filtersSchema>;

export const DEFAULT_FILTERS: ConnectionFilters = filtersSchema.parse({});

/** A payment is a follow-up when its pay sequence number is above 1 (0 = single, 1 = first). */
function isFollowUpPayment(event: CanonicalEvent): boolean {
  const seq = event.order?.paySequenceNo;
  return seq !== null && seq !== undefined && seq > 1;
}

export function matchesFilters(event: CanonicalEvent, filters: ConnectionFilters): boolean {
  // A connection test is always addressed to one connection explicitly, never fanned out.
  if (event.type === 'connection_test') return false;
  if (event.source.test && !filters.includeTest) return false;
  if (filters.sources.length > 0 && !filters.sources.includes(event.source.id)) return false;
  if (filters.eventTypes.length > 0 && !filters.eventTypes.includes(event.type)) return false;
  if (filters.languages.length > 0) {
    const language = event.order?.language ?? event.buyer?.language ?? null;
    if (language === null || !filters.languages.includes(language.toLowerCase())) return false;
  }
  if (event.type === 'payment' && filters.payments !== 'all') {
    const followUp = isFollowUpPayment(event);
    if (filters.payments === 'first' && followUp) return false;
    if (filters.payments === 'rebills' && !followUp) return false;
  }
  const items = event.order?.items ?? [];
  // The add-on rule narrows the items the product filter looks at: "product 12345, add-ons
  // excluded" must not match an order where 12345 was only bought as an add-on.
  const eligible =
    filters.addons === 'include'
      ? items
      : items.filter((item) => item.isAddon === (filters.addons === 'only'));
  if (filters.addons !== 'include' && items.length > 0 && eligible.length === 0) return false;
  if (
    filters.productIds.length > 0 &&
    !eligible.some((item) => filters.productIds.includes(item.productId))
  )
    return false;
  return true;
}
