/** A URL with its password replaced by `***`, for showing where a connection goes without its secret; undefined when it does not parse. */
export function maskUrlPassword(value: string): string | undefined {
  try {
    const url = new URL(value);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return undefined;
  }
}
