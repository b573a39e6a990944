/**
 * `text` in double quotes (JSON escapes, so control characters cannot break a log line), cut to
 * `max` characters with `…`: for values quoted back in reasons, which end up in logs and in the
 * sender's own log.
 */
export function quote(text: string, max = 64): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}
