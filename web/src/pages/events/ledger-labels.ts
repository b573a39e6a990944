/**
 * Ledger states in the user's language (`events.ledger.orderStatus.*`, `.transactionKind.*`,
 * `.accessStatusName.*`). A state this UI does not know yet (a newer server) is shown as the
 * server names it.
 */
import { useTranslation } from 'react-i18next';
import { dynamicText } from '../../i18n/dynamic-text.js';

export interface LedgerLabels {
  order(status: string): string;
  transaction(kind: string): string;
  access(status: string): string;
}

export function useLedgerLabels(): LedgerLabels {
  const { i18n } = useTranslation();
  const label = (
    group: 'orderStatus' | 'transactionKind' | 'accessStatusName',
    value: string,
  ): string => dynamicText(i18n, `events.ledger.${group}.${value}`) ?? value;
  return {
    order: (status) => label('orderStatus', status),
    transaction: (kind) => label('transactionKind', kind),
    access: (status) => label('accessStatusName', status),
  };
}
