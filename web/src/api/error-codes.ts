/**
 * The server's error codes, as the generated API types list them (the `Error` schema of the
 * OpenAPI document, from src/core/errors.ts). Every catalogue explains each of them under
 * `errors.<CODE>` — the compiler checks that through the typed keys, and i18n/catalogues.test.ts
 * checks every language.
 */
import type { components } from './openapi-types.js';

export type ServerErrorCode = components['schemas']['Error']['error']['code'];

/** A server code the loaded catalogue explains (a newer server may answer codes it does not). */
export function isServerErrorCode(
  code: string,
  explained: (key: string) => boolean,
): code is ServerErrorCode {
  return /^[A-Z][A-Z0-9_]*$/.test(code) && explained(`errors.${code}.title`);
}
