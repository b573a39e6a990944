/** An e-mail as the ledger keys customers: trimmed and lower-cased (see EventBuyer.email). */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
