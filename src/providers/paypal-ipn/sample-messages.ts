/**
 * Realistic classic PayPal IPN messages for the CLI `simulate` command, tests and the
 * benchmark: field lists in the order PayPal posts them (docs/protocols/paypal.md#ipn-transaction-types-and-payment-statuses types and
 * statuses, docs/protocols/paypal.md#ipn-variables variables, shaped after the production samples its sources cite), and an
 * encoder that percent-encodes them in windows-1252 or UTF-8 the way PayPal does (docs/protocols/paypal.md#ipn-transport-and-character-set).
 * The messages carry an opaque placeholder `verify_sign`; only PayPal (or the local fake) can
 * say whether a message is genuine.
 */
import { formatMoney, parseMoney } from '../../core/money.js';
import { encodeWindows1252 } from '../../lib/windows-1252.js';

/** Every kind {@link samplePayPalIpnFields} builds; any other kind gets a web_accept message with that txn_type. */
export const PAYPAL_IPN_SAMPLE_KINDS = [
  'web_accept',
  'cart',
  'express_checkout',
  'send_money',
  'virtual_terminal',
  'pending',
  'denied',
  'failed',
  'refund',
  'partial_refund',
  'reversal',
  'canceled_reversal',
  'subscr_signup',
  'subscr_payment',
  'subscr_cancel',
  'subscr_eot',
  'subscr_failed',
  'subscr_modify',
  'recurring_payment',
  'recurring_payment_profile_created',
  'recurring_payment_profile_cancel',
  'recurring_payment_expired',
  'recurring_payment_failed',
  'recurring_payment_skipped',
  'recurring_payment_suspended',
  'recurring_payment_suspended_due_to_max_failed_payment',
  'new_case',
  'adjustment',
] as const;

export type PayPalIpnSampleKind = (typeof PAYPAL_IPN_SAMPLE_KINDS)[number];

export type PayPalIpnCharset = 'windows-1252' | 'UTF-8';

export interface PayPalIpnSampleOverrides {
  /** `txn_id` of the message (for refunds and reversals: the refund's own id). */
  txnId?: string;
  /** `parent_txn_id` of a refund, reversal or cancelled reversal: the payment it reverses. */
  parentTxnId?: string;
  /** `subscr_id` (subscr_*) or `recurring_payment_id` (recurring_*). */
  profileId?: string;
  itemNumber?: string;
  itemName?: string;
  /** Gross of the payment as a positive decimal, e.g. `19.99`; refunds and reversals are sent negative. */
  amount?: string;
  currency?: string;
  payerEmail?: string;
  firstName?: string;
  lastName?: string;
  receiverEmail?: string;
  receiverId?: string;
  custom?: string;
  /** `test_ipn=1`, as sandbox messages carry it. */
  test?: boolean;
  /** The `charset` field; pass the same charset to {@link encodePayPalIpnBody}. */
  charset?: PayPalIpnCharset;
  /** `payment_date` (and the other dates of the message), in PayPal's format. */
  paymentDate?: string;
  /** Raw fields set last: an existing field keeps its position, a new one is appended. */
  fields?: Readonly<Record<string, string>>;
}

type Pairs = Array<[string, string]>;

interface Defaults {
  txnId: string;
  amount: string;
  currency: string;
  itemNumber: string;
  itemName: string;
  date: string;
}

const PAYMENT: Defaults = {
  txnId: '61E67681CH3238416',
  amount: '19.99',
  currency: 'EUR',
  itemNumber: 'course-basic',
  itemName: 'Online-Kurs Basis – Edition 2024',
  date: '10:15:02 May 14, 2024 PDT',
};
const MEMBERSHIP: Defaults = {
  txnId: '3KD92741YH556204M',
  amount: '9.90',
  currency: 'EUR',
  itemNumber: 'membership-monthly',
  itemName: 'Premium-Mitgliedschaft',
  date: '10:15:40 May 14, 2024 PDT',
};
const REFUND_TXN = '1P566839F9694230H';
const SUBSCR_ID = 'I-8XJ5R2NPKW3Q';
const PROFILE_ID = 'I-C7PXW4M2HB9T';
const VERIFY_SIGN = 'A7kq2Lr0c9WmXyPDsT3vHn5bJ-eUgZ4oQ1iRfC8tNwKxYaMzB6dE.hG2';

