/**
 * A list of short values (product ids, language codes, e-mail addresses) typed as text,
 * separated by commas, semicolons, spaces or lines: easier to type and to paste than one
 * field per value. The text is kept as typed while editing; the list is what it means.
 */
import { useState } from 'react';
import { TextAreaField, TextField } from '../../components/form-field.js';

export function listOf(
  text: string,
  normalize: (entry: string) => string = (entry) => entry,
): string[] {
  const seen = new Set<string>();
  return text
    .split(/[\s,;]+/)
    .map((entry) => normalize(entry.trim()))
    .filter((entry) => {
      if (entry === '' || seen.has(entry)) return false;
      seen.add(entry);
      return true;
    });
}

export interface ListFieldProps {
  label: string;
  help: string;
  value: readonly string[];
  onChange(value: string[]): void;
  error?: string | undefined;
  disabled?: boolean;
  /** One value per line in a larger area (e-mail addresses). */
  multiline?: boolean;
  normalize?: (entry: string) => string;
}

export function ListField({
  label,
  help,
  value,
  onChange,
  error,
  disabled,
  multiline = false,
  normalize,
}: ListFieldProps) {
  const separator = multiline ? '\n' : ', ';
  const [text, setText] = useState(() => value.join(separator));
  // A value changed from outside (a reset) replaces the text; one that only re-reads the text does not.
  const shown =
    listOf(text, normalize).join('\u0000') === value.join('\u0000') ? text : value.join(separator);
  const change = (next: string): void => {
    setText(next);
    onChange(listOf(next, normalize));
  };
  const common = {
    label,
    help,
    error,
    value: shown,
    onChange: change,
    disabled,
    spellCheck: false,
  } as const;
  return multiline ? <TextAreaField {...common} rows={3} /> : <TextField {...common} />;
}
