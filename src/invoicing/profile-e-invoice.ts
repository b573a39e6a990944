/**
 * Whether a seller profile can issue EN 16931 e-invoices at all, checked when the switch
 * `eInvoice` is on and the profile is saved. The rules are the e-invoice's own
 * (e-invoice/e-invoice-problems.ts): they are run on a document this profile would issue to a
 * complete buyer, and the problems that lie in the profile are named by the profile's fields.
 * A problem of a single buyer (no country, say) is not the profile's: that document gets the
 * plain PDF and the reason (render-job.ts).
 *
 * Reverse charge is the exception: it needs the buyer's VAT id, and no payment carries one
 * (PayPal does not say it), so with that tax mode no document of the profile could be an
 * e-invoice — the save is refused naming `taxMode`.
 */
import { IpnhubError } from '../core/errors.js';
import type { FieldProblem } from '../core/errors.js';
import { sellerOf, totalsOf } from './build-snapshot.js';
import type { DocumentSnapshot } from './document-snapshot.js';
import { eInvoiceProblems } from './e-invoice/e-invoice-problems.js';
import type { ProfileSettings } from './profile-settings.js';

/** A snapshot path of a problem that lies in the profile → the setting that fixes it. */
const PROFILE_FIELDS: ReadonlyArray<
  readonly [snapshotPath: string, setting: keyof ProfileSettings]
> = [
  ['seller.name', 'legalName'],
  ['seller.addressLines', 'addressLines'],
  ['seller.countryCode', 'countryCode'],
  ['seller.vatId', 'vatId'],
  ['taxMode', 'taxMode'],
  ['timeZone', 'timeZone'],
];

const PROBE_GROSS = 11_900;

/** A document the profile would issue to a buyer who gave everything a payment can carry. */
function probeDocument(settings: ProfileSettings): DocumentSnapshot {
  const issuedAt = '2026-01-15T12:00:00.000Z';
  return {
    kind: 'invoice',
    number: 'PROBE-1',
    issuedAt,
    supplyDate: '2026-01-15',
    language: settings.defaultLanguage,
    timeZone: settings.timeZone,
    currency: 'EUR',
    seller: sellerOf({ id: 'probe', name: 'probe', invoicing: true, settings, logo: null }),
    buyer: {
      name: 'Probe Buyer',
      company: 'Probe GmbH',
      addressLines: ['Probestraße 1', '10115 Berlin'],
      countryCode: settings.countryCode,
      vatId: null,
      email: 'buyer@example.com',
    },
    lines: [{ description: 'Probe', quantity: 1, unitAmount: PROBE_GROSS, amount: PROBE_GROSS }],
    totals: totalsOf(PROBE_GROSS, settings.taxMode),
    taxMode: settings.taxMode,
    payment: { method: 'PayPal', transactionId: 'PROBE', paidAt: issuedAt },
    orderId: null,
    corrects: null,
  };
}

function settingFor(path: string): keyof ProfileSettings | null {
  const match = PROFILE_FIELDS.find(([prefix]) => path === prefix || path.startsWith(`${prefix}.`));
  return match ? match[1] : null;
}

/** What keeps the profile's documents from being e-invoices, by setting (`settings.<name>`); empty when nothing does. */
export function profileEInvoiceProblems(settings: ProfileSettings): FieldProblem[] {
  const { incomplete, amounts } = eInvoiceProblems(probeDocument(settings));
  const problems: FieldProblem[] = [];
  for (const { path, problem } of [...incomplete, ...amounts]) {
    if (path === 'buyer.vatId' && settings.taxMode.kind === 'reverse_charge') {
      problems.push({
        path: 'settings.taxMode',
        problem: `${problem}; payments do not carry the buyer's VAT id, so no document of a reverse-charge profile can be an e-invoice`,
      });
      continue;
    }
    const setting = settingFor(path);
    if (setting === null) continue;
    problems.push({ path: `settings.${setting}`, problem });
    // "A VAT id or a tax number": either field fixes it, so both are named.
    if (
      setting === 'vatId' &&
      settings.vatId === null &&
      settings.taxNumber === null &&
      settings.taxMode.kind !== 'reverse_charge'
    ) {
      problems.push({ path: 'settings.taxNumber', problem });
    }
  }
  return problems;
}

/** `EINVOICE_INCOMPLETE` naming the settings when `eInvoice` is on and the profile cannot issue e-invoices. */
export function assertProfileCanEInvoice(settings: ProfileSettings): void {
  if (!settings.eInvoice) return;
  const fields = profileEInvoiceProblems(settings);
  if (fields.length === 0) return;
  throw new IpnhubError(
    'EINVOICE_INCOMPLETE',
    `The e-invoice cannot be switched on: ${fields.map(({ path, problem }) => `${path}: ${problem}`).join('; ')}`,
    { fields },
  );
}