/** The status keywords: a web_accept payment in that state, or a message reversing it. */
const STATUS_KINDS: Readonly<
  Record<
    string,
    { status: string; extra: Pairs; reverses?: boolean; sign?: -1 | 1; share?: number }
  >
> = {
  pending: { status: 'Pending', extra: [['pending_reason', 'echeck']] },
  denied: { status: 'Denied', extra: [['reason_code', 'other']] },
  failed: { status: 'Failed', extra: [] },
  refund: { status: 'Refunded', extra: [['reason_code', 'refund']], reverses: true, sign: -1 },
  partial_refund: {
    status: 'Refunded',
    extra: [['reason_code', 'refund']],
    reverses: true,
    sign: -1,
    share: 0.5,
  },
  reversal: {
    status: 'Reversed',
    extra: [['reason_code', 'chargeback']],
    reverses: true,
    sign: -1,
  },
  canceled_reversal: {
    status: 'Canceled_Reversal',
    extra: [['reason_code', 'other']],
    reverses: true,
    sign: 1,
  },
};

/** `decimal` × `factor` as a PayPal decimal (2 places); `factor` is a sign or a share. */
function money(decimal: string, factor: number): string {
  return formatMoney(Math.round((parseMoney(decimal) ?? 0) * factor));
}

function buyer(o: PayPalIpnSampleOverrides): Pairs {
  return [
    ['address_status', 'confirmed'],
    ['payer_id', 'LPLWNMTBWMFAY'],
    ['address_street', 'Hauptstraße 12'],
    ['address_zip', '50667'],
    ['first_name', o.firstName ?? 'Jörg'],
    ['address_country_code', 'DE'],
    ['address_name', `${o.firstName ?? 'Jörg'} ${o.lastName ?? 'Müller'}`],
    ['payer_status', 'verified'],
    ['address_country', 'Germany'],
    ['address_city', 'Köln'],
    ['payer_email', o.payerEmail ?? 'joerg.mueller@example.com'],
    ['last_name', o.lastName ?? 'Müller'],
    ['address_state', ''],
    ['residence_country', 'DE'],
  ];
}

function account(o: PayPalIpnSampleOverrides): Pairs {
  const email = o.receiverEmail ?? 'seller@example.com';
  return [
    ['business', email],
    ['receiver_email', email],
    ['receiver_id', o.receiverId ?? 'KXQ7ZRP4M2B8N'],
  ];
}

function envelope(o: PayPalIpnSampleOverrides): Pairs {
  return [
    ['charset', o.charset ?? 'windows-1252'],
    ['notify_version', '3.9'],
    ['verify_sign', VERIFY_SIGN],
    ...(o.test === true ? ([['test_ipn', '1']] as Pairs) : []),
    ['ipn_track_id', '5c1b2a9e7d3f4'],
  ];
}

/** The fields PayPal puts first in a payment message. */
function grossPairs(gross: string): Pairs {
  return [
    ['mc_gross', gross],
    ['protection_eligibility', 'Eligible'],
  ];
}

/** Fee, tax and the legacy USD-only fields, which come later. */
function feePairs(gross: string, currency: string): Pairs {
  // PayPal's standard rate: 2.49 % + 0.35, with the sign of the gross.
  const minor = parseMoney(gross) ?? 0;
  const fee = formatMoney(Math.sign(minor) * (Math.round(Math.abs(minor) * 0.0249) + 35));
  return [
    ['tax', '0.00'],
    ['mc_fee', fee],
    ['payment_fee', currency === 'USD' ? fee : ''],
    ['payment_gross', currency === 'USD' ? gross : ''],
    ['shipping', '0.00'],
    ['handling_amount', '0.00'],
  ];
}

