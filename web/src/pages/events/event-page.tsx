/**
 * One canonical event: what happened (type, time, order, buyer, affiliate, subscription,
 * refund), where it came from (the notification, linked), what it changed in the ledger and
 * where it went (its deliveries, linked).
 */
import { Fragment } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { DataTable } from '../../components/data-table.js';
import { ErrorDisplay } from '../../components/error-display.js';
import { DateTime, Money, Num } from '../../components/formatted.js';
import { PageHeader } from '../../components/page-header.js';
import { Loading } from '../../components/states.js';
import { EventDeliveries } from './event-deliveries.js';
import { useEvent } from './event-queries.js';
import type { EventDetail } from './event-queries.js';
import { buyerName, EventSummary } from './event-summary.js';
import { useEventTypeLabel } from './event-type.js';
import { LedgerEffects } from './ledger-effects.js';
import { useSourceList } from '../notifications/notification-queries.js';

interface Fact {
  label: string;
  value: ReactNode;
}

/** The `<dt>`/`<dd>` pairs of the facts that have a value. */
function FactItems({ facts }: { facts: readonly Fact[] }) {
  return facts
    .filter(({ value }) => value !== null && value !== undefined && value !== '')
    .map(({ label, value }) => (
      <Fragment key={label}>
        <dt>{label}</dt>
        <dd>{value}</dd>
      </Fragment>
    ));
}

/** A definition list of the facts that have a value. */
function Facts({ facts }: { facts: readonly Fact[] }) {
  if (!facts.some(({ value }) => value !== null && value !== undefined && value !== ''))
    return null;
  return (
    <dl className="facts">
      <FactItems facts={facts} />
    </dl>
  );
}

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section className="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

function text(value: string | null | undefined): ReactNode {
  return value ? <bdi>{value}</bdi> : null;
}

function code(value: string | null | undefined): ReactNode {
  return value ? <code>{value}</code> : null;
}

function OrderSection({ event }: { event: EventDetail }) {
  const { t } = useTranslation();
  const order = event.order;
  if (!order) return null;
  const money = (minor: number | null): ReactNode =>
    minor !== null && order.currency ? <Money minor={minor} currency={order.currency} /> : null;
  return (
    <Section id="order-title" title={t('events.orderTitle')}>
      <Facts
        facts={[
          { label: t('events.orderId'), value: code(order.id) },
          { label: t('events.transactionId'), value: code(order.transactionId) },
          { label: t('events.parentTransactionId'), value: code(order.parentTransactionId) },
          {
            label: t('events.billingType'),
            value: order.billingType ? t(`events.billing.${order.billingType}`) : null,
          },
          {
            label: t('events.paySequenceNo'),
            value: order.paySequenceNo === null ? null : <Num value={order.paySequenceNo} />,
          },
          { label: t('events.amount'), value: money(order.amount) },
          { label: t('events.vat'), value: money(order.vat) },
          { label: t('events.net'), value: money(order.net) },
          { label: t('events.fee'), value: money(order.fee) },
          { label: t('events.language'), value: code(order.language) },
          {
            label: t('events.nextPaymentAt'),
            value: order.nextPaymentAt ? <DateTime iso={order.nextPaymentAt} dateOnly /> : null,
          },
          {
            label: t('events.invoiceUrl'),
            value: order.invoiceUrl ? (
              <a href={order.invoiceUrl} rel="noreferrer" target="_blank">
                {t('events.openInvoice')}
              </a>
            ) : null,
          },
          {
            label: t('events.receiptUrl'),
            value: order.receiptUrl ? (
              <a href={order.receiptUrl} rel="noreferrer" target="_blank">
                {t('events.openReceipt')}
              </a>
            ) : null,
          },
          { label: t('events.custom'), value: code(order.custom) },
        ]}
      />
      <DataTable
        caption={t('events.itemsCaption')}
        showCaption
        rows={order.items}
        rowKey={(item) => `${item.productId}:${item.isAddon ? 'addon' : 'main'}`}
        empty={null}
        columns={[
          {
            key: 'product',
            header: t('events.ledger.product'),
            cell: (item) => code(item.productId),
          },
          { key: 'name', header: t('events.itemName'), cell: (item) => text(item.name) },
          {
            key: 'kind',
            header: t('events.itemKind'),
            cell: (item) => (item.isAddon ? t('events.addon') : t('events.mainProduct')),
          },
          {
            key: 'quantity',
            header: t('events.quantity'),
            className: 'numeric',
            cell: (item) => <Num value={item.quantity} />,
          },
          {
            key: 'amount',
            header: t('events.amount'),
            className: 'numeric',
            cell: (item) => money(item.amount),
          },
        ]}
      />
    </Section>
  );
}

