/**
 * One document: its number, kind and parties, the amounts, where it came from (order,
 * notification, event, source), its PDF and mails, the credit notes of an invoice or the
 * invoice a credit note corrects; download, resend and credit by hand.
 */
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { CardSection } from '../../components/card-section.js';
import { CreatedNotice } from '../../components/created-notice.js';
import { DownloadButton } from '../../components/download-button.js';
import { ErrorDisplay } from '../../components/error-display.js';
import { DateTime, Money } from '../../components/formatted.js';
import { PageHeader } from '../../components/page-header.js';
import { Loading } from '../../components/states.js';
import { useSourceList } from '../notifications/notification-queries.js';
import { CreditNoteForm } from './credit-note-form.js';
import { DocumentKindBadge, EInvoiceState, RenderStateBadge } from './document-kind.js';
import { DocumentMails } from './document-mails.js';
import { Amounts, Parties, Payment } from './document-parts.js';
import {
  useDocument,
  useDocumentEvent,
  useDocuments,
  useFileFetchers,
} from './document-queries.js';
import { useProfiles } from '../profiles/profile-queries.js';
import type { DocumentDetail } from './document-queries.js';
import { ResendAction } from './resend-action.js';
import './documents.css';

function Origin({ document }: { document: DocumentDetail }) {
  const { t } = useTranslation();
  const event = useDocumentEvent(document.eventId);
  const sources = useSourceList();
  const profiles = useProfiles();
  const source = sources.data?.find((s) => s.id === document.sourceId);
  const profile = profiles.data?.find((p) => p.id === document.profileId);
  const ledgerOrder = event.data?.ledger.order ?? null;
  return (
    <CardSection title={t('documents.detail.origin')}>
      <dl className="facts">
        <dt>{t('documents.detail.profile')}</dt>
        <dd>
          <Link to={`/profiles/${document.profileId}`}>
            <bdi>{profile?.name ?? document.profileId}</bdi>
          </Link>
        </dd>
        <dt>{t('documents.detail.order')}</dt>
        <dd>
          {ledgerOrder ? (
            <Link to={`/customers/orders/${ledgerOrder.id}`}>
              <bdi>{document.orderId ?? ledgerOrder.externalId}</bdi>
            </Link>
          ) : (
            <bdi>{document.orderId ?? '—'}</bdi>
          )}
        </dd>
        <dt>{t('documents.detail.source')}</dt>
        <dd>
          {document.sourceId ? (
            <Link to={`/sources/${document.sourceId}`}>{source?.name ?? document.sourceId}</Link>
          ) : (
            '—'
          )}
        </dd>
        <dt>{t('documents.detail.notification')}</dt>
        <dd>
          {event.data ? (
            <>
              <Link to={`/notifications/${event.data.inboundRequestId}`}>
                {t('documents.detail.openNotification')}
              </Link>
              {' · '}
              <Link to={`/events/${event.data.id}`}>{t('documents.detail.openEvent')}</Link>
            </>
          ) : document.eventId === null ? (
            t('documents.detail.byHand')
          ) : (
            '—'
          )}
        </dd>
      </dl>
      {event.isError ? <ErrorDisplay error={event.error} /> : null}
      <Payment snapshot={document.snapshot} />
    </CardSection>
  );
}

