// @vitest-environment jsdom
/**
 * The form renderer over the providers' real config schemas (as GET /providers answers them):
 * labels from the catalogue, every kind of control, write-only secrets, problems.
 */
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describe, expect, it } from 'vitest';
import { providerCatalogueEntry } from '../../../src/http/admin/providers-routes.js';
import { getProvider } from '../../../src/providers/registry.js';
import { describeProviderField } from '../pages/sources/provider-fields.js';
import { expectAccessible } from '../test-support/axe.js';
import { renderUi } from '../test-support/render.js';
import { asSchema, checkValue } from './json-schema.js';
import type { JsonObject, JsonSchema, Problems } from './json-schema.js';
import { SchemaForm } from './schema-form.js';
import type { SecretStatus } from './schema-form.js';

const schemaOf = (id: 'digistore24' | 'paypal-ipn' | 'paypal-webhooks'): JsonSchema =>
  asSchema(providerCatalogueEntry(getProvider(id)).configSchema);

interface HarnessProps {
  provider: 'digistore24' | 'paypal-ipn' | 'paypal-webhooks';
  initial?: JsonObject;
  secrets?: Record<string, SecretStatus>;
  problems?: Problems;
  seen: { value: JsonObject; cleared: ReadonlySet<string> };
}

function Harness({ provider, initial = {}, secrets, problems, seen }: HarnessProps) {
  const { i18n } = useTranslation();
  const [value, setValue] = useState<JsonObject>(initial);
  const [cleared, setCleared] = useState<ReadonlySet<string>>(new Set());
  seen.value = value;
  seen.cleared = cleared;
  return (
    <SchemaForm
      schema={schemaOf(provider)}
      value={value}
      onChange={setValue}
      {...(secrets ? { secrets } : {})}
      cleared={cleared}
      onClearedChange={setCleared}
      {...(problems ? { problems } : {})}
      describe={describeProviderField(i18n, provider)}
    />
  );
}

const seen = (): HarnessProps['seen'] => ({ value: {}, cleared: new Set() });

/** A form over any schema, for editors no provider's schema has in the needed shape. */
function SchemaHarness({
  schema,
  initial,
  seen,
}: {
  schema: JsonSchema;
  initial: JsonObject;
  seen: HarnessProps['seen'];
}) {
  const [value, setValue] = useState<JsonObject>(initial);
  seen.value = value;
  return <SchemaForm schema={schema} value={value} onChange={setValue} />;
}

