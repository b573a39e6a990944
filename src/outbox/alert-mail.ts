/**
 * The text of an error e-mail: what happened to which deliveries of one connection, and what
 * to do. Deliveries are grouped by where they stand when the mail is written, not by the
 * problem that queued them: a delivery that was "failing" and has since gone dead is reported
 * dead, and one that has since gone through is not reported at all (alerts.ts drops it).
 * "Nothing needs doing" is said only when every reported delivery is still being retried.
 */

/** `retrying`: pending or being attempted, so ipnhub still tries it on its own. */
export type ReportedStatus = 'dead' | 'failed' | 'retrying';

export interface ReportedDelivery {
  deliveryId: string;
  status: ReportedStatus;
  attempts: number;
  lastError: string;
  /** When the next try is due (`retrying` only). */
  nextAttemptAt: string | null;
  event: { id: string; type: string; orderId: string | null; buyerEmail: string | null } | null;
}

export interface AlertReport {
  connection: { id: string; name: string; connector: string };
  deliveries: readonly ReportedDelivery[];
  /** When the oldest reported problem was queued. */
  since: string;
  throttleMinutes: number;
}

/** More than this many deliveries of one group are counted, not listed. */
export const MAX_LISTED_PER_GROUP = 20;

const GROUPS: ReadonlyArray<{ status: ReportedStatus; title: string; meaning: string }> = [
  { status: 'dead', title: 'Dead', meaning: 'every retry failed; ipnhub will not try again' },
  {
    status: 'failed',
    title: 'Failed permanently',
    meaning: 'the target refused them; ipnhub will not try again',
  },
  {
    status: 'retrying',
    title: 'Failing, being retried',
    meaning: 'ipnhub keeps retrying on its schedule',
  },
];

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function describeEvent(delivery: ReportedDelivery): string {
  const { event } = delivery;
  if (!event) return 'event not found';
  const parts = [event.type];
  if (event.orderId) parts.push(`order ${event.orderId}`);
  if (event.buyerEmail) parts.push(event.buyerEmail);
  return parts.join(', ');
}

function deliveryLines(delivery: ReportedDelivery): string[] {
  const tries = plural(delivery.attempts, 'attempt', 'attempts');
  const lines = [`- ${delivery.deliveryId}  ${describeEvent(delivery)}`];
  if (delivery.status === 'retrying') {
    lines.push(
      `  ${tries} so far, last error: ${delivery.lastError}${delivery.nextAttemptAt ? `; next attempt ${delivery.nextAttemptAt}` : ''}`,
    );
  } else {
    lines.push(
      `  ${tries}, last error: ${delivery.lastError}`,
      `  ipnhub deliveries redeliver ${delivery.deliveryId}`,
    );
  }
  return lines;
}

function subjectOf(report: AlertReport, counts: Record<ReportedStatus, number>): string {
  const parts: string[] = [];
  if (counts.dead > 0) parts.push(`${plural(counts.dead, 'delivery', 'deliveries')} dead`);
  if (counts.failed > 0)
    parts.push(`${plural(counts.failed, 'delivery', 'deliveries')} failed permanently`);
  if (counts.retrying > 0)
    parts.push(`${plural(counts.retrying, 'delivery', 'deliveries')} failing`);
  const gaveUp = counts.dead + counts.failed > 0;
  const reasons = new Set(report.deliveries.map((d) => d.lastError));
  const [onlyReason] = reasons.size === 1 ? [...reasons] : [];
  const tail = gaveUp ? ' — action needed' : ', being retried';
  // One line: a target's error text may span several.
  const subject = `[ipnhub] "${report.connection.name}": ${parts.join(', ')}${tail}${onlyReason ? ` (${onlyReason})` : ''}`;
  return subject.replace(/\s+/g, ' ').slice(0, 250);
}

export function renderAlertMail(report: AlertReport): { subject: string; text: string } {
  const { connection } = report;
  const counts: Record<ReportedStatus, number> = { dead: 0, failed: 0, retrying: 0 };
  for (const delivery of report.deliveries) counts[delivery.status] += 1;
  const present = GROUPS.filter((group) => counts[group.status] > 0);
  const width = Math.max(...present.map((group) => group.title.length)) + 2;

  const lines = [
    `Deliveries of connection "${connection.name}" (${connection.id}, connector ${connection.connector}) did not go through.`,
    '',
  ];
  for (const group of present)
    lines.push(
      `${`${group.title}:`.padEnd(width)}${String(counts[group.status]).padStart(5)}   ${group.meaning}`,
    );
  lines.push('');
  if (counts.dead + counts.failed > 0) {
    lines.push(
      'Action needed. Nothing more is attempted for dead or failed deliveries: fix the cause (the',
      'errors are below), then send each of them again:',
      '  ipnhub deliveries redeliver <delivery id>',
      '  or POST /api/v1/deliveries/<delivery id>/redeliver',
    );
    for (const status of ['dead', 'failed'] as const) {
      if (counts[status] > 0)
        lines.push(
          `All ${status} deliveries of this connection: ipnhub deliveries list --connection ${connection.id} --status ${status}`,
        );
    }
  } else {
    lines.push(
      'Nothing needs doing yet: ipnhub keeps retrying on its schedule. If the target does not',
      'recover, these deliveries go dead after their last retry and you get another mail.',
    );
  }
  for (const group of present) {
    const members = report.deliveries.filter((delivery) => delivery.status === group.status);
    lines.push('', `${group.title} (${members.length}):`);
    for (const delivery of members.slice(0, MAX_LISTED_PER_GROUP))
      lines.push(...deliveryLines(delivery));
    const rest = members.length - MAX_LISTED_PER_GROUP;
    if (rest > 0) {
      const filter = group.status === 'retrying' ? 'pending' : group.status;
      lines.push(
        `… and ${rest} more: ipnhub deliveries list --connection ${connection.id} --status ${filter}`,
      );
    }
  }
  lines.push('', `Problems since ${report.since}.`);
  if (report.throttleMinutes > 0) {
    lines.push(
      `At most one mail per connection every ${plural(report.throttleMinutes, 'minute', 'minutes')} (IPNHUB_ERROR_MAIL_THROTTLE_MINUTES);`,
      'what happens in between is collected and mailed when that time is up.',
    );
  }
  return { subject: subjectOf(report, counts), text: lines.join('\n') };
}
