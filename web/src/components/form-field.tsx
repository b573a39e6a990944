/**
 * Form primitives: a labelled control with help text and an error, wired for assistive
 * technology (`aria-describedby`, `aria-invalid`). Every control of the UI is built from these,
 * including the ones the JSON-Schema form renders.
 */
import { useId } from 'react';
import type {
  ChangeEvent,
  InputHTMLAttributes,
  ReactNode,
  SelectHTMLAttributes,
  TextareaHTMLAttributes,
} from 'react';
import { useTranslation } from 'react-i18next';

export interface FieldIds {
  control: string;
  help: string;
  error: string;
}

export interface FieldProps {
  label: ReactNode;
  help?: ReactNode;
  error?: string | undefined;
  required?: boolean;
  /** The control, given the ids and the `aria-*` it must carry. */
  children(control: {
    id: string;
    'aria-describedby'?: string;
    'aria-invalid'?: true;
    required?: boolean;
  }): ReactNode;
  className?: string;
}

export function Field({ label, help, error, required = false, children, className }: FieldProps) {
  const { t } = useTranslation();
  const base = useId();
  const ids: FieldIds = {
    control: `${base}-control`,
    help: `${base}-help`,
    error: `${base}-error`,
  };
  const describedBy = [help ? ids.help : null, error ? ids.error : null].filter(Boolean).join(' ');
  return (
    <div className={`field${error ? ' field-invalid' : ''}${className ? ` ${className}` : ''}`}>
      <label htmlFor={ids.control} className="field-label">
        {label}
        {required ? <span className="field-required"> ({t('common.required')})</span> : null}
      </label>
      {children({
        id: ids.control,
        ...(describedBy ? { 'aria-describedby': describedBy } : {}),
        ...(error ? { 'aria-invalid': true as const } : {}),
        ...(required ? { required } : {}),
      })}
      {help ? (
        <p id={ids.help} className="field-help">
          {help}
        </p>
      ) : null}
      {error ? (
        <p id={ids.error} className="field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

type TextInputProps = Omit<FieldProps, 'children'> &
  Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'onChange' | 'value'> & {
    value: string;
    onChange(value: string): void;
  };

export function TextField({
  label,
  help,
  error,
  required,
  className,
  value,
  onChange,
  ...input
}: TextInputProps) {
  return (
    <Field label={label} help={help} error={error} required={required} className={className}>
      {(control) => (
        <input
          className="input"
          type="text"
          {...input}
          {...control}
          value={value}
          onChange={(e: ChangeEvent<HTMLInputElement>) => onChange(e.target.value)}
        />
      )}
    </Field>
  );
}

type TextAreaProps = Omit<FieldProps, 'children'> &
  Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'id' | 'onChange' | 'value'> & {
    value: string;
    onChange(value: string): void;
  };

export function TextAreaField({
  label,
  help,
  error,
  required,
  className,
  value,
  onChange,
  ...area
}: TextAreaProps) {
  return (
    <Field label={label} help={help} error={error} required={required} className={className}>
      {(control) => (
        <textarea
          className="input"
          rows={4}
          {...area}
          {...control}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </Field>
  );
}

export interface SelectOption {
  value: string;
  label: string;
}

type SelectProps = Omit<FieldProps, 'children'> &
  Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id' | 'onChange' | 'value'> & {
    value: string;
    options: readonly SelectOption[];
    onChange(value: string): void;
  };

export function SelectField({
  label,
  help,
  error,
  required,
  className,
  value,
  options,
  onChange,
  ...select
}: SelectProps) {
  return (
    <Field label={label} help={help} error={error} required={required} className={className}>
      {(control) => (
        <select
          className="input"
          {...select}
          {...control}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        >
          {options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

export interface CheckboxFieldProps {
  label: ReactNode;
  help?: ReactNode;
  error?: string | undefined;
  checked: boolean;
  onChange(checked: boolean): void;
  disabled?: boolean;
}

/** A checkbox with its label after it, help and error below. */
export function CheckboxField({
  label,
  help,
  error,
  checked,
  onChange,
  disabled,
}: CheckboxFieldProps) {
  const base = useId();
  const describedBy = [help ? `${base}-help` : null, error ? `${base}-error` : null]
    .filter(Boolean)
    .join(' ');
  return (
    <div className={`field field-checkbox${error ? ' field-invalid' : ''}`}>
      <input
        id={`${base}-control`}
        type="checkbox"
        checked={checked}
        disabled={disabled}
        onChange={(e) => onChange(e.target.checked)}
        {...(describedBy ? { 'aria-describedby': describedBy } : {})}
        {...(error ? { 'aria-invalid': true as const } : {})}
      />
      <label htmlFor={`${base}-control`} className="field-label">
        {label}
      </label>
      {help ? (
        <p id={`${base}-help`} className="field-help">
          {help}
        </p>
      ) : null}
      {error ? (
        <p id={`${base}-error`} className="field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}
