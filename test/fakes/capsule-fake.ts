/**
 * A local fake of the Capsule CRM API v2 (docs/protocols/capsule.md, checklist
 * docs/protocols/capsule.md#what-the-fake-emulates): a real node:http server on 127.0.0.1
 * serving `/api/v2/…`, strict about paths, methods, query parameters, the Bearer token,
 * content types and body fields, and stateful (people, tags, custom field definitions and
 * values, pipelines with milestones, opportunities).
 *
 * Where Capsule's documentation leaves a behaviour open the fake picks one and says so:
 * `/parties/search` matches the query against names, e-mail addresses and phone numbers
 * (case-insensitive substring); a person needs a first or last name; addresses take English
 * country names from a small list (a two-letter code is refused, like Capsule's
 * "unknown country"); a field value sent without `id` adds a value, with `id` updates that
 * one; moving an opportunity to a complete milestone sets `closedOn`.
 *
 * Switches for tests: `failNext(...)` queues forced answers (429, 5xx, …), `setToken` rotates
 * the token (the old one is then refused), `limit` lowers the hourly budget so a 429 with
 * `X-RateLimit-Reset` comes early, `requests` logs every call, `snapshot()` serialises the
 * state.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from './fake-http.js';
import { isRecord } from '../../src/lib/is-record.js';

export const CAPSULE_FAKE_TOKEN = 'capsule-test-token-0123456789';
const BASE = '/api/v2';
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const COUNTRIES = new Set([
  'Germany',
  'Austria',
  'Switzerland',
  'Italy',
  'Israel',
  'France',
  'United Kingdom',
  'United States',
  'Netherlands',
  'Spain',
]);

export interface CapsuleFakeTag {
  id: number;
  name: string;
}
export interface CapsuleFakeDefinition {
  id: number;
  name: string;
  type: 'text' | 'date' | 'number' | 'boolean';
}
export interface CapsuleFakeMilestone {
  id: number;
  name: string;
  complete: boolean;
  probability: number;
  pipelineId: number;
}
export interface CapsuleFakeParty {
  id: number;
  type: 'person' | 'organisation';
  firstName: string | null;
  lastName: string | null;
  jobTitle: string | null;
  emailAddresses: Array<{ id: number; type: string | null; address: string }>;
  phoneNumbers: Array<{ id: number; type: string | null; number: string }>;
  addresses: Array<{
    id: number;
    type: string | null;
    street: string | null;
    city: string | null;
    state: string | null;
    zip: string | null;
    country: string | null;
  }>;
  tagIds: number[];
  fields: Array<{ id: number; definitionId: number; value: string | number | boolean }>;
}
export interface CapsuleFakeOpportunity {
  id: number;
  partyId: number;
  milestoneId: number;
  name: string;
  description: string | null;
  value: { amount: number; currency: string } | null;
  closedOn: string | null;
}

export interface CapsuleFakeRequest {
  method: string;
  /** Below `/api/v2`, without the query. */
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

export interface CapsuleFakeOptions {
  token?: string;
  definitions?: Array<Omit<CapsuleFakeDefinition, 'id'>>;
}

export interface CapsuleFake {
  /** The API root to configure: `http://127.0.0.1:<port>/api/v2`. */
  url: string;
  token: string;
  parties: Map<number, CapsuleFakeParty>;
  tags: Map<number, CapsuleFakeTag>;
  opportunities: Map<number, CapsuleFakeOpportunity>;
  definitions: CapsuleFakeDefinition[];
  milestones: CapsuleFakeMilestone[];
  /** The pipeline the default milestones are on. */
  pipelineId: number;
  /** Milestone ids by name on the default pipeline: New, Bid, Won, Lost. */
  milestone(name: string): number;
  requests: CapsuleFakeRequest[];
  writes(): CapsuleFakeRequest[];
  failNext(...answers: ForcedAnswer[]): void;
  setToken(token: string): void;
  /** Sets the hourly budget (Capsule: 4,000); requests beyond it get 429. */
  limit(perHour: number): void;
  peopleByEmail(email: string): CapsuleFakeParty[];
  /** Names of the party's tags, sorted. */
  tagsOf(partyId: number): string[];
  /** The party's custom field values by definition name. */
  fieldsOf(partyId: number): Record<string, unknown>;
  opportunitiesOf(partyId: number): CapsuleFakeOpportunity[];
  snapshot(): string;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors: Array<{ message: string; resource?: string; field?: string }> = [],
  ) {
    super(message);
  }
}

