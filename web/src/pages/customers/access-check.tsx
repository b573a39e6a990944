/**
 * "Does buyer X have access to product Y?" — `GET /access` for an e-mail address and a
 * product id, answered in one sentence, with every order behind the answer.
 */
import { useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { CardSection } from '../../components/card-section.js';
import { DataTable } from '../../components/data-table.js';
import { ErrorDisplay } from '../../components/error-display.js';
import { TextField } from '../../components/form-field.js';
import { SubmitButton } from '../../components/submit-button.js';
import { CalendarDate, DateTime } from '../../components/formatted.js';
import { Loading } from '../../components/states.js';
import { productLabel } from './access-table.js';
import { AccessBadge, OrderStatusBadge, TestBadge } from './ledger-badges.js';
import { useAccessCheck } from './customer-queries.js';
import type { AccessAnswer } from './customer-queries.js';

type Grant = AccessAnswer['grants'][number];

function AccessVerdict({ answer }: { answer: AccessAnswer }) {
  const { t } = useTranslation();
  const product = productLabel({
    productId: answer.productId,
    productName: answer.grants.find((grant) => grant.productName !== null)?.productName ?? null,
  });
  const facts = { email: answer.email, product };
  const sentence =
    answer.status === 'active'
      ? t('customers.check.yes', facts)
      : answer.status === 'suspended'
        ? t('customers.check.suspended', facts)
        : answer.status === 'ended'
          ? t('customers.check.ended', facts)
          : answer.status === 'revoked'
            ? t('customers.check.revoked', facts)
            : t('customers.check.none', facts);
  return (
    <div
      className={
        answer.hasAccess
          ? 'notice notice-success access-verdict'
          : 'notice notice-warning access-verdict'
      }
    >
      <p className="access-answer">
        <strong>
          {answer.hasAccess ? t('customers.check.answerYes') : t('customers.check.answerNo')}
        </strong>{' '}
        {sentence}
      </p>
      {answer.hasAccess ? (
        <p>
          {answer.paidUntil ? (
            <>
              {t('customers.paidUntil')}: <CalendarDate day={answer.paidUntil} />
            </>
          ) : (
            t('customers.noEndDate')
          )}
        </p>
      ) : null}
    </div>
  );
}

export function AccessCheck() {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const [productId, setProductId] = useState('');
  const [errors, setErrors] = useState<{ email?: string; productId?: string }>({});
  const [asked, setAsked] = useState<{ email: string; productId: string } | null>(null);
  const [refused, setRefused] = useState(0);
  const form = useRef<HTMLFormElement>(null);
  const check = useAccessCheck(asked);

  // After a refused submit, once the problems are shown: focus the first field with one.
  useEffect(() => {
    if (refused > 0) form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [refused]);

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const next = {
      ...(email.trim() === ''
        ? { email: t('form.problem.required') }
        : !/^[^\s@]+@[^\s@]+$/.test(email.trim())
          ? { email: t('form.problem.email') }
          : {}),
      ...(productId.trim() === '' ? { productId: t('form.problem.required') } : {}),
    };
    setErrors(next);
    if (next.email || next.productId) {
      setRefused((count) => count + 1);
      return;
    }
    const question = { email: email.trim(), productId: productId.trim() };
    // The same question again asks the server again: a refund may have arrived since.
    if (asked && asked.email === question.email && asked.productId === question.productId)
      void check.refetch();
    else setAsked(question);
  };

  const columns = [
    {
      key: 'order',
      header: t('customers.order'),
      cell: (grant: Grant) => (
        <Link to={`/customers/orders/${grant.ledgerOrderId}`}>{grant.orderId}</Link>
      ),
    },
    {
      key: 'orderStatus',
      header: t('customers.orderStatusLabel'),
      cell: (grant: Grant) => <OrderStatusBadge status={grant.orderStatus} />,
    },
    {
      key: 'access',
      header: t('customers.access'),
      cell: (grant: Grant) => (
        <>
          <AccessBadge status={grant.status} /> {grant.test ? <TestBadge /> : null}
        </>
      ),
    },
    {
      key: 'paidUntil',
      header: t('customers.paidUntil'),
      cell: (grant: Grant) => (grant.paidUntil ? <CalendarDate day={grant.paidUntil} /> : '—'),
    },
    {
      key: 'grantedAt',
      header: t('customers.grantedAt'),
      cell: (grant: Grant) => <DateTime iso={grant.grantedAt} />,
    },
  ];

  return (
    <CardSection title={t('customers.check.title')}>
      <p>{t('customers.check.intro')}</p>
      <form ref={form} className="access-check-form" onSubmit={submit} noValidate>
        <TextField
          label={t('customers.check.email')}
          type="email"
          autoComplete="off"
          required
          value={email}
          onChange={setEmail}
          error={errors.email}
        />
        <TextField
          label={t('customers.check.productId')}
          help={t('customers.check.productIdHelp')}
          required
          value={productId}
          onChange={setProductId}
          error={errors.productId}
        />
        <SubmitButton busy={check.isFetching}>{t('customers.check.submit')}</SubmitButton>
      </form>
      <div aria-live="polite">
        {check.isFetching && !check.data ? <Loading /> : null}
        {check.data ? (
          <>
            <AccessVerdict answer={check.data} />
            {check.data.grants.length > 0 ? (
              <DataTable
                caption={t('customers.check.grants')}
                showCaption
                columns={columns}
                rows={check.data.grants}
                rowKey={(grant) => grant.ledgerOrderId}
                empty={null}
              />
            ) : null}
          </>
        ) : null}
      </div>
      {check.isError ? (
        <ErrorDisplay error={check.error} onRetry={() => void check.refetch()} />
      ) : null}
    </CardSection>
  );
}
