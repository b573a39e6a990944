/**
 * Labels of a provider's config fields from the catalogue (`configFields.<provider>.<path>`:
 * `title`, `description`, `options.<value>`), falling back to the schema's English text.
 */
import type { i18n as I18n } from 'i18next';
import { dynamicText } from '../../i18n/dynamic-text.js';
import type { DescribeField } from '../../schema-form/schema-form.js';

export function describeProviderField(i18n: I18n, providerId: string): DescribeField {
  return (schemaPath, schema) => {
    const base = `configFields.${providerId}.${schemaPath.join('.')}`;
    const description = dynamicText(i18n, `${base}.description`) ?? schema.description;
    return {
      title: dynamicText(i18n, `${base}.title`) ?? schema.title ?? schemaPath.at(-1) ?? '',
      ...(description ? { description } : {}),
      option: (value) => dynamicText(i18n, `${base}.options.${value}`) ?? value,
    };
  };
}
