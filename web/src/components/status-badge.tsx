/**
 * Badges for the states people scan lists for. The word is always written (never colour
 * alone); the tone only adds emphasis.
 */
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeliveryStatus, Verdict } from '../api/types.js';

export type Tone = 'success' | 'info' | 'warning' | 'danger' | 'neutral';

export const VERDICT_TONES: Readonly<Record<Verdict, Tone>> = {
  accepted: 'success',
  test: 'info',
  duplicate: 'neutral',
  ignored: 'neutral',
  pending: 'warning',
  held: 'warning',
  rejected: 'danger',
  error: 'danger',
};

export const DELIVERY_STATUS_TONES: Readonly<Record<DeliveryStatus, Tone>> = {
  delivered: 'success',
  skipped: 'neutral',
  pending: 'info',
  delivering: 'info',
  failed: 'danger',
  dead: 'danger',
};

export function Badge({ tone, children }: { tone: Tone; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

export function VerdictBadge({ verdict, count }: { verdict: Verdict; count?: string }) {
  const { t } = useTranslation();
  return (
    <Badge tone={VERDICT_TONES[verdict]}>
      {t(`status.verdict.${verdict}`)}
      {count === undefined ? null : <span className="badge-count">{count}</span>}
    </Badge>
  );
}

export function DeliveryStatusBadge({ status }: { status: DeliveryStatus }) {
  const { t } = useTranslation();
  return <Badge tone={DELIVERY_STATUS_TONES[status]}>{t(`status.delivery.${status}`)}</Badge>;
}
