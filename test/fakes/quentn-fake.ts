/**
 * A local fake of the Quentn REST API (docs/protocols/quentn.md, checklist docs/protocols/quentn.md#what-the-fake-emulates): a real
 * node:http server on 127.0.0.1 serving `/public/api/V1/…`, strict about paths, methods, the
 * Bearer key, content types and body shapes, and stateful (contacts, terms, custom fields).
 *
 * Where the reference marks Quentn's behaviour UNCONFIRMED the fake picks one and says so:
 * error bodies are `{"message": "…"}`; the e-mail status is the contact field `mail_status`
 * (`unknown` for new contacts); `duplicate_check_method: "auto"` matches by e-mail like
 * `"email"`; `update_add` unions `contact.terms`, `update` replaces them; unknown contact
 * fields are refused with 400 (so mapping typos show up in tests); successful writes answer
 * 200 with `{"id": …}` or `{"success": true}`.
 *
 * Switches for tests: `failNext(...)` queues forced answers (429 + Retry-After, 5xx, …),
 * `failOn(method, path, answer)` forces one answer to a matching request mid-flow,
 * `setApiKey` rotates the key (the old one is then rejected: a revoked key), `requests` logs
 * every call, `snapshot()` serialises the state to prove that nothing changed.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpError, readBody } from './fake-http.js';
import { isRecord } from '../../src/lib/is-record.js';

export const QUENTN_FAKE_KEY = 'qntn_test_key_0123456789abcdef';
const BASE_PATH = '/public/api/V1';

const STANDARD_FIELDS = new Set([
  'title',
  'title2',
  'full_name',
  'first_name',
  'family_name',
  'company',
  'job_title',
  'mail',
  'mail2',
  'phone_type',
  'phone',
  'phone2_type',
  'phone2',
  'fax',
  'skype',
  'fb',
  'twitter',
  'ba_street',
  'ba_street2',
  'ba_city',
  'ba_postal_code',
  'ba_state',
  'ba_country',
  'date_of_birth',
  'request_ip',
  'terms',
]);
/** The e-mail status field (its real name is UNCONFIRMED, docs/protocols/quentn.md#e-mail-confirmation/docs/protocols/quentn.md#what-the-fake-emulates). */
export const MAIL_STATUS_FIELD = 'mail_status';
const MAIL_STATUSES = new Set(['unknown', 'confirmed', 'unsubscribed', 'spam', 'blocked']);
const DEFAULT_RETURN_FIELDS = ['id', 'first_name', 'family_name', 'mail'];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface QuentnFakeCustomField {
  field_name: string;
  label: string;
  type: string;
  required?: boolean;
  multiple_selection?: boolean;
}

export interface QuentnFakeContact {
  id: number;
  /** Every field but `id` and `terms`, including `mail_status`. */
  fields: Record<string, unknown>;
  terms: number[];
}

export interface QuentnFakeTerm {
  id: number;
  name: string;
  description: string;
}

export interface QuentnFakeRequest {
  method: string;
  /** Below the API base, decoded, without the query, e.g. `/contact/12/terms`. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  /** The parsed JSON body, or undefined when there was none. */
  body: unknown;
}

export interface ForcedAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface QuentnFakeOptions {
  apiKey?: string;
  customFields?: QuentnFakeCustomField[];
  /** How `GET contact/<id>/terms` lists terms: objects with names (default) or bare ids. */
  contactTermsShape?: 'objects' | 'ids';
}

