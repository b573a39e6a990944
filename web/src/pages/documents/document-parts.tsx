/** The parts of a document's page that show what the document says (its snapshot). */
import { useTranslation } from 'react-i18next';
import { CardSection } from '../../components/card-section.js';
import { DataTable } from '../../components/data-table.js';
import { DateTime, Money, Num } from '../../components/formatted.js';
import { useFormat } from '../../i18n/use-format.js';
import type { DocumentDetail } from './document-queries.js';

type Snapshot = DocumentDetail['snapshot'];
type Party = Snapshot['buyer'];

function PartyFacts({
  title,
  party,
  extra,
}: {
  title: string;
  party: Party;
  extra?: readonly string[];
}) {
  const { t } = useTranslation();
  return (
    <CardSection title={title} className="party">
      <address>
        <bdi>{party.name}</bdi>
        {party.company ? (
          <>
            <br />
            <bdi>{party.company}</bdi>
          </>
        ) : null}
        {party.addressLines.map((line, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the lines of one address, shown as they are and never reordered; two may read the same
          <span key={index}>
            <br />
            <bdi>{line}</bdi>
          </span>
        ))}
        {party.countryCode ? (
          <>
            <br />
            {party.countryCode}
          </>
        ) : null}
      </address>
      <dl className="facts compact">
        {party.vatId ? (
          <>
            <dt>{t('documents.detail.vatId')}</dt>
            <dd>
              <bdi>{party.vatId}</bdi>
            </dd>
          </>
        ) : null}
        {party.email ? (
          <>
            <dt>{t('documents.detail.email')}</dt>
            <dd>{party.email}</dd>
          </>
        ) : null}
        {(extra ?? []).map((line, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: fixed lines of a stored document, never reordered; two may read the same
          <dd key={index}>
            <bdi>{line}</bdi>
          </dd>
        ))}
      </dl>
    </CardSection>
  );
}

export function Parties({ snapshot }: { snapshot: Snapshot }) {
  const { t } = useTranslation();
  const seller = snapshot.seller;
  return (
    <div className="card-grid">
      <PartyFacts
        title={t('documents.detail.seller')}
        party={seller}
        extra={[
          ...(seller.taxNumber ? [`${t('documents.detail.taxNumber')}: ${seller.taxNumber}`] : []),
        ]}
      />
      <PartyFacts title={t('documents.detail.buyer')} party={snapshot.buyer} />
    </div>
  );
}

function TaxModeText({ mode }: { mode: Snapshot['taxMode'] }) {
  const { t } = useTranslation();
  const { locale } = useFormat();
  const percent = (basisPoints: number): string =>
    new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 2 }).format(
      basisPoints / 10_000,
    );
  switch (mode.kind) {
    case 'vat_included':
      return <>{t('documents.taxMode.vat_included', { rate: percent(mode.rateBasisPoints) })}</>;
    case 'israel_vat':
      return <>{t('documents.taxMode.israel_vat', { rate: percent(mode.rateBasisPoints) })}</>;
    case 'small_business':
      return <>{t('documents.taxMode.small_business')}</>;
    case 'reverse_charge':
      return <>{t('documents.taxMode.reverse_charge')}</>;
  }
}

export function Amounts({ snapshot }: { snapshot: Snapshot }) {
  const { t } = useTranslation();
  const currency = snapshot.currency;
  return (
    <CardSection title={t('documents.detail.amounts')}>
      <DataTable
        caption={t('documents.detail.lines')}
        rows={snapshot.lines.map((line, index) => ({ ...line, index }))}
        rowKey={(line) => String(line.index)}
        empty={<p className="muted">{t('documents.detail.noLines')}</p>}
        columns={[
          {
            key: 'description',
            header: t('documents.detail.description'),
            cell: (line) => <bdi>{line.description}</bdi>,
          },
          {
            key: 'quantity',
            header: t('documents.detail.quantity'),
            className: 'numeric',
            cell: (line) => <Num value={line.quantity} />,
          },
          {
            key: 'unit',
            header: t('documents.detail.unitAmount'),
            className: 'numeric',
            cell: (line) => <Money minor={line.unitAmount} currency={currency} />,
          },
          {
            key: 'amount',
            header: t('documents.detail.lineAmount'),
            className: 'numeric',
            cell: (line) => <Money minor={line.amount} currency={currency} />,
          },
        ]}
      />
      <dl className="facts totals">
        <dt>{t('documents.detail.net')}</dt>
        <dd>
          <Money minor={snapshot.totals.net} currency={currency} />
        </dd>
        <dt>{t('documents.detail.tax')}</dt>
        <dd>
          <Money minor={snapshot.totals.tax} currency={currency} />
        </dd>
        <dt>{t('documents.detail.gross')}</dt>
        <dd>
          <strong>
            <Money minor={snapshot.totals.gross} currency={currency} />
          </strong>
        </dd>
        <dt>{t('documents.detail.taxMode')}</dt>
        <dd>
          <TaxModeText mode={snapshot.taxMode} />
        </dd>
      </dl>
    </CardSection>
  );
}

export function Payment({ snapshot }: { snapshot: Snapshot }) {
  const { t } = useTranslation();
  return (
    <dl className="facts">
      <dt>{t('documents.detail.paymentMethod')}</dt>
      <dd>
        <bdi>{snapshot.payment.method}</bdi>
      </dd>
      <dt>{t('documents.detail.transaction')}</dt>
      <dd>
        <bdi>{snapshot.payment.transactionId ?? '—'}</bdi>
      </dd>
      <dt>{t('documents.detail.paidAt')}</dt>
      <dd>
        <DateTime iso={snapshot.payment.paidAt} />
      </dd>
      <dt>{t('documents.detail.documentLanguage')}</dt>
      <dd>{t(`documents.language.${snapshot.language}`)}</dd>
    </dl>
  );
}
