/**
 * Realistic Digistore24 IPN field sets for the CLI `simulate` command, tests and the benchmark.
 * Modelled on the example payloads of docs/protocols/digistore24.md#example-payloads (ipn_version 1.6, empty
 * fields included, a UTF-8 address); per-event values that docs/protocols/digistore24.md#parameters marks UNCONFIRMED
 * (`billing_status`, `billing_stop_reason`, which events carry a transaction) follow docs/protocols/digistore24.md#example-payloads.
 */
import type { BillingType } from '../../core/events.js';
import { formatMoney, parseMoney } from '../../core/money.js';
import { isoToBerlinWallTime } from './berlin-time.js';

/** The event names {@link sampleDigistore24Fields} knows; any other name gets an order-shaped set. */
export const DIGISTORE24_SAMPLE_EVENTS = [
  'on_payment',
  'on_refund',
  'on_chargeback',
  'on_payment_missed',
  'payment_denial',
  'on_rebill_cancelled',
  'on_rebill_resumed',
  'last_paid_day',
  'on_affiliation',
  'connection_test',
] as const;

export interface Digistore24SampleOverrides {
  orderId?: string;
  productId?: string;
  email?: string;
  transactionId?: string;
  paySequenceNo?: number;
  billingType?: BillingType;
  /** Gross amount as DS24 writes it, e.g. `97.00`; net and VAT are derived at 19 %. */
  amount?: string;
  currency?: string;
  /** Order, product and buyer language (ISO 639-1). */
  language?: string;
  /** `api_mode=test` and the test pay method. */
  test?: boolean;
  /** Position in the upsell funnel; above 0 marks an add-on. */
  upsellNo?: number;
  /**
   * When the event happens: its transaction date and time, a cancellation's
   * `rebill_stop_noted_at`, the order date, and a plan's next payment one month later, all as
   * Berlin wall time the way DS24 writes them. Without it the fixed dates of the examples are
   * used, so the same arguments always give the same fields.
   */
  at?: Date;
}

interface EventShape {
  label: string;
  /** `transaction_type`, or null when this event carries no transaction (docs/protocols/digistore24.md#example-payloads examples 5–7). */
  transactionType: string | null;
  defaultBilling: BillingType;
  status: { single: string; plan: string };
  /** `billing_stop_reason` for subscriptions and instalments. */
  stopReason?: string;
  stopNoted?: boolean;
}

const SHAPES: Readonly<Record<string, EventShape>> = {
  on_payment: {
    label: 'payment',
    transactionType: 'payment',
    defaultBilling: 'single_payment',
    status: { single: 'completed', plan: 'paying' },
  },
  on_refund: {
    label: 'refund',
    transactionType: 'refund',
    defaultBilling: 'single_payment',
    status: { single: 'completed', plan: 'aborted' },
    stopReason: 'by_refund',
  },
  on_chargeback: {
    label: 'chargeback',
    transactionType: 'chargeback',
    defaultBilling: 'single_payment',
    status: { single: 'completed', plan: 'aborted' },
    stopReason: 'by_chargeback',
  },
  on_payment_missed: {
    label: 'missed recurring payment',
    transactionType: null,
    defaultBilling: 'subscription',
    status: { single: 'unpaid', plan: 'reminding' },
  },
  payment_denial: {
    label: 'rejected payment',
    transactionType: null,
    defaultBilling: 'subscription',
    status: { single: 'unpaid', plan: 'aborted' },
    stopReason: 'by_payment_denial',
  },
  on_rebill_cancelled: {
    label: 'rebilling canceled',
    transactionType: null,
    defaultBilling: 'subscription',
    status: { single: 'completed', plan: 'paying' },
    stopReason: 'by_buyer',
    stopNoted: true,
  },
  on_rebill_resumed: {
    label: 'rebilling resumed',
    transactionType: null,
    defaultBilling: 'subscription',
    status: { single: 'completed', plan: 'paying' },
  },
  last_paid_day: {
    label: 'end of paid period',
    transactionType: null,
    defaultBilling: 'subscription',
    status: { single: 'completed', plan: 'completed' },
    stopReason: 'by_buyer',
    stopNoted: true,
  },
};

/** Default transaction id, date and time by `transaction_type` (docs/protocols/digistore24.md#example-payloads examples 1, 3 and 4). */
const TRANSACTIONS: Readonly<Record<string, readonly [id: string, date: string, time: string]>> = {
  payment: ['91000001', '2024-05-14', '09:12:45'],
  refund: ['91000333', '2024-05-20', '14:02:10'],
  chargeback: ['91000888', '2024-05-23', '11:47:30'],
};
const PAYMENT_EXAMPLE = ['91000001', '2024-05-14', '09:12:45'] as const;

