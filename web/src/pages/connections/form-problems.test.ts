/** Refusals of the server shown where they belong: body paths at the form's own fields, config paths at the config's; every path named for people. */
import { describe, expect, it } from 'vitest';
import { getConnector } from '../../../../src/connectors/registry.js';
import { connectorCatalogueEntry } from '../../../../src/http/admin/connectors-routes.js';
import { ApiError } from '../../api/api-error.js';
import { asSchema } from '../../schema-form/json-schema.js';
import { testI18n } from '../../test-support/render.js';
import { actionsFieldOf, describeConnectorField } from './connector-schema.js';
import { bodyFieldLabel, configFieldLabel, problemsOfRefusal } from './form-problems.js';

describe('problems of a refusal', () => {
  it('puts body fields at the name, the filters and the error addresses', async () => {
    const i18n = await testI18n('de');
    const error = new ApiError(400, 'VALIDATION_FAILED', 'The request is not valid.', null, [
      { path: 'name', problem: 'must not be empty' },
      { path: 'filters.productIds.1', problem: 'must be text' },
      { path: 'errorEmails.0', problem: 'is not an e-mail address' },
    ]);
    const problems = problemsOfRefusal(i18n.t, error);
    expect(problems.name).toBe('Nicht angenommen: must not be empty');
    expect(problems.filters.get('productIds')).toBe('Nicht angenommen: must be text');
    expect(problems.errorEmails).toBe('Nicht angenommen: is not an e-mail address');
    expect(problems.config.size).toBe(0);
    expect(problems.refusedInConfig).toBe(false);
    expect(problems.refused.map((field) => bodyFieldLabel(i18n.t, field.path))).toEqual([
      'Name',
      'Welche Ereignisse sie erhält › Produkt-IDs',
      'Fehler-E-Mail-Adressen › 1',
    ]);
  });

  it('puts config fields at the config, and names them by their labels, an action by its event', async () => {
    const i18n = await testI18n('en');
    const error = new ApiError(400, 'UNKNOWN_TEMPLATE_PATH', 'A template …', null, [
      { path: 'mapping.FirstName', problem: '"buyer.firstNme": the event has no "buyer.firstNme"' },
      {
        path: 'actions.refund_partial.addTags.0',
        problem: '"{product.nme}": the event has no "product.nme"',
      },
    ]);
    const problems = problemsOfRefusal(i18n.t, error);
    expect([...problems.config.keys()]).toEqual([
      'mapping.FirstName',
      'actions.refund_partial.addTags.0',
    ]);
    expect(problems.config.get('mapping.FirstName')).toEqual({
      key: 'server',
      text: '"buyer.firstNme": the event has no "buyer.firstNme"',
    });
    const schema = asSchema(connectorCatalogueEntry(getConnector('salesforce')).configSchema);
    const label = (path: string) =>
      configFieldLabel(
        i18n,
        schema,
        describeConnectorField(i18n, 'salesforce'),
        actionsFieldOf(schema),
        path,
      );
    expect(label('mapping.FirstName')).toBe('Field mapping › FirstName');
    expect(label('actions.refund_partial.addTags.0')).toBe(
      'Actions per event › Partial refund › Add tags › 1',
    );
    expect(label('credentials.password')).toBe('Credentials › Password');
    expect(label('nosuch.field')).toBe('nosuch › field');
  });

  it('has nothing to show for errors that name no field', async () => {
    const i18n = await testI18n('en');
    expect(problemsOfRefusal(i18n.t, new ApiError(404, 'NOT_FOUND', 'Not found.')).refused).toEqual(
      [],
    );
    expect(problemsOfRefusal(i18n.t, new Error('boom')).config.size).toBe(0);
  });
});
