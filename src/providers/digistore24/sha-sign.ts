/**
 * Digistore24's IPN signature, `sha_sign` (docs/protocols/digistore24.md#signature-algorithm algorithm, docs/protocols/digistore24.md#signature-variants
 * variants and the hub's acceptance rule, docs/protocols/digistore24.md#fail-closed-rules fail-closed rules).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { decodeHTMLStrict } from 'entities';

/** What DS24 sends (and its reference function returns) when no passphrase is configured (docs/protocols/digistore24.md#signature). */
export const NO_PASSPHRASE_SIGNATURE = 'no_signature_passphrase_provided';

/** The two names the reference function removes before hashing (docs/protocols/digistore24.md#signature-algorithm item 4). */
export const SIGNATURE_FIELDS = ['sha_sign', 'SHASIGN'] as const;

export interface ShaSignOptions {
  /** Variant B: names upper-cased for sorting and in the hashed string. */
  upperCaseKeys?: boolean;
  /** Variant C: every value HTML-entity-decoded before the empty check and hashing. */
  htmlDecode?: boolean;
}

export type ShaSignVariant = 'A' | 'B' | 'C';

export interface VerifyShaSignOptions {
  /**
   * Also accept variant C, the legacy receiver that HTML-decodes every value before hashing.
   * Off by default: nobody has seen Digistore24 sign that way, and it lets one signed body be
   * spelt in many ways (`&#79;` for `O`), which only the decoded values can tell apart.
   */
  legacyHtmlDecoding?: boolean;
}

export type ShaSignVerdict =
  | {
      ok: true;
      variant: ShaSignVariant;
      /**
       * The fields exactly as they were signed, which are the only ones to build events from:
       * variant A the received fields; variant B the names lower-cased (the hash covered their
       * upper-case form, so `ORDER_ID` and `order_id` are the same signed field); variant C the
       * values HTML-decoded (the hash covered the decoded text, so `&#79;RD1` is `ORD1`).
       */
      signedFields: Readonly<Record<string, string>>;
    }
  | {
      ok: false;
      code:
        | 'SIGNATURE_MISSING'
        | 'SIGNATURE_NOT_CONFIGURED'
        | 'SIGNATURE_INVALID'
        | 'DUPLICATE_FIELD';
      reason: string;
    };

const SIGNATURE_HEX = /^[0-9A-Fa-f]{128}$/;

function asciiUpper(name: string): string {
  // PHP 8's strtoupper is ASCII-only; String#toUpperCase would also change non-ASCII letters.
  return name.replace(/[a-z]+/g, (letters) => letters.toUpperCase());
}

