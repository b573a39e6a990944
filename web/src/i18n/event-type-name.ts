/**
 * Event types in words (`eventTypes.<type>` in the catalogues). A type this UI does not know
 * yet (a newer server) is shown as the server names it.
 */
import { useTranslation } from 'react-i18next';
import { dynamicText } from './dynamic-text.js';

export function useEventTypeName(): (type: string) => string {
  const { i18n } = useTranslation();
  return (type) => dynamicText(i18n, `eventTypes.${type}`) ?? type;
}
