/**
 * An event type in the user's language (`events.type.<type>`). A type this UI does not know yet
 * (a newer server) is shown as the server names it.
 */
import { useTranslation } from 'react-i18next';
import { dynamicText } from '../../i18n/dynamic-text.js';

export function useEventTypeLabel(): (type: string | null) => string {
  const { t, i18n } = useTranslation();
  return (type) => (type === null ? t('events.typeMissing') : (dynamicText(i18n, `events.type.${type}`) ?? type));
}