function asciiLower(name: string): string {
  return name.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

function isSignatureField(name: string): boolean {
  return name === 'sha_sign' || name === 'SHASIGN';
}

function isEmptyPassphrase(passphrase: string): boolean {
  // The reference tests `!$sha_passphrase`, which PHP also holds for the string "0".
  return passphrase === '' || passphrase === '0';
}

function receivedSignature(fields: Readonly<Record<string, string>>): string | null {
  for (const name of SIGNATURE_FIELDS) {
    const value = Object.hasOwn(fields, name) ? fields[name] : undefined;
    if (value !== undefined && value !== '') return value;
  }
  return null;
}

/**
 * The `sha_sign` DS24 computes for `fields` (decoded form values): names sorted as byte
 * strings, empty values skipped, `name=value` + passphrase per field, SHA-512, upper-case hex.
 * An empty passphrase yields {@link NO_PASSPHRASE_SIGNATURE}, as the reference function does.
 */
export function computeShaSign(
  fields: Readonly<Record<string, string>>,
  passphrase: string,
  options: ShaSignOptions = {},
): string {
  if (isEmptyPassphrase(passphrase)) return NO_PASSPHRASE_SIGNATURE;
  return shaSignDigest(fields, passphrase, options).toString('hex').toUpperCase();
}

/** The SHA-512 of {@link computeShaSign}'s string, as bytes; `passphrase` must not be empty. */
function shaSignDigest(
  fields: Readonly<Record<string, string>>,
  passphrase: string,
  options: ShaSignOptions,
): Buffer {
  const upper = options.upperCaseKeys === true;
  const htmlDecode = options.htmlDecode === true;
  const names = sortedNames(fields, upper);
  // The hashed string's pieces, joined once: one flat string instead of a chain of
  // concatenations that the hash would flatten again.
  const parts = new Array<string>(4 * names.length);
  let at = 0;
  for (const name of names) {
    const raw = fields[name] ?? '';
    const value = htmlDecode ? decodeHTMLStrict(raw) : raw;
    if (value === '') continue;
    parts[at++] = upper ? asciiUpper(name) : name;
    parts[at++] = '=';
    parts[at++] = value;
    parts[at++] = passphrase;
  }
  parts.length = at;
  return createHash('sha512').update(parts.join(''), 'utf8').digest();
}

/** The last names sorted for each variant, with the names they were sorted from. */
const lastSorted: Array<{ from: string[]; sorted: string[] } | undefined> = [undefined, undefined];

/**
 * The names but the signature's in the order they are hashed: byte order like PHP's
 * SORT_STRING (never localeCompare) of the names as hashed (upper-cased for variant B);
 * array_multisort breaks ties of the upper-cased names by the original name. A sender posts
 * the same names in the same order again and again, so the last order is kept per variant and
 * reused for the same names in the same order (a function of them: the same result).
 */
function sortedNames(fields: Readonly<Record<string, string>>, upper: boolean): readonly string[] {
  const keys = Object.keys(fields);
  const last = lastSorted[upper ? 1 : 0];
  if (last !== undefined && sameNames(last.from, keys)) return last.sorted;
  const sorted = sortNames(
    keys.filter((name) => !isSignatureField(name)),
    upper,
  );
  lastSorted[upper ? 1 : 0] = { from: keys, sorted };
  return sorted;
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sortNames(names: string[], upper: boolean): string[] {
  const compare = names.some((name) => NOT_CODE_UNIT_ORDERED.test(name))
    ? compareBytes
    : compareCodeUnits;
  if (!upper) {
    // Names are unique, so there are no ties; the default sort compares UTF-16 code units.
    return names.sort(compare === compareBytes ? compareBytes : undefined);
  }
  const uppered = new Map(names.map((name) => [name, asciiUpper(name)]));
  return names.sort((a, b) => compare(uppered.get(a) ?? a, uppered.get(b) ?? b) || compare(a, b));
}

// UTF-16 code unit order equals UTF-8 byte order for every string without surrogates or
// characters from U+E000 up; names are ASCII in practice, so the cheap comparison is the rule.
const NOT_CODE_UNIT_ORDERED = /[\uD800-\uFFFF]/;

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function matches(received: Buffer, computed: Buffer): boolean {
  return computed.length === received.length && timingSafeEqual(computed, received);
}

/** Variant B's signed fields: names lower-cased; two non-empty values under one name are refused. */
function caseFoldedFields(fields: Readonly<Record<string, string>>): Record<string, string> | null {
  const folded = Object.create(null) as Record<string, string>;
  for (const name of Object.keys(fields)) {
    if (isSignatureField(name)) continue;
    const value = fields[name] ?? '';
    const key = asciiLower(name);
    const existing = folded[key];
    // An empty value is not hashed, so it may stand beside the signed one under another case.
    if (existing !== undefined && existing !== '' && value !== '') return null;
    if (existing === undefined || existing === '') folded[key] = value;
  }
  return folded;
}

/** Variant C's signed fields: every value HTML-decoded, names as received. */
function decodedFields(fields: Readonly<Record<string, string>>): Record<string, string> {
  const decoded = Object.create(null) as Record<string, string>;
  for (const name of Object.keys(fields)) {
    if (!isSignatureField(name)) decoded[name] = decodeHTMLStrict(fields[name] ?? '');
  }
  return decoded;
}

/**
 * Checks the signature of a decoded IPN the way docs/protocols/digistore24.md#signature-variants recommends for the hub: variant
 * A, then B, then (only when `legacyHtmlDecoding` is on and some value contains `&`, the only
 * case where it differs from A) C. The hex is compared case-insensitively in constant time.
 * Fails closed: no signature, DS24's "no passphrase" marker, or an empty configured passphrase
 * are rejections. An accepted verdict carries the fields as signed (see `signedFields`): a body
 * that spells a signed value another way than Digistore24 did yields the same fields, so it
 * cannot pass for a new notification.
 */
export function verifyShaSign(
  fields: Readonly<Record<string, string>>,
  passphrase: string,
  options: VerifyShaSignOptions = {},
): ShaSignVerdict {
  const received = receivedSignature(fields);
  if (received === null) {
    return {
      ok: false,
      code: 'SIGNATURE_MISSING',
      reason: 'the notification has no sha_sign field',
    };
  }
  if (received === NO_PASSPHRASE_SIGNATURE) {
    return {
      ok: false,
      code: 'SIGNATURE_NOT_CONFIGURED',
      reason:
        'Digistore24 sent no signature: set the IPN passphrase in the Digistore24 IPN connection',
    };
  }
  if (isEmptyPassphrase(passphrase)) {
    return {
      ok: false,
      code: 'SIGNATURE_NOT_CONFIGURED',
      reason: 'no IPN passphrase is configured for this source',
    };
  }
  const invalid = {
    ok: false,
    code: 'SIGNATURE_INVALID',
    reason: 'sha_sign does not match the configured passphrase',
  } as const;
  if (!SIGNATURE_HEX.test(received)) return invalid;
  // The hex is checked above, so its 64 bytes are the digest it spells, in either case.
  const receivedBytes = Buffer.from(received, 'hex');
  if (matches(receivedBytes, shaSignDigest(fields, passphrase, {})))
    return { ok: true, variant: 'A', signedFields: fields };
  if (matches(receivedBytes, shaSignDigest(fields, passphrase, { upperCaseKeys: true }))) {
    const folded = caseFoldedFields(fields);
    return folded === null
      ? {
          ok: false,
          code: 'DUPLICATE_FIELD',
          reason: 'two fields differ only in the case of their names',
        }
      : { ok: true, variant: 'B', signedFields: folded };
  }
  if (options.legacyHtmlDecoding !== true) return invalid;
  const hasAmpersand = Object.keys(fields).some(
    (name) => !isSignatureField(name) && (fields[name] ?? '').includes('&'),
  );
  if (
    hasAmpersand &&
    matches(receivedBytes, shaSignDigest(fields, passphrase, { htmlDecode: true }))
  ) {
    return { ok: true, variant: 'C', signedFields: decodedFields(fields) };
  }
  return invalid;
}
