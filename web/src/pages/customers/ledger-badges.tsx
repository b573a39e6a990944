/**
 * The ledger's states in words (`customers.accessStatus.*`, `.orderStatus.*`,
 * `.subscriptionStatus.*`, `.billingType.*`); a state this UI does not know yet (a newer
 * server) is shown as the server names it.
 */
import { useTranslation } from 'react-i18next';
import { Badge } from '../../components/status-badge.js';
import type { Tone } from '../../components/status-badge.js';
import { dynamicText } from '../../i18n/dynamic-text.js';

const ACCESS_TONES: Readonly<Record<string, Tone>> = {
  active: 'success',
  suspended: 'warning',
  ended: 'neutral',
  revoked: 'danger',
  none: 'neutral',
};
const ORDER_TONES: Readonly<Record<string, Tone>> = {
  paid: 'success',
  partially_refunded: 'warning',
  pending: 'info',
  open: 'neutral',
  denied: 'danger',
  refunded: 'danger',
  charged_back: 'danger',
};
const SUBSCRIPTION_TONES: Readonly<Record<string, Tone>> = {
  active: 'success',
  cancelled: 'warning',
  suspended: 'warning',
  ended: 'neutral',
  revoked: 'danger',
};

type Kind = 'accessStatus' | 'orderStatus' | 'subscriptionStatus' | 'billingType';

export function useLedgerText(): (kind: Kind, value: string) => string {
  const { i18n } = useTranslation();
  return (kind, value) => dynamicText(i18n, `customers.${kind}.${value}`) ?? value;
}

export function AccessBadge({ status }: { status: string }) {
  const text = useLedgerText();
  return <Badge tone={ACCESS_TONES[status] ?? 'neutral'}>{text('accessStatus', status)}</Badge>;
}

export function OrderStatusBadge({ status }: { status: string }) {
  const text = useLedgerText();
  return <Badge tone={ORDER_TONES[status] ?? 'neutral'}>{text('orderStatus', status)}</Badge>;
}

export function SubscriptionStatusBadge({ status }: { status: string }) {
  const text = useLedgerText();
  return (
    <Badge tone={SUBSCRIPTION_TONES[status] ?? 'neutral'}>
      {text('subscriptionStatus', status)}
    </Badge>
  );
}

export function TestBadge() {
  const { t } = useTranslation();
  return <Badge tone="info">{t('customers.testPurchase')}</Badge>;
}
