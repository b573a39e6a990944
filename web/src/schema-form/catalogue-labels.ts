/**
 * Labels of a provider's or connector's config fields from the catalogue
 * (`configFields.<scope>.<path>`: `title`, `description`, `options.<value>`), falling back to
 * the schema's English text. `scope` is the provider or connector id.
 */
import type { i18n as I18n } from 'i18next';
import { dynamicText } from '../i18n/dynamic-text.js';
import type { DescribeField } from './form-context.js';

export function describeFromCatalogue(i18n: I18n, scope: string): DescribeField {
  return (schemaPath, schema) => {
    const base = `configFields.${scope}.${schemaPath.join('.')}`;
    const description = dynamicText(i18n, `${base}.description`) ?? schema.description;
    return {
      title: dynamicText(i18n, `${base}.title`) ?? schema.title ?? schemaPath.at(-1) ?? '',
      ...(description ? { description } : {}),
      option: (value) => dynamicText(i18n, `${base}.options.${value}`) ?? value,
    };
  };
}
