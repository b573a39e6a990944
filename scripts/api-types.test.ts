import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_DOCUMENT_FILE, API_TYPES_FILE, renderApiTypes } from './api-types-source.js';

describe('the web UI API types', () => {
  it('match the route table (run `npm run api:types` after changing a route)', async () => {
    const rendered = await renderApiTypes();
    expect(
      readFileSync(API_DOCUMENT_FILE, 'utf8'),
      'web/src/api/openapi.json is out of date: run npm run api:types',
    ).toBe(rendered.document);
    expect(
      readFileSync(API_TYPES_FILE, 'utf8'),
      'web/src/api/openapi-types.ts is out of date: run npm run api:types',
    ).toBe(rendered.types);
  });

  it('describe the answers the UI reads, not just their status', async () => {
    const { types } = await renderApiTypes();
    expect(types).toMatch(/"\/sources": \{/);
    expect(types).toMatch(/inboundUrl: string;/);
    expect(types).toMatch(/secretFields: \{\s*\[key: string\]: "set" \| "unset";/);
  });
});