function exampleTransaction(type: string): readonly [id: string, date: string, time: string] {
  return TRANSACTIONS[type] ?? PAYMENT_EXAMPLE;
}

/** The dates a field set carries: the examples' fixed ones, or all derived from `at`. */
interface SampleDates {
  transaction: (type: string) => readonly [date: string, time: string];
  order: (plan: boolean) => readonly [date: string, time: string];
  stopNoted: string;
  nextPayment: string;
}

const EXAMPLE_DATES: SampleDates = {
  transaction: (type) => exampleTransaction(type).slice(1) as [string, string],
  order: (plan) => (plan ? ['2024-02-01', '18:40:02'] : ['2024-05-14', '09:12:44']),
  stopNoted: '2024-05-10 20:15:00',
  nextPayment: '2024-06-01',
};

/** `YYYY-MM-DD` one calendar month later, on the month's last day when it is shorter (Jan 31 → Feb 29). */
function oneMonthLater(date: string): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(day, lastDay))).toISOString().slice(0, 10);
}

function datesAt(at: Date): SampleDates {
  const { date, time } = isoToBerlinWallTime(at);
  return {
    transaction: () => [date, time],
    order: () => [date, time],
    stopNoted: `${date} ${time}`,
    nextPayment: oneMonthLater(date),
  };
}

function shapeOf(event: string): EventShape {
  const shape = Object.hasOwn(SHAPES, event) ? SHAPES[event] : undefined;
  return (
    shape ?? {
      label: event,
      transactionType: null,
      defaultBilling: 'single_payment',
      status: { single: 'completed', plan: 'paying' },
    }
  );
}

/** Gross → [gross, net, vat] as DS24 decimals, VAT included at 19 %. */
function splitVat(amount: string, currency: string): [string, string, string] {
  const gross = parseMoney(amount, currency);
  if (gross === null) return [amount, '', ''];
  const net = Math.round(gross / 1.19);
  return [
    formatMoney(gross, currency),
    formatMoney(net, currency),
    formatMoney(gross - net, currency),
  ];
}

