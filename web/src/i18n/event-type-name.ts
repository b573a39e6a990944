/**
 * Event types in words (`eventTypes.<type>` in the catalogues; also the action key
 * `refund_partial`, a refund of part of a payment). A type this UI does not know yet (a newer
 * server) is shown as the server names it.
 */
import type { i18n as I18n } from 'i18next';
import { useTranslation } from 'react-i18next';
import { dynamicText } from './dynamic-text.js';

export function eventTypeName(i18n: I18n, type: string): string {
  return dynamicText(i18n, `eventTypes.${type}`) ?? type;
}

export function useEventTypeName(): (type: string) => string {
  const { i18n } = useTranslation();
  return (type) => eventTypeName(i18n, type);
}
