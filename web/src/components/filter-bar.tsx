/**
 * The filters above a list, as one search form: the fields are the caller's (built from
 * form-field.tsx), "Apply" submits them together (one request, not one per keystroke) and
 * "Reset" clears them. Filters live in the page's state, not in the address bar, so search
 * terms such as e-mail addresses never land in the browser history.
 */
import type { FormEvent, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export interface FilterBarProps {
  /** Names the search region ("Filter notifications"). */
  label: string;
  children: ReactNode;
  onApply(): void;
  onReset(): void;
}

export function FilterBar({ label, children, onApply, onReset }: FilterBarProps) {
  const { t } = useTranslation();
  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    onApply();
  };
  return (
    <form role="search" aria-label={label} className="filter-bar" onSubmit={submit}>
      <div className="filter-fields">{children}</div>
      <div className="filter-actions">
        <button type="submit" className="button button-primary">
          {t('common.apply')}
        </button>
        <button type="button" className="button" onClick={onReset}>
          {t('common.reset')}
        </button>
      </div>
    </form>
  );
}
