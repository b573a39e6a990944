/** The media type of a `Content-Type` value, lower case and without parameters (`text/plain; charset=utf-8` → `text/plain`). */
export function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}