function invalid(resource: string, field: string, message: string): HttpError {
  return new HttpError(422, 'Validation Failed', [{ message, resource, field }]);
}

function onlyKeys(value: Record<string, unknown>, allowed: string[], resource: string): void {
  for (const key of Object.keys(value))
    if (!allowed.includes(key)) throw invalid(resource, key, `${key} is not a known field`);
}

function text(value: unknown, resource: string, field: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw invalid(resource, field, `${field} must be a string`);
  return value;
}

function list(value: unknown, resource: string, field: string): Array<Record<string, unknown>> {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every(isRecord))
    throw invalid(resource, field, `${field} must be an array of objects`);
  return value;
}

const today = (): string => new Date().toISOString().slice(0, 10);

export async function startCapsuleFake(options: CapsuleFakeOptions = {}): Promise<CapsuleFake> {
  let token = options.token ?? CAPSULE_FAKE_TOKEN;
  let perHour = 4000;
  let used = 0;
  const windowReset = Math.floor(Date.now() / 1000) + 3600;
  // Parties and opportunities count on their own, so tests can name them; everything else shares one counter.
  let nextId = 1000;
  const id = (): number => nextId++;
  let nextPartyId = 101;
  let nextOpportunityId = 201;
  const parties = new Map<number, CapsuleFakeParty>();
  const tags = new Map<number, CapsuleFakeTag>();
  const opportunities = new Map<number, CapsuleFakeOpportunity>();
  const definitions: CapsuleFakeDefinition[] = (options.definitions ?? []).map((d) => ({
    ...d,
    id: id(),
  }));
  const pipelineId = 10;
  const milestones: CapsuleFakeMilestone[] = [
    { id: 1, name: 'New', complete: false, probability: 10, pipelineId },
    { id: 2, name: 'Bid', complete: false, probability: 50, pipelineId },
    { id: 3, name: 'Won', complete: true, probability: 100, pipelineId },
    { id: 4, name: 'Lost', complete: true, probability: 0, pipelineId },
    { id: 21, name: 'Demo', complete: false, probability: 20, pipelineId: 20 },
  ];
  const requests: CapsuleFakeRequest[] = [];
  const forced: ForcedAnswer[] = [];

  const tagNamed = (name: string): CapsuleFakeTag | undefined =>
    [...tags.values()].find((t) => t.name.toLowerCase() === name.toLowerCase());

  function partyView(party: CapsuleFakeParty, embed: Set<string>): Record<string, unknown> {
    return {
      id: party.id,
      type: party.type,
      firstName: party.firstName,
      lastName: party.lastName,
      jobTitle: party.jobTitle,
      emailAddresses: party.emailAddresses,
      phoneNumbers: party.phoneNumbers,
      addresses: party.addresses,
      websites: [],
      ...(embed.has('tags')
        ? {
            tags: party.tagIds.map((tagId) => ({
              id: tagId,
              name: tags.get(tagId)?.name,
              dataTag: false,
            })),
          }
        : {}),
      ...(embed.has('fields')
        ? {
            fields: party.fields.map((f) => ({
              id: f.id,
              definition: {
                id: f.definitionId,
                name: definitions.find((d) => d.id === f.definitionId)?.name,
              },
              value: f.value,
            })),
          }
        : {}),
    };
  }

  function opportunityView(o: CapsuleFakeOpportunity): Record<string, unknown> {
    const milestone = milestones.find((m) => m.id === o.milestoneId);
    return {
      id: o.id,
      name: o.name,
      description: o.description,
      party: { id: o.partyId, type: 'person' },
      milestone: { id: o.milestoneId, name: milestone?.name },
      value: o.value,
      probability: milestone?.probability ?? null,
      closedOn: o.closedOn,
      lostReason: null,
    };
  }

  function embedOf(query: URLSearchParams, allowed: string[]): Set<string> {
    const raw = query.get('embed');
    const values = raw ? raw.split(',').map((v) => v.trim()) : [];
    for (const v of values)
      if (!allowed.includes(v)) throw new HttpError(400, `unknown embed value "${v}"`);
    return new Set(values);
  }

  function checkQuery(query: URLSearchParams, allowed: string[]): void {
    for (const key of query.keys())
      if (!allowed.includes(key)) throw new HttpError(400, `unknown query parameter "${key}"`);
    const perPage = query.get('perPage');
    if (perPage !== null && !(Number(perPage) >= 1 && Number(perPage) <= 100))
      throw new HttpError(400, 'perPage must be between 1 and 100');
  }

  function page<T>(items: T[], query: URLSearchParams): { items: T[]; more: boolean } {
    const perPage = Number(query.get('perPage') ?? 50);
    const number = Number(query.get('page') ?? 1);
    const start = (number - 1) * perPage;
    return { items: items.slice(start, start + perPage), more: items.length > start + perPage };
  }

  function applyParty(party: CapsuleFakeParty, input: Record<string, unknown>): void {
    onlyKeys(
      input,
      [
        'type',
        'firstName',
        'lastName',
        'title',
        'jobTitle',
        'about',
        'emailAddresses',
        'phoneNumbers',
        'addresses',
        'websites',
        'tags',
        'fields',
      ],
      'party',
    );
    for (const key of ['firstName', 'lastName', 'jobTitle'] as const) {
      const value = text(input[key], 'party', key);
      if (input[key] !== undefined) party[key] = value;
    }
    for (const entry of list(input.emailAddresses, 'party', 'emailAddresses')) {
      onlyKeys(entry, ['id', 'type', 'address', '_delete'], 'emailAddress');
      if (entry._delete === true) {
        party.emailAddresses = party.emailAddresses.filter((e) => e.id !== entry.id);
        continue;
      }
      const address = text(entry.address, 'emailAddress', 'address');
      if (!address || !EMAIL.test(address))
        throw invalid('emailAddress', 'address', 'address is not a valid e-mail address');
      party.emailAddresses.push({
        id: id(),
        type: text(entry.type, 'emailAddress', 'type'),
        address,
      });
    }
    for (const entry of list(input.phoneNumbers, 'party', 'phoneNumbers')) {
      onlyKeys(entry, ['id', 'type', 'number', '_delete'], 'phoneNumber');
      const number = text(entry.number, 'phoneNumber', 'number');
      if (!number) throw invalid('phoneNumber', 'number', 'number is required');
      party.phoneNumbers.push({ id: id(), type: text(entry.type, 'phoneNumber', 'type'), number });
    }
    for (const entry of list(input.addresses, 'party', 'addresses')) {
      onlyKeys(
        entry,
        ['id', 'type', 'street', 'city', 'state', 'zip', 'country', '_delete'],
        'address',
      );
      const country = text(entry.country, 'address', 'country');
      if (country !== null && !COUNTRIES.has(country))
        throw invalid('address', 'country', 'address.country: unknown country');
      party.addresses.push({
        id: id(),
        type: text(entry.type, 'address', 'type'),
        street: text(entry.street, 'address', 'street'),
        city: text(entry.city, 'address', 'city'),
        state: text(entry.state, 'address', 'state'),
        zip: text(entry.zip, 'address', 'zip'),
        country,
      });
    }
    for (const entry of list(input.tags, 'party', 'tags')) {
      onlyKeys(entry, ['id', 'name', '_delete'], 'tag');
      if (entry._delete === true) {
        if (typeof entry.id !== 'number') throw invalid('tag', 'id', 'id is required to delete');
        party.tagIds = party.tagIds.filter((t) => t !== entry.id);
        continue;
      }
      let tag: CapsuleFakeTag | undefined;
      if (typeof entry.id === 'number') tag = tags.get(entry.id);
      else if (typeof entry.name === 'string' && entry.name.trim() !== '') {
        tag = tagNamed(entry.name);
        if (!tag) {
          tag = { id: id(), name: entry.name.trim() };
          tags.set(tag.id, tag);
        }
      }
      if (!tag) throw invalid('tag', 'name', 'tag needs a name or a known id');
      if (!party.tagIds.includes(tag.id)) party.tagIds.push(tag.id);
    }
    for (const entry of list(input.fields, 'party', 'fields')) {
      onlyKeys(entry, ['id', 'definition', 'value', 'tagId', '_delete'], 'field');
      const definitionId = isRecord(entry.definition) ? entry.definition.id : undefined;
      const definition = definitions.find((d) => d.id === definitionId);
      if (!definition) throw invalid('field', 'definition', 'definition is not known');
      const value = entry.value;
      const valid =
        (definition.type === 'text' && typeof value === 'string') ||
        (definition.type === 'number' && typeof value === 'number') ||
        (definition.type === 'boolean' && typeof value === 'boolean') ||
        (definition.type === 'date' &&
          typeof value === 'string' &&
          /^\d{4}-\d{2}-\d{2}$/.test(value));
      if (!valid)
        throw invalid(
          'field',
          'value',
          `value is not a valid ${definition.type} for "${definition.name}"`,
        );
      if (entry.id !== undefined) {
        const existing = party.fields.find((f) => f.id === entry.id);
        if (!existing) throw invalid('field', 'id', 'field value id is not known');
        existing.value = value as string | number | boolean;
      } else party.fields.push({ id: id(), definitionId: definition.id, value: value as string });
    }
    if (party.type === 'person' && !party.firstName && !party.lastName)
      throw invalid('party', 'lastName', 'a person needs a first or last name');
  }

  function writeOpportunity(o: CapsuleFakeOpportunity, input: Record<string, unknown>): void {
    onlyKeys(
      input,
      [
        'party',
        'milestone',
        'name',
        'description',
        'value',
        'expectedCloseOn',
        'probability',
        'lostReason',
        'tags',
        'fields',
      ],
      'opportunity',
    );
    if (input.party !== undefined) {
      const partyId = isRecord(input.party) ? input.party.id : undefined;
      if (typeof partyId !== 'number' || !parties.has(partyId))
        throw invalid('opportunity', 'party', 'party is not known');
      o.partyId = partyId;
    }
    if (input.milestone !== undefined) {
      const milestoneId = isRecord(input.milestone) ? input.milestone.id : undefined;
      const milestone = milestones.find((m) => m.id === milestoneId);
      if (!milestone) throw invalid('opportunity', 'milestone', 'milestone is not known');
      o.milestoneId = milestone.id;
      o.closedOn = milestone.complete ? today() : null;
    }
    if (input.name !== undefined) o.name = text(input.name, 'opportunity', 'name') ?? '';
    if (input.description !== undefined)
      o.description = text(input.description, 'opportunity', 'description');
    if (input.value !== undefined) {
      const v = input.value;
      if (!isRecord(v) || typeof v.amount !== 'number' || typeof v.currency !== 'string')
        throw invalid('opportunity', 'value', 'value needs a numeric amount and a currency');
      onlyKeys(v, ['amount', 'currency'], 'value');
      o.value = { amount: v.amount, currency: v.currency };
    }
    if (!o.name) throw invalid('opportunity', 'name', 'name is required');
  }

  function partyOr404(raw: string | undefined): CapsuleFakeParty {
    const party = raw && /^\d+$/.test(raw) ? parties.get(Number(raw)) : undefined;
    if (!party) throw new HttpError(404, 'Could not find resource');
    return party;
  }

  function route(
    method: string,
    segments: string[],
    query: URLSearchParams,
    body: unknown,
  ): { status: number; body: unknown; more?: boolean } {
    const [a, b, c, d] = segments;
    const path = segments.join('/');
    const notAllowed = (): never => {
      throw new HttpError(405, `${method} not allowed on /${path}`);
    };
    const wrapped = (key: string): Record<string, unknown> => {
      if (!isRecord(body) || !isRecord(body[key]) || Object.keys(body).length !== 1)
        throw new HttpError(400, `the body must be an object with the single property "${key}"`);
      return body[key];
    };

    if (a === 'site' && !b) {
      if (method !== 'GET') notAllowed();
      checkQuery(query, []);
      return { status: 200, body: { site: { name: 'Fake Ltd', subdomain: 'fake' } } };
    }
    if (a === 'parties' && b === 'search' && !c) {
      if (method !== 'GET') notAllowed();
      checkQuery(query, ['q', 'page', 'perPage', 'embed']);
      const embed = embedOf(query, ['tags', 'fields', 'organisation', 'missingImportantFields']);
      const q = (query.get('q') ?? '').toLowerCase();
      if (!q) throw new HttpError(400, 'q is required');
      const found = [...parties.values()].filter(
        (p) =>
          `${p.firstName ?? ''} ${p.lastName ?? ''}`.toLowerCase().includes(q) ||
          p.emailAddresses.some((e) => e.address.toLowerCase().includes(q)) ||
          p.phoneNumbers.some((n) => n.number.toLowerCase().includes(q)),
      );
      const paged = page(found, query);
      return {
        status: 200,
        body: { parties: paged.items.map((p) => partyView(p, embed)) },
        more: paged.more,
      };
    }
    if (a === 'parties' && b === 'fields' && c === 'definitions' && !d) {
      if (method !== 'GET') notAllowed();
      checkQuery(query, ['page', 'perPage']);
      const paged = page(definitions, query);
      return {
        status: 200,
        body: { definitions: paged.items.map((x, i) => ({ ...x, displayOrder: i + 1 })) },
        more: paged.more,
      };
    }
    if (a === 'parties' && !b) {
      if (method !== 'POST') notAllowed();
      checkQuery(query, ['embed']);
      const embed = embedOf(query, ['tags', 'fields', 'organisation', 'missingImportantFields']);
      const input = wrapped('party');
      if (input.type !== 'person' && input.type !== 'organisation')
        throw invalid('party', 'type', 'type must be person or organisation');
      const party: CapsuleFakeParty = {
        id: nextPartyId++,
        type: input.type,
        firstName: null,
        lastName: null,
        jobTitle: null,
        emailAddresses: [],
        phoneNumbers: [],
        addresses: [],
        tagIds: [],
        fields: [],
      };
      applyParty(party, input);
      parties.set(party.id, party);
      return { status: 201, body: { party: partyView(party, embed) } };
    }
    if (a === 'parties' && b && !c) {
      const party = partyOr404(b);
      checkQuery(query, ['embed']);
      const embed = embedOf(query, ['tags', 'fields', 'organisation', 'missingImportantFields']);
      if (method === 'GET') return { status: 200, body: { party: partyView(party, embed) } };
      if (method !== 'PUT') notAllowed();
      const input = wrapped('party');
      if (input.type !== undefined) throw invalid('party', 'type', 'type cannot be changed');
      // All or nothing, as one request: apply to a copy first.
      const copy = structuredClone(party);
      applyParty(copy, input);
      parties.set(party.id, copy);
      return { status: 200, body: { party: partyView(copy, embed) } };
    }
    if (a === 'parties' && b && c === 'opportunities' && !d) {
      if (method !== 'GET') notAllowed();
      const party = partyOr404(b);
      checkQuery(query, ['page', 'perPage', 'embed']);
      const paged = page(
        [...opportunities.values()].filter((o) => o.partyId === party.id),
        query,
      );
      return {
        status: 200,
        body: { opportunities: paged.items.map(opportunityView) },
        more: paged.more,
      };
    }
    if (a === 'opportunities' && !b) {
      if (method !== 'POST') notAllowed();
      checkQuery(query, ['embed']);
      const input = wrapped('opportunity');
      for (const required of ['party', 'milestone', 'name'])
        if (input[required] === undefined)
          throw invalid('opportunity', required, `${required} is required`);
      const o: CapsuleFakeOpportunity = {
        id: nextOpportunityId++,
        partyId: 0,
        milestoneId: 0,
        name: '',
        description: null,
        value: null,
        closedOn: null,
      };
      writeOpportunity(o, input);
      opportunities.set(o.id, o);
      return { status: 201, body: { opportunity: opportunityView(o) } };
    }
    if (a === 'opportunities' && b && !c) {
      const o = /^\d+$/.test(b) ? opportunities.get(Number(b)) : undefined;
      if (!o) throw new HttpError(404, 'Could not find resource');
      checkQuery(query, ['embed']);
      if (method === 'GET') return { status: 200, body: { opportunity: opportunityView(o) } };
      if (method !== 'PUT') notAllowed();
      const copy = { ...o };
      writeOpportunity(copy, wrapped('opportunity'));
      opportunities.set(o.id, copy);
      return { status: 200, body: { opportunity: opportunityView(copy) } };
    }
    if (a === 'pipelines' && b && c === 'milestones' && !d) {
      if (method !== 'GET') notAllowed();
      checkQuery(query, ['page', 'perPage']);
      const on = milestones.filter((m) => String(m.pipelineId) === b);
      if (on.length === 0) throw new HttpError(404, 'Could not find resource');
      const paged = page(on, query);
      return {
        status: 200,
        body: {
          milestones: paged.items.map((m) => ({
            id: m.id,
            name: m.name,
            complete: m.complete,
            probability: m.probability,
            pipeline: { id: m.pipelineId, name: `Pipeline ${m.pipelineId}` },
          })),
        },
        more: paged.more,
      };
    }
    throw new HttpError(404, 'Could not find resource');
  }

  const server = createServer((req, res) => {
    void readBody(req).then((raw) => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers))
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
      const method = (req.method ?? 'GET').toUpperCase();
      const inside = url.pathname.startsWith(`${BASE}/`);
      const segments = inside
        ? url.pathname
            .slice(BASE.length + 1)
            .split('/')
            .map((s) => decodeURIComponent(s))
        : [];
      let body: unknown;
      let bodyError: HttpError | null = null;
      if (raw.length > 0) {
        if (!(headers['content-type'] ?? '').startsWith('application/json'))
          bodyError = new HttpError(415, 'Content-Type must be application/json');
        else {
          try {
            body = JSON.parse(raw.toString('utf8')) as unknown;
          } catch {
            bodyError = new HttpError(400, 'The body is not valid JSON');
          }
        }
      } else if (method === 'POST' || method === 'PUT')
        bodyError = new HttpError(400, 'A JSON body is required');
      requests.push({
        method,
        path: `/${segments.join('/')}`,
        query: url.searchParams,
        headers,
        body,
      });

      const send = (status: number, payload: unknown, extra: Record<string, string> = {}) => {
        res.writeHead(status, {
          'content-type': 'application/json',
          'x-ratelimit-limit': String(perHour),
          'x-ratelimit-remaining': String(Math.max(0, perHour - used)),
          'x-ratelimit-reset': String(windowReset),
          ...extra,
        });
        res.end(JSON.stringify(payload));
      };
      const force = forced.shift();
      if (force)
        return send(
          force.status,
          force.body ?? { message: `forced ${force.status}` },
          force.headers,
        );
      if (!inside) return send(404, { message: 'Could not find resource' });
      if (headers.authorization !== `Bearer ${token}`)
        return send(401, { message: 'authentication failed' });
      if (used >= perHour) return send(429, { error: 'rate limit reached' });
      used += 1;
      if (bodyError) return send(bodyError.status, { message: bodyError.message });
      try {
        const answer = route(method, segments, url.searchParams, body);
        const next = new URL(url.href);
        next.searchParams.set('page', String(Number(url.searchParams.get('page') ?? 1) + 1));
        send(
          answer.status,
          answer.body,
          answer.more ? { link: `<http://fake${next.pathname}${next.search}>; rel="next"` } : {},
        );
      } catch (err) {
        if (err instanceof HttpError)
          send(err.status, {
            message: err.message,
            ...(err.errors.length > 0 ? { errors: err.errors } : {}),
          });
        else send(500, { message: err instanceof Error ? err.message : String(err) });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: `${origin}${BASE}`,
    get token() {
      return token;
    },
    parties,
    tags,
    opportunities,
    definitions,
    milestones,
    pipelineId,
    milestone: (name) => {
      const found = milestones.find((m) => m.name === name && m.pipelineId === pipelineId);
      if (!found) throw new Error(`no milestone ${name}`);
      return found.id;
    },
    requests,
    writes: () => requests.filter((r) => r.method !== 'GET'),
    failNext: (...answers) => {
      forced.push(...answers);
    },
    setToken: (next) => {
      token = next;
    },
    limit: (next) => {
      perHour = next;
    },
    peopleByEmail: (email) =>
      [...parties.values()].filter(
        (p) =>
          p.type === 'person' &&
          p.emailAddresses.some((e) => e.address.toLowerCase() === email.toLowerCase()),
      ),
    tagsOf: (partyId) =>
      (parties.get(partyId)?.tagIds ?? []).map((t) => tags.get(t)?.name ?? `#${t}`).sort(),
    fieldsOf: (partyId) =>
      Object.fromEntries(
        (parties.get(partyId)?.fields ?? []).map((f) => [
          definitions.find((d) => d.id === f.definitionId)?.name ?? `#${f.definitionId}`,
          f.value,
        ]),
      ),
    opportunitiesOf: (partyId) => [...opportunities.values()].filter((o) => o.partyId === partyId),
    snapshot: () =>
      JSON.stringify({
        parties: [...parties.values()],
        tags: [...tags.values()],
        opportunities: [...opportunities.values()],
      }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