export interface QuentnFake {
  /** The API base URL, as Quentn shows it: `http://127.0.0.1:<port>/public/api/V1/`. */
  url: string;
  apiKey: string;
  contacts: Map<number, QuentnFakeContact>;
  terms: Map<number, QuentnFakeTerm>;
  customFields: QuentnFakeCustomField[];
  requests: QuentnFakeRequest[];
  /** Requests that could change state (everything but GET). */
  writes(): QuentnFakeRequest[];
  /** The next requests get these answers, in order, whatever they ask. */
  failNext(...answers: ForcedAnswer[]): void;
  /** The next request with this method and a path matching `path` gets `answer` (once). */
  failOn(method: string, path: RegExp, answer: ForcedAnswer): void;
  /** Rotates the key: the previous one is rejected from now on. */
  setApiKey(key: string): void;
  contactsByMail(mail: string): QuentnFakeContact[];
  /** Names of the contact's terms, sorted. */
  tagsOf(contactId: number): string[];
  /** Seeds a contact with fields and term names (terms created as needed). */
  seedContact(fields: Record<string, unknown>, termNames?: string[]): QuentnFakeContact;
  /** The whole state as JSON, for "nothing changed" assertions. */
  snapshot(): string;
  close(): Promise<void>;
}

function isScalar(value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/** Decodes each segment on its own, so an encoded `/` in an e-mail stays inside its segment. */
function decodePath(raw: string): string {
  return (
    raw
      .split('/')
      .map((segment) => {
        try {
          return decodeURIComponent(segment).replaceAll('/', '%2F');
        } catch {
          return segment;
        }
      })
      .join('/') || '/'
  );
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined)
      out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

export async function startQuentnFake(options: QuentnFakeOptions = {}): Promise<QuentnFake> {
  let apiKey = options.apiKey ?? QUENTN_FAKE_KEY;
  const contacts = new Map<number, QuentnFakeContact>();
  const terms = new Map<number, QuentnFakeTerm>();
  const customFields = [...(options.customFields ?? [])];
  const requests: QuentnFakeRequest[] = [];
  const forced: ForcedAnswer[] = [];
  const forcedOn: Array<{ method: string; path: RegExp; answer: ForcedAnswer }> = [];
  let nextContactId = 101;
  let nextTermId = 11;
  const rateLimit = 120;
  let windowStart = Date.now();
  let windowCount = 0;

  const knownField = (name: string): boolean =>
    STANDARD_FIELDS.has(name) ||
    name === MAIL_STATUS_FIELD ||
    customFields.some((f) => f.field_name === name);

  const byMail = (mail: string): QuentnFakeContact[] =>
    [...contacts.values()]
      .filter(
        (c) =>
          typeof c.fields.mail === 'string' && c.fields.mail.toLowerCase() === mail.toLowerCase(),
      )
      .sort((a, b) => a.id - b.id);

  const termByName = (name: string): QuentnFakeTerm | undefined =>
    [...terms.values()].find((t) => t.name.toLowerCase() === name.toLowerCase());

  function createTerm(name: string, description = ''): QuentnFakeTerm {
    const existing = termByName(name);
    if (existing) return existing;
    const term = { id: nextTermId++, name, description };
    terms.set(term.id, term);
    return term;
  }

  function contactOr404(segment: string | undefined): QuentnFakeContact {
    if (!segment || !/^\d+$/.test(segment)) throw new HttpError(404, 'Contact not found');
    const contact = contacts.get(Number(segment));
    if (!contact) throw new HttpError(404, 'Contact not found');
    return contact;
  }

  function termIds(body: unknown): number[] {
    if (!Array.isArray(body) || body.length === 0)
      throw new HttpError(400, 'Expected a non-empty JSON array of term ids');
    const values: unknown[] = body;
    return values.map((value) => {
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0)
        throw new HttpError(400, `Invalid term id ${JSON.stringify(value)}`);
      if (!terms.has(value)) throw new HttpError(400, `Unknown term id ${value}`);
      return value;
    });
  }

  /** Checks contact fields the way the fake is strict about them; returns them without `terms`. */
  function contactData(input: Record<string, unknown>): {
    fields: Record<string, unknown>;
    terms: number[] | null;
  } {
    const fields: Record<string, unknown> = {};
    let termList: number[] | null = null;
    for (const [name, value] of Object.entries(input)) {
      if (name === 'id') throw new HttpError(400, 'The contact id cannot be set');
      if (!knownField(name)) throw new HttpError(400, `Unknown contact field "${name}"`);
      if (name === 'terms') {
        termList = termIds(value);
        continue;
      }
      const multiple = Array.isArray(value) && value.every(isScalar);
      if (!isScalar(value) && !multiple)
        throw new HttpError(400, `Invalid value for field "${name}"`);
      if (
        (name === 'mail' || name === 'mail2') &&
        (typeof value !== 'string' || !EMAIL.test(value))
      )
        throw new HttpError(400, `"${name}" is not a valid e-mail address`);
      if (name === 'ba_country' && (typeof value !== 'string' || !/^[A-Z]{2}$/.test(value)))
        throw new HttpError(400, '"ba_country" must be an ISO 3166-1 alpha-2 code');
      if (name === MAIL_STATUS_FIELD && (typeof value !== 'string' || !MAIL_STATUSES.has(value)))
        throw new HttpError(400, `Invalid e-mail status ${JSON.stringify(value)}`);
      fields[name] = value;
    }
    return { fields, terms: termList };
  }

  function contactView(contact: QuentnFakeContact, fieldList: string[]): Record<string, unknown> {
    const view: Record<string, unknown> = { id: contact.id };
    for (const field of fieldList) {
      if (field === 'id') continue;
      if (field === 'terms') view.terms = [...contact.terms];
      else if (Object.hasOwn(contact.fields, field)) view[field] = contact.fields[field];
    }
    return view;
  }

  function requestedFields(query: URLSearchParams): string[] {
    const raw = query.get('fields');
    return raw
      ? raw
          .split(',')
          .map((f) => f.trim())
          .filter((f) => f.length > 0)
      : DEFAULT_RETURN_FIELDS;
  }

  function createContact(body: unknown): unknown {
    if (!isRecord(body) || !isRecord(body.contact))
      throw new HttpError(400, 'The request must contain a "contact" object');
    const allowed = new Set([
      'contact',
      'duplicate_check_method',
      'duplicate_merge_method',
      'return_fields',
      'flood_limit',
      'spam_protection',
    ]);
    for (const key of Object.keys(body))
      if (!allowed.has(key)) throw new HttpError(400, `Unknown parameter "${key}"`);
    const check = body.duplicate_check_method ?? 'auto';
    if (check !== 'auto' && check !== 'email')
      throw new HttpError(400, `Invalid duplicate_check_method ${JSON.stringify(check)}`);
    const merge = body.duplicate_merge_method ?? 'update_add';
    if (merge !== 'update' && merge !== 'update_add')
      throw new HttpError(400, `Invalid duplicate_merge_method ${JSON.stringify(merge)}`);
    const returnFields = body.return_fields ?? [];
    if (!Array.isArray(returnFields) || !returnFields.every((f) => typeof f === 'string'))
      throw new HttpError(400, 'return_fields must be a list of field names');
    if (body.flood_limit !== undefined && typeof body.flood_limit !== 'number')
      throw new HttpError(400, 'flood_limit must be a number');
    if (body.spam_protection !== undefined && typeof body.spam_protection !== 'boolean')
      throw new HttpError(400, 'spam_protection must be a boolean');

    const { fields, terms: termList } = contactData(body.contact);
    const hasMail = typeof fields.mail === 'string';
    const fullAddress = [
      'first_name',
      'family_name',
      'ba_street',
      'ba_city',
      'ba_postal_code',
    ].every((f) => typeof fields[f] === 'string' && fields[f] !== '');
    if (!hasMail && !fullAddress)
      throw new HttpError(
        400,
        'The contact must contain a valid mail or a full address (first_name, family_name, ba_street, ba_city, ba_postal_code)',
      );

    const duplicate = hasMail ? byMail(fields.mail as string)[0] : undefined;
    let contact: QuentnFakeContact;
    if (duplicate) {
      contact = duplicate;
      Object.assign(contact.fields, fields);
      if (termList)
        contact.terms =
          merge === 'update'
            ? [...new Set(termList)]
            : [...new Set([...contact.terms, ...termList])];
    } else {
      contact = {
        id: nextContactId++,
        fields: { [MAIL_STATUS_FIELD]: 'unknown', ...fields },
        terms: [...new Set(termList ?? [])],
      };
      contacts.set(contact.id, contact);
    }
    return contactView(contact, ['id', ...(returnFields as string[])]);
  }

  function route(
    method: string,
    path: string,
    query: URLSearchParams,
    body: unknown,
  ): { status: number; body: unknown } {
    const segments = path
      .split('/')
      .filter((s) => s.length > 0)
      .map((s) => s.replaceAll('%2F', '/'));
    const [resource, first, sub, extra] = segments;
    const ok = (value: unknown) => ({ status: 200, body: value });
    const notAllowed = () => {
      throw new HttpError(405, `Method ${method} not allowed on ${path}`);
    };
    if (extra !== undefined) throw new HttpError(404, 'Not found');

    if (resource === 'check-credentials' && first === undefined) {
      return method === 'GET' ? ok({ success: true }) : notAllowed();
    }
    if (resource === 'custom-fields' && first === undefined) {
      return method === 'GET'
        ? ok(customFields.map((f) => ({ required: false, multiple_selection: false, ...f })))
        : notAllowed();
    }
    if (resource === 'contact' && first === undefined) {
      return method === 'POST' ? ok(createContact(body)) : notAllowed();
    }
    if (resource === 'contact' && first !== undefined && sub === undefined) {
      if (method === 'GET') {
        if (/^\d+$/.test(first))
          return ok(contactView(contactOr404(first), requestedFields(query)));
        const found = byMail(first);
        if (found.length === 0) throw new HttpError(404, 'Contact not found');
        return ok(found.map((c) => contactView(c, requestedFields(query))));
      }
      if (method === 'PUT') {
        const contact = contactOr404(first);
        if (!isRecord(body))
          throw new HttpError(400, 'Expected the contact fields as a JSON object');
        const { fields, terms: termList } = contactData(body);
        Object.assign(contact.fields, fields);
        if (termList) contact.terms = [...new Set(termList)];
        return ok({ success: true });
      }
      if (method === 'DELETE') {
        contacts.delete(contactOr404(first).id);
        return ok({ success: true });
      }
      return notAllowed();
    }
    if (resource === 'contact' && sub === 'terms') {
      const contact = contactOr404(first);
      switch (method) {
        case 'GET':
          return ok(
            contact.terms.map((id) =>
              options.contactTermsShape === 'ids' ? id : { ...terms.get(id) },
            ),
          );
        case 'PUT':
          contact.terms = [...new Set([...contact.terms, ...termIds(body)])];
          return ok({ success: true });
        case 'DELETE': {
          const remove = new Set(termIds(body));
          contact.terms = contact.terms.filter((id) => !remove.has(id));
          return ok({ success: true });
        }
        case 'POST':
          contact.terms = [...new Set(termIds(body))];
          return ok({ success: true });
        default:
          return notAllowed();
      }
    }
    if (resource === 'terms' && first === undefined) {
      if (method === 'GET') {
        const offset = Number(query.get('offset') ?? '0');
        const limit = Math.min(Number(query.get('limit') ?? '500'), 500);
        return ok(
          [...terms.values()]
            .slice(offset, offset + limit)
            .map((t) => ({ ...t, deletion_blocked: false })),
        );
      }
      if (method === 'POST') {
        if (!isRecord(body) || typeof body.name !== 'string' || body.name.trim() === '')
          throw new HttpError(400, 'A term needs a "name"');
        if (body.description !== undefined && typeof body.description !== 'string')
          throw new HttpError(400, '"description" must be a string');
        return ok({ id: createTerm(body.name, body.description ?? '').id });
      }
      return notAllowed();
    }
    if (resource === 'terms' && first !== undefined && sub === undefined) {
      const term = /^\d+$/.test(first) ? terms.get(Number(first)) : termByName(first);
      if (!term) throw new HttpError(404, 'Term not found');
      if (method === 'GET') return ok({ ...term, deletion_blocked: false });
      if (method === 'PUT') {
        if (!isRecord(body)) throw new HttpError(400, 'Expected a JSON object');
        if (typeof body.name === 'string') term.name = body.name;
        if (typeof body.description === 'string') term.description = body.description;
        return ok({ success: true });
      }
      if (method === 'DELETE') {
        terms.delete(term.id);
        for (const contact of contacts.values())
          contact.terms = contact.terms.filter((id) => id !== term.id);
        return ok({ success: true });
      }
      return notAllowed();
    }
    throw new HttpError(404, 'Not found');
  }

  function send(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    const now = Date.now();
    if (now - windowStart >= 60_000) {
      windowStart = now;
      windowCount = 0;
    }
    windowCount += 1;
    res.writeHead(status, {
      'content-type': 'application/json',
      'x-rate-limit-limit': String(rateLimit),
      'x-rate-limit-remaining': String(Math.max(0, rateLimit - windowCount)),
      'x-rate-limit-reset': String(Math.ceil((windowStart + 60_000 - now) / 1000)),
      ...headers,
    });
    res.end(body === undefined ? '' : JSON.stringify(body));
  }

  const server = createServer((req, res) => {
    void readBody(req).then((raw) => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const headers = flattenHeaders(req);
      const method = (req.method ?? 'GET').toUpperCase();
      const inside = url.pathname === BASE_PATH || url.pathname.startsWith(`${BASE_PATH}/`);
      const path = inside ? decodePath(url.pathname.slice(BASE_PATH.length)) : url.pathname;
      let body: unknown;
      let bodyError: string | null = null;
      if (raw.length > 0) {
        if (!(headers['content-type'] ?? '').startsWith('application/json'))
          bodyError = 'Content-Type must be application/json';
        else {
          try {
            body = JSON.parse(raw.toString('utf8')) as unknown;
          } catch {
            bodyError = 'The body is not valid JSON';
          }
        }
      }
      requests.push({ method, path, query: url.searchParams, headers, body });

      const matching = forcedOn.findIndex((f) => f.method === method && f.path.test(path));
      const force = matching === -1 ? forced.shift() : forcedOn.splice(matching, 1)[0]?.answer;
      if (force)
        return send(
          res,
          force.status,
          force.body ?? { message: `forced ${force.status}` },
          force.headers,
        );
      if (!inside) return send(res, 404, { message: 'Not found' });
      if (headers.authorization !== `Bearer ${apiKey}`)
        return send(res, 401, { message: 'Unauthorized: invalid or missing API key' });
      if (bodyError) return send(res, 400, { message: bodyError });
      try {
        const answer = route(method, path, url.searchParams, body);
        send(res, answer.status, answer.body);
      } catch (err) {
        if (err instanceof HttpError) send(res, err.status, { message: err.message });
        else send(res, 500, { message: err instanceof Error ? err.message : String(err) });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fake: QuentnFake = {
    url: `${origin}${BASE_PATH}/`,
    get apiKey() {
      return apiKey;
    },
    contacts,
    terms,
    customFields,
    requests,
    writes: () => requests.filter((r) => r.method !== 'GET'),
    failNext: (...answers) => {
      forced.push(...answers);
    },
    failOn: (method, path, answer) => {
      forcedOn.push({ method: method.toUpperCase(), path, answer });
    },
    setApiKey: (key) => {
      apiKey = key;
    },
    contactsByMail: byMail,
    tagsOf: (contactId) =>
      (contacts.get(contactId)?.terms ?? []).map((id) => terms.get(id)?.name ?? `#${id}`).sort(),
    seedContact(fields, termNames = []) {
      const contact: QuentnFakeContact = {
        id: nextContactId++,
        fields: { [MAIL_STATUS_FIELD]: 'unknown', ...fields },
        terms: termNames.map((name) => createTerm(name).id),
      };
      contacts.set(contact.id, contact);
      return contact;
    },
    snapshot: () =>
      JSON.stringify({
        contacts: [...contacts.values()].sort((a, b) => a.id - b.id),
        terms: [...terms.values()].sort((a, b) => a.id - b.id),
      }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
  return fake;
}