function singlePayment(kind: string, o: PayPalIpnSampleOverrides, d: Defaults): Pairs {
  const statusKind = Object.hasOwn(STATUS_KINDS, kind) ? STATUS_KINDS[kind] : undefined;
  const reverses = statusKind?.reverses === true;
  const gross = money(o.amount ?? d.amount, (statusKind?.sign ?? 1) * (statusKind?.share ?? 1));
  const txnType = statusKind === undefined ? kind : 'web_accept';
  const pairs: Pairs = [
    ...grossPairs(gross),
    ['item_number', o.itemNumber ?? d.itemNumber],
    ['payment_date', o.paymentDate ?? (reverses ? '04:22:31 May 20, 2024 PDT' : d.date)],
    ['payment_status', statusKind?.status ?? 'Completed'],
    ...(statusKind?.extra ?? []),
    ...buyer(o),
    ['custom', o.custom ?? 'website_id=13&user_id=21'],
    ['quantity', '1'],
    ['txn_id', o.txnId ?? (reverses ? REFUND_TXN : d.txnId)],
    ...(reverses ? ([['parent_txn_id', o.parentTxnId ?? d.txnId]] as Pairs) : []),
    ['payment_type', kind === 'pending' ? 'echeck' : 'instant'],
    ...account(o),
    // Refunds and reversals carry no txn_type (docs/protocols/paypal.md#ipn-transaction-types-and-payment-statuses).
    ...(reverses ? [] : ([['txn_type', txnType]] as Pairs)),
    ['item_name', o.itemName ?? d.itemName],
    ['mc_currency', o.currency ?? d.currency],
    ['transaction_subject', ''],
    ...feePairs(gross, o.currency ?? d.currency),
  ];
  return [...pairs, ...envelope(o)];
}

function cart(o: PayPalIpnSampleOverrides): Pairs {
  const currency = o.currency ?? 'EUR';
  const lines: Array<[number, string, string, string]> = [
    [1, o.itemNumber ?? 'course-basic', o.itemName ?? 'Online-Kurs Basis', '19.99'],
    [2, 'workbook-pdf', 'Arbeitsbuch (PDF) – “Praxis”', '9.00'],
  ];
  const total =
    o.amount ?? formatMoney(lines.reduce((sum, line) => sum + (parseMoney(line[3]) ?? 0), 0));
  const pairs: Pairs = [
    ...grossPairs(total),
    ['payment_date', o.paymentDate ?? '11:02:17 May 14, 2024 PDT'],
    ['payment_status', 'Completed'],
    ...buyer(o),
    ['num_cart_items', String(lines.length)],
    ['custom', o.custom ?? 'website_id=13&user_id=21'],
  ];
  for (const [n, number, name, gross] of lines) {
    pairs.push(
      [`item_name${n}`, name],
      [`item_number${n}`, number],
      [`quantity${n}`, '1'],
      [`mc_gross_${n}`, gross],
      [`mc_shipping${n}`, '0.00'],
      [`mc_handling${n}`, '0.00'],
      [`tax${n}`, '0.00'],
    );
  }
  pairs.push(
    ['txn_id', o.txnId ?? '8RT24956LC1702412'],
    ['payment_type', 'instant'],
    ...account(o),
    ['txn_type', 'cart'],
    ['mc_currency', currency],
    ...feePairs(total, currency),
  );
  return [...pairs, ...envelope(o)];
}

