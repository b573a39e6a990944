/**
 * Event types in the order the filters and the preview list them (their names:
 * i18n/event-type-name.ts). The list is checked against the generated `EventType` union: a
 * type the server adds does not compile until it is listed here (and named in every catalogue).
 */
import type { EventType } from './connection-types.js';

// Every key is required: the compiler refuses a missing or unknown type.
const ORDER: Readonly<Record<EventType, true>> = {
  payment: true,
  payment_pending: true,
  payment_denied: true,
  refund: true,
  chargeback: true,
  chargeback_reversed: true,
  payment_missed: true,
  subscription_started: true,
  rebill_cancelled: true,
  rebill_resumed: true,
  subscription_suspended: true,
  last_paid_day: true,
  order_approved: true,
  affiliation: true,
  connection_test: true,
};

export const EVENT_TYPES = Object.keys(ORDER) as EventType[];

/** What a connection can be filtered on: the connection test is sent to one connection, never fanned out. */
export const FILTERABLE_EVENT_TYPES: readonly EventType[] = EVENT_TYPES.filter(
  (type) => type !== 'connection_test',
);