function orderFields(event: string, o: Digistore24SampleOverrides): Array<[string, string]> {
  const shape = shapeOf(event);
  const billing = o.billingType ?? shape.defaultBilling;
  const plan = billing !== 'single_payment';
  const orderId = o.orderId ?? (plan ? 'R3TW8N2D' : 'K7QX2M9P');
  const productId = o.productId ?? (plan ? '543299' : '543210');
  const productName = plan ? 'Premium Membership (monthly)' : 'Online Course Basic';
  const email = o.email ?? 'anna.beispiel@example.com';
  const language = o.language ?? 'en';
  const currency = o.currency ?? 'EUR';
  const [gross, net, vat] = splitVat(o.amount ?? (plan ? '29.00' : '97.00'), currency);
  const sequence = String(o.paySequenceNo ?? (plan ? 1 : 0));
  const transactionType =
    shape.transactionType ?? (o.transactionId === undefined ? null : 'payment');
  const dates = o.at === undefined ? EXAMPLE_DATES : datesAt(o.at);
  const [defaultTransactionId] = exampleTransaction(transactionType ?? 'payment');
  const [transactionDate, transactionTime] = dates.transaction(transactionType ?? 'payment');
  const transactionId = transactionType === null ? null : (o.transactionId ?? defaultTransactionId);
  const invoiceTransaction = transactionId ?? '91000001';
  const [orderDate, orderTime] = dates.order(plan);
  const fields: Array<[string, string]> = [
    ['api_mode', o.test === true ? 'test' : 'live'],
    ['ipn_version', '1.6'],
    ['ipn_config_id', '765432'],
    ['ipn_config_product_ids', 'all'],
    ['merchant_id', '1234567'],
    ['merchant_name', 'demovendor'],
    ['language', language],
    ['country', 'DE'],
    ['email', email],
    ['buyer_email', email],
    ['buyer_id', '8800123'],
    ['buyer_first_name', 'Anna'],
    ['buyer_last_name', 'Beispiel'],
    ['buyer_language', language],
    ['address_first_name', 'Anna'],
    ['address_last_name', 'Beispiel'],
    ['address_street', 'Musterstraße 5'],
    ['address_zipcode', '10115'],
    ['address_city', 'Berlin'],
    ['address_country', 'DE'],
    ['address_country_name', 'Deutschland'],
    ['address_company', ''],
    ['address_phone_no', ''],
    ['address_state', ''],
    ['address_tax_id', ''],
    ['order_id', orderId],
    ['order_item_id', plan ? '45678950' : '45678901'],
    ['order_date', orderDate],
    ['order_time', orderTime],
    ['order_date_time', `${orderDate} ${orderTime}`],
    ['order_type', 'regular'],
    ['product_id', productId],
    ['product_name', productName],
    ['product_language', language],
    ['product_delivery_type', 'digital'],
    ['quantity', '1'],
    ['billing_type', billing],
    ['pay_sequence_no', sequence],
    [
      'number_of_installments',
      billing === 'installment' ? '6' : billing === 'subscription' ? '0' : '1',
    ],
    ['pay_method', o.test === true ? 'test' : 'creditcard'],
    ['currency', currency],
    ['amount', gross],
    ['amount_brutto', gross],
    ['amount_netto', net],
    ['amount_vat', vat],
    ['vat_rate', '19.00'],
    ['vat_amount', vat],
    ['transaction_currency', currency],
    ['transaction_amount', gross],
    ['transaction_vat_amount', vat],
    ['affiliate_name', ''],
    ['affiliate_id', ''],
    ['campaignkey', ''],
    ['trackingkey', ''],
    ['custom', plan ? '' : 'crm_contact=42'],
    ['voucher_code', ''],
    ['upsell_no', String(o.upsellNo ?? 0)],
    ['is_gdpr_country', 'Y'],
    ['newsletter_choice', 'none'],
    ['newsletter_choice_msg', 'No entry'],
    [
      'invoice_url',
      `https://www.digistore24.com/invoice/${orderId}/${invoiceTransaction}/ABCD1234.pdf`,
    ],
    ['receipt_url', `https://www.digistore24.com/receipt/${productId}/${orderId}/ABCD1234`],
    ['support_url', `https://www.digistore24.com/support/${orderId}/ABCD1234`],
    ['request_refund_url', `https://www.digistore24.com/order/cancel/${orderId}/EFGH5678`],
    ['license_key', ''],
  ];
  if (plan) fields.push(['renew_url', `https://www.digistore24.com/renew/${orderId}/ABCD1234`]);
  fields.push(
    ['event', event],
    ['event_label', shape.label],
    ['billing_status', plan ? shape.status.plan : shape.status.single],
  );
  if (plan && shape.stopReason !== undefined)
    fields.push(['billing_stop_reason', shape.stopReason]);
  if (plan && shape.stopNoted === true) fields.push(['rebill_stop_noted_at', dates.stopNoted]);
  if (transactionId !== null && transactionType !== null) {
    fields.push(
      ['transaction_id', transactionId],
      ['transaction_type', transactionType],
      ['transaction_date', transactionDate],
      ['transaction_time', transactionTime],
    );
  }
  if (plan && (event === 'on_payment' || event === 'on_payment_missed'))
    fields.push(['next_payment_at', dates.nextPayment]);
  return fields;
}

function affiliationFields(o: Digistore24SampleOverrides): Array<[string, string]> {
  const productId = o.productId ?? '543210';
  return [
    ['api_mode', o.test === true ? 'test' : 'live'],
    ['ipn_version', '1.6'],
    ['ipn_config_id', '765432'],
    ['ipn_config_product_ids', 'all'],
    ['merchant_id', '1234567'],
    ['merchant_name', 'demovendor'],
    ['language', o.language ?? 'en'],
    ['country', 'DE'],
    ['event', 'on_affiliation'],
    ['email', o.email ?? 'max.partner@example.org'],
    ['affiliate_name', 'maxpartner'],
    ['affiliate_link', `https://www.digistore24.com/redir/${productId}/maxpartner/`],
    ['address_first_name', 'Max'],
    ['address_last_name', 'Partner'],
    ['address_street_name', 'Hauptweg'],
    ['address_street_number', '12'],
    ['address_city', 'Köln'],
    ['address_state', ''],
    ['address_zipcode', '50667'],
    ['address_phone_no', ''],
    ['product_id', productId],
    ['product_name', 'Online Course Basic'],
  ];
}

/**
 * A full, unsigned DS24 field set for `event`, in posting order. Deterministic: the same
 * arguments give the same fields. Order events default to a single payment (payment, refund,
 * chargeback) or a monthly subscription (the others); overrides replace the matching fields.
 */
export function sampleDigistore24Fields(
  event: string,
  overrides: Digistore24SampleOverrides = {},
): Record<string, string> {
  if (event === 'connection_test') {
    return { event, api_mode: overrides.test === true ? 'test' : 'live', ipn_version: '1.6' };
  }
  const pairs =
    event === 'on_affiliation' ? affiliationFields(overrides) : orderFields(event, overrides);
  return Object.fromEntries(pairs);
}
