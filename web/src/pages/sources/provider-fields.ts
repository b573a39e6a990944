/** Labels of a provider's config fields from the catalogue (`configFields.<provider>.<path>`). */
import type { i18n as I18n } from 'i18next';
import { describeFromCatalogue } from '../../schema-form/catalogue-labels.js';
import type { DescribeField } from '../../schema-form/schema-form.js';

export function describeProviderField(i18n: I18n, providerId: string): DescribeField {
  return describeFromCatalogue(i18n, providerId);
}
