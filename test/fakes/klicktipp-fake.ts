/**
 * A local Klick-Tipp REST API for tests (docs/protocols/klicktipp.md#what-the-fake-emulates checklist): a real HTTP
 * server on 127.0.0.1 that is strict about paths, methods, authentication and body shapes and
 * keeps contacts, tags, fields and opt-in processes in memory.
 *
 * - `POST /account/login` (JSON or form) → `{sessid, session_name, account}` + Set-Cookie; every
 *   other route needs that cookie or valid partner headers (`X-Un`, `X-Ci` = base64(HMAC-SHA256
 *   (hex developer key, customer key) ‖ customer key)); otherwise 403 `["API access denied."]`.
 * - Bodies: JSON or `application/x-www-form-urlencoded` with bracket keys (`fields[fieldCity]=…`,
 *   `tagids[0]=17`); every path also answers with a `.json` suffix.
 * - Errors in Klick-Tipp's shapes: arrays of messages (400/401/403/404/405) and 406 `{"error": n}`.
 * - Switches: `failNext` (e.g. 429 with Retry-After, 503), `expireSessions`, `confirmOptIn`
 *   (the DOI click), counters of logins and requests, a `snapshot` of the whole state.
 *
 * Behaviour the reference marks UNCONFIRMED, chosen here: tagging a tagged contact and
 * untagging an absent tag answer `[true]`; duplicate tag names are allowed (a new id);
 * an unsubscribed e-mail that subscribes again goes back to `Opt-In Pending`; search answers
 * the id as a number (the OpenAPI's shape). Multipart bodies are not supported.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeFieldType = 'text' | 'number' | 'decimal' | 'date' | 'url';

export interface KlickTippFakeOptions {
  username?: string;
  password?: string;
  /** Accept the partner headers for this developer key (hex) and customer key. */
  partner?: { developerKey: string; customerKey: string };
  /** Custom fields by key (`field12345`). Built-in fields always exist as text. */
  customFields?: Record<string, { label: string; type?: FakeFieldType }>;
  /** Opt-in processes by id; `doubleOptIn: false` subscribes at once. Default: 100 (DOI) and 200 (SOI). */
  lists?: Record<number, { name: string; doubleOptIn: boolean }>;
  /** Manual tags that exist from the start, id → name. */
  tags?: Record<number, string>;
  /** Smart tags (cannot be removed from contacts), id → name. */
  smartTags?: Record<number, string>;
  /** Legacy listbuilding API keys with their opt-in process and tag. */
  apiKeys?: Record<string, { listId: number; tagId?: number }>;
  /** Unix seconds for timestamps; defaults to the real time. */
  now?: () => number;
}

export interface FakeSubscriber {
  id: number;
  email: string;
  status: 'Subscribed' | 'Opt-In Pending' | 'Unsubscribed';
  listId: number;
  fields: Record<string, string>;
  /** Tag id → unix time it was applied. */
  tags: Map<number, number>;
  created: number;
  unsubscribed: number | null;
}

export interface FakeRequest {
  method: string;
  /** Path as received, with query string. */
  path: string;
  status: number;
  contentType: string | undefined;
  /** The parsed body (JSON or decoded form), or null. */
  body: unknown;
}

export interface FailureStep {
  status: number;
  headers?: Record<string, string>;
  /** Sent as JSON; default `["Service unavailable."]`-style text for the status. */
  body?: unknown;
  /** Only requests to this path (without `.json`) consume the step; default any path except the login. */
  path?: string;
}

export interface KlickTippFakeState {
  subscribers: Map<number, FakeSubscriber>;
  tags: Map<number, { name: string; text: string; smart: boolean }>;
  fields: Map<string, { label: string; type: FakeFieldType }>;
  lists: Map<number, { name: string; doubleOptIn: boolean }>;
  sessions: Set<string>;
}

