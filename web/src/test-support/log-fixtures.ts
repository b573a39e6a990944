/**
 * Traffic for the log pages' tests, through a real ipnhub (ipnhub-server.ts): signed
 * Digistore24 notifications posted to a source's inbound URL over HTTP, as Digistore24 posts
 * them, and a webhook connection to a local sink.
 */
import {
  encodeDigistore24Body,
  sampleDigistore24Fields,
} from '../../../src/providers/digistore24/sign-request.js';
import type { Digistore24SampleOverrides } from '../../../src/providers/digistore24/sign-request.js';
import type { TestServer } from './ipnhub-server.js';

export const DS24_PASSPHRASE = 'log-pages-passphrase';

export async function addDigistoreSource(server: TestServer, name = 'Shop DE'): Promise<string> {
  const source = await server.runtime.sources.create({
    provider: 'digistore24',
    name,
    config: { passphrase: DS24_PASSPHRASE },
  });
  return source.id;
}

/** Posts a Digistore24 `event` (product 543210 unless set), signed with `passphrase`; answers ipnhub's reply. */
export async function postDigistore(
  server: TestServer,
  sourceId: string,
  event: string,
  overrides: Digistore24SampleOverrides = {},
  passphrase = DS24_PASSPHRASE,
): Promise<{ status: number; text: string }> {
  const body = encodeDigistore24Body(
    sampleDigistore24Fields(event, { productId: '543210', ...overrides }),
    passphrase,
  );
  const res = await fetch(`${server.origin}/ipn/${sourceId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  return { status: res.status, text: await res.text() };
}

/** The newest inbound request's id (the one just posted). */
export async function newestRequestId(server: TestServer): Promise<string> {
  const row = await server.runtime.dbHandle.db
    .selectFrom('inbound_requests')
    .select('id')
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  return row.id;
}
