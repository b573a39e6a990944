/** `npm run api:types`: writes the OpenAPI document and the web UI's API types (see api-types-source.ts). */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { API_DOCUMENT_FILE, API_TYPES_FILE, renderApiTypes } from './api-types-source.js';

const { document, types } = await renderApiTypes();
writeFileSync(API_DOCUMENT_FILE, document);
writeFileSync(API_TYPES_FILE, types);
process.stdout.write(
  `wrote ${fileURLToPath(API_DOCUMENT_FILE)} and ${fileURLToPath(API_TYPES_FILE)}\n`,
);
