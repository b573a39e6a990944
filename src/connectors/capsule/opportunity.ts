/**
 * The order's opportunity (docs/protocols/capsule.md#opportunities). Capsule has no external id
 * for opportunities, so ipnhub writes the line `ipnhub order: <order id>` into the description of
 * the ones it creates and finds them again among the person's opportunities
 * (`GET /parties/{id}/opportunities`): a retried delivery updates the same one.
 *
 * - "open": creates it at the start milestone when the order has none;
 * - "won": moves it to the won milestone, or creates it there, with the payment's value; one
 *   at the lost milestone stays lost (in Digistore24 a refund or chargeback ends the order, so a
 *   payment after it is a late notification, never a reason to call a lost order won again);
 * - "lost": moves an existing one to the lost milestone; none → nothing.
 */
import type { CanonicalEvent } from '../../core/events.js';
import { formatMoney } from '../../core/money.js';
import { isRecord } from '../../lib/is-record.js';
import type { TargetClient } from '../target-client.js';
import { renderTemplate, templateScope } from '../template.js';
import { capsuleId, listAll, unexpectedAnswer } from './capsule-client.js';
import type { Step } from './capsule-client.js';
import type { CapsuleConfig, OpportunityStep } from './config.js';

/** Capsule's limit for an opportunity name is UNCONFIRMED; names are kept short. */
const NAME_LENGTH = 200;

export function orderMarker(orderKey: string): string {
  return `ipnhub order: ${orderKey}`;
}

function orderKeyOf(event: CanonicalEvent): string | null {
  return event.order?.id ?? event.order?.transactionId ?? null;
}

interface FoundOpportunity {
  id: number;
  milestoneId: number | null;
}

async function findOpportunity(
  client: TargetClient,
  partyId: number,
  marker: string,
): Promise<Step<FoundOpportunity | null>> {
  const listed = await listAll(client, `/parties/${partyId}/opportunities`, 'opportunities');
  if (!listed.ok) return listed;
  const found = listed.value
    .filter((o) => typeof o.description === 'string' && o.description.split('\n').includes(marker))
    .map((o) => ({
      id: capsuleId(o.id),
      milestoneId: isRecord(o.milestone) ? capsuleId(o.milestone.id) : null,
    }))
    .filter((o): o is FoundOpportunity => o.id !== null)
    .sort((a, b) => a.id - b.id);
  return { ok: true, value: found[0] ?? null };
}

function value(event: CanonicalEvent): { amount: number; currency: string } | null {
  const { amount, currency } = event.order ?? {};
  if (amount === null || amount === undefined || !currency) return null;
  return { amount: Number(formatMoney(amount, currency)), currency };
}

/** Applies the step to the order's opportunity; returns a note for the delivery log. */
export async function syncOpportunity(
  client: TargetClient,
  event: CanonicalEvent,
  partyId: number,
  step: OpportunityStep,
  settings: CapsuleConfig['opportunity'],
): Promise<Step<string>> {
  const { milestoneId, wonMilestoneId, lostMilestoneId } = settings;
  const orderKey = orderKeyOf(event);
  if (!orderKey || !milestoneId || !wonMilestoneId || !lostMilestoneId)
    return { ok: true, value: 'no opportunity (the event has no order)' };
  const marker = orderMarker(orderKey);
  const found = await findOpportunity(client, partyId, marker);
  if (!found.ok) return found;
  const existing = found.value;
  const target = { open: milestoneId, won: wonMilestoneId, lost: lostMilestoneId }[step];

  if (existing) {
    if (step === 'open' || existing.milestoneId === target)
      return { ok: true, value: `opportunity ${existing.id} unchanged` };
    if (step === 'won' && existing.milestoneId === lostMilestoneId)
      return { ok: true, value: `opportunity ${existing.id} stays lost` };
    const moved = await client.call({
      method: 'PUT',
      path: `/opportunities/${existing.id}`,
      json: { opportunity: { milestone: { id: target } } },
    });
    if (!moved.ok) return { ok: false, result: moved.result };
    return { ok: true, value: `opportunity ${existing.id} ${step}` };
  }
  if (step === 'lost') return { ok: true, value: 'no opportunity to close as lost' };

  const name = renderTemplate(settings.name, templateScope(event)).trim().slice(0, NAME_LENGTH);
  const worth = value(event);
  const created = await client.call({
    method: 'POST',
    path: '/opportunities',
    json: {
      opportunity: {
        party: { id: partyId },
        milestone: { id: target },
        name: name || orderKey,
        description: marker,
        ...(worth ? { value: worth } : {}),
      },
    },
  });
  if (!created.ok) return { ok: false, result: created.result };
  const body = isRecord(created.body) ? created.body.opportunity : undefined;
  const id = isRecord(body) ? capsuleId(body.id) : null;
  if (id === null)
    return { ok: false, result: unexpectedAnswer('the new opportunity', created.body) };
  return { ok: true, value: `opportunity ${id} created (${step})` };
}

/** What is wrong with the configured milestones on the pipeline, or null (connection test). */
export async function milestoneProblems(
  client: TargetClient,
  settings: CapsuleConfig['opportunity'],
): Promise<Step<string | null>> {
  const listed = await listAll(
    client,
    `/pipelines/${settings.pipelineId}/milestones`,
    'milestones',
  );
  if (!listed.ok) return listed;
  const byId = new Map(listed.value.map((m) => [capsuleId(m.id), m]));
  const problems: string[] = [];
  const check = (
    label: string,
    id: number | undefined,
    ok: (m: Record<string, unknown>) => boolean,
    want: string,
  ) => {
    const milestone = id === undefined ? undefined : byId.get(id);
    if (!milestone)
      problems.push(`the ${label} milestone ${id} is not on pipeline ${settings.pipelineId}`);
    else if (!ok(milestone))
      problems.push(`the ${label} milestone ${id} ("${String(milestone.name)}") is not ${want}`);
  };
  check('start', settings.milestoneId, (m) => m.complete !== true, 'an open milestone');
  check(
    'won',
    settings.wonMilestoneId,
    (m) => m.complete === true && m.probability === 100,
    'complete with probability 100',
  );
  check(
    'lost',
    settings.lostMilestoneId,
    (m) => m.complete === true && m.probability === 0,
    'complete with probability 0',
  );
  return { ok: true, value: problems.length > 0 ? problems.join('; ') : null };
}
