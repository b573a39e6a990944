/** The decoded fields of an IPN, by name (see ipn-body.ts). */
export type IpnFields = Readonly<Record<string, string>>;

/** A field's value trimmed, or null when absent or blank ("absent facts are null"). */
export function trimmedField(fields: IpnFields, name: string): string | null {
  const value = Object.hasOwn(fields, name) ? fields[name] : undefined;
  return value === undefined || value.trim() === '' ? null : value.trim();
}
