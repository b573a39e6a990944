/**
 * A party's printed address lines as EN 16931's postal address (seller BG-5, buyer BG-8). The
 * snapshot keeps addresses as lines in print order ("Lindenstraße 12", "10969 Berlin",
 * "Deutschland"), so the parts the standard names are recovered from them: a trailing line that
 * names the party's country is dropped (the country goes as its code), the last line that starts
 * with a postal code gives post code and city, the lines before it are the street lines and any
 * after it the country subdivision. An address without such a line (a British or Irish one, with
 * the code at the end) keeps its text: its last line is taken as the city.
 */

export interface PostalAddress {
  /** BT-35 / BT-50 */
  line1: string | null;
  /** BT-36 / BT-51 */
  line2: string | null;
  /** BT-162 / BT-163: the third and any further street lines, joined. */
  line3: string | null;
  /** BT-37 / BT-52 */
  city: string | null;
  /** BT-38 / BT-53 */
  postcode: string | null;
  /** BT-39 / BT-54 */
  subdivision: string | null;
  /** BT-40 / BT-55, ISO 3166-1 alpha-2 */
  countryCode: string;
}

/**
 * A post code followed by the city: the Dutch "1012 AB", the Swedish and Czech "114 55", or 4
 * to 7 digits (AT, CH, DE, IT, FR, ES, IL, …); an optional country letter prefix ("D-10969").
 */
const POSTCODE_CITY = /^(?:[A-Z]{1,2}-)?(\d{4} ?[A-Z]{2}|\d{3} \d{2}|\d{4,7})\s+(\S.*)$/;

/** The languages country names are recognised in: the documents' four and French. */
const NAME_LANGUAGES = ['de', 'en', 'it', 'he', 'fr'];

function namesCountry(line: string, countryCode: string): boolean {
  const text = line.trim().toLocaleLowerCase('en');
  if (text === countryCode.toLowerCase()) return true;
  return NAME_LANGUAGES.some(
    (language) =>
      new Intl.DisplayNames([language], { type: 'region' })
        .of(countryCode)
        ?.toLocaleLowerCase('en') === text,
  );
}

function joined(lines: readonly string[]): string | null {
  return lines.length > 0 ? lines.join(', ') : null;
}

export function postalAddress(addressLines: readonly string[], countryCode: string): PostalAddress {
  const lines = addressLines.map((line) => line.trim()).filter((line) => line !== '');
  const last = lines.at(-1);
  if (last !== undefined && namesCountry(last, countryCode)) lines.pop();

  let cityAt = -1;
  for (let i = lines.length - 1; i >= 0 && cityAt < 0; i -= 1)
    if (POSTCODE_CITY.test(lines[i] ?? '')) cityAt = i;
  const match = cityAt >= 0 ? POSTCODE_CITY.exec(lines[cityAt] ?? '') : null;

  let streets: string[];
  let city: string | null = null;
  let postcode: string | null = null;
  let subdivision: string | null = null;
  if (match) {
    postcode = match[1] ?? null;
    city = match[2] ?? null;
    streets = lines.slice(0, cityAt);
    subdivision = joined(lines.slice(cityAt + 1));
  } else {
    streets = lines.length > 1 ? lines.slice(0, -1) : lines;
    city = lines.length > 1 ? (lines.at(-1) ?? null) : null;
  }
  return {
    line1: streets[0] ?? null,
    line2: streets[1] ?? null,
    line3: joined(streets.slice(2)),
    city,
    postcode,
    subdivision,
    countryCode,
  };
}
