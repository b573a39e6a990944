/**
 * An event type in the user's language (web/src/i18n/event-type-name.ts), or the words for an
 * event without a type.
 */
import { useTranslation } from 'react-i18next';
import { eventTypeName } from '../../i18n/event-type-name.js';

export function useEventTypeLabel(): (type: string | null) => string {
  const { t, i18n } = useTranslation();
  return (type) => (type === null ? t('events.typeMissing') : eventTypeName(i18n, type));
}