function RenderState({ document }: { document: DocumentDetail }) {
  const { t } = useTranslation();
  const files = useFileFetchers();
  const render = document.render;
  return (
    <CardSection title={t('documents.detail.pdf')}>
      <p>
        <RenderStateBadge state={document.renderState} />
      </p>
      <dl className="facts">
        {render.renderedAt ? (
          <>
            <dt>{t('documents.detail.renderedAt')}</dt>
            <dd>
              <DateTime iso={render.renderedAt} />
            </dd>
          </>
        ) : (
          <>
            <dt>{t('documents.detail.renderAttempts')}</dt>
            <dd>{render.attempts}</dd>
            {render.nextAttemptAt ? (
              <>
                <dt>{t('documents.detail.nextRender')}</dt>
                <dd>
                  <DateTime iso={render.nextAttemptAt} />
                </dd>
              </>
            ) : null}
          </>
        )}
        {render.lastError ? (
          <>
            <dt>{t('documents.detail.renderError')}</dt>
            <dd>{render.lastError}</dd>
          </>
        ) : null}
        {render.sha256 ? (
          <>
            <dt>{t('documents.detail.sha256')}</dt>
            <dd>
              <code className="hash">{render.sha256}</code>
            </dd>
          </>
        ) : null}
        <dt>{t('documents.detail.eInvoice')}</dt>
        <dd>
          <EInvoiceState eInvoice={document.eInvoice} withReason={false} />
        </dd>
        {document.eInvoice.reason ? (
          <>
            <dt>{t('documents.detail.eInvoiceRefused')}</dt>
            <dd>{document.eInvoice.reason}</dd>
          </>
        ) : null}
      </dl>
      {document.renderState === 'pending' ? (
        <p className="muted">{t('documents.detail.renderPending')}</p>
      ) : null}
      <DownloadButton primary fetchFile={() => files.pdf(document)}>
        {t('documents.download')}
      </DownloadButton>
    </CardSection>
  );
}

/** The invoice a credit note corrects, or the credit notes of an invoice, by number. */
function Related({ document }: { document: DocumentDetail }) {
  const { t } = useTranslation();
  const ids = document.correctsDocumentId ? [document.correctsDocumentId] : document.creditNoteIds;
  const related = useDocuments(ids);
  if (document.kind === 'credit_note') {
    const invoice = related[0]?.data;
    return (
      <CardSection title={t('documents.detail.corrects')}>
        <p>
          {document.correctsDocumentId ? (
            <Link to={`/documents/${document.correctsDocumentId}`}>
              <bdi>
                {invoice?.number ??
                  document.snapshot.corrects?.number ??
                  document.correctsDocumentId}
              </bdi>
            </Link>
          ) : (
            <bdi>{document.snapshot.corrects?.number ?? '—'}</bdi>
          )}
        </p>
      </CardSection>
    );
  }
  return (
    <CardSection title={t('documents.detail.creditNotes')}>
      {ids.length === 0 ? (
        <p className="muted">{t('documents.detail.noCreditNotes')}</p>
      ) : (
        <ul className="document-links">
          {ids.map((id, index) => {
            const note = related[index]?.data;
            return (
              <li key={id}>
                <Link to={`/documents/${id}`}>
                  <bdi>{note?.number ?? id}</bdi>
                </Link>
                {note ? (
                  <>
                    {' · '}
                    <Money minor={note.gross} currency={note.currency} /> ·{' '}
                    <DateTime iso={note.issuedAt} />
                  </>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
    </CardSection>
  );
}

function useLeftToCredit(invoice: DocumentDetail): number | null {
  const notes = useDocuments(invoice.creditNoteIds);
  if (notes.some((note) => note.data === undefined)) return null;
  // A credit note stores what it takes back as a positive amount (its PDF prints it negative).
  return invoice.gross - notes.reduce((sum, note) => sum + Math.abs(note.data?.gross ?? 0), 0);
}

function InvoiceCredit({ invoice }: { invoice: DocumentDetail }) {
  const left = useLeftToCredit(invoice);
  return <CreditNoteForm invoice={invoice} left={left} />;
}

export function DocumentPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const document = useDocument(id);
  if (document.isPending) return <Loading />;
  if (document.isError)
    return <ErrorDisplay error={document.error} onRetry={() => void document.refetch()} />;
  const data = document.data;
  return (
    <>
      <PageHeader
        title={t(`documents.titleOf.${data.kind}`, { number: data.number })}
        description={
          <>
            <DocumentKindBadge kind={data.kind} /> <DateTime iso={data.issuedAt} />
          </>
        }
        actions={
          <>
            <ResendAction documentId={data.id} />
            <Link className="button" to="/documents">
              {t('documents.backToList')}
            </Link>
          </>
        }
      />
      <CreatedNotice>{t('documents.credit.created', { number: data.number })}</CreatedNotice>
      <Parties snapshot={data.snapshot} />
      <Amounts snapshot={data.snapshot} />
      <RenderState document={data} />
      <Origin document={data} />
      <DocumentMails mails={data.mails} />
      <Related document={data} />
      {data.kind === 'invoice' ? <InvoiceCredit invoice={data} /> : null}
    </>
  );
}
