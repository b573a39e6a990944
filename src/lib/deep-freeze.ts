/**
 * Cached configs are shared by every caller until the row changes; freezing them turns an
 * accidental mutation by one caller into an immediate TypeError instead of a silent change
 * seen by every later delivery.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
