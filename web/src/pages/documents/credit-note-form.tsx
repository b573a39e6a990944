/**
 * "Issue credit note" for an invoice, by hand: for all that is left of it or for an amount,
 * confirmed first (a credit note takes the next number and cannot be undone). A refusal of the
 * server is shown at the amount.
 */
import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { ApiError } from '../../api/api-error.js';
import { CardSection } from '../../components/card-section.js';
import { ConfirmDialog } from '../../components/confirm-dialog.js';
import { CREATED_STATE } from '../../components/created-notice.js';
import { ErrorDisplay } from '../../components/error-display.js';
import { TextField } from '../../components/form-field.js';
import { useFormat } from '../../i18n/use-format.js';
import { parseMajorAmount } from './amount-input.js';
import { useCreditNote } from './document-queries.js';
import type { DocumentDetail } from './document-queries.js';

export interface CreditNoteFormProps {
  invoice: DocumentDetail;
  /** What is left to credit (minor units): the gross less the credit notes issued so far; null while unknown. */
  left: number | null;
}

export function CreditNoteForm({ invoice, left }: CreditNoteFormProps) {
  const { t, i18n } = useTranslation();
  const format = useFormat();
  const navigate = useNavigate();
  const credit = useCreditNote(invoice.id);
  const radio = useId();
  const [mode, setMode] = useState<'rest' | 'amount'>('rest');
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const [confirming, setConfirming] = useState<number | null | undefined>(undefined);

  const refusal = credit.error instanceof ApiError ? credit.error : null;
  const refusedAtAmount = refusal?.fields.find((field) => field.path === 'amount');
  const amountError =
    problem ??
    (refusedAtAmount
      ? t('form.problem.server', { text: refusedAtAmount.problem })
      : refusal &&
          i18n.exists(`errors.${refusal.code}.title`) &&
          refusal.code === 'CREDIT_NOT_POSSIBLE'
        ? `${t('errors.CREDIT_NOT_POSSIBLE.title')}: ${refusal.message}`
        : undefined);

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    credit.reset();
    if (mode === 'rest') {
      setProblem(undefined);
      setConfirming(null);
      return;
    }
    const minor = parseMajorAmount(text, invoice.currency);
    if (minor === null) {
      setProblem(t('documents.credit.amountInvalid'));
      return;
    }
    setProblem(undefined);
    setConfirming(minor);
  };

  const confirmedAmount = confirming === null ? left : (confirming ?? null);
  return (
    <CardSection title={t('documents.credit.title')}>
      <p className="muted">{t('documents.credit.help')}</p>
      {left !== null ? (
        <p>{t('documents.credit.left', { amount: format.money(left, invoice.currency) })}</p>
      ) : null}
      <form className="credit-form" onSubmit={submit} noValidate>
        <fieldset>
          <legend>{t('documents.credit.howMuch')}</legend>
          <div className="field field-checkbox">
            <input
              id={`${radio}-rest`}
              type="radio"
              name={radio}
              checked={mode === 'rest'}
              onChange={() => setMode('rest')}
            />
            <label htmlFor={`${radio}-rest`} className="field-label">
              {t('documents.credit.rest')}
            </label>
          </div>
          <div className="field field-checkbox">
            <input
              id={`${radio}-amount`}
              type="radio"
              name={radio}
              checked={mode === 'amount'}
              onChange={() => setMode('amount')}
            />
            <label htmlFor={`${radio}-amount`} className="field-label">
              {t('documents.credit.partial')}
            </label>
          </div>
          {mode === 'amount' ? (
            <TextField
              label={t('documents.credit.amount', { currency: invoice.currency })}
              help={t('documents.credit.amountHelp')}
              inputMode="decimal"
              value={text}
              error={amountError}
              onChange={setText}
            />
          ) : amountError ? (
            <p className="field-error" role="alert">
              {amountError}
            </p>
          ) : null}
        </fieldset>
        {refusal && !amountError ? <ErrorDisplay error={refusal} /> : null}
        <div className="form-actions">
          <button type="submit" className="button" disabled={credit.isPending}>
            {credit.isPending ? t('common.working') : t('documents.credit.button')}
          </button>
        </div>
      </form>
      <ConfirmDialog
        open={confirming !== undefined}
        title={t('documents.credit.confirmTitle', { number: invoice.number })}
        confirmLabel={t('documents.credit.confirm')}
        danger
        busy={credit.isPending}
        onCancel={() => setConfirming(undefined)}
        onConfirm={() =>
          credit.mutate(confirming ?? null, {
            onSuccess: (issued) =>
              void navigate(`/documents/${issued.documentId}`, { state: CREATED_STATE }),
            onSettled: () => setConfirming(undefined),
          })
        }
      >
        <p>
          {confirmedAmount === null
            ? t('documents.credit.confirmRest')
            : t('documents.credit.confirmAmount', {
                amount: format.money(confirmedAmount, invoice.currency),
              })}
        </p>
        <p>{t('documents.credit.confirmBody')}</p>
      </ConfirmDialog>
    </CardSection>
  );
}
