/**
 * A local fake of Keap's REST API v2 and OAuth2 token endpoint (docs/protocols/keap.md, list of
 * what it emulates in docs/protocols/keap.md#what-the-fake-emulates): a real node:http server
 * on 127.0.0.1, strict about paths, methods, credentials (`X-Keap-API-Key`, or a Bearer access
 * token it issued), content types and body fields, and stateful (contacts, tags, custom fields,
 * notes, refresh tokens that are replaced on every refresh).
 *
 * Where Keap's documentation does not say, the fake picks one behaviour and the protocol file
 * marks it UNCONFIRMED: error bodies are `{"code": <status>, "message": "…"}`; a PATCH without
 * `update_mask` is refused (the connector always sends one); unknown body fields are refused
 * with 400 (so mistakes in the connector show up in tests).
 *
 * Switches for tests: `failNext(...)` queues forced answers (429 + Retry-After, 5xx, …),
 * `expireAccessTokens()` makes every issued access token answer 401 (an expired or revoked
 * token), `requests` logs every call.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpError, readBody } from './fake-http.js';
import { isRecord } from '../../src/lib/is-record.js';

export const KEAP_FAKE_API_KEY = 'KeapAK-fake-0123456789abcdef';
export const KEAP_FAKE_CLIENT_ID = 'fake-client-id';
export const KEAP_FAKE_CLIENT_SECRET = 'fake-client-secret';
const BASE = '/crm/rest';

const CONTACT_KEYS = new Set([
  'given_name',
  'family_name',
  'email_addresses',
  'phone_numbers',
  'addresses',
  'custom_fields',
  'company',
  'job_title',
  'middle_name',
  'origin',
  'owner_id',
  'preferred_locale',
  'preferred_name',
  'prefix',
  'suffix',
  'source_type',
  'time_zone',
  'website',
  'leadsource_id',
  'contact_type',
]);
const EMAIL_KEYS = new Set(['email', 'field', 'opt_in_reason']);
const EMAIL_SLOTS = new Set(['EMAIL1', 'EMAIL2', 'EMAIL3']);
const PHONE_KEYS = new Set(['number', 'extension', 'type', 'field']);
const ADDRESS_KEYS = new Set([
  'line1',
  'line2',
  'locality',
  'postal_code',
  'zip_code',
  'zip_four',
  'region',
  'country_code',
  'field',
]);
const ADDRESS_SLOTS = new Set(['BILLING', 'SHIPPING', 'OTHER']);

export interface KeapFakeEmail {
  email: string;
  field: string;
  /** The opt-in reason of the last write that gave one, or null (never opted in). */
  opt_in_reason: string | null;
}

export interface KeapFakeContact {
  id: number;
  given_name?: string;
  family_name?: string;
  email_addresses: KeapFakeEmail[];
  phone_numbers: Array<Record<string, unknown>>;
  addresses: Array<Record<string, unknown>>;
  custom_fields: Array<{ id: number; content: unknown }>;
  tag_ids: number[];
}

export interface KeapFakeNote {
  id: number;
  title: string;
  text: string;
  type: string;
  user_id: string;
}

export interface KeapFakeRequest {
  method: string;
  /** Below `/crm/rest` (or `/token`), without the query. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: unknown;
}

export interface ForcedAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface KeapFakeOptions {
  customFields?: Array<{ id: number; label: string }>;
  /** The refresh token the app's authorization gave; default `rt-1`. */
  refreshToken?: string;
  /** Seconds an issued access token lives (`expires_in`). */
  accessTokenLifetime?: number;
}

export interface KeapFake {
  /** The REST root as the connector's `apiUrl`: `http://127.0.0.1:<port>/crm/rest`. */
  apiUrl: string;
  tokenUrl: string;
  apiKey: string;
  contacts: Map<number, KeapFakeContact>;
  tags: Map<number, string>;
  notes: Map<number, KeapFakeNote[]>;
  requests: KeapFakeRequest[];
  /** The refresh token that works now (each refresh replaces it). */
  refreshToken(): string;
  /** How many access tokens were issued. */
  refreshes(): number;
  expireAccessTokens(): void;
  failNext(...answers: ForcedAnswer[]): void;
  contactsByEmail(email: string): KeapFakeContact[];
  /** Names of the contact's tags, sorted. */
  tagsOf(contactId: number): string[];
  writes(): KeapFakeRequest[];
  close(): Promise<void>;
}

