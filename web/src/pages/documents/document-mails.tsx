/**
 * The mails of a document: to whom, when, and how each went (sent, waiting for a retry, given
 * up). The state of a mail is shown the same way for the mails of Digistore24 sales.
 */
import { useTranslation } from 'react-i18next';
import { CardSection } from '../../components/card-section.js';
import { DataTable } from '../../components/data-table.js';
import { DateTime } from '../../components/formatted.js';
import { Badge } from '../../components/status-badge.js';
import type { Tone } from '../../components/status-badge.js';
import type { DocumentMail } from './document-queries.js';

const MAIL_TONES: Readonly<Record<DocumentMail['status'], Tone>> = {
  sent: 'success',
  pending: 'info',
  failed: 'danger',
};

/** A mail's state: sent (when), waiting (next try), not sent; and the last problem unless it was sent. */
export function MailState({
  mail,
}: {
  mail: Pick<DocumentMail, 'status' | 'sentAt' | 'nextAttemptAt' | 'lastError'>;
}) {
  const { t } = useTranslation();
  return (
    <>
      <Badge tone={MAIL_TONES[mail.status]}>{t(`documents.mails.status.${mail.status}`)}</Badge>
      {mail.sentAt ? (
        <span className="cell-note">
          <DateTime iso={mail.sentAt} />
        </span>
      ) : null}
      {mail.status === 'pending' && mail.nextAttemptAt ? (
        <span className="cell-note">
          {t('documents.mails.nextAttempt')} <DateTime iso={mail.nextAttemptAt} />
        </span>
      ) : null}
      {mail.lastError && mail.status !== 'sent' ? (
        <span className="cell-note">{mail.lastError}</span>
      ) : null}
    </>
  );
}

export function DocumentMails({ mails }: { mails: readonly DocumentMail[] }) {
  const { t } = useTranslation();
  return (
    <CardSection title={t('documents.mails.title')}>
      <DataTable
        caption={t('documents.mails.title')}
        rows={mails}
        rowKey={(mail) => mail.id}
        empty={<p className="muted">{t('documents.mails.none')}</p>}
        columns={[
          {
            key: 'role',
            header: t('documents.mails.columns.role'),
            cell: (mail) => (
              <>
                {t(`documents.mails.role.${mail.role}`)}
                {mail.trigger === 'resend' ? (
                  <span className="cell-note">{t('documents.mails.resent')}</span>
                ) : null}
              </>
            ),
          },
          {
            key: 'recipients',
            header: t('documents.mails.columns.recipients'),
            cell: (mail) => mail.recipients.join(', '),
          },
          {
            key: 'subject',
            header: t('documents.mails.columns.subject'),
            cell: (mail) => (mail.subject ? <bdi>{mail.subject}</bdi> : '—'),
          },
          {
            key: 'status',
            header: t('documents.mails.columns.status'),
            cell: (mail) => <MailState mail={mail} />,
          },
          {
            key: 'queued',
            header: t('documents.mails.columns.queued'),
            cell: (mail) => <DateTime iso={mail.createdAt} />,
          },
        ]}
      />
    </CardSection>
  );
}