describe('SchemaForm', () => {
  it('labels fields from the catalogue and edits texts and booleans', async () => {
    const user = userEvent.setup();
    const state = seen();
    await renderUi(<Harness provider="digistore24" seen={state} />, { language: 'de' });
    const passphrase = screen.getByLabelText(/IPN-Passphrase/);
    expect(passphrase.getAttribute('type')).toBe('password');
    expect(passphrase.getAttribute('autocomplete')).toBe('new-password');
    await user.type(passphrase, 'geheim-123');
    await user.click(screen.getByLabelText('Alte Signaturen annehmen (HTML-dekodierte Werte)'));
    expect(state.value).toEqual({ passphrase: 'geheim-123', legacyHtmlDecoding: true });
  });

  it('never shows a stored secret: "set" with Replace, and Keep to undo', async () => {
    const user = userEvent.setup();
    const state = seen();
    await renderUi(<Harness provider="digistore24" secrets={{ passphrase: 'set' }} seen={state} />);
    const group = screen.getByRole('group', { name: 'IPN passphrase' });
    expect(group.textContent).toContain('A value is stored (not shown).');
    expect(screen.queryByLabelText(/IPN passphrase/, { selector: 'input' })).toBeNull();
    await user.click(within(group).getByRole('button', { name: 'Replace IPN passphrase' }));
    await user.type(screen.getByLabelText(/IPN passphrase/, { selector: 'input' }), 'new-one');
    expect(state.value).toEqual({ passphrase: 'new-one' });
    await user.click(screen.getByRole('button', { name: 'Keep the stored value' }));
    expect(state.value).toEqual({});
    expect(screen.getByRole('group', { name: 'IPN passphrase' })).toBeTruthy();
  });

  it('lets an optional top-level secret be removed', async () => {
    const user = userEvent.setup();
    const state = seen();
    await renderUi(
      <Harness
        provider="paypal-webhooks"
        initial={{ webhookId: 'WH-1' }}
        secrets={{ clientSecret: 'set' }}
        seen={state}
      />,
    );
    await user.click(screen.getByRole('button', { name: 'Remove Client secret' }));
    expect([...state.cleared]).toEqual(['clientSecret']);
    expect(screen.getByRole('group', { name: 'Client secret' }).textContent).toContain(
      'will be removed',
    );
    await user.click(screen.getByRole('button', { name: 'Keep the stored value' }));
    expect([...state.cleared]).toEqual([]);
  });

  it('edits enums with translated options, named entries and a choice between a value and a list', async () => {
    const user = userEvent.setup();
    const state = seen();
    await renderUi(
      <Harness provider="paypal-ipn" initial={{ environment: 'live' }} seen={state} />,
      { language: 'it' },
    );
    const environment = screen.getByLabelText('Ambiente');
    expect([...(environment as HTMLSelectElement).options].map((o) => o.textContent)).toEqual([
      'Live',
      'Sandbox',
    ]);
    await user.selectOptions(environment, 'sandbox');
    await user.click(screen.getByRole('button', { name: 'Aggiungi una voce a Prezzi previsti' }));
    await user.type(screen.getByLabelText(/Nome della voce 1/), 'corso-base');
    await user.type(screen.getByLabelText(/^Prezzo/, { selector: 'input' }), '19.99');
    await user.type(screen.getByLabelText(/^Valuta/), 'EUR');
    expect(state.value).toEqual({
      environment: 'sandbox',
      expectedPrices: { 'corso-base': { amount: '19.99', currency: 'EUR' } },
    });
    await user.selectOptions(screen.getByLabelText('Tipo di valore'), 'Elenco');
    await user.click(screen.getByRole('button', { name: 'Aggiungi una voce a Prezzo' }));
    await user.type(screen.getByLabelText(/^Prezzo 1/), '1.00');
    await user.click(screen.getByRole('button', { name: 'Aggiungi una voce a Prezzo' }));
    await user.type(screen.getByLabelText(/^Prezzo 2/), '29.00');
    expect(state.value.expectedPrices).toEqual({
      'corso-base': { amount: ['1.00', '29.00'], currency: 'EUR' },
    });
    await expectAccessible();
    await user.click(screen.getByRole('button', { name: 'Rimuovi la voce 1 di Prezzi previsti' }));
    expect(state.value).toEqual({ environment: 'sandbox' });
  });

  it('keeps each list item with its own editor when an earlier item is removed', async () => {
    const user = userEvent.setup();
    const state = seen();
    // Items that are maps: each map editor keeps its rows (keys typed letter by letter) itself.
    const schema = asSchema({
      type: 'object',
      properties: {
        headerSets: {
          type: 'array',
          title: 'Header sets',
          items: { type: 'object', additionalProperties: { type: 'string' } },
        },
      },
    });
    await renderUi(
      <SchemaHarness
        schema={schema}
        initial={{ headerSets: [{ first: 'a' }, { second: 'b' }, { third: 'c' }] }}
        seen={state}
      />,
    );
    const keysShown = (): string[] =>
      screen
        .getAllByRole('group', { name: /^Header sets \d$/ })
        .map(
          (group) => (within(group).getByLabelText(/^Name of entry 1/) as HTMLInputElement).value,
        );
    expect(keysShown()).toEqual(['first', 'second', 'third']);
    await user.click(screen.getByRole('button', { name: 'Remove entry 1 of Header sets' }));
    expect(state.value).toEqual({ headerSets: [{ second: 'b' }, { third: 'c' }] });
    expect(keysShown()).toEqual(['second', 'third']);
    // Editing the first item now edits what it shows.
    await user.type(
      within(screen.getByRole('group', { name: 'Header sets 1' })).getByLabelText(
        /^Name of entry 1/,
      ),
      '-x',
    );
    expect(state.value).toEqual({ headerSets: [{ 'second-x': 'b' }, { third: 'c' }] });
    await user.click(screen.getByRole('button', { name: 'Add an entry to Header sets' }));
    expect(screen.getAllByRole('group', { name: /^Header sets \d$/ })).toHaveLength(3);
  });

  it('shows each problem beside its field, in the user’s language', async () => {
    const schema = schemaOf('paypal-ipn');
    const value = {
      receiverEmail: 'not-an-email',
      receiverId: 'short',
      expectedPrices: { x: { amount: 'abc', currency: 'eur' } },
    };
    const problems = checkValue(schema, value);
    expect([...problems.keys()].sort()).toEqual([
      'expectedPrices.x.amount',
      'expectedPrices.x.currency',
      'receiverEmail',
      'receiverId',
    ]);
    await renderUi(
      <Harness provider="paypal-ipn" initial={value} problems={problems} seen={seen()} />,
      { language: 'he' },
    );
    const email = screen.getByLabelText(/דוא״ל חשבון PayPal/);
    expect(email.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('יש להזין כתובת דוא״ל, למשל name@example.com.')).toBeTruthy();
    expect(screen.getAllByText('לערך זה אין הצורה הצפויה.').length).toBe(3);
    await expectAccessible();
  });
});