function subscription(kind: string, o: PayPalIpnSampleOverrides): Pairs {
  const currency = o.currency ?? MEMBERSHIP.currency;
  const amount = o.amount ?? MEMBERSHIP.amount;
  const subscrId = o.profileId ?? SUBSCR_ID;
  const terms: Pairs = [
    ['amount3', amount],
    ['mc_amount3', amount],
    ['period3', '1 M'],
    ['recurring', '1'],
    ['reattempt', '1'],
  ];
  const pairs: Pairs = [];
  if (kind === 'subscr_payment') {
    pairs.push(
      ...grossPairs(amount),
      ['payment_date', o.paymentDate ?? MEMBERSHIP.date],
      ['payment_status', 'Completed'],
      ['txn_id', o.txnId ?? MEMBERSHIP.txnId],
      ['payment_type', 'instant'],
    );
  } else if (kind === 'subscr_signup' || kind === 'subscr_cancel' || kind === 'subscr_modify') {
    const date =
      kind === 'subscr_cancel' ? '18:03:11 Jun 02, 2024 PDT' : '10:14:58 May 14, 2024 PDT';
    pairs.push(['subscr_date', o.paymentDate ?? date], ...terms);
  } else if (kind === 'subscr_failed') {
    pairs.push(
      ['payment_date', o.paymentDate ?? '03:12:40 Jun 14, 2024 PDT'],
      ['mc_gross', amount],
      ['retry_at', '03:00:00 Jun 17, 2024 PDT'],
    );
  } else {
    pairs.push(...terms.slice(2));
  }
  pairs.push(
    ...buyer(o),
    ['subscr_id', subscrId],
    ['custom', o.custom ?? 'user_id=21'],
    ...account(o),
    ['txn_type', kind],
    ['item_name', o.itemName ?? MEMBERSHIP.itemName],
    ['item_number', o.itemNumber ?? MEMBERSHIP.itemNumber],
    ['mc_currency', currency],
  );
  if (kind === 'subscr_payment') pairs.push(...feePairs(amount, currency));
  return [...pairs, ...envelope(o)];
}

const CREATED = '09:58:21 Mar 14, 2024 PDT';

function recurring(kind: string, o: PayPalIpnSampleOverrides): Pairs {
  const currency = o.currency ?? 'EUR';
  const amount = o.amount ?? '29.00';
  const status: Readonly<Record<string, string>> = {
    recurring_payment_profile_cancel: 'Cancelled',
    recurring_payment_expired: 'Expired',
    recurring_payment_suspended: 'Suspended',
    recurring_payment_suspended_due_to_max_failed_payment: 'Suspended',
  };
  const pairs: Pairs = [
    ['payment_cycle', 'Monthly'],
    ['period_type', ' Regular'],
    ['amount', amount],
    ['amount_per_cycle', amount],
    ['initial_payment_amount', '0.00'],
    [
      'outstanding_balance',
      kind.includes('failed') || kind.includes('skipped') || kind.includes('suspended')
        ? amount
        : '0.00',
    ],
    ['next_payment_date', '03:00:00 Jul 14, 2024 PDT'],
    // Every message of a profile repeats its creation time; only for the creation is it the event's time.
    [
      'time_created',
      kind === 'recurring_payment_profile_created' ? (o.paymentDate ?? CREATED) : CREATED,
    ],
    ['profile_status', status[kind] ?? 'Active'],
    ['product_name', o.itemName ?? 'Pro-Abo (monatlich)'],
    ['product_type', '1'],
    ['rp_invoice_id', 'INV-2024-0042'],
    ['currency_code', currency],
  ];
  if (kind === 'recurring_payment') {
    pairs.push(
      ...grossPairs(amount),
      ['payment_date', o.paymentDate ?? '03:04:11 Jun 14, 2024 PDT'],
      ['payment_status', 'Completed'],
      ['txn_id', o.txnId ?? '9TT32013VN872093K'],
      ['payment_type', 'instant'],
    );
  } else if (
    kind !== 'recurring_payment_profile_created' &&
    kind !== 'recurring_payment_profile_cancel' &&
    kind !== 'recurring_payment_expired'
  ) {
    pairs.push(['payment_date', o.paymentDate ?? '03:04:11 Jun 14, 2024 PDT']);
  }
  pairs.push(
    ...buyer(o),
    ['recurring_payment_id', o.profileId ?? PROFILE_ID],
    ...account(o),
    ['txn_type', kind],
    ['mc_currency', currency],
  );
  if (kind === 'recurring_payment') pairs.push(...feePairs(amount, currency));
  return [...pairs, ...envelope(o)];
}

