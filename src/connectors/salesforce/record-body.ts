/**
 * The fields written to a buyer's Contact or Lead (docs/protocols/salesforce.md#standard-fields): the default
 * mapping of buyer data to standard fields, the connection's own mapping on top, then the
 * action's per-event fields. Empty values are left out so an event that lacks a phone number
 * never clears the one Salesforce already has.
 */
import type { Mapping } from '../template.js';
import { applyMapping, isEmptyValue, renderTemplate } from '../template.js';
import type { SalesforceAction, SalesforceConfig } from './config.js';

/** Placeholder Salesforce's own web-to-lead uses for required fields the buyer left empty. */
export const NOT_PROVIDED = '[not provided]';

export const DEFAULT_CONTACT_MAPPING: Readonly<Mapping> = {
  FirstName: 'buyer.firstName',
  LastName: 'buyer.lastName',
  Email: 'buyer.email',
  Phone: 'buyer.phone',
  MailingStreet: 'buyer.address.street',
  MailingPostalCode: 'buyer.address.zipcode',
  MailingCity: 'buyer.address.city',
  MailingState: 'buyer.address.state',
  MailingCountry: 'buyer.address.country',
};

export const DEFAULT_LEAD_MAPPING: Readonly<Mapping> = {
  FirstName: 'buyer.firstName',
  LastName: 'buyer.lastName',
  Email: 'buyer.email',
  Phone: 'buyer.phone',
  Company: 'buyer.company',
  Street: 'buyer.address.street',
  PostalCode: 'buyer.address.zipcode',
  City: 'buyer.address.city',
  State: 'buyer.address.state',
  Country: 'buyer.address.country',
};

/** Fields Salesforce refuses to create the object without (docs/protocols/salesforce.md#standard-fields). */
const REQUIRED_ON_CREATE: Readonly<
  Record<SalesforceConfig['record']['object'], readonly string[]>
> = {
  Contact: ['LastName'],
  Lead: ['LastName', 'Company'],
};

/** The mapping in effect: the default for the object (unless turned off) with the connection's on top. */
export function effectiveMapping(config: SalesforceConfig): Mapping {
  const defaults = config.useDefaultMapping
    ? config.record.object === 'Lead'
      ? DEFAULT_LEAD_MAPPING
      : DEFAULT_CONTACT_MAPPING
    : {};
  return { ...defaults, ...config.mapping };
}

/** Drops empty values (absent, or only whitespace: `isEmptyValue`), so they never overwrite data. */
export function withoutEmpty(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => !isEmptyValue(value)));
}

/** The record's fields for this event: mapping, then the action's fields (text templates; `Rel.Field` nests). */
export function recordFields(
  config: SalesforceConfig,
  action: SalesforceAction,
  scope: Record<string, unknown>,
): Record<string, unknown> {
  const mapped = applyMapping(effectiveMapping(config), scope);
  const perEvent: Record<string, unknown> = {};
  for (const [key, template] of Object.entries(action.fields)) {
    const value = renderTemplate(template, scope);
    if (isEmptyValue(value)) continue;
    const [relationship, field] = key.split('.');
    if (relationship !== undefined && field !== undefined)
      perEvent[relationship] = { [field]: value };
    else perEvent[key] = value;
  }
  const fields = withoutEmpty({ ...mapped, ...perEvent });
  delete fields.Id;
  return fields;
}

/** `fields` plus "[not provided]" for required fields the event left empty; only for creating. */
export function withCreateDefaults(
  object: SalesforceConfig['record']['object'],
  fields: Record<string, unknown>,
): Record<string, unknown> {
  const filled = { ...fields };
  for (const name of REQUIRED_ON_CREATE[object])
    if (!Object.hasOwn(filled, name)) filled[name] = NOT_PROVIDED;
  return filled;
}
