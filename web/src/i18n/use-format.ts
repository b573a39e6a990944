import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { createFormatters } from './format.js';
import type { Formatters } from './format.js';
import { currentLocale } from './i18n.js';

/** The formatters of the current language (re-made when it changes). */
export function useFormat(): Formatters {
  const { i18n } = useTranslation();
  const locale = currentLocale(i18n);
  return useMemo(() => createFormatters(locale), [locale]);
}
