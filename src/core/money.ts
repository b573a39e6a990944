/**
 * Money as integer minor units. Providers send decimal strings ("97.00", "49", "-12.5");
 * `parseMoney` turns them into an integer of the currency's minor unit without ever going
 * through a float, so 0.1 + 0.2 problems cannot reach the ledger.
 */

/** ISO 4217 currencies whose minor unit is not 2 digits. Everything else uses 2. */
const MINOR_UNIT_EXCEPTIONS: Readonly<Record<string, number>> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  HUF: 2,
  TWD: 2,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
};

export function minorUnitDigits(currency: string | null | undefined): number {
  if (!currency) return 2;
  return MINOR_UNIT_EXCEPTIONS[currency.toUpperCase()] ?? 2;
}

const DECIMAL = /^([+-])?(\d+)(?:[.,](\d+))?$/;

/**
 * "97.00" EUR → 9700; "1,5" → 150; "49" → 4900; "" / garbage → null.
 * Extra digits beyond the minor unit are rounded half away from zero.
 */
export function parseMoney(
  value: string | null | undefined,
  currency?: string | null,
): number | null {
  if (value === null || value === undefined) return null;
  const match = DECIMAL.exec(value.trim());
  if (!match) return null;
  const [, sign, whole = '0', fraction = ''] = match;
  const digits = minorUnitDigits(currency);
  const padded = (fraction + '0'.repeat(digits)).slice(0, digits);
  let minor = Number(whole) * 10 ** digits + (digits > 0 ? Number(padded) : 0);
  const rest = fraction.slice(digits);
  if (rest.length > 0 && Number(rest[0]) >= 5) minor += 1;
  if (!Number.isSafeInteger(minor)) return null;
  return sign === '-' ? -minor : minor;
}

/**
 * An amount parsed before its currency was known (with `parseMoney`'s default of 2 digits), in
 * the minor units of `currency`: "500" read without a currency is 50000, and 500 once the
 * currency turns out to be JPY. Rounded half away from zero, as `parseMoney` does, so the
 * result equals parsing with the currency whenever the value had at most 2 decimals.
 */
export function rescaleFromDefault(minor: number, currency: string): number {
  const shift = minorUnitDigits(currency) - minorUnitDigits(null);
  if (shift >= 0) return minor * 10 ** shift;
  const scale = 10 ** -shift;
  const abs = Math.abs(minor);
  const rounded = Math.floor(abs / scale) + (abs % scale >= scale / 2 ? 1 : 0);
  return minor < 0 ? -rounded : rounded;
}

/** 9700 EUR → "97.00" (for templates and target APIs that want decimals). */
export function formatMoney(minor: number, currency?: string | null): string {
  const digits = minorUnitDigits(currency);
  const negative = minor < 0;
  const abs = Math.abs(minor);
  if (digits === 0) return `${negative ? '-' : ''}${abs}`;
  const scale = 10 ** digits;
  const whole = Math.floor(abs / scale);
  const fraction = String(abs % scale).padStart(digits, '0');
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}