function dispute(kind: 'new_case' | 'adjustment', o: PayPalIpnSampleOverrides): Pairs {
  // A case points at the disputed payment; an adjustment is its own transaction on it.
  const head: Pairs =
    kind === 'new_case'
      ? [
          ['case_id', 'PP-D-27803'],
          ['case_type', 'dispute'],
          ['reason_code', 'non_receipt'],
          ['case_creation_date', '08:41:09 May 22, 2024 PDT'],
          ['txn_id', o.txnId ?? PAYMENT.txnId],
        ]
      : [
          ['payment_date', o.paymentDate ?? '12:30:00 Jun 10, 2024 PDT'],
          ['payment_status', 'Completed'],
          ['txn_id', o.txnId ?? '0F4491813R556813C'],
          ['parent_txn_id', o.parentTxnId ?? PAYMENT.txnId],
          ['reason_code', 'chargeback_settlement'],
          ['mc_gross', '-15.00'],
          ['mc_fee', '0.00'],
        ];
  return [
    ...head,
    ...buyer(o),
    ...account(o),
    ['txn_type', kind],
    ['mc_currency', o.currency ?? PAYMENT.currency],
    ['custom', o.custom ?? 'website_id=13&user_id=21'],
    ...envelope(o),
  ];
}

function applyFields(pairs: Pairs, fields: Readonly<Record<string, string>> | undefined): Pairs {
  if (fields === undefined) return pairs;
  const out = pairs.map(([name, value]): [string, string] => [
    name,
    Object.hasOwn(fields, name) ? (fields[name] ?? value) : value,
  ]);
  for (const [name, value] of Object.entries(fields))
    if (!out.some(([n]) => n === name)) out.push([name, value]);
  return out;
}

/**
 * A full IPN message of `kind` (one of {@link PAYPAL_IPN_SAMPLE_KINDS}) as `[name, value]`
 * pairs in posting order, values decoded. Status kinds (`pending`, `refund`, `reversal`, …)
 * are about the default web_accept payment, so a `refund` reverses the `web_accept` sample.
 * Deterministic; overrides replace the matching fields.
 */
export function samplePayPalIpnFields(
  kind: string,
  overrides: PayPalIpnSampleOverrides = {},
): Array<[string, string]> {
  let pairs: Pairs;
  if (kind === 'cart') pairs = cart(overrides);
  else if (kind.startsWith('subscr_')) pairs = subscription(kind, overrides);
  else if (kind.startsWith('recurring_payment')) pairs = recurring(kind, overrides);
  else if (kind === 'new_case' || kind === 'adjustment') pairs = dispute(kind, overrides);
  else pairs = singlePayment(kind, overrides, PAYMENT);
  return applyFields(pairs, overrides.fields);
}

const UNRESERVED = /^[A-Za-z0-9._-]$/;

function percentEncode(text: string, charset: PayPalIpnCharset, space: string): string {
  const bytes = charset === 'UTF-8' ? Buffer.from(text, 'utf8') : encodeWindows1252(text);
  let out = '';
  for (const byte of bytes) {
    const char = String.fromCharCode(byte);
    if (byte === 0x20) out += space;
    else if (UNRESERVED.test(char)) out += char;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * The pairs as an IPN body: names and values encoded in `charset` (windows-1252 characters it
 * cannot represent become `?`), every byte but `A–Z a–z 0–9 . _ -` percent-encoded, spaces as
 * `+` (production PayPal) or `%20` (PayPal's old simulator). The `charset` field is not
 * touched: keep it consistent with `charset`.
 */
export function encodePayPalIpnBody(
  fields: ReadonlyArray<readonly [string, string]>,
  charset: PayPalIpnCharset,
  options: { spaces?: '+' | '%20' } = {},
): Buffer {
  const space = options.spaces ?? '+';
  const body = fields
    .map(
      ([name, value]) =>
        `${percentEncode(name, charset, space)}=${percentEncode(value, charset, space)}`,
    )
    .join('&');
  return Buffer.from(body, 'latin1');
}
