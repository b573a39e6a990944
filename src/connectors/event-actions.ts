/**
 * Per-event actions for CRM and e-mail marketing connectors: what a connection does
 * on a payment, a refund, a chargeback, … Each connector defines its own action shape (tags to
 * add and remove, lists, opportunity stages) and its defaults; this module builds the config
 * field and looks an event's action up.
 *
 * The `actions` field replaces the defaults as a whole when given (the defaults are parsed like
 * user input, so their inner defaults apply): a user who configures only
 * `payment` gets no action on refunds, which is what "only on payment" means. Events without an
 * action are `skipped` by the connector.
 */
import * as z from 'zod';
import { EVENT_TYPES } from '../core/events.js';
import type { CanonicalEvent, EventType } from '../core/events.js';

/** Every event type a connection can act on (`connection_test` is the connection test itself). */
export const ACTIONABLE_EVENT_TYPES = EVENT_TYPES.filter(
  (t): t is Exclude<EventType, 'connection_test'> => t !== 'connection_test',
);
export type ActionableEventType = (typeof ACTIONABLE_EVENT_TYPES)[number];

/**
 * The action keys: one per event type, plus `refund_partial` for a refund that gives back only
 * part of its payment (`event.refund.full === false`). Such a refund leaves the buyer's access
 * in the ledger, so it must not take away the tags that stand for it: `refund` is for refunds
 * of the whole payment (and for every refund of an event stored before the ledger said which).
 */
export const ACTION_KEYS = [...ACTIONABLE_EVENT_TYPES, 'refund_partial'] as const;
export type ActionKey = (typeof ACTION_KEYS)[number];

export type EventActions<A> = Partial<Record<ActionKey, A>>;

/** The action key `event` looks up: its type, or `refund_partial` for a partial refund. */
export function actionKeyOf(event: CanonicalEvent): ActionKey | null {
  if (event.type === 'connection_test') return null;
  return event.type === 'refund' && event.refund?.full === false ? 'refund_partial' : event.type;
}

/**
 * The `actions` config field: an object with an optional `action` per event type, defaulting to
 * `defaults` when the whole field is absent. `help` explains the action shape in the UI.
 */
export function eventActionsSchema<A extends z.ZodType>(
  action: A,
  defaults: EventActions<z.input<A>>,
  help: string,
) {
  const shape = Object.fromEntries(ACTION_KEYS.map((key) => [key, action.optional()])) as Record<
    ActionKey,
    z.ZodOptional<A>
  >;
  return z
    .object(shape)
    .strict()
    .prefault(defaults as never)
    .meta({
      title: 'Actions per event',
      description: `${help} Event types without an entry are skipped. "refund" acts on refunds of a whole payment, "refund_partial" on refunds of part of it (the buyer keeps access). Leave the whole field out to use the defaults shown.`,
    });
}

/** The configured action for `event` (see {@link actionKeyOf}), or null when the connection does nothing on it. */
export function actionFor<A>(actions: EventActions<A>, event: CanonicalEvent): A | null {
  const key = actionKeyOf(event);
  return key === null ? null : (actions[key] ?? null);
}

/**
 * Every custom field a connection writes: the connection's own (`customFields`) and each
 * action's, once. What a connection test checks exists at the target.
 */
export function actionFieldKeys(
  customFields: Readonly<Record<string, string>>,
  actions: EventActions<{ customFields?: Readonly<Record<string, string>> }>,
): string[] {
  const perEvent = Object.values(actions).flatMap((action) =>
    Object.keys(action?.customFields ?? {}),
  );
  return [...new Set([...Object.keys(customFields), ...perEvent])];
}
