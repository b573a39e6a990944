/**
 * The event a mapping preview renders (connections-routes.ts, connectors-routes.ts): a
 * recorded event of the user's choice (`eventId`), or a sample of a type (`sampleEventType`,
 * default `payment`: a complete Digistore24-shaped purchase, connectors/sample-event.ts).
 */
import * as z from 'zod';
import { sampleEvent } from '../../connectors/sample-event.js';
import { IpnhubError } from '../../core/errors.js';
import { EVENT_TYPES } from '../../core/events.js';
import type { CanonicalEvent } from '../../core/events.js';
import type { Database } from '../../db/schema.js';
import type { Kysely } from 'kysely';
import { loadEvent } from '../../ledger/queries/events-query.js';
import { nonEmpty } from './common-schemas.js';

export const previewEventFields = {
  eventId: nonEmpty
    .optional()
    .meta({ description: 'A recorded event (`evt_…`) to render; see GET /events.' }),
  sampleEventType: z
    .enum(EVENT_TYPES)
    .optional()
    .meta({ description: 'Render a sample event of this type instead (default `payment`).' }),
};

/** Refuses a body that names both a recorded event and a sample type. */
export function oneEventChoice(body: {
  eventId?: string | undefined;
  sampleEventType?: string | undefined;
}): boolean {
  return body.eventId === undefined || body.sampleEventType === undefined;
}

export const ONE_EVENT_CHOICE = {
  message: 'give eventId or sampleEventType, not both',
  path: ['sampleEventType'],
};

export interface PreviewEvent {
  event: CanonicalEvent;
  sample: boolean;
}

/** The event to render; an unknown `eventId` → `NOT_FOUND`. */
export async function previewEvent(
  db: Kysely<Database>,
  choice: {
    eventId?: string | undefined;
    sampleEventType?: (typeof EVENT_TYPES)[number] | undefined;
  },
): Promise<PreviewEvent> {
  if (choice.eventId === undefined)
    return { event: sampleEvent(choice.sampleEventType ?? 'payment'), sample: true };
  const event = await loadEvent(db, choice.eventId);
  if (!event) throw new IpnhubError('NOT_FOUND', `No event ${choice.eventId}.`);
  return { event, sample: false };
}