function onlyKeys(
  value: unknown,
  keys: ReadonlySet<string>,
  what: string,
): Record<string, unknown> {
  if (!isRecord(value)) throw new HttpError(400, `${what} must be an object`);
  for (const key of Object.keys(value))
    if (!keys.has(key)) throw new HttpError(400, `Unrecognized field "${key}" in ${what}`);
  return value;
}

function list(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new HttpError(400, `${what} must be an array`);
  return value;
}

export async function startKeapFake(options: KeapFakeOptions = {}): Promise<KeapFake> {
  const contacts = new Map<number, KeapFakeContact>();
  const tags = new Map<number, string>();
  const notes = new Map<number, KeapFakeNote[]>();
  const customFields = options.customFields ?? [
    { id: 7, label: 'Order ID' },
    { id: 9, label: 'Last product' },
  ];
  const requests: KeapFakeRequest[] = [];
  const forced: ForcedAnswer[] = [];
  let refreshToken = options.refreshToken ?? 'rt-1';
  let refreshCount = 0;
  const accessTokens = new Set<string>();
  let nextContact = 1001;
  let nextTag = 91;
  let nextNote = 501;

  const contactJson = (contact: KeapFakeContact, fields: string[] | null) => {
    const all: Record<string, unknown> = { ...contact };
    if (!fields) {
      const { tag_ids: _tags, custom_fields: _custom, ...rest } = all;
      return rest;
    }
    return Object.fromEntries(
      Object.entries(all).filter(([key]) => key === 'id' || fields.includes(key)),
    );
  };

  function applyContact(
    contact: KeapFakeContact,
    body: Record<string, unknown>,
    mask: string[] | null,
  ): void {
    onlyKeys(body, CONTACT_KEYS, 'contact');
    for (const key of Object.keys(body))
      if (mask && !mask.includes(key))
        throw new HttpError(400, `"${key}" is sent but not in update_mask`);
    if (body.given_name !== undefined) contact.given_name = String(body.given_name);
    if (body.family_name !== undefined) contact.family_name = String(body.family_name);
    if (body.email_addresses !== undefined) {
      const previous = contact.email_addresses;
      contact.email_addresses = list(body.email_addresses, 'email_addresses').map((item) => {
        const entry = onlyKeys(item, EMAIL_KEYS, 'email_addresses[]');
        if (typeof entry.email !== 'string' || !/^[^\s@]+@[^\s@]+$/.test(entry.email))
          throw new HttpError(400, 'email_addresses[].email is not an e-mail address');
        if (typeof entry.field !== 'string' || !EMAIL_SLOTS.has(entry.field))
          throw new HttpError(
            400,
            `email_addresses[].field must be one of ${[...EMAIL_SLOTS].join(', ')}`,
          );
        const before = previous.find(
          (e) => e.email.toLowerCase() === String(entry.email).toLowerCase(),
        );
        return {
          email: entry.email,
          field: entry.field,
          opt_in_reason:
            typeof entry.opt_in_reason === 'string'
              ? entry.opt_in_reason
              : (before?.opt_in_reason ?? null),
        };
      });
    }
    if (body.phone_numbers !== undefined)
      contact.phone_numbers = list(body.phone_numbers, 'phone_numbers').map((item) =>
        onlyKeys(item, PHONE_KEYS, 'phone_numbers[]'),
      );
    if (body.addresses !== undefined)
      contact.addresses = list(body.addresses, 'addresses').map((item) => {
        const entry = onlyKeys(item, ADDRESS_KEYS, 'addresses[]');
        if (typeof entry.field !== 'string' || !ADDRESS_SLOTS.has(entry.field))
          throw new HttpError(400, 'addresses[].field must be BILLING, SHIPPING or OTHER');
        if (entry.country_code !== undefined && !/^[A-Z]{3}$/.test(String(entry.country_code)))
          throw new HttpError(400, 'addresses[].country_code must be an ISO 3166-1 alpha-3 code');
        if (entry.region !== undefined && entry.country_code === undefined)
          throw new HttpError(400, 'addresses[].country_code is required when region is given');
        return entry;
      });
    if (body.custom_fields !== undefined)
      contact.custom_fields = list(body.custom_fields, 'custom_fields').map((item) => {
        const entry = onlyKeys(item, new Set(['id', 'content']), 'custom_fields[]');
        const id = Number(entry.id);
        if (!customFields.some((f) => f.id === id))
          throw new HttpError(400, `custom field ${String(entry.id)} does not exist`);
        return { id, content: entry.content };
      });
  }

  function contactOr404(raw: string): KeapFakeContact {
    const contact = contacts.get(Number(raw));
    if (!contact) throw new HttpError(404, `contact ${raw} not found`);
    return contact;
  }

  function tagOr404(raw: string): number {
    const id = Number(raw);
    if (!tags.has(id)) throw new HttpError(404, `tag ${raw} not found`);
    return id;
  }

  function contactIds(body: unknown): KeapFakeContact[] {
    const entry = onlyKeys(body, new Set(['contact_ids']), 'request');
    return list(entry.contact_ids, 'contact_ids').map((id) => contactOr404(String(id)));
  }

  function token(headers: Record<string, string>, form: URLSearchParams) {
    const expected = `Basic ${Buffer.from(`${KEAP_FAKE_CLIENT_ID}:${KEAP_FAKE_CLIENT_SECRET}`).toString('base64')}`;
    if (headers.authorization !== expected)
      return {
        status: 401,
        body: { error: 'invalid_client', error_description: 'Invalid client credentials' },
      };
    if (form.get('grant_type') !== 'refresh_token')
      return { status: 400, body: { error: 'unsupported_grant_type' } };
    if (form.get('refresh_token') !== refreshToken)
      return {
        status: 400,
        body: { error: 'invalid_grant', error_description: 'Invalid refresh token' },
      };
    refreshCount++;
    refreshToken = `rt-${refreshCount + 1}`;
    const access = `at-${refreshCount}`;
    accessTokens.add(access);
    return {
      status: 200,
      body: {
        access_token: access,
        token_type: 'bearer',
        expires_in: options.accessTokenLifetime ?? 86_400,
        refresh_token: refreshToken,
        scope: 'full',
      },
    };
  }

  function route(
    method: string,
    path: string,
    query: URLSearchParams,
    body: unknown,
  ): { status: number; body?: unknown } {
    const contactPath = /^\/v2\/contacts\/(\d+)$/.exec(path);
    const notesPath = /^\/v2\/contacts\/(\d+)\/notes$/.exec(path);
    const tagPath = /^\/v2\/tags\/(\d+)\/contacts:(applyTags|removeTags)$/.exec(path);
    if (path === '/v2/contacts' && method === 'GET') {
      const filter = query.get('filter') ?? '';
      const match = /^email==(.+)$/.exec(filter);
      if (filter && !match) throw new HttpError(400, `unsupported filter "${filter}"`);
      const fields = query.get('fields')?.split(',') ?? null;
      const found = [...contacts.values()].filter(
        (c) =>
          !match ||
          c.email_addresses.some((e) => e.email.toLowerCase() === match[1]?.toLowerCase()),
      );
      return {
        status: 200,
        body: { contacts: found.map((c) => contactJson(c, fields)), next_page_token: '' },
      };
    }
    if (path === '/v2/contacts' && method === 'POST') {
      const contact: KeapFakeContact = {
        id: nextContact++,
        email_addresses: [],
        phone_numbers: [],
        addresses: [],
        custom_fields: [],
        tag_ids: [],
      };
      applyContact(contact, onlyKeys(body, CONTACT_KEYS, 'contact'), null);
      if (contact.email_addresses.length === 0 && contact.phone_numbers.length === 0)
        throw new HttpError(400, 'a contact needs at least one e-mail address or phone number');
      contacts.set(contact.id, contact);
      return { status: 201, body: contactJson(contact, null) };
    }
    if (path === '/v2/contacts/model' && method === 'GET')
      return {
        status: 200,
        body: {
          custom_fields: customFields.map((f) => ({
            ...f,
            field_type: 'Text',
            record_type: 'CONTACT',
          })),
          optional_properties: [],
        },
      };
    if (contactPath && method === 'PATCH') {
      const contact = contactOr404(contactPath[1] ?? '');
      const mask = query.get('update_mask');
      if (!mask) throw new HttpError(400, 'update_mask is required by this fake (see its header)');
      applyContact(contact, onlyKeys(body, CONTACT_KEYS, 'contact'), mask.split(','));
      return { status: 200, body: contactJson(contact, null) };
    }
    if (notesPath) {
      const contact = contactOr404(notesPath[1] ?? '');
      const own = notes.get(contact.id) ?? [];
      if (method === 'GET') return { status: 200, body: { notes: own, next_page_token: '' } };
      if (method === 'POST') {
        const entry = onlyKeys(
          body,
          new Set(['title', 'text', 'type', 'user_id', 'is_pinned']),
          'note',
        );
        if (typeof entry.user_id !== 'string' || entry.user_id === '')
          throw new HttpError(400, 'user_id is required');
        if (!entry.title && !entry.type) throw new HttpError(400, 'title or type is required');
        const note: KeapFakeNote = {
          id: nextNote++,
          title: String(entry.title ?? ''),
          text: String(entry.text ?? ''),
          type: String(entry.type ?? ''),
          user_id: entry.user_id,
        };
        notes.set(contact.id, [...own, note]);
        return { status: 201, body: note };
      }
    }
    if (path === '/v2/tags' && method === 'GET') {
      const size = Number(query.get('page_size') ?? '1000');
      const start = Number(query.get('page_token') || '0');
      const all = [...tags].map(([id, name]) => ({ id, name }));
      const page = all.slice(start, start + size);
      const next = start + size < all.length ? String(start + size) : '';
      return { status: 200, body: { tags: page, next_page_token: next } };
    }
    if (path === '/v2/tags' && method === 'POST') {
      const entry = onlyKeys(body, new Set(['name', 'description', 'category']), 'tag');
      if (typeof entry.name !== 'string' || entry.name.trim() === '')
        throw new HttpError(400, 'name is required');
      const id = nextTag++;
      tags.set(id, entry.name);
      return { status: 201, body: { id, name: entry.name } };
    }
    if (tagPath && method === 'POST') {
      const tagId = tagOr404(tagPath[1] ?? '');
      for (const contact of contactIds(body)) {
        if (tagPath[2] === 'applyTags' && !contact.tag_ids.includes(tagId))
          contact.tag_ids.push(tagId);
        if (tagPath[2] === 'removeTags')
          contact.tag_ids = contact.tag_ids.filter((t) => t !== tagId);
      }
      return { status: 200, body: {} };
    }
    throw new HttpError(404, `no route ${method} ${path}`);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers))
      if (value !== undefined)
        headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
    const raw = await readBody(req);
    const type = headers['content-type'] ?? '';
    const send = (answer: { status: number; headers?: Record<string, string>; body?: unknown }) => {
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    };
    if (url.pathname === '/token') {
      const form = new URLSearchParams(raw.toString('utf8'));
      requests.push({
        method: req.method ?? '',
        path: '/token',
        query: url.searchParams,
        headers,
        body: Object.fromEntries(form),
      });
      if (req.method !== 'POST' || !type.startsWith('application/x-www-form-urlencoded'))
        return send({ status: 400, body: { error: 'invalid_request' } });
      return send(token(headers, form));
    }
    const path = url.pathname.startsWith(BASE) ? url.pathname.slice(BASE.length) : url.pathname;
    let body: unknown;
    try {
      if (raw.length > 0) {
        if (!type.startsWith('application/json'))
          throw new HttpError(415, `Content-Type ${type || '(none)'} is not supported`);
        try {
          body = JSON.parse(raw.toString('utf8')) as unknown;
        } catch {
          throw new HttpError(400, 'malformed JSON');
        }
      }
      requests.push({ method: req.method ?? '', path, query: url.searchParams, headers, body });
      const forcedAnswer = forced.shift();
      if (forcedAnswer) return send(forcedAnswer);
      const key = headers['x-keap-api-key'];
      const bearer = /^Bearer (.+)$/.exec(headers.authorization ?? '')?.[1];
      if (!(key === KEAP_FAKE_API_KEY || (bearer !== undefined && accessTokens.has(bearer))))
        throw new HttpError(401, 'Unauthorized');
      if (!url.pathname.startsWith(BASE)) throw new HttpError(404, `no route ${url.pathname}`);
      if ((req.method === 'POST' || req.method === 'PATCH') && raw.length === 0)
        throw new HttpError(400, 'a request body is required');
      send(route(req.method ?? '', path, url.searchParams, body));
    } catch (err) {
      if (err instanceof HttpError)
        return send({ status: err.status, body: { code: err.status, message: err.message } });
      send({ status: 500, body: { code: 500, message: String(err) } });
    }
  }

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  return {
    apiUrl: `${origin}${BASE}`,
    tokenUrl: `${origin}/token`,
    apiKey: KEAP_FAKE_API_KEY,
    contacts,
    tags,
    notes,
    requests,
    refreshToken: () => refreshToken,
    refreshes: () => refreshCount,
    expireAccessTokens: () => accessTokens.clear(),
    failNext: (...answers) => forced.push(...answers),
    contactsByEmail: (email) =>
      [...contacts.values()].filter((c) =>
        c.email_addresses.some((e) => e.email.toLowerCase() === email.toLowerCase()),
      ),
    tagsOf: (contactId) =>
      (contacts.get(contactId)?.tag_ids ?? []).map((id) => tags.get(id) ?? `#${id}`).sort(),
    writes: () => requests.filter((r) => r.method !== 'GET'),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
