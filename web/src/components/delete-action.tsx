/**
 * "Delete" on a record's page: asks first in a dialog that says what deleting does, then
 * deletes and calls `onDeleted` (the page goes back to its list). A refusal is shown in the
 * dialog, which stays open so the user can cancel or try again.
 */
import { useState } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmDialog } from './confirm-dialog.js';
import { ErrorDisplay } from './error-display.js';

/** The part of a delete mutation (TanStack Query's `useMutation`) the action uses. */
export interface DeleteMutation {
  mutate(variables: undefined, options: { onSuccess(): void }): void;
  isPending: boolean;
  error: unknown;
  reset(): void;
}

export interface DeleteActionProps {
  /** The dialog's question, e.g. "Delete Billing?". */
  title: string;
  /** What deleting does and what it keeps. */
  children: ReactNode;
  remove: DeleteMutation;
  onDeleted(): void;
  /** The button's and the confirmation's text (default: "Delete"). */
  label?: string;
}

export function DeleteAction({ title, children, remove, onDeleted, label }: DeleteActionProps) {
  const { t } = useTranslation();
  const [confirming, setConfirming] = useState(false);
  const text = label ?? t('common.delete');
  return (
    <>
      <button type="button" className="button button-danger" onClick={() => setConfirming(true)}>
        {text}
      </button>
      <ConfirmDialog
        open={confirming}
        title={title}
        confirmLabel={text}
        danger
        busy={remove.isPending}
        onCancel={() => {
          setConfirming(false);
          remove.reset();
        }}
        onConfirm={() => remove.mutate(undefined, { onSuccess: onDeleted })}
      >
        {children}
        {remove.error ? <ErrorDisplay error={remove.error} /> : null}
      </ConfirmDialog>
    </>
  );
}
