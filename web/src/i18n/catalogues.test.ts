/**
 * The four catalogues say the same things: the same keys (each plural in the forms its language
 * needs), the same placeholders, nothing empty; every key the code names exists; every error
 * code of the server, verdict, delivery status, event type and provider and connector config
 * field is explained.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE } from '../../../src/core/errors.js';
import { EVENT_TYPES } from '../../../src/core/events.js';
import { INBOUND_VERDICTS } from '../../../src/db/schema.js';
import { providerCatalogueEntry } from '../../../src/http/admin/providers-routes.js';
import { PROVIDER_IDS, getProvider } from '../../../src/providers/registry.js';
import { CONNECTOR_IDS, getConnector } from '../../../src/connectors/registry.js';
import { connectorCatalogueEntry } from '../../../src/http/admin/connectors-routes.js';
import { actionsFieldOf } from '../pages/connections/connector-schema.js';
import { asSchema, isJsonObject } from '../schema-form/json-schema.js';
import type { JsonSchema } from '../schema-form/json-schema.js';
import { CLIENT_ERROR_CODES } from '../api/api-error.js';
import { LANGUAGES } from './languages.js';

type Tree = { [key: string]: string | Tree };

const SRC = fileURLToPath(new URL('..', import.meta.url));
const catalogues = Object.fromEntries(
  LANGUAGES.map(({ code }) => [
    code,
    JSON.parse(readFileSync(join(SRC, 'i18n', 'locales', `${code}.json`), 'utf8')) as Tree,
  ]),
);
const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;
const DELIVERY_STATUSES = ['pending', 'delivering', 'delivered', 'skipped', 'failed', 'dead'];

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else for (const [k, v] of flatten(value, path)) out.set(k, v);
  }
  return out;
}

const flat = Object.fromEntries(
  Object.entries(catalogues).map(([code, tree]) => [code, flatten(tree)]),
);
const english = flat.en ?? new Map<string, string>();

function baseKeys(keys: Iterable<string>): Set<string> {
  return new Set([...keys].map((key) => key.replace(PLURAL_SUFFIX, '')));
}

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)].map((m) => m[1] ?? '').sort();
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

describe('message catalogues', () => {
  it('have the same keys in every language', () => {
    const reference = [...baseKeys(english.keys())].sort();
    for (const [code, keys] of Object.entries(flat))
      expect([...baseKeys(keys.keys())].sort(), code).toEqual(reference);
  });

  it('give every plural exactly the forms its language uses', () => {
    for (const [code, keys] of Object.entries(flat)) {
      const categories = [...new Intl.PluralRules(code).resolvedOptions().pluralCategories].sort();
      const plurals = [...baseKeys([...keys.keys()].filter((key) => PLURAL_SUFFIX.test(key)))];
      for (const plural of plurals) {
        const forms = [...keys.keys()]
          .filter((key) => key.replace(PLURAL_SUFFIX, '') === plural)
          .map((key) => PLURAL_SUFFIX.exec(key)?.[1]);
        expect(forms.sort(), `${code}: ${plural}`).toEqual(categories);
      }
    }
  });

  it('use the same placeholders in every language and leave nothing empty', () => {
    for (const [code, keys] of Object.entries(flat)) {
      for (const [key, text] of keys) {
        expect(text.trim(), `${code}: ${key}`).not.toBe('');
        const plural = PLURAL_SUFFIX.test(key);
        const reference =
          english.get(key) ?? english.get(`${key.replace(PLURAL_SUFFIX, '')}_other`) ?? '';
        // A plural form may spell its number ("one", "two") instead of {{count}}.
        const names = (of: string): string[] =>
          placeholders(of).filter((name) => !plural || name !== 'count');
        expect(names(text), `${code}: ${key}`).toEqual(names(reference));
      }
    }
  });

  it('have every key the code names', () => {
    const used = new Set<string>();
    for (const file of sourceFiles(SRC)) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/\bt\(\s*'([a-zA-Z0-9_.-]+)'/g)) used.add(match[1] ?? '');
      for (const match of text.matchAll(/\blabel: '(nav\.[a-z]+)'/g)) used.add(match[1] ?? '');
    }
    expect(used.size).toBeGreaterThan(50);
    const known = baseKeys(english.keys());
    expect([...used].filter((key) => !known.has(key))).toEqual([]);
  });

  it('explain every error code of the server, and no other, in every language', () => {
    const codes = Object.keys(ERROR_CATALOGUE).sort();
    for (const [code, tree] of Object.entries(catalogues)) {
      const errors = tree.errors as Tree;
      expect(Object.keys(errors).sort(), code).toEqual(codes);
      for (const errorCode of codes) {
        expect(Object.keys(errors[errorCode] as Tree).sort(), `${code}: ${errorCode}`).toEqual([
          'help',
          'title',
        ]);
      }
      expect(Object.keys(tree.clientErrors as Tree).sort(), code).toEqual(
        [...CLIENT_ERROR_CODES].sort(),
      );
    }
  });

  it('name every verdict, delivery status and event type', () => {
    for (const [code, keys] of Object.entries(flat)) {
      for (const type of EVENT_TYPES)
        expect(keys.has(`eventTypes.${type}`), `${code}: ${type}`).toBe(true);
      for (const verdict of INBOUND_VERDICTS)
        expect(keys.has(`status.verdict.${verdict}`), `${code}: ${verdict}`).toBe(true);
      for (const status of DELIVERY_STATUSES)
        expect(keys.has(`status.delivery.${status}`), `${code}: ${status}`).toBe(true);
    }
  });

  it('label and explain every field of every provider config, and its choices', () => {
    const missing: string[] = [];
    const visit = (schema: Record<string, unknown>, path: string[]): void => {
      const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
      for (const [name, property] of Object.entries(properties)) {
        const at = [...path, name];
        for (const leaf of ['title', 'description'])
          if (!english.has(`configFields.${at.join('.')}.${leaf}`))
            missing.push(`${at.join('.')}.${leaf}`);
        for (const value of (property.enum ?? []) as string[])
          if (!english.has(`configFields.${at.join('.')}.options.${value}`))
            missing.push(`${at.join('.')}.options.${value}`);
        visit(property, at);
        if (
          typeof property.additionalProperties === 'object' &&
          property.additionalProperties !== null
        )
          visit(property.additionalProperties as Record<string, unknown>, [...at, '*']);
      }
    };
    for (const id of PROVIDER_IDS)
      visit(providerCatalogueEntry(getProvider(id)).configSchema, [id]);
    expect(missing).toEqual([]);
  });

  it('label and explain every field of every connector config, and its choices, in every language', () => {
    // As the connection form looks them up: an action per event type once, under `actions.*`
    // (pages/connections/connector-schema.ts); a list of choices and a map of choices name their
    // choices at the list (`.options`) and at the map's values (`.*.options`).
    const expected: string[] = [];
    const visit = (schema: JsonSchema, path: string[]): void => {
      const properties = Object.entries(schema.properties ?? {});
      const actions = actionsFieldOf({ properties: { field: schema } }) === 'field';
      for (const [name, property] of actions ? properties.slice(0, 1) : properties) {
        const at = [...path, actions ? '*' : name];
        expected.push(`${at.join('.')}.title`, `${at.join('.')}.description`);
        const choices = property.enum ?? property.items?.enum ?? [];
        for (const value of choices) expected.push(`${at.join('.')}.options.${String(value)}`);
        const mapValue = isJsonObject(property.additionalProperties)
          ? (property.additionalProperties as JsonSchema)
          : undefined;
        for (const value of mapValue?.enum ?? [])
          expected.push(`${at.join('.')}.*.options.${String(value)}`);
        visit(property, at);
        if (mapValue) visit(mapValue, [...at, '*']);
      }
    };
    for (const id of CONNECTOR_IDS)
      visit(asSchema(connectorCatalogueEntry(getConnector(id)).configSchema), [id]);
    expect(expected.length).toBeGreaterThan(200);
    for (const [code, keys] of Object.entries(flat)) {
      expect(
        expected.filter((key) => !keys.has(`configFields.${key}`)),
        code,
      ).toEqual([]);
    }
    // Every action key (event types and the partial refund) has a name.
    for (const id of CONNECTOR_IDS) {
      const schema = asSchema(connectorCatalogueEntry(getConnector(id)).configSchema);
      const field = actionsFieldOf(schema);
      for (const key of Object.keys(schema.properties?.[field ?? '']?.properties ?? {}))
        expect(english.has(`eventTypes.${key}`), `${id}: ${key}`).toBe(true);
    }
  });
});
