/** A document's kind, PDF state and e-invoice state in words, as badges. */
import { useTranslation } from 'react-i18next';
import { Badge } from '../../components/status-badge.js';
import type { Tone } from '../../components/status-badge.js';
import type { DocumentKind } from './document-filters.js';
import type { DocumentListItem } from './document-queries.js';

export function DocumentKindBadge({ kind }: { kind: DocumentKind }) {
  const { t } = useTranslation();
  return (
    <Badge tone={kind === 'invoice' ? 'info' : 'warning'}>{t(`documents.kind.${kind}`)}</Badge>
  );
}

export function RenderStateBadge({ state }: { state: 'pending' | 'rendered' }) {
  const { t } = useTranslation();
  return (
    <Badge tone={state === 'rendered' ? 'success' : 'warning'}>
      {t(`documents.renderState.${state}`)}
    </Badge>
  );
}

type EInvoice = DocumentListItem['eInvoice'];

const E_INVOICE_TONES: Readonly<Record<EInvoice['status'], Tone>> = {
  off: 'neutral',
  pending: 'info',
  embedded: 'success',
  refused: 'warning',
};

/** Whether the PDF carries the e-invoice (ZUGFeRD / Factur-X): not asked for, to come with the PDF, embedded, or not possible (and why, unless `withReason` is off). */
export function EInvoiceState({
  eInvoice,
  withReason = true,
}: {
  eInvoice: EInvoice;
  withReason?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <>
      <Badge tone={E_INVOICE_TONES[eInvoice.status]}>
        {t(`documents.eInvoice.${eInvoice.status}`)}
      </Badge>
      {withReason && eInvoice.reason ? <span className="cell-note">{eInvoice.reason}</span> : null}
    </>
  );
}
