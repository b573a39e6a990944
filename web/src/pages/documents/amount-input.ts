/**
 * An amount typed in major units ("12,50" or "12.50") as the integer minor units the API
 * takes, with the currency's own number of decimals (src/core/money.ts). Thousands separators
 * are not accepted: "1.250" would be ambiguous between languages.
 */
import { minorUnitDigits } from '../../../../src/core/money.js';

/** Minor units, or null when `text` is not a positive amount with at most the currency's decimals. */
export function parseMajorAmount(text: string, currency: string): number | null {
  const digits = minorUnitDigits(currency.toUpperCase());
  const normalized = text.trim().replace(',', '.');
  const pattern = digits === 0 ? /^\d+$/ : new RegExp(`^\\d+(\\.\\d{1,${digits}})?$`);
  if (!pattern.test(normalized)) return null;
  const [whole = '0', fraction = ''] = normalized.split('.');
  const minor = Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
  return Number.isSafeInteger(minor) && minor > 0 ? minor : null;
}
