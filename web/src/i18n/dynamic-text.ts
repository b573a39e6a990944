/**
 * Catalogue texts whose key is built at run time (a provider's or connector's config field,
 * `configFields.<scope>.<path>.title`), with the schema's own text as the fallback: a field the
 * catalogue does not describe yet still gets its English label from the server.
 */
import type { i18n as I18n } from 'i18next';

export function dynamicText(i18n: I18n, key: string): string | undefined {
  const value: unknown = i18n.getResource(i18n.language, 'translation', key);
  return typeof value === 'string' && value !== '' ? value : undefined;
}
