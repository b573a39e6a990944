/** "Resend e-mail": asks whose mail to send again (buyer, seller, both), then queues it. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CheckboxField } from '../../components/form-field.js';
import { ConfirmDialog } from '../../components/confirm-dialog.js';
import { ErrorDisplay } from '../../components/error-display.js';
import { useResend } from './document-queries.js';

export function ResendAction({ documentId }: { documentId: string }) {
  const { t } = useTranslation();
  const resend = useResend(documentId);
  const [open, setOpen] = useState(false);
  const [buyer, setBuyer] = useState(true);
  const [seller, setSeller] = useState(false);
  const to = [...(buyer ? (['buyer'] as const) : []), ...(seller ? (['seller'] as const) : [])];
  return (
    <>
      <button
        type="button"
        className="button"
        onClick={() => {
          resend.reset();
          setOpen(true);
        }}
      >
        {t('documents.resend.button')}
      </button>
      {resend.isSuccess ? (
        <p className="notice notice-success" role="status">
          {resend.data.queued === 0
            ? t('documents.resend.nobody')
            : t('documents.resend.queued', { count: resend.data.queued })}
        </p>
      ) : null}
      <ConfirmDialog
        open={open}
        title={t('documents.resend.title')}
        confirmLabel={t('documents.resend.confirm')}
        busy={resend.isPending}
        onCancel={() => setOpen(false)}
        onConfirm={() => {
          if (to.length > 0) resend.mutate(to, { onSuccess: () => setOpen(false) });
        }}
      >
        <p>{t('documents.resend.body')}</p>
        <CheckboxField label={t('documents.resend.toBuyer')} checked={buyer} onChange={setBuyer} />
        <CheckboxField
          label={t('documents.resend.toSeller')}
          checked={seller}
          onChange={setSeller}
          error={to.length === 0 ? t('documents.resend.chooseOne') : undefined}
        />
        {resend.isError ? <ErrorDisplay error={resend.error} /> : null}
      </ConfirmDialog>
    </>
  );
}