function BuyerSection({ event }: { event: EventDetail }) {
  const { t } = useTranslation();
  const buyer = event.buyer;
  if (!buyer) return null;
  const address = buyer.address;
  const addressLines = address
    ? [
        address.street,
        address.street2,
        [address.zipcode, address.city].filter(Boolean).join(' '),
        address.state,
        address.country,
      ].filter(Boolean)
    : [];
  return (
    <Section id="buyer-title" title={t('events.buyerTitle')}>
      <Facts
        facts={[
          { label: t('events.buyerName'), value: text(buyerName(event)) },
          { label: t('events.email'), value: text(buyer.email) },
          { label: t('events.company'), value: text(buyer.company) },
          { label: t('events.phone'), value: text(buyer.phone) },
          {
            label: t('events.address'),
            value:
              addressLines.length > 0 ? (
                <address>
                  {addressLines.map((line, index) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: the lines of one address, shown as they are and never reordered; two may read the same
                    <bdi key={index} className="address-line">
                      {line}
                    </bdi>
                  ))}
                </address>
              ) : null,
          },
          {
            label: t('events.newsletterConsent'),
            value:
              buyer.newsletterConsent === null
                ? null
                : buyer.newsletterConsent
                  ? t('events.yes')
                  : t('events.no'),
          },
        ]}
      />
    </Section>
  );
}

function MoreSections({ event }: { event: EventDetail }) {
  const { t } = useTranslation();
  const { affiliate, subscription, refund } = event;
  return (
    <>
      {affiliate && (affiliate.id || affiliate.name || affiliate.email) ? (
        <Section id="affiliate-title" title={t('events.affiliateTitle')}>
          <Facts
            facts={[
              { label: t('events.affiliateId'), value: code(affiliate.id) },
              { label: t('events.buyerName'), value: text(affiliate.name) },
              { label: t('events.email'), value: text(affiliate.email) },
            ]}
          />
        </Section>
      ) : null}
      {subscription && (subscription.id || subscription.status) ? (
        <Section id="subscription-title" title={t('events.subscriptionTitle')}>
          <Facts
            facts={[
              { label: t('events.subscriptionId'), value: code(subscription.id) },
              { label: t('events.subscriptionStatus'), value: code(subscription.status) },
            ]}
          />
        </Section>
      ) : null}
      {refund ? (
        <Section id="refund-title" title={t('events.refundTitle')}>
          <p>{refund.full ? t('events.refundFull') : t('events.refundPartial')}</p>
          <Facts
            facts={[
              { label: t('events.refundedPayment'), value: code(refund.paymentTransactionId) },
              {
                label: t('events.paymentAmount'),
                value:
                  refund.paymentAmount !== null && event.order?.currency ? (
                    <Money minor={refund.paymentAmount} currency={event.order.currency} />
                  ) : null,
              },
              {
                label: t('events.refundedTotal'),
                value:
                  refund.refundedTotal !== null && event.order?.currency ? (
                    <Money minor={refund.refundedTotal} currency={event.order.currency} />
                  ) : null,
              },
            ]}
          />
        </Section>
      ) : null}
    </>
  );
}

export function EventPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const eventType = useEventTypeLabel();
  const event = useEvent(id);
  const sources = useSourceList();
  if (event.isPending) return <Loading />;
  if (event.isError)
    return <ErrorDisplay error={event.error} onRetry={() => void event.refetch()} />;
  const data = event.data;
  const source = sources.data?.find((s) => s.id === data.source.id);
  return (
    <>
      <PageHeader title={eventType(data.type)} description={t('events.description')} />
      <Section id="summary-title" title={t('events.summaryTitle')}>
        <EventSummary event={data}>
          <FactItems
            facts={[
              { label: t('events.receivedAt'), value: <DateTime iso={data.receivedAt} /> },
              {
                label: t('events.notification'),
                value: (
                  <Link to={`/notifications/${data.inboundRequestId}`}>
                    {t('events.openNotification')}
                  </Link>
                ),
              },
              {
                label: t('events.source'),
                value: (
                  <Link to={`/sources/${data.source.id}`}>
                    {source?.name ?? data.source.provider}
                  </Link>
                ),
              },
              { label: t('events.id'), value: code(data.id) },
            ]}
          />
        </EventSummary>
      </Section>
      <Section id="ledger-title" title={t('events.ledger.title')}>
        <LedgerEffects event={data} />
      </Section>
      <Section id="deliveries-title" title={t('events.deliveriesTitle')}>
        <EventDeliveries event={data} />
      </Section>
      <OrderSection event={data} />
      <BuyerSection event={data} />
      <MoreSections event={data} />
    </>
  );
}
