/**
 * The net side of a document whose lines carry gross amounts (what the buyer paid). EN 16931
 * wants each line's net amount (BT-131), their sum equal to the net total (BR-CO-10) and the
 * VAT breakdown's taxable amount (BR-S-08); the snapshot fixes the net total. Each line's net is
 * its gross less the VAT it includes; what rounding per line leaves over (at most half a minor
 * unit per line) goes, one minor unit at a time, to the largest lines.
 */
import type { DocumentLine, DocumentSnapshot, DocumentTaxMode } from '../document-snapshot.js';

/** The VAT rate a tax mode charges, in basis points; 0 for the modes that charge none. */
export function vatRateBasisPoints(mode: DocumentTaxMode): number {
  return mode.kind === 'vat_included' || mode.kind === 'israel_vat' ? mode.rateBasisPoints : 0;
}

export interface NetLine {
  /** BT-131, minor units. */
  net: number;
  /** BT-146: the net price of `baseQuantity` units (of one unit when that is null). */
  price: number;
  /** BT-149, when the price is given for the whole quantity. */
  baseQuantity: number | null;
}

/**
 * A unit price only when the net divides by the quantity; otherwise the price of the whole
 * quantity (base quantity = quantity), so quantity × price ÷ base quantity is the line's net
 * exactly and no rounded unit price can make the line disagree with its amount.
 */
function priced(line: DocumentLine, net: number): NetLine {
  if (Number.isInteger(line.quantity) && net % line.quantity === 0)
    return { net, price: net / line.quantity, baseQuantity: null };
  return { net, price: net, baseQuantity: line.quantity };
}

/** The lines' nets; call only for a snapshot whose amounts `eInvoiceProblems` accepted. */
export function netLines(snapshot: DocumentSnapshot): NetLine[] {
  const rate = vatRateBasisPoints(snapshot.taxMode);
  const nets = snapshot.lines.map(
    (line) => line.amount - Math.round((line.amount * rate) / (10_000 + rate)),
  );
  let rest = snapshot.totals.net - nets.reduce((sum, net) => sum + net, 0);
  const largestFirst = nets
    .map((_, i) => i)
    .sort((a, b) => (snapshot.lines[b]?.amount ?? 0) - (snapshot.lines[a]?.amount ?? 0) || a - b);
  for (let k = 0; rest !== 0; k += 1) {
    const i = largestFirst[k % largestFirst.length] ?? 0;
    const step = Math.sign(rest);
    nets[i] = (nets[i] ?? 0) + step;
    rest -= step;
  }
  return snapshot.lines.map((line, i) => priced(line, nets[i] ?? 0));
}
