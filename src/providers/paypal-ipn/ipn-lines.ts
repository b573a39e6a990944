/**
 * The item lines of an IPN (docs/protocols/paypal.md#ipn-variables "Items"): a cart names its lines
 * `item_nameN`, `item_numberN`, `quantityN`, `mc_gross_N` (also seen as `mc_grossN`); every
 * other message has at most one item (`item_name`/`item_number`/`quantity`, gross in
 * `mc_gross`), recurring profiles a `product_name`.
 */
import { trimmedField } from './ipn-fields.js';

export interface IpnLine {
  /** `item_number`, else `item_name` (buttons without an item number), else `product_name`. */
  productId: string;
  /** The merchant's `item_number`, or null when the line has none. */
  itemNumber: string | null;
  name: string | null;
  quantity: number;
  /** The line's gross as PayPal wrote it (signed), or null when the message gives none. */
  gross: string | null;
}

type Fields = Readonly<Record<string, string>>;

function quantity(value: string | null): number {
  const number = value !== null && /^\d{1,9}$/.test(value) ? Number(value) : 0;
  // Subscriptions send quantity 0 or none; an item is still one unit bought.
  return Math.max(number, 1);
}

function cartNumbers(fields: Fields): number[] {
  const numbers = new Set<number>();
  for (const name of Object.keys(fields)) {
    const match = /^item_(?:name|number)(\d{1,3})$/.exec(name);
    if (match && trimmedField(fields, name) !== null) numbers.add(Number(match[1]));
  }
  return [...numbers].sort((a, b) => a - b);
}

/** The lines in cart order; empty when the message names no item at all. */
export function ipnLines(fields: Fields): IpnLine[] {
  const numbers = cartNumbers(fields);
  if (numbers.length > 0) {
    return numbers.map((n) => {
      const itemNumber = trimmedField(fields, `item_number${n}`);
      const name = trimmedField(fields, `item_name${n}`);
      return {
        productId: itemNumber ?? name ?? '',
        itemNumber,
        name,
        quantity: quantity(trimmedField(fields, `quantity${n}`)),
        gross: trimmedField(fields, `mc_gross_${n}`) ?? trimmedField(fields, `mc_gross${n}`),
      };
    });
  }
  const itemNumber = trimmedField(fields, 'item_number');
  const name = trimmedField(fields, 'item_name') ?? trimmedField(fields, 'product_name');
  const productId = itemNumber ?? name;
  if (productId === null) return [];
  return [
    {
      productId,
      itemNumber,
      name,
      quantity: quantity(trimmedField(fields, 'quantity')),
      gross: trimmedField(fields, 'mc_gross'),
    },
  ];
}
