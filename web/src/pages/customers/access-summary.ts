/**
 * A buyer's access per product, as the membership question needs it: the deciding grant of
 * each product (the ledger's rule, src/ledger/queries/access-query.ts: any active grant gives
 * access; otherwise suspended beats ended beats revoked), the latest paid-until date among the
 * grants with that status, and every order behind it.
 */
import type { AnswerOf } from '../../api/types.js';

export type AccessRow = AnswerOf<'getCustomer', 200>['access'][number];
export type AccessStatus = AccessRow['status'];

/** Best first. */
export const ACCESS_STATUSES: readonly AccessStatus[] = ['active', 'suspended', 'ended', 'revoked'];

export interface ProductAccess {
  productId: string;
  productName: string | null;
  status: AccessStatus;
  /** `YYYY-MM-DD`, the latest among the grants with `status`; null when none has one. */
  paidUntil: string | null;
  /** Every grant of the product, the deciding ones first. */
  grants: AccessRow[];
}

const rank = (status: AccessStatus): number => ACCESS_STATUSES.indexOf(status);

export function accessByProduct(rows: readonly AccessRow[]): ProductAccess[] {
  const products = new Map<string, AccessRow[]>();
  for (const row of rows)
    products.set(row.productId, [...(products.get(row.productId) ?? []), row]);
  return [...products.entries()]
    .map(([productId, grants]) => {
      const sorted = [...grants].sort(
        (a, b) => rank(a.status) - rank(b.status) || (a.grantedAt < b.grantedAt ? 1 : -1),
      );
      const status = sorted[0]?.status ?? 'revoked';
      const paidUntil =
        sorted
          .flatMap((grant) =>
            grant.status === status && grant.paidUntil !== null ? [grant.paidUntil] : [],
          )
          .sort()
          .at(-1) ?? null;
      const productName = sorted.find((grant) => grant.productName !== null)?.productName ?? null;
      return { productId, productName, status, paidUntil, grants: sorted };
    })
    .sort(
      (a, b) =>
        rank(a.status) - rank(b.status) ||
        (a.productName ?? a.productId).localeCompare(b.productName ?? b.productId),
    );
}
