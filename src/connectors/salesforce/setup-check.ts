/**
 * The connection test: authenticated reads that change nothing. It logs in, describes the
 * buyer object (and Opportunity when Opportunities are on) with
 * `GET …/sobjects/<Object>/describe`, and checks that every field the connection writes exists
 * and that the External ID fields are usable for upserts (`externalId` or `idLookup`,
 * docs/protocols/salesforce.md#upsert-by-external-id). The describe answer's `fields[].name/externalId/idLookup/
 * relationshipName` are Salesforce's documented describe properties (docs/protocols/salesforce.md#standard-fields).
 */
import * as z from 'zod';
import type { SalesforceConfig } from './config.js';
import { contactFieldsFromLead } from './converted-lead.js';
import { effectiveMapping } from './record-body.js';
import type { SalesforceApi } from './salesforce-api.js';

const describeAnswer = z.object({
  fields: z.array(
    z.object({
      name: z.string(),
      externalId: z.boolean().optional(),
      idLookup: z.boolean().optional(),
      relationshipName: z.string().nullable().optional(),
    }),
  ),
});

type Described = z.infer<typeof describeAnswer>['fields'];

function exists(fields: Described, key: string): boolean {
  const [first = '', second] = key.split('.');
  if (second === undefined) return fields.some((f) => f.name === first);
  return fields.some((f) => f.relationshipName === first);
}

function missingFields(object: string, fields: Described, keys: Iterable<string>): string[] {
  return [...new Set(keys)]
    .filter((key) => !exists(fields, key))
    .map((key) => `${object} has no field "${key}"`);
}

function externalIdProblem(object: string, fields: Described, name: string): string[] {
  const field = fields.find((f) => f.name === name);
  if (!field) return [`${object} has no field "${name}"`];
  if (field.externalId !== true && field.idLookup !== true)
    return [`${object}.${name} is not marked "External ID"`];
  return [];
}

async function describe(
  api: SalesforceApi,
  object: string,
): Promise<{ ok: true; fields: Described; usage: string | null } | { ok: false; message: string }> {
  const result = await api.call({ method: 'GET', path: api.data(`/sobjects/${object}/describe`) });
  if (!result.ok) return { ok: false, message: result.result.reason };
  const parsed = describeAnswer.safeParse(result.body);
  if (!parsed.success)
    return {
      ok: false,
      message: `Salesforce answered the ${object} describe without a field list`,
    };
  const usage =
    /api-usage=(\d+\/\d+)/.exec(result.response.headers['sforce-limit-info'] ?? '')?.[1] ?? null;
  return { ok: true, fields: parsed.data.fields, usage };
}

/** Logs in and checks the configured fields against the org; never writes. */
export async function checkSetup(
  api: SalesforceApi,
  config: SalesforceConfig,
): Promise<{ ok: boolean; message: string }> {
  const { object } = config.record;
  const record = await describe(api, object);
  if (!record.ok) return { ok: false, message: record.message };
  const written = [
    ...Object.keys(effectiveMapping(config)),
    ...Object.values(config.actions).flatMap((action) => Object.keys(action?.fields ?? {})),
    ...(config.tagField ? [config.tagField] : []),
  ];
  const problems = missingFields(object, record.fields, written);
  if (config.record.matchBy === 'externalId' && config.record.externalIdField)
    problems.push(...externalIdProblem(object, record.fields, config.record.externalIdField));

  // Converted Leads found by External ID are followed to their Contact: the same fields must exist there.
  const notes: string[] = [];
  if (object === 'Lead' && config.record.matchBy === 'externalId') {
    const contact = await describe(api, 'Contact');
    if (!contact.ok) return { ok: false, message: contact.message };
    const onContact = Object.keys(
      contactFieldsFromLead(
        Object.fromEntries(
          written.filter((key) => key !== config.record.externalIdField).map((key) => [key, null]),
        ),
      ),
    );
    const lacking = missingFields('Contact', contact.fields, onContact);
    if (lacking.length > 0)
      notes.push(
        `buyers whose Lead was converted are written to their Contact, and ${lacking.join('; ')}`,
      );
  }

  if (config.opportunity.enabled) {
    const opportunity = await describe(api, 'Opportunity');
    if (!opportunity.ok) return { ok: false, message: opportunity.message };
    problems.push(
      ...missingFields('Opportunity', opportunity.fields, [
        ...Object.keys(config.opportunity.mapping),
        ...(config.opportunity.paymentsField ? [config.opportunity.paymentsField] : []),
      ]),
    );
    if (config.opportunity.externalIdField)
      problems.push(
        ...externalIdProblem('Opportunity', opportunity.fields, config.opportunity.externalIdField),
      );
  }

  const noted = notes.length > 0 ? `; note: ${notes.join('; ')}` : '';
  if (problems.length > 0)
    return {
      ok: false,
      message: `logged in, but the configuration does not match the org: ${problems.join('; ')}${noted}`,
    };
  const usage = record.usage ? `; API usage ${record.usage}` : '';
  return {
    ok: true,
    message: `logged in (API v${config.apiVersion}); ${object} has every field the connection writes${usage}${noted}`,
  };
}
