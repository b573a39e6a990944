/**
 * The checks PayPal asks for after VERIFIED (docs/protocols/paypal.md#ipn-checks-after-verified): the message is
 * from the environment this source is for, it was paid to this source's account, and a
 * payment for a configured item has the configured price. A VERIFIED message only proves
 * PayPal sent it, not that it is about this merchant's sale at this merchant's price.
 */
import type { EventType } from '../../core/events.js';
import type { ErrorCode } from '../../core/errors.js';
import { parseMoney } from '../../core/money.js';
import type { PayPalIpnConfig } from './config.js';
import type { IpnLine } from './ipn-lines.js';
import { quote } from '../../lib/quote.js';
import { trimmedField } from './ipn-fields.js';

export type CheckResult = { ok: true } | { ok: false; code: ErrorCode; reason: string };

type Fields = Readonly<Record<string, string>>;

const OK: CheckResult = { ok: true };

/**
 * docs/protocols/paypal.md#ipn-postback: a sandbox message (`test_ipn=1`) gets VERIFIED from the sandbox, so a live source that
 * accepted one would let anyone with a sandbox account forge "payments".
 */
export function checkEnvironment(fields: Fields, config: PayPalIpnConfig): CheckResult {
  if (config.environment === 'live' && trimmedField(fields, 'test_ipn') === '1') {
    return {
      ok: false,
      code: 'TEST_MESSAGE_ON_LIVE_SOURCE',
      reason: 'test_ipn=1 (a sandbox message) on a live source',
    };
  }
  return OK;
}

/**
 * docs/protocols/paypal.md#ipn-checks-after-verified: `receiver_email` (trimmed, case-insensitive; `business` only when the message has no
 * receiver_email, since PayPal always reports the primary address there) against the
 * configured e-mail, `receiver_id` against the configured ID. With both configured either
 * match is enough. A message naming no receiver fails: it cannot be shown to be ours.
 */
export function checkReceiver(fields: Fields, config: PayPalIpnConfig): CheckResult {
  const email =
    (trimmedField(fields, 'receiver_email') ?? trimmedField(fields, 'business'))?.toLowerCase() ??
    null;
  const id = trimmedField(fields, 'receiver_id')?.toUpperCase() ?? null;
  const wantedEmail = config.receiverEmail?.trim().toLowerCase();
  const wantedId = config.receiverId?.trim().toUpperCase();
  if (wantedEmail !== undefined && email === wantedEmail) return OK;
  if (wantedId !== undefined && id === wantedId) return OK;
  const seen = [
    email === null ? null : `receiver_email ${quote(email)}`,
    id === null ? null : `receiver_id ${quote(id)}`,
  ].filter((part) => part !== null);
  const reason =
    seen.length === 0
      ? 'the message names no receiver'
      : `${seen.join(' and ')} is not this source's PayPal account`;
  return { ok: false, code: 'RECEIVER_MISMATCH', reason };
}

/** Types whose amount is what the buyer pays for the item; refunds, denials and lifecycle messages are not checked. */
const PRICED_TYPES: ReadonlySet<EventType> = new Set(['payment', 'payment_pending']);

/**
 * docs/protocols/paypal.md#ipn-checks-after-verified: each line whose `item_number` has an expected price must be in that currency and
 * equal one of its prices × the line's quantity (cart lines by `mc_gross_N`, a single item by
 * `mc_gross`). Compared in integer minor units.
 */
export function checkExpectedPrices(
  fields: Fields,
  type: EventType,
  lines: readonly IpnLine[],
  config: PayPalIpnConfig,
): CheckResult {
  const prices = config.expectedPrices;
  if (prices === undefined || !PRICED_TYPES.has(type)) return OK;
  const currency = trimmedField(fields, 'mc_currency')?.toUpperCase() ?? null;
  for (const line of lines) {
    const expected =
      line.itemNumber !== null && Object.hasOwn(prices, line.itemNumber)
        ? prices[line.itemNumber]
        : undefined;
    if (expected === undefined) continue;
    const item = `item ${quote(line.productId)}`;
    if (currency !== expected.currency) {
      return {
        ok: false,
        code: 'AMOUNT_MISMATCH',
        reason: `${item} was paid in ${currency ?? 'no currency'}, expected ${expected.currency}`,
      };
    }
    const paid = parseMoney(line.gross, currency);
    const accepted = (Array.isArray(expected.amount) ? expected.amount : [expected.amount]).map(
      (amount) => parseMoney(amount, currency),
    );
    if (paid === null || !accepted.some((unit) => unit !== null && unit * line.quantity === paid)) {
      const wanted = (Array.isArray(expected.amount) ? expected.amount : [expected.amount]).join(
        ' or ',
      );
      const times = line.quantity === 1 ? '' : ` × ${line.quantity}`;
      return {
        ok: false,
        code: 'AMOUNT_MISMATCH',
        reason: `${item} was paid ${line.gross ?? 'no amount'} ${currency}, expected ${wanted}${times} ${expected.currency}`,
      };
    }
  }
  return OK;
}