export interface KlickTippFake {
  url: string;
  state: KlickTippFakeState;
  requests: FakeRequest[];
  /** Login attempts (right or wrong). */
  readonly logins: number;
  /** The next matching requests answer with these steps, in order. */
  failNext(...steps: FailureStep[]): void;
  /** Ends every session: the next call with an old cookie gets 403. */
  expireSessions(): void;
  /** The DOI click: a pending contact becomes `Subscribed`. */
  confirmOptIn(email: string): boolean;
  subscriber(email: string): FakeSubscriber | undefined;
  /** Tag names of a contact, sorted. */
  tagNames(email: string): string[];
  /** The whole state as JSON text, to prove that something changed nothing. */
  snapshot(): string;
  close(): Promise<void>;
}

const BUILT_IN_FIELDS: Record<string, string> = {
  fieldFirstName: 'First name',
  fieldLastName: 'Last name',
  fieldCompanyName: 'Company',
  fieldStreet1: 'Street 1',
  fieldStreet2: 'Street 2',
  fieldCity: 'City',
  fieldState: 'State',
  fieldZip: 'Zip code',
  fieldCountry: 'Country',
  fieldPrivatePhone: 'Private phone',
  fieldMobilePhone: 'Mobile phone',
  fieldPhone: 'Phone',
  fieldFax: 'Fax',
  fieldWebsite: 'Website',
  fieldBirthday: 'Birthday',
  fieldLeadValue: 'Lead value',
};

const ACCESS_DENIED = ['API access denied.'];
const NOT_FOUND = ['There is no such entity.'];

type Body = Record<string, unknown>;
type Reply = { status: number; body: unknown; headers?: Record<string, string> };
interface Call {
  method: string;
  segments: string[];
  body: Body;
  req: IncomingMessage;
}

class BadRequest extends Error {
  constructor(readonly reply: Reply) {
    super('bad request');
  }
}

const ok = (body: unknown): Reply => ({ status: 200, body });
const notAcceptable = (error: number, extra: Body = {}): Reply => ({
  status: 406,
  body: { error, ...extra },
});
const missing = (name: string): Reply => ({
  status: 401,
  body: [`Missing required argument ${name}`],
});

/** `a[b][0]=x` → `{ a: { b: ['x'] } }`: objects whose keys are all indexes become arrays. */
function decodeForm(text: string): Body {
  const root: Body = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
    if (!match?.[1]) continue;
    const path = [
      match[1],
      ...[...(match[2] ?? '').matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1] ?? ''),
    ];
    let node: Body = root;
    path.forEach((part, i) => {
      const name = part === '' ? String(Object.keys(node).length) : part;
      if (i === path.length - 1) node[name] = value;
      else {
        const next = node[name];
        if (typeof next === 'object' && next !== null) node = next as Body;
        else {
          const child: Body = {};
          node[name] = child;
          node = child;
        }
      }
    });
  }
  const arrays = (value: unknown): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    const entries = Object.entries(value as Body).map(([k, v]) => [k, arrays(v)] as const);
    if (entries.length > 0 && entries.every(([k]) => /^\d+$/.test(k)))
      return entries.sort((a, b) => Number(a[0]) - Number(b[0])).map(([, v]) => v);
    return Object.fromEntries(entries);
  };
  return arrays(root) as Body;
}

function parseBody(req: IncomingMessage, raw: string): Body {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (raw.length === 0 && type === '') return {};
  if (type === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new BadRequest({ status: 400, body: ['The request body is not valid JSON.'] });
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new BadRequest({ status: 400, body: ['The request body must be an object.'] });
    return parsed as Body;
  }
  if (type === 'application/x-www-form-urlencoded') return decodeForm(raw);
  throw new BadRequest({ status: 400, body: [`Unsupported content type "${type || 'none'}".`] });
}

/** A string argument: absent → 401 "Missing required argument", not a string → 400. */
function stringArg(body: Body, name: string, required: true): string;
function stringArg(body: Body, name: string, required: false): string | undefined;
function stringArg(body: Body, name: string, required: boolean): string | undefined {
  const value = body[name];
  if (value === undefined || value === null || value === '') {
    if (required) throw new BadRequest(missing(name));
    return undefined;
  }
  if (typeof value !== 'string')
    throw new BadRequest({ status: 400, body: [`The key "${name}" must be a string.`] });
  return value;
}

