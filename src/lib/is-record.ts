/** True for an object that is neither null nor an array: what JSON decodes an object to. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
