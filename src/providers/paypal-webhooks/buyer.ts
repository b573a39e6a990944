/**
 * The buyer of a webhook event, from whichever party object the resource carries (see
 * docs/protocols/paypal.md#webhook-envelope-and-event-types resource facts): an Orders v2 `payer`, a subscription's `subscriber`, a v1
 * agreement's `payer.payer_info`, a dispute's `disputed_transactions[].buyer`. Captures, sales
 * and refunds carry no buyer: their events have `buyer: null`.
 */
import type { EventAddress, EventBuyer } from '../../core/events.js';
import { firstText, object, text } from './json-fields.js';

function address(value: unknown): EventAddress | null {
  if (value === null || value === undefined) return null;
  const result: EventAddress = {
    // v2 portable address (`address_line_1`, `admin_area_2` = city) or v1 (`line1`, `city`).
    street: firstText(value, ['address_line_1'], ['line1']),
    street2: firstText(value, ['address_line_2'], ['line2']),
    zipcode: text(value, 'postal_code'),
    city: firstText(value, ['admin_area_2'], ['city']),
    state: firstText(value, ['admin_area_1'], ['state']),
    country: text(value, 'country_code')?.toUpperCase() ?? null,
  };
  return Object.values(result).every((part) => part === null) ? null : result;
}

function build(
  parts: Omit<EventBuyer, 'company' | 'newsletterConsent' | 'language'> & {
    company?: string | null;
  },
): EventBuyer | null {
  const email = parts.email?.trim().toLowerCase() ?? null;
  const buyer: EventBuyer = {
    email: email === '' ? null : email,
    firstName: parts.firstName,
    lastName: parts.lastName,
    company: parts.company ?? null,
    phone: parts.phone,
    address: parts.address,
    newsletterConsent: null,
    language: null,
  };
  const { newsletterConsent: _consent, ...facts } = buyer;
  return Object.values(facts).every((value) => value === null) ? null : buyer;
}

/** Orders v2 `payer` (+ the first purchase unit's shipping address when the payer has none). */
export function buyerFromPayer(payer: unknown, shipping: unknown): EventBuyer | null {
  if (object(payer) === null && object(shipping) === null) return null;
  return build({
    email: text(payer, 'email_address'),
    firstName: text(payer, 'name', 'given_name'),
    lastName: text(payer, 'name', 'surname'),
    phone: text(payer, 'phone', 'phone_number', 'national_number'),
    address: address(object(payer, 'address')) ?? address(object(shipping, 'address')),
  });
}

/** Subscriptions v1 API `subscriber`, or a deprecated v1 agreement's `payer.payer_info`. */
export function buyerFromSubscription(resource: unknown): EventBuyer | null {
  const subscriber = object(resource, 'subscriber');
  if (subscriber !== null) {
    return build({
      email: text(subscriber, 'email_address'),
      firstName: text(subscriber, 'name', 'given_name'),
      lastName: text(subscriber, 'name', 'surname'),
      phone: text(subscriber, 'phone', 'phone_number', 'national_number'),
      address: address(object(subscriber, 'shipping_address', 'address')),
    });
  }
  const info = object(resource, 'payer', 'payer_info');
  if (info === null) return null;
  return build({
    email: text(info, 'email'),
    firstName: text(info, 'first_name'),
    lastName: text(info, 'last_name'),
    phone: text(info, 'phone'),
    address: address(object(info, 'shipping_address') ?? object(resource, 'shipping_address')),
  });
}

/**
 * A dispute's buyer: the e-mail when PayPal shares it. Its `name` is one display string that
 * cannot be split into first and last name reliably; it stays in `raw`.
 */
export function buyerFromDispute(transaction: unknown): EventBuyer | null {
  const buyer = object(transaction, 'buyer');
  if (buyer === null) return null;
  return build({
    email: text(buyer, 'email'),
    firstName: null,
    lastName: null,
    phone: null,
    address: null,
  });
}
