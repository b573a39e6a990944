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

type Fact = [label: string, value: ReactNode];

/** The `<dt>`/`<dd>` pairs of the facts that have a value. */
function FactItems({ facts }: { facts: readonly Fact[] }) {
  return facts
    .filter(([, value]) => value !== null && value !== undefined && value !== '')
    .map(([label, value]) => (
      <Fragment key={label}>
        <dt>{label}</dt>
        <dd>{value}</dd>
      </Fragment>
    ));
}

/** A definition list of the facts that have a value. */
function Facts({ facts }: { facts: readonly Fact[] }) {
  if (!facts.some(([, value]) => value !== null && value !== undefined && value !== '')) return null;
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
  const money = (minor: number | null): ReactNode => (minor !== null && order.currency ? <Money minor={minor} currency={order.currency} /> : null);
  return (
    <Section id="order-title" title={t('events.orderTitle')}>
      <Facts
        facts={[
          [t('events.orderId'), code(order.id)],
          [t('events.transactionId'), code(order.transactionId)],
          [t('events.parentTransactionId'), code(order.parentTransactionId)],
          [t('events.billingType'), order.billingType ? t(`events.billing.${order.billingType}`) : null],
          [t('events.paySequenceNo'), order.paySequenceNo === null ? null : <Num value={order.paySequenceNo} />],
          [t('events.amount'), money(order.amount)],
          [t('events.vat'), money(order.vat)],
          [t('events.net'), money(order.net)],
          [t('events.fee'), money(order.fee)],
          [t('events.language'), code(order.language)],
          [t('events.nextPaymentAt'), order.nextPaymentAt ? <DateTime iso={order.nextPaymentAt} dateOnly /> : null],
          [t('events.invoiceUrl'), order.invoiceUrl ? <a href={order.invoiceUrl} rel="noreferrer" target="_blank">{t('events.openInvoice')}</a> : null],
          [t('events.receiptUrl'), order.receiptUrl ? <a href={order.receiptUrl} rel="noreferrer" target="_blank">{t('events.openReceipt')}</a> : null],
          [t('events.custom'), code(order.custom)],
        ]}
      />
      <DataTable
        caption={t('events.itemsCaption')}
        showCaption
        rows={order.items}
        rowKey={(item) => `${item.productId}:${item.isAddon ? 'addon' : 'main'}`}
        empty={null}
        columns={[
          { key: 'product', header: t('events.ledger.product'), cell: (item) => code(item.productId) },
          { key: 'name', header: t('events.itemName'), cell: (item) => text(item.name) },
          { key: 'kind', header: t('events.itemKind'), cell: (item) => (item.isAddon ? t('events.addon') : t('events.mainProduct')) },
          { key: 'quantity', header: t('events.quantity'), className: 'numeric', cell: (item) => <Num value={item.quantity} /> },
          { key: 'amount', header: t('events.amount'), className: 'numeric', cell: (item) => money(item.amount) },
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
  const addressLines = address ? [address.street, address.street2, [address.zipcode, address.city].filter(Boolean).join(' '), address.state, address.country].filter(Boolean) : [];
  return (
    <Section id="buyer-title" title={t('events.buyerTitle')}>
      <Facts
        facts={[
          [t('events.buyerName'), text(buyerName(event))],
          [t('events.email'), text(buyer.email)],
          [t('events.company'), text(buyer.company)],
          [t('events.phone'), text(buyer.phone)],
          [
            t('events.address'),
            addressLines.length > 0 ? (
              <address>
                {addressLines.map((line, index) => (
                  <bdi key={index} className="address-line">
                    {line}
                  </bdi>
                ))}
              </address>
            ) : null,
          ],
          [t('events.newsletterConsent'), buyer.newsletterConsent === null ? null : buyer.newsletterConsent ? t('events.yes') : t('events.no')],
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
          <Facts facts={[[t('events.affiliateId'), code(affiliate.id)], [t('events.buyerName'), text(affiliate.name)], [t('events.email'), text(affiliate.email)]]} />
        </Section>
      ) : null}
      {subscription && (subscription.id || subscription.status) ? (
        <Section id="subscription-title" title={t('events.subscriptionTitle')}>
          <Facts facts={[[t('events.subscriptionId'), code(subscription.id)], [t('events.subscriptionStatus'), code(subscription.status)]]} />
        </Section>
      ) : null}
      {refund ? (
        <Section id="refund-title" title={t('events.refundTitle')}>
          <p>{refund.full ? t('events.refundFull') : t('events.refundPartial')}</p>
          <Facts
            facts={[
              [t('events.refundedPayment'), code(refund.paymentTransactionId)],
              [t('events.paymentAmount'), refund.paymentAmount !== null && event.order?.currency ? <Money minor={refund.paymentAmount} currency={event.order.currency} /> : null],
              [t('events.refundedTotal'), refund.refundedTotal !== null && event.order?.currency ? <Money minor={refund.refundedTotal} currency={event.order.currency} /> : null],
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
  if (event.isError) return <ErrorDisplay error={event.error} onRetry={() => void event.refetch()} />;
  const data = event.data;
  const source = sources.data?.find((s) => s.id === data.source.id);
  return (
    <>
      <PageHeader title={eventType(data.type)} description={t('events.description')} />
      <Section id="summary-title" title={t('events.summaryTitle')}>
        <EventSummary event={data}>
          <FactItems
            facts={[
              [t('events.receivedAt'), <DateTime iso={data.receivedAt} />],
              [t('events.notification'), <Link to={`/notifications/${data.inboundRequestId}`}>{t('events.openNotification')}</Link>],
              [t('events.source'), <Link to={`/sources/${data.source.id}`}>{source?.name ?? data.source.provider}</Link>],
              [t('events.id'), code(data.id)],
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
