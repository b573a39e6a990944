/** A document's kind in words, as a badge: invoice-receipt or credit note. */
import { useTranslation } from 'react-i18next';
import { Badge } from '../../components/status-badge.js';
import type { DocumentKind } from './document-filters.js';

export function DocumentKindBadge({ kind }: { kind: DocumentKind }) {
  const { t } = useTranslation();
  return <Badge tone={kind === 'invoice' ? 'info' : 'warning'}>{t(`documents.kind.${kind}`)}</Badge>;
}

export function RenderStateBadge({ state }: { state: 'pending' | 'rendered' }) {
  const { t } = useTranslation();
  return <Badge tone={state === 'rendered' ? 'success' : 'warning'}>{t(`documents.renderState.${state}`)}</Badge>;
}
