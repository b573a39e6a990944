/**
 * The text of an alert about a source or connection (health-alerts.ts): what happened, how
 * often since the last mail, the latest case, and what to do. Only ids, codes and reasons: no
 * buyer's data.
 */

export interface HealthReport {
  subject: { kind: 'source' | 'connection'; id: string; name: string };
  /** A rejection code, `held` or `disabled`. */
  kind: string;
  /** How many times it happened since the last mail. */
  count: number;
  since: string;
  /** The latest inbound request it happened to (or the connection). */
  lastRef: string | null;
  lastReason: string | null;
  throttleMinutes: number;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function throttleNote(report: HealthReport): string[] {
  if (report.throttleMinutes <= 0) return [];
  return [
    '',
    `At most one mail like this per ${report.subject.kind} every ${plural(report.throttleMinutes, 'minute', 'minutes')} (IPNHUB_ERROR_MAIL_THROTTLE_MINUTES);`,
    'what happens in between is counted and mailed when that time is up.',
  ];
}

function heldMail(report: HealthReport): { subject: string; text: string } {
  const { subject: source } = report;
  const notifications = plural(report.count, 'notification', 'notifications');
  return {
    subject: `[ipnhub] Source "${source.name}": ${notifications} held for review (${report.lastReason ?? 'see the log'})`,
    text: [
      `ipnhub received ${notifications} about money from source "${source.name}" (${source.id}) since ${report.since} that it could not record as events, so no connection received them.`,
      '',
      `Latest:    ${report.lastRef ?? '?'}: ${report.lastReason ?? ''}`,
      '',
      'Look at the requests, and at the payments in your provider account:',
      ...(report.lastRef ? [`  GET /api/v1/inbound-requests/${report.lastRef}`] : []),
      `  GET /api/v1/inbound-requests?verdict=held&sourceId=${source.id}`,
      'Nothing is granted or delivered for them until they are handled by hand.',
      ...throttleNote(report),
    ].join('\n'),
  };
}

function disabledMail(report: HealthReport): { subject: string; text: string } {
  const { subject: connection } = report;
  return {
    subject: `[ipnhub] Connection "${connection.name}" was switched off: it kept failing`,
    text: [
      `ipnhub switched connection "${connection.name}" (${connection.id}) off at ${report.since}.`,
      '',
      `Why:       ${report.lastReason ?? 'its deliveries kept failing'}`,
      '',
      'Its queued deliveries are kept: nothing is lost, and no new events are queued for it while',
      'it is off. Fix the cause (the errors are in its delivery log), then switch it on again;',
      'the kept deliveries then go out in order:',
      `  ipnhub connection enable ${connection.id}`,
      `  or PATCH /api/v1/connections/${connection.id} with {"active": true}`,
      '  or switch it on on its page in the web UI (Connections).',
      `Its deliveries: ipnhub deliveries list --connection ${connection.id}`,
    ].join('\n'),
  };
}

function rejectedMail(report: HealthReport): { subject: string; text: string } {
  const { subject: source } = report;
  const notifications = plural(report.count, 'notification', 'notifications');
  return {
    subject: `[ipnhub] Source "${source.name}": ${notifications} rejected (${report.kind})`,
    text: [
      `ipnhub rejected ${notifications} sent to source "${source.name}" (${source.id}) since ${report.since}, with ${report.kind}.`,
      '',
      `Latest:    ${report.lastRef ?? '?'}: ${report.lastReason ?? ''}`,
      '',
      'Nothing of them was recorded or delivered. Usually the source is configured with another',
      'passphrase, account or webhook than the provider sends with: compare the source settings',
      'with the provider account. Verification that was unavailable is retried by the provider.',
      `  GET /api/v1/inbound-requests?verdict=rejected&sourceId=${source.id}`,
      ...throttleNote(report),
    ].join('\n'),
  };
}

export function renderHealthMail(report: HealthReport): { subject: string; text: string } {
  const mail =
    report.kind === 'held'
      ? heldMail(report)
      : report.kind === 'disabled'
        ? disabledMail(report)
        : rejectedMail(report);
  // One line: a reason may span several.
  return { ...mail, subject: mail.subject.replace(/\s+/g, ' ').slice(0, 250) };
}