/** An integer argument given as a number or a digit string. */
function intArg(body: Body, name: string, required: boolean): number | undefined {
  const value = body[name];
  if (value === undefined || value === null || value === '') {
    if (required) throw new BadRequest(missing(name));
    return undefined;
  }
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  throw new BadRequest({ status: 400, body: [`The key "${name}" must be an integer.`] });
}

function partnerCipher(developerKey: string, customerKey: string): Buffer {
  const mac = createHmac('sha256', Buffer.from(developerKey, 'hex'))
    .update(customerKey, 'utf8')
    .digest();
  return Buffer.concat([mac, Buffer.from(customerKey, 'utf8')]);
}

export async function startKlickTippFake(
  options: KlickTippFakeOptions = {},
): Promise<KlickTippFake> {
  const username = options.username ?? 'demo-account';
  const password = options.password ?? 'correct horse battery staple';
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const sessionName = `SSESS${randomBytes(8).toString('hex')}`;
  const state: KlickTippFakeState = {
    subscribers: new Map(),
    tags: new Map(),
    fields: new Map(
      Object.entries(BUILT_IN_FIELDS).map(([key, label]) => [
        key,
        { label, type: 'text' as FakeFieldType },
      ]),
    ),
    lists: new Map(
      Object.entries(
        options.lists ?? {
          100: { name: 'Double opt-in', doubleOptIn: true },
          200: { name: 'Single opt-in', doubleOptIn: false },
        },
      ).map(([id, list]) => [Number(id), list]),
    ),
    sessions: new Set(),
  };
  for (const [key, field] of Object.entries(options.customFields ?? {}))
    state.fields.set(key, { label: field.label, type: field.type ?? 'text' });
  for (const [id, name] of Object.entries(options.tags ?? {}))
    state.tags.set(Number(id), { name, text: '', smart: false });
  for (const [id, name] of Object.entries(options.smartTags ?? {}))
    state.tags.set(Number(id), { name, text: '', smart: true });
  const requests: FakeRequest[] = [];
  const failures: FailureStep[] = [];
  let logins = 0;
  let nextSubscriberId = 155988456;
  let nextTagId = Math.max(1000, ...state.tags.keys()) + 1;

  const byEmail = (email: string): FakeSubscriber | undefined => {
    const wanted = email.trim().toLowerCase();
    return [...state.subscribers.values()].find((s) => s.email === wanted);
  };
  const display = (unix: number): string =>
    new Date(unix * 1000)
      .toISOString()
      .replace(/^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2}:\d{2}).*$/, '$3.$2.$1 $4');

  function contactView(s: FakeSubscriber): Body {
    const manual: Record<string, string> = {};
    const smart: Record<string, string> = {};
    for (const [id, at] of s.tags)
      (state.tags.get(id)?.smart ? smart : manual)[String(id)] = String(at);
    const fields = Object.fromEntries(
      [...state.fields.keys()].map((key) => [key, s.fields[key] ?? '']),
    );
    return {
      id: String(s.id),
      listid: String(s.listId),
      optin: s.status === 'Subscribed' ? display(s.created) : '',
      optin_ip: '0.0.0.0',
      email: s.email,
      status: s.status,
      bounce: 'Not Bounced',
      date: display(s.created),
      ip: '0.0.0.0',
      unsubscription: s.unsubscribed === null ? '' : display(s.unsubscribed),
      unsubscription_ip: '0.0.0.0',
      referrer: '',
      sms_phone: '',
      sms_status: '',
      sms_bounce: '',
      sms_date: '',
      sms_unsubscription: '',
      ...fields,
      tags: [...s.tags.keys()].map(String),
      manual_tags: manual,
      smart_tags: smart,
      notification_emails_sent: {},
      notification_emails_opened: {},
      notification_emails_clicked: {},
      emails_sent: {},
      emails_opened: {},
      emails_clicked: {},
      campaigns_started: {},
      campaigns_finished: {},
    };
  }

  /** Validates and converts `fields` the way Klick-Tipp stores them; 406 error 8 names the field. */
  function checkFields(value: unknown): Record<string, string> {
    if (value === undefined || value === null) return {};
    if (typeof value !== 'object' || Array.isArray(value))
      throw new BadRequest({ status: 400, body: ['The key "fields" must be an object.'] });
    const out: Record<string, string> = {};
    for (const [key, raw] of Object.entries(value as Body)) {
      const field = state.fields.get(key);
      if (!field) throw new BadRequest(notAcceptable(8, { field: key, reason: 'unknown field' }));
      if (typeof raw !== 'string' && typeof raw !== 'number')
        throw new BadRequest(notAcceptable(8, { field: key, reason: 'value must be a string' }));
      const text = String(raw);
      const invalid = (reason: string) =>
        new BadRequest(
          notAcceptable(8, { code: 8, field: key, name: field.label, field_value: text, reason }),
        );
      if (field.type === 'date' && !/^\d+$/.test(text))
        throw invalid('Date fields take a Unix timestamp in seconds.');
      if ((field.type === 'number' || field.type === 'decimal') && !/^-?\d+$/.test(text))
        throw invalid('Numbers take an integer (decimal fields: the value ×100).');
      if (field.type === 'url' && text !== '' && !/^https?:\/\//.test(text))
        throw invalid('URLs must start with http:// or https://.');
      out[key] = field.type === 'decimal' ? (Number(text) / 100).toFixed(2) : text;
    }
    return out;
  }

  function upsert(
    email: string,
    listId: number | undefined,
    tagId: number | undefined,
    fields: Record<string, string>,
  ): FakeSubscriber {
    if (!email.includes('@')) throw new BadRequest(notAcceptable(5));
    if (listId !== undefined && !state.lists.has(listId)) throw new BadRequest(notAcceptable(402));
    if (tagId !== undefined && !state.tags.has(tagId)) throw new BadRequest(notAcceptable(403));
    const list = listId === undefined ? undefined : state.lists.get(listId);
    const initial = list && !list.doubleOptIn ? 'Subscribed' : 'Opt-In Pending';
    let s = byEmail(email);
    if (!s) {
      s = {
        id: nextSubscriberId++,
        email: email.trim().toLowerCase(),
        status: initial,
        listId: listId ?? 0,
        fields: {},
        tags: new Map(),
        created: now(),
        unsubscribed: null,
      };
      state.subscribers.set(s.id, s);
    } else if (s.status === 'Unsubscribed') {
      s.status = initial;
      s.listId = listId ?? s.listId;
      s.unsubscribed = null;
    }
    Object.assign(s.fields, fields);
    if (tagId !== undefined && !s.tags.has(tagId)) s.tags.set(tagId, now());
    return s;
  }

  function subscriberArg(body: Body): FakeSubscriber {
    const s = byEmail(stringArg(body, 'email', true));
    if (!s) throw new BadRequest(notAcceptable(7));
    return s;
  }

  function tagById(id: string | undefined): number {
    const tagId = id !== undefined && /^\d+$/.test(id) ? Number(id) : NaN;
    if (!state.tags.has(tagId)) throw new BadRequest({ status: 404, body: NOT_FOUND });
    return tagId;
  }

  function apiKey(body: Body): { listId: number; tagId?: number } {
    const key = stringArg(body, 'apikey', true);
    const entry = options.apiKeys?.[key];
    // A wrong key answers 500 with an empty body (docs/protocols/klicktipp.md#authentication, from a client's test fixture).
    if (!entry) throw new BadRequest({ status: 500, body: undefined });
    return entry;
  }

  type Handler = (call: Call) => Reply;
  const routes: Array<{ pattern: string; methods: Record<string, Handler>; open?: boolean }> = [
    {
      pattern: 'account/login',
      open: true,
      methods: {
        POST: ({ body, req }) => {
          logins += 1;
          if (sessionOf(req)) return { status: 406, body: ['You are already logged in.'] };
          const user = stringArg(body, 'username', true);
          const pass = stringArg(body, 'password', true);
          if (user !== username || pass !== password)
            return { status: 401, body: ['Wrong username or password.'] };
          const sessid = randomBytes(16).toString('hex');
          state.sessions.add(sessid);
          return {
            status: 200,
            headers: { 'set-cookie': `${sessionName}=${sessid}; path=/; secure; httponly` },
            body: {
              sessid,
              session_name: sessionName,
              account: {
                uid: 1,
                status: 1,
                tier: 20,
                usergroup: '42',
                username,
                email: `${username}@example.org`,
                firstname: 'Demo',
                lastname: 'Account',
              },
            },
          };
        },
      },
    },
    {
      pattern: 'account/logout',
      methods: {
        POST: ({ req }) => {
          const sessid = sessionOf(req);
          if (sessid) state.sessions.delete(sessid);
          return ok([true]);
        },
      },
    },
    {
      pattern: 'subscriber',
      methods: {
        GET: () => ok([...state.subscribers.keys()].map(String)),
        POST: ({ body }) => {
          const email = stringArg(body, 'email', false);
          const sms = stringArg(body, 'smsnumber', false);
          if (email === undefined && sms === undefined) return notAcceptable(32);
          if (email === undefined) return notAcceptable(5);
          const fields = checkFields(body.fields);
          return ok(
            contactView(
              upsert(email, intArg(body, 'listid', false), intArg(body, 'tagid', false), fields),
            ),
          );
        },
      },
    },
    {
      pattern: 'subscriber/search',
      methods: {
        POST: ({ body }) => {
          const s = byEmail(stringArg(body, 'email', true));
          return s ? ok([s.id]) : { status: 404, body: NOT_FOUND };
        },
      },
    },
    {
      pattern: 'subscriber/:id',
      methods: {
        GET: ({ segments }) => {
          const s = state.subscribers.get(Number(segments[1]));
          return s ? ok(contactView(s)) : { status: 404, body: NOT_FOUND };
        },
        PUT: ({ segments, body }) => {
          const s = state.subscribers.get(Number(segments[1]));
          if (!s) return { status: 404, body: NOT_FOUND };
          const fields = checkFields(body.fields);
          const newEmail = stringArg(body, 'newemail', false);
          if (newEmail !== undefined) {
            if (!newEmail.includes('@')) return notAcceptable(10, { code: 5 });
            s.email = newEmail.trim().toLowerCase();
          }
          Object.assign(s.fields, fields);
          return ok([true]);
        },
        DELETE: ({ segments }) =>
          state.subscribers.delete(Number(segments[1]))
            ? ok([true])
            : { status: 404, body: NOT_FOUND },
      },
    },
    {
      pattern: 'subscriber/tag',
      methods: {
        POST: ({ body }) => {
          const s = subscriberArg(body);
          const raw = body.tagids;
          const ids = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
          if (ids.length === 0) throw new BadRequest(missing('tagids'));
          const tagIds = ids.map((id) =>
            typeof id === 'number'
              ? id
              : typeof id === 'string' && /^\d+$/.test(id)
                ? Number(id)
                : NaN,
          );
          if (tagIds.some((id) => !state.tags.has(id))) return notAcceptable(403);
          for (const id of tagIds) if (!s.tags.has(id)) s.tags.set(id, now());
          return ok([true]);
        },
      },
    },
    {
      pattern: 'subscriber/untag',
      methods: {
        POST: ({ body }) => {
          const s = subscriberArg(body);
          const tagId = intArg(body, 'tagid', true) ?? 0;
          const tag = state.tags.get(tagId);
          if (!tag) return notAcceptable(403);
          if (tag.smart) return notAcceptable(31);
          s.tags.delete(tagId);
          return ok([true]);
        },
      },
    },
    {
      pattern: 'subscriber/unsubscribe',
      methods: {
        POST: ({ body }) => {
          const s = subscriberArg(body);
          if (s.status !== 'Subscribed') return notAcceptable(9);
          s.status = 'Unsubscribed';
          s.unsubscribed = now();
          return ok([true]);
        },
      },
    },
    {
      pattern: 'subscriber/tagged',
      methods: {
        POST: ({ body }) => {
          const tagId = intArg(body, 'tagid', true) ?? 0;
          const tagged: Record<string, string> = {};
          for (const s of state.subscribers.values()) {
            const at = s.tags.get(tagId);
            if (at !== undefined) tagged[String(s.id)] = String(at);
          }
          return ok(tagged);
        },
      },
    },
    {
      pattern: 'subscriber/signin',
      open: true,
      methods: {
        POST: ({ body }) => {
          const key = apiKey(body);
          const email = stringArg(body, 'email', true);
          upsert(email, key.listId, key.tagId, checkFields(body.fields));
          return ok([
            `https://app.klicktipp.com/optin/${key.listId}?email=${encodeURIComponent(email)}`,
          ]);
        },
      },
    },
    {
      pattern: 'subscriber/signout',
      open: true,
      methods: {
        POST: ({ body }) => {
          const key = apiKey(body);
          const s = byEmail(stringArg(body, 'email', true));
          if (!s) return notAcceptable(7);
          if (key.tagId !== undefined) s.tags.delete(key.tagId);
          return ok([true]);
        },
      },
    },
    {
      pattern: 'subscriber/signoff',
      open: true,
      methods: {
        POST: ({ body }) => {
          apiKey(body);
          const s = byEmail(stringArg(body, 'email', true));
          if (s?.status !== 'Subscribed') return notAcceptable(9);
          s.status = 'Unsubscribed';
          s.unsubscribed = now();
          return ok([true]);
        },
      },
    },
    {
      pattern: 'tag',
      methods: {
        GET: () =>
          ok(Object.fromEntries([...state.tags].map(([id, tag]) => [String(id), tag.name]))),
        POST: ({ body }) => {
          const name = typeof body.name === 'string' ? body.name.trim() : '';
          if (name === '') return { status: 406, body: ['The tag name must not be empty.'] };
          const id = nextTagId++;
          state.tags.set(id, { name, text: stringArg(body, 'text', false) ?? '', smart: false });
          return ok([id]);
        },
      },
    },
    {
      pattern: 'tag/:id',
      methods: {
        GET: ({ segments }) => {
          const id = tagById(segments[1]);
          const tag = state.tags.get(id);
          return ok({ tagid: String(id), name: tag?.name, text: tag?.text });
        },
        PUT: ({ segments, body }) => {
          const tag = state.tags.get(tagById(segments[1]));
          if (tag) {
            tag.name = stringArg(body, 'name', false) ?? tag.name;
            tag.text = stringArg(body, 'text', false) ?? tag.text;
          }
          return ok([true]);
        },
        DELETE: ({ segments }) => {
          const id = tagById(segments[1]);
          state.tags.delete(id);
          for (const s of state.subscribers.values()) s.tags.delete(id);
          return ok([true]);
        },
      },
    },
    {
      pattern: 'field',
      methods: {
        GET: () =>
          ok(Object.fromEntries([...state.fields].map(([key, field]) => [key, field.label]))),
      },
    },
    {
      pattern: 'field/:id',
      methods: {
        GET: ({ segments }) => {
          const raw = segments[1] ?? '';
          const key = raw.startsWith('field') ? raw : `field${raw}`;
          const field = state.fields.get(key);
          return field
            ? ok({ id: key.slice('field'.length), name: field.label })
            : { status: 404, body: NOT_FOUND };
        },
      },
    },
    {
      pattern: 'list',
      methods: {
        GET: () =>
          ok(Object.fromEntries([...state.lists].map(([id, list]) => [String(id), list.name]))),
      },
    },
    {
      pattern: 'list/:id',
      methods: {
        GET: ({ segments }) => {
          const list = state.lists.get(Number(segments[1]));
          return list
            ? ok({
                id: segments[1],
                name: list.name,
                pendingurl: '',
                thankyouurl: '',
                usesingleoptin: list.doubleOptIn ? '0' : '1',
              })
            : { status: 404, body: NOT_FOUND };
        },
      },
    },
    {
      pattern: 'list/redirect',
      methods: {
        POST: ({ body }) => {
          const listId = intArg(body, 'listid', true) ?? 0;
          const email = stringArg(body, 'email', true);
          if (!state.lists.has(listId)) return notAcceptable(402);
          return ok([
            `https://app.klicktipp.com/thankyou/${listId}?email=${encodeURIComponent(email)}`,
          ]);
        },
      },
    },
  ];

  function sessionOf(req: IncomingMessage): string | null {
    for (const part of (req.headers.cookie ?? '').split(';')) {
      const [name, value] = part.trim().split('=');
      if (name === sessionName && value && state.sessions.has(value)) return value;
    }
    return null;
  }

  function partnerOk(req: IncomingMessage): boolean {
    const un = req.headers['x-un'];
    const ci = req.headers['x-ci'];
    if (!options.partner || typeof un !== 'string' || typeof ci !== 'string' || un !== username)
      return false;
    const expected = partnerCipher(options.partner.developerKey, options.partner.customerKey);
    const given = Buffer.from(ci, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  function match(segments: string[]): (typeof routes)[number] | undefined {
    // Literal routes win over `:id` routes (`subscriber/search` is not subscriber 'search').
    const literal = routes.find((r) => r.pattern === segments.join('/'));
    if (literal) return literal;
    return routes.find((r) => {
      const parts = r.pattern.split('/');
      return (
        parts.length === segments.length &&
        parts.every((p, i) =>
          p === ':id' ? /^[A-Za-z0-9]+$/.test(segments[i] ?? '') : p === segments[i],
        )
      );
    });
  }

  function handle(req: IncomingMessage, raw: string): Reply & { parsed: unknown } {
    const method = (req.method ?? 'GET').toUpperCase();
    const pathname = new URL(req.url ?? '/', 'http://fake').pathname.replace(/\.json$/, '');
    const segments = pathname.split('/').filter((s) => s.length > 0);
    const route = match(segments);
    const index = failures.findIndex((f) =>
      f.path === undefined ? route?.pattern !== 'account/login' : f.path === pathname,
    );
    if (index !== -1) {
      const [step] = failures.splice(index, 1);
      if (step)
        return {
          status: step.status,
          headers: step.headers,
          body: step.body ?? [`Simulated HTTP ${step.status}.`],
          parsed: null,
        };
    }
    if (!route) return { status: 404, body: NOT_FOUND, parsed: null };
    const handler = route.methods[method];
    if (!handler) return { status: 405, body: [`Method ${method} not allowed.`], parsed: null };
    let body: Body = {};
    try {
      body = parseBody(req, raw);
      if (!route.open && !sessionOf(req) && !partnerOk(req))
        return { status: 403, body: ACCESS_DENIED, parsed: body };
      return { ...handler({ method, segments, body, req }), parsed: body };
    } catch (err) {
      if (err instanceof BadRequest) return { ...err.reply, parsed: body };
      return {
        status: 500,
        body: [`fake bug: ${err instanceof Error ? err.message : String(err)}`],
        parsed: body,
      };
    }
  }

  function send(res: ServerResponse, reply: Reply): void {
    const headers: Record<string, string> = { ...reply.headers };
    if (reply.body === undefined) {
      res.writeHead(reply.status, headers);
      res.end();
      return;
    }
    res.writeHead(reply.status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(reply.body));
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const reply = handle(req, raw);
      requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        status: reply.status,
        contentType: req.headers['content-type'],
        body: reply.parsed,
      });
      send(res, reply);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    state,
    requests,
    get logins() {
      return logins;
    },
    failNext: (...steps) => {
      failures.push(...steps);
    },
    expireSessions: () => state.sessions.clear(),
    confirmOptIn(email) {
      const s = byEmail(email);
      if (s?.status !== 'Opt-In Pending') return false;
      s.status = 'Subscribed';
      return true;
    },
    subscriber: byEmail,
    tagNames(email) {
      const s = byEmail(email);
      return s ? [...s.tags.keys()].map((id) => state.tags.get(id)?.name ?? `#${id}`).sort() : [];
    },
    snapshot() {
      const subscribers = [...state.subscribers.values()].map((s) => ({
        ...s,
        tags: [...s.tags.keys()],
      }));
      return JSON.stringify({
        subscribers,
        tags: [...state.tags],
        fields: [...state.fields],
        lists: [...state.lists],
      });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
