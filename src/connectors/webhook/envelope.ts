/**
 * The Standard Webhooks envelope the `webhook` connector sends when it has no mapping and no
 * flat preset: `{ type, timestamp, data: <canonical event> }` (docs/protocols/webhooks.md), as
 * text. Built from the event's JSON so that the delivery log can rebuild a sent body from the
 * stored event byte for byte (outbox/request-recorder.ts): `JSON.stringify` of the envelope
 * object gives the same text.
 */
export function envelopeText(type: string, timestamp: string, eventJson: string): string {
  return `{"type":${JSON.stringify(type)},"timestamp":${JSON.stringify(timestamp)},"data":${eventJson}}`;
}
