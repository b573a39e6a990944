/**
 * A local ActiveCampaign API v3 on 127.0.0.1 for connector tests, following the checklist of
 * docs/protocols/activecampaign.md#what-the-fake-emulates: the `Api-Token` header (wrong or missing → 403), JSON bodies
 * wrapped in a singular key, lists in a plural key with `meta.total` as a string, string ids,
 * 422 `{errors:[{title,detail,code,source}]}` for bad values, `{message}` for unknown ids.
 * Stateful: contacts (upsert by e-mail, case-insensitive), custom fields (seeded, never created
 * through the API), tags (duplicate names refused), contact tags, list memberships and Deep
 * Data connections, customers and orders (unique per connection + externalid).
 *
 * Switches: `failNext` answers the next requests with 429/5xx (+ `Retry-After`), `setApiToken`
 * rotates the key (the old one gets 403), an optional token bucket answers 429 above a rate;
 * `requests` records everything, `snapshot()` serialises the state to prove "no writes".
 * Facts the reference marks UNCONFIRMED (403 body, duplicate-tag status, duplicate-order
 * body, 201 vs 200 on sync) are this fake's choices, not assertions about ActiveCampaign.
 * What ActiveCampaign answers when a tag is attached to a contact that already has it is
 * UNCONFIRMED too; `duplicateContactTag` plays each plausible answer (the reference suggests
 * 201 with the existing row, the default here), so the connector is tested against all three.
 * `hold` pauses one request before it is processed, so a test can interleave deliveries.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isRecord } from '../../src/lib/is-record.js';

type Row = Record<string, unknown> & { id: string };

export interface FakeState {
  contacts: Array<Row & { email: string; firstName: string; lastName: string; phone: string }>;
  fields: Array<Row & { title: string; type: string; perstag: string }>;
  fieldValues: Array<Row & { contact: string; field: string; value: string }>;
  tags: Array<Row & { tag: string; tagType: string; description: string }>;
  contactTags: Array<Row & { contact: string; tag: string }>;
  lists: Array<Row & { name: string }>;
  contactLists: Array<Row & { contact: string; list: string; status: string }>;
  connections: Array<Row & { service: string; externalid: string; name: string }>;
  ecomCustomers: Array<
    Row & { connectionid: string; externalid: string; email: string; acceptsMarketing: string }
  >;
  ecomOrders: Array<
    Row & {
      connectionid: string;
      customerid: string;
      externalid: string;
      email: string;
      totalPrice: number;
      currency: string;
      orderProducts: unknown[];
    }
  >;
}

export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/api/3/contact/sync`. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** Parsed JSON, the raw text when it is not JSON, or null without a body. */
  body: unknown;
  /** The status the fake answered. */
  status: number;
}

export interface FailStep {
  status: number;
  retryAfter?: string;
  body?: unknown;
}

export interface TargetedFailure extends FailStep {
  /** Which request fails, e.g. `POST /api/3/ecomOrders` (method and path, no query). */
  request: string;
  /** Process the request first, then answer with the failure: the response was lost. */
  afterProcessing?: boolean;
}

export interface ActiveCampaignFakeOptions {
  apiToken?: string;
  /** Status for a wrong or missing token; ActiveCampaign documents 403 (docs/protocols/activecampaign.md#authentication). */
  authFailureStatus?: number;
  /** Custom fields that exist in the account (ids "1", "2", …). */
  fields?: Array<{ title: string; perstag: string; type?: string }>;
  /** Lists that exist (ids "1", "2", …). */
  lists?: string[];
  /** Tags that exist before the test (ids "1", "2", …). */
  tags?: string[];
  /** A token bucket per account; off unless given (docs/protocols/activecampaign.md#errors-and-rate-limit: 5/s, no documented burst). */
  rateLimit?: { perSecond: number; burst?: number };
  /**
   * Attaching a tag the contact already has: `existing` answers 201 with the existing row (the
   * reference's suggestion, default), `duplicate` stores a second row, `refuse` answers 422.
   */
  duplicateContactTag?: 'existing' | 'duplicate' | 'refuse';
}

/** A request held before processing: `arrived` resolves when it came in, `release` lets it go on. */
export interface HeldRequest {
  arrived: Promise<void>;
  release(): void;
}

export interface ActiveCampaignFake {
  /** The account URL (what users paste from Settings → Developer), without `/api/3`. */
  url: string;
  apiToken: string;
  state: FakeState;
  requests: RecordedRequest[];
  /** Answers the next requests with these steps, in order (before auth and routing). */
  failNext(...steps: FailStep[]): void;
  /** Fails the first request matching `failure.request` (one-shot). */
  failWhen(failure: TargetedFailure): void;
  /** Rotates the API key: requests with the old one get the auth failure. */
  setApiToken(token: string): void;
  /** Holds the next request matching `request` (e.g. `POST /api/3/contactTags`) until released. */
  hold(request: string): HeldRequest;
  /** Requests that were not GETs. */
  writes(): RecordedRequest[];
  /** The whole state as JSON, to compare before and after. */
  snapshot(): string;
  contactByEmail(email: string): FakeState['contacts'][number] | undefined;
  /** Tag names on the contact, sorted. */
  tagsOf(email: string): string[];
  /** The contact's status on a list ("1" subscribed, "2" unsubscribed), or undefined. */
  listStatus(email: string, listId: string): string | undefined;
  /** The contact's value of the field with this personalization tag. */
  fieldValue(email: string, perstag: string): string | undefined;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}`);
  }
}

const notFound = (what: string, id: string): HttpError =>
  new HttpError(404, { message: `No Result found for ${what} with id ${id}` });

function invalid(title: string, attribute: string, code = 'invalid'): HttpError {
  return new HttpError(422, {
    errors: [{ title, detail: '', code, source: { pointer: `/data/attributes/${attribute}` } }],
  });
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})$/;

/** The resource under `key`, refusing keys outside `allowed`. */
function wrapped(body: unknown, key: string, allowed: readonly string[]): Record<string, unknown> {
  if (!isRecord(body) || !isRecord(body[key]))
    throw new HttpError(400, { message: `The request body must be a JSON object {"${key}":{…}}` });
  const resource = body[key];
  for (const attribute of Object.keys(resource)) {
    if (!allowed.includes(attribute))
      throw invalid(`Unknown attribute ${attribute}`, attribute, 'unknown_attribute');
  }
  return resource;
}

function idField(
  resource: Record<string, unknown>,
  name: string,
  required = true,
): string | undefined {
  const value = resource[name];
  if (typeof value === 'string' && /^\d+$/.test(value)) return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (value === undefined && !required) return undefined;
  throw invalid(`${name} must be an id`, name, 'field_invalid');
}

function stringField(
  resource: Record<string, unknown>,
  name: string,
  required: boolean,
): string | undefined {
  const value = resource[name];
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || (required && value.trim() === ''))
    throw invalid(`${name} is required and must be text`, name, 'field_missing');
  return value;
}

function centsField(
  resource: Record<string, unknown>,
  name: string,
  required: boolean,
): number | undefined {
  const value = resource[name];
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    throw invalid(`${name} must be a whole number of cents, at least 0`, name, 'field_invalid');
  return value;
}

function page<T>(items: T[], query: Record<string, string>): { page: T[]; total: string } {
  const limit = query.limit === undefined ? 20 : Number(query.limit);
  const offset = query.offset === undefined ? 0 : Number(query.offset);
  if (
    !Number.isInteger(limit) ||
    limit < 1 ||
    limit > 100 ||
    !Number.isInteger(offset) ||
    offset < 0
  )
    throw new HttpError(400, { message: 'Invalid limit or offset' });
  return { page: items.slice(offset, offset + limit), total: String(items.length) };
}

/** `filters[name]=…` parameters, refusing names the endpoint does not support (400, docs/protocols/activecampaign.md#errors-and-rate-limit). */
function filters(
  query: Record<string, string>,
  allowed: readonly string[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) {
    const match = /^filters\[(.+)\]$/.exec(key);
    if (!match) continue;
    const name = match[1] ?? '';
    if (!allowed.includes(name)) throw new HttpError(400, { message: `Invalid filter ${name}` });
    out[name] = value;
  }
  return out;
}

function emptyState(): FakeState {
  return {
    contacts: [],
    fields: [],
    fieldValues: [],
    tags: [],
    contactTags: [],
    lists: [],
    contactLists: [],
    connections: [],
    ecomCustomers: [],
    ecomOrders: [],
  };
}

export async function startActiveCampaignFake(
  options: ActiveCampaignFakeOptions = {},
): Promise<ActiveCampaignFake> {
  let apiToken = options.apiToken ?? 'ac-test-token-0123456789';
  const authFailureStatus = options.authFailureStatus ?? 403;
  const state = emptyState();
  const requests: RecordedRequest[] = [];
  const failures: FailStep[] = [];
  const targeted: TargetedFailure[] = [];
  const duplicateContactTag = options.duplicateContactTag ?? 'existing';
  const holds: Array<{ request: string; arrived: () => void; released: Promise<void> }> = [];
  const counters = new Map<string, number>();
  const stamp = '2026-03-01T10:00:00-06:00';

  const nextId = (collection: keyof FakeState): string => {
    const next = (counters.get(collection) ?? 0) + 1;
    counters.set(collection, next);
    return String(next);
  };

  for (const f of options.fields ?? [])
    state.fields.push({
      id: nextId('fields'),
      title: f.title,
      type: f.type ?? 'text',
      perstag: f.perstag,
      isrequired: '0',
      cdate: stamp,
      udate: stamp,
    });
  for (const name of options.lists ?? [])
    state.lists.push({
      id: nextId('lists'),
      name,
      stringid: name.toLowerCase().replace(/\W+/g, '-'),
    });
  for (const tag of options.tags ?? [])
    state.tags.push({ id: nextId('tags'), tag, tagType: 'contact', description: '', cdate: stamp });

  let bucket = options.rateLimit
    ? { tokens: options.rateLimit.burst ?? options.rateLimit.perSecond, at: performance.now() }
    : null;
  /** Seconds until the next token when over the rate, else null (and a token is taken). */
  function overRate(): number | null {
    if (!bucket || !options.rateLimit) return null;
    const { perSecond } = options.rateLimit;
    const capacity = options.rateLimit.burst ?? perSecond;
    const now = performance.now();
    bucket = {
      tokens: Math.min(capacity, bucket.tokens + ((now - bucket.at) / 1000) * perSecond),
      at: now,
    };
    if (bucket.tokens < 1) return Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond));
    bucket.tokens -= 1;
    return null;
  }

  const contactById = (id: string) => state.contacts.find((c) => c.id === id);
  const contactByEmail = (email: string) =>
    state.contacts.find((c) => c.email.toLowerCase() === email.trim().toLowerCase());
  const contactJson = (c: FakeState['contacts'][number]) => ({
    ...c,
    links: {
      contactTags: `/api/3/contacts/${c.id}/contactTags`,
      contactLists: `/api/3/contacts/${c.id}/contactLists`,
      fieldValues: `/api/3/contacts/${c.id}/fieldValues`,
    },
  });

  function syncContact(body: unknown): [number, unknown] {
    const input = wrapped(body, 'contact', [
      'email',
      'firstName',
      'lastName',
      'phone',
      'fieldValues',
    ]);
    const email = stringField(input, 'email', true) ?? '';
    if (!EMAIL.test(email)) throw invalid('Email address is not valid.', 'email', 'email_invalid');
    const updates: Record<string, string> = {};
    for (const name of ['firstName', 'lastName', 'phone'] as const) {
      const value = stringField(input, name, false);
      if (value !== undefined) updates[name] = value;
    }
    const values: Array<{ field: string; value: string }> = [];
    if (input.fieldValues !== undefined) {
      if (!Array.isArray(input.fieldValues))
        throw invalid('fieldValues must be a list', 'fieldValues');
      for (const entry of input.fieldValues) {
        if (!isRecord(entry)) throw invalid('fieldValues entries must be objects', 'fieldValues');
        const fieldId = idField(entry, 'field') ?? '';
        const field = state.fields.find((f) => f.id === fieldId);
        if (!field)
          throw invalid(`Field ${fieldId} does not exist`, 'fieldValues', 'field_invalid');
        const value = entry.value;
        if (typeof value !== 'string') throw invalid('Field values must be text', 'fieldValues');
        // ActiveCampaign does not name the field in this error (docs/protocols/activecampaign.md#errors-and-rate-limit); neither does the fake.
        if (field.type === 'date' && !DATE.test(value))
          throw invalid('Invalid field value', 'fieldValues', 'field_invalid');
        values.push({ field: fieldId, value });
      }
    }
    let contact = contactByEmail(email);
    const created = !contact;
    if (!contact) {
      contact = {
        id: nextId('contacts'),
        email,
        firstName: '',
        lastName: '',
        phone: '',
        cdate: stamp,
        udate: stamp,
      };
      state.contacts.push(contact);
    }
    Object.assign(contact, updates);
    for (const { field, value } of values) {
      const existing = state.fieldValues.find((v) => v.contact === contact.id && v.field === field);
      if (existing) existing.value = value;
      else
        state.fieldValues.push({
          id: nextId('fieldValues'),
          contact: contact.id,
          field,
          value,
          owner: contact.id,
          cdate: stamp,
          udate: stamp,
        });
    }
    const id = contact.id;
    return [
      created ? 201 : 200,
      {
        fieldValues: state.fieldValues.filter((v) => v.contact === id),
        contact: contactJson(contact),
      },
    ];
  }

  function createTag(body: unknown): [number, unknown] {
    const input = wrapped(body, 'tag', ['tag', 'tagType', 'description']);
    const name = stringField(input, 'tag', true) ?? '';
    const tagType = stringField(input, 'tagType', false) ?? 'contact';
    if (tagType !== 'contact' && tagType !== 'template')
      throw invalid('tagType must be contact or template', 'tagType');
    if (
      state.tags.some((t) => t.tagType === tagType && t.tag.toLowerCase() === name.toLowerCase())
    ) {
      throw new HttpError(422, {
        message: 'Could not process request',
        error: `Duplicate entry '${tagType}-${name}' for key 'typetag'`,
      });
    }
    const tag = {
      id: nextId('tags'),
      tag: name,
      tagType,
      description: stringField(input, 'description', false) ?? '',
      cdate: stamp,
    };
    state.tags.push(tag);
    return [201, { tag }];
  }

  function addContactTag(body: unknown): [number, unknown] {
    const input = wrapped(body, 'contactTag', ['contact', 'tag']);
    const contact = idField(input, 'contact') ?? '';
    const tag = idField(input, 'tag') ?? '';
    if (!contactById(contact)) throw notFound('Subscriber', contact);
    if (!state.tags.some((t) => t.id === tag)) throw notFound('Tag', tag);
    const existing = state.contactTags.find((ct) => ct.contact === contact && ct.tag === tag);
    if (existing && duplicateContactTag === 'existing') return [201, { contactTag: existing }];
    if (existing && duplicateContactTag === 'refuse')
      throw invalid('The related tag already exists on this contact', 'tag', 'duplicate');
    const row = { id: nextId('contactTags'), contact, tag, cdate: stamp };
    state.contactTags.push(row);
    return [201, { contactTag: row }];
  }

  function setContactList(body: unknown): [number, unknown] {
    const input = wrapped(body, 'contactList', ['list', 'contact', 'status']);
    const list = idField(input, 'list') ?? '';
    const contact = idField(input, 'contact') ?? '';
    const status = String(input.status);
    if (status !== '1' && status !== '2')
      throw invalid('status must be 1 (active) or 2 (unsubscribed)', 'status');
    if (!contactById(contact)) throw notFound('Subscriber', contact);
    if (!state.lists.some((l) => l.id === list)) throw notFound('List', list);
    let row = state.contactLists.find((cl) => cl.contact === contact && cl.list === list);
    if (!row) {
      row = { id: nextId('contactLists'), contact, list, status, sdate: stamp };
      state.contactLists.push(row);
    }
    row.status = status;
    return [201, { contacts: [contactJson(contactById(contact)!)], contactList: row }];
  }

  function createConnection(body: unknown): [number, unknown] {
    const input = wrapped(body, 'connection', [
      'service',
      'externalid',
      'name',
      'logoUrl',
      'linkUrl',
    ]);
    const service = stringField(input, 'service', true) ?? '';
    const externalid = stringField(input, 'externalid', true) ?? '';
    const name = stringField(input, 'name', true) ?? '';
    if (state.connections.some((c) => c.service === service && c.externalid === externalid)) {
      throw new HttpError(422, {
        errors: [
          {
            title: 'The integration already exists in the system.',
            detail: '',
            code: 'duplicate',
            source: { pointer: '/data/attributes/externalid' },
          },
        ],
      });
    }
    const row = {
      id: nextId('connections'),
      service,
      externalid,
      name,
      logoUrl: stringField(input, 'logoUrl', false) ?? '',
      linkUrl: stringField(input, 'linkUrl', false) ?? '',
      status: '1',
      syncStatus: '0',
      cdate: stamp,
    };
    state.connections.push(row);
    return [201, { connection: row }];
  }

  function createCustomer(body: unknown): [number, unknown] {
    const input = wrapped(body, 'ecomCustomer', [
      'connectionid',
      'externalid',
      'email',
      'acceptsMarketing',
    ]);
    const connectionid = idField(input, 'connectionid') ?? '';
    if (!state.connections.some((c) => c.id === connectionid))
      throw invalid(`Connection ${connectionid} does not exist`, 'connectionid', 'field_invalid');
    const externalid = stringField(input, 'externalid', true) ?? '';
    const email = stringField(input, 'email', true) ?? '';
    if (!EMAIL.test(email)) throw invalid('Email address is not valid.', 'email', 'email_invalid');
    const acceptsMarketing = stringField(input, 'acceptsMarketing', false) ?? '0';
    if (acceptsMarketing !== '0' && acceptsMarketing !== '1')
      throw invalid('acceptsMarketing must be "0" or "1"', 'acceptsMarketing');
    if (
      state.ecomCustomers.some(
        (c) => c.connectionid === connectionid && c.externalid === externalid,
      )
    ) {
      throw new HttpError(422, {
        errors: [
          {
            title: 'The customer already exists in the system.',
            detail: '',
            code: 'duplicate',
            source: { pointer: '/data/attributes/externalid' },
          },
        ],
      });
    }
    const row = {
      id: nextId('ecomCustomers'),
      connectionid,
      externalid,
      email,
      acceptsMarketing,
      totalRevenue: '0',
      totalOrders: '0',
    };
    state.ecomCustomers.push(row);
    return [201, { ecomCustomer: row }];
  }

  const ORDER_ATTRIBUTES = [
    'externalid',
    'externalcheckoutid',
    'source',
    'email',
    'totalPrice',
    'currency',
    'connectionid',
    'customerid',
    'externalCreatedDate',
    'externalUpdatedDate',
    'orderNumber',
    'orderUrl',
    'shippingMethod',
    'shippingAmount',
    'taxAmount',
    'discountAmount',
    'orderDiscounts',
    'orderProducts',
  ] as const;
  const PRODUCT_ATTRIBUTES = [
    'externalid',
    'name',
    'price',
    'quantity',
    'category',
    'sku',
    'description',
    'imageUrl',
    'productUrl',
  ];

  function orderFrom(input: Record<string, unknown>) {
    const externalid = stringField(input, 'externalid', true) ?? '';
    const source = String(input.source);
    if (source !== '0' && source !== '1')
      throw invalid('source must be 0 (historical) or 1 (real-time)', 'source');
    const email = stringField(input, 'email', true) ?? '';
    if (!EMAIL.test(email)) throw invalid('Email address is not valid.', 'email', 'email_invalid');
    const totalPrice = centsField(input, 'totalPrice', true) ?? 0;
    const currency = stringField(input, 'currency', true) ?? '';
    if (!/^[A-Z]{3}$/.test(currency))
      throw invalid('currency must be a 3-letter ISO code', 'currency');
    const connectionid = idField(input, 'connectionid') ?? '';
    if (!state.connections.some((c) => c.id === connectionid))
      throw invalid(`Connection ${connectionid} does not exist`, 'connectionid', 'field_invalid');
    const customerid = idField(input, 'customerid') ?? '';
    if (!state.ecomCustomers.some((c) => c.id === customerid && c.connectionid === connectionid))
      throw invalid(`Customer ${customerid} does not exist`, 'customerid', 'field_invalid');
    const externalCreatedDate = stringField(input, 'externalCreatedDate', true) ?? '';
    if (!ISO_TIMESTAMP.test(externalCreatedDate))
      throw invalid('externalCreatedDate must be an ISO 8601 timestamp', 'externalCreatedDate');
    for (const name of ['shippingAmount', 'taxAmount', 'discountAmount'])
      centsField(input, name, false);
    if (!Array.isArray(input.orderProducts) || input.orderProducts.length === 0)
      throw invalid('orderProducts must list at least one product', 'orderProducts');
    for (const product of input.orderProducts) {
      if (!isRecord(product))
        throw invalid('orderProducts entries must be objects', 'orderProducts');
      for (const attribute of Object.keys(product))
        if (!PRODUCT_ATTRIBUTES.includes(attribute))
          throw invalid(`Unknown attribute ${attribute}`, 'orderProducts', 'unknown_attribute');
      stringField(product, 'name', true);
      stringField(product, 'externalid', true);
      centsField(product, 'price', true);
      if (
        typeof product.quantity !== 'number' ||
        !Number.isSafeInteger(product.quantity) ||
        product.quantity < 1
      )
        throw invalid('quantity must be a whole number, at least 1', 'orderProducts');
    }
    return {
      ...input,
      externalid,
      source,
      email,
      totalPrice,
      currency,
      connectionid,
      customerid,
      externalCreatedDate,
      orderProducts: input.orderProducts as unknown[],
    };
  }

  function createOrder(body: unknown): [number, unknown] {
    const order = orderFrom(wrapped(body, 'ecomOrder', ORDER_ATTRIBUTES));
    if (
      state.ecomOrders.some(
        (o) => o.connectionid === order.connectionid && o.externalid === order.externalid,
      )
    ) {
      throw new HttpError(422, {
        errors: [
          {
            title: 'The integration order already exists in the system.',
            detail: '',
            code: 'duplicate',
            source: { pointer: '/data/attributes/externalid' },
          },
        ],
      });
    }
    const row = {
      ...order,
      id: nextId('ecomOrders'),
      state: '1',
      createdDate: stamp,
      orderDate: order.externalCreatedDate,
    };
    state.ecomOrders.push(row);
    return [
      201,
      { ecomOrder: row, connections: state.connections.filter((c) => c.id === row.connectionid) },
    ];
  }

  function list<T extends Row>(
    key: string,
    items: T[],
    query: Record<string, string>,
    allowedFilters: readonly string[],
    extra: Record<string, unknown> = {},
  ): [number, unknown] {
    const wanted = filters(query, allowedFilters);
    const matching = items.filter((item) =>
      Object.entries(wanted).every(
        ([name, value]) => String(item[name] ?? '').toLowerCase() === value.toLowerCase(),
      ),
    );
    const { page: shown, total } = page(matching, query);
    return [200, { [key]: shown, ...extra, meta: { total } }];
  }

  function route(
    method: string,
    path: string,
    query: Record<string, string>,
    body: unknown,
  ): [number, unknown] {
    const segments = path.split('/').filter(Boolean);
    if (segments[0] !== 'api' || segments[1] !== '3')
      throw new HttpError(404, { message: 'Not Found' });
    const [resource, id, sub] = segments.slice(2);
    const key = `${method} ${resource ?? ''}${id !== undefined ? '/:id' : ''}${sub !== undefined ? `/${sub}` : ''}`;
    switch (key) {
      case 'POST contact/:id':
        if (id === 'sync' && sub === undefined) return syncContact(body);
        break;
      case 'GET contacts': {
        const email = query.email;
        const matching =
          email === undefined
            ? state.contacts
            : state.contacts.filter((c) => c.email.toLowerCase() === email.toLowerCase());
        const { page: shown, total } = page(matching, query);
        return [200, { contacts: shown.map(contactJson), meta: { total } }];
      }
      case 'GET contacts/:id': {
        const contact = contactById(id ?? '');
        if (!contact) throw notFound('Subscriber', id ?? '');
        return [200, { contact: contactJson(contact) }];
      }
      case 'DELETE contacts/:id': {
        if (!contactById(id ?? '')) throw notFound('Subscriber', id ?? '');
        state.contacts = state.contacts.filter((c) => c.id !== id);
        state.contactTags = state.contactTags.filter((ct) => ct.contact !== id);
        state.contactLists = state.contactLists.filter((cl) => cl.contact !== id);
        state.fieldValues = state.fieldValues.filter((v) => v.contact !== id);
        return [200, {}];
      }
      case 'GET contacts/:id/contactTags': {
        if (!contactById(id ?? '')) throw notFound('Subscriber', id ?? '');
        return list(
          'contactTags',
          state.contactTags.filter((ct) => ct.contact === id),
          query,
          [],
        );
      }
      case 'GET fields':
        return list('fields', state.fields, query, ['perstag'], {
          fieldOptions: [],
          fieldRels: [],
        });
      case 'GET tags': {
        const search = (query.search ?? '').toLowerCase();
        return list(
          'tags',
          state.tags.filter((t) => t.tag.toLowerCase().includes(search)),
          query,
          [],
        );
      }
      case 'POST tags':
        return createTag(body);
      case 'POST contactTags':
        return addContactTag(body);
      case 'DELETE contactTags/:id': {
        if (!state.contactTags.some((ct) => ct.id === id)) throw notFound('ContactTag', id ?? '');
        state.contactTags = state.contactTags.filter((ct) => ct.id !== id);
        return [200, {}];
      }
      case 'POST contactLists':
        return setContactList(body);
      case 'GET connections':
        return list('connections', state.connections, query, ['service', 'externalid']);
      case 'POST connections':
        return createConnection(body);
      case 'GET ecomCustomers':
        return list('ecomCustomers', state.ecomCustomers, query, [
          'email',
          'connectionid',
          'externalid',
        ]);
      case 'POST ecomCustomers':
        return createCustomer(body);
      case 'GET ecomOrders':
        return list('ecomOrders', state.ecomOrders, query, ['email', 'connectionid']);
      case 'POST ecomOrders':
        return createOrder(body);
      case 'GET ecomOrders/:id': {
        const order = state.ecomOrders.find((o) => o.id === id);
        if (!order) throw notFound('EcomOrder', id ?? '');
        return [200, { ecomOrder: order }];
      }
      case 'PUT ecomOrders/:id': {
        const index = state.ecomOrders.findIndex((o) => o.id === id);
        const existing = state.ecomOrders[index];
        if (!existing) throw notFound('EcomOrder', id ?? '');
        const order = orderFrom(wrapped(body, 'ecomOrder', ORDER_ATTRIBUTES));
        const row = { ...existing, ...order, id: existing.id };
        state.ecomOrders[index] = row;
        return [200, { ecomOrder: row }];
      }
      case 'DELETE ecomOrders/:id': {
        if (!state.ecomOrders.some((o) => o.id === id)) throw notFound('EcomOrder', id ?? '');
        state.ecomOrders = state.ecomOrders.filter((o) => o.id !== id);
        return [200, {}];
      }
    }
    throw new HttpError(404, { message: `No route for ${method} ${path}` });
  }

  type Answer = { status: number; body: unknown; headers?: Record<string, string> };

  const failure = (step: FailStep): Answer => ({
    status: step.status,
    body: step.body ?? {
      message: step.status === 429 ? 'Too Many Requests' : 'Service Unavailable',
    },
    ...(step.retryAfter !== undefined ? { headers: { 'retry-after': step.retryAfter } } : {}),
  });

  function handle(req: IncomingMessage, raw: string): Answer {
    const forced = failures.shift();
    if (forced) return failure(forced);
    const name = `${req.method ?? ''} ${new URL(req.url ?? '/', 'http://fake').pathname}`;
    const index = targeted.findIndex((t) => t.request === name);
    const aimed = index === -1 ? undefined : targeted.splice(index, 1)[0];
    if (aimed && !aimed.afterProcessing) return failure(aimed);
    const answer = respond(req, raw);
    return aimed ? failure(aimed) : answer;
  }

  function respond(req: IncomingMessage, raw: string): Answer {
    const wait = overRate();
    if (wait !== null)
      return {
        status: 429,
        body: { message: 'Too Many Requests' },
        headers: { 'retry-after': String(wait) },
      };
    if (req.headers['api-token'] !== apiToken)
      return { status: authFailureStatus, body: { message: 'Forbidden' } };
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://fake');
    let body: unknown = null;
    if (method === 'POST' || method === 'PUT') {
      if (!(req.headers['content-type'] ?? '').startsWith('application/json'))
        return { status: 400, body: { message: 'The request body must be application/json' } };
      try {
        body = JSON.parse(raw) as unknown;
      } catch {
        return { status: 400, body: { message: 'The request body is not valid JSON' } };
      }
    } else if (raw.length > 0) {
      return { status: 400, body: { message: `${method} requests take no body` } };
    }
    try {
      const [status, answer] = route(
        method,
        url.pathname,
        Object.fromEntries(url.searchParams),
        body,
      );
      return { status, body: answer };
    } catch (err) {
      if (err instanceof HttpError) return { status: err.status, body: err.body };
      throw err;
    }
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://fake');
      const heldAt = holds.findIndex((h) => h.request === `${req.method ?? ''} ${url.pathname}`);
      const held = heldAt === -1 ? undefined : holds.splice(heldAt, 1)[0];
      if (held) {
        held.arrived();
        await held.released;
      }
      const answer = handle(req, raw);
      let parsed: unknown = null;
      if (raw.length > 0) {
        try {
          parsed = JSON.parse(raw) as unknown;
        } catch {
          parsed = raw;
        }
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers))
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
      requests.push({
        method: req.method ?? '',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers,
        body: parsed,
        status: answer.status,
      });
      res.writeHead(answer.status, {
        'content-type': 'application/json; charset=utf-8',
        ...answer.headers,
      });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fake: ActiveCampaignFake = {
    url,
    get apiToken() {
      return apiToken;
    },
    state,
    requests,
    failNext: (...steps) => void failures.push(...steps),
    failWhen: (failure) => void targeted.push(failure),
    setApiToken: (token) => {
      apiToken = token;
    },
    hold(request) {
      let arrived = (): void => undefined;
      let release = (): void => undefined;
      const arrival = new Promise<void>((resolve) => (arrived = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      holds.push({ request, arrived, released });
      return { arrived: arrival, release };
    },
    writes: () => requests.filter((r) => r.method !== 'GET'),
    snapshot: () => JSON.stringify(state),
    contactByEmail,
    tagsOf(email) {
      const contact = contactByEmail(email);
      if (!contact) return [];
      const ids = state.contactTags.filter((ct) => ct.contact === contact.id).map((ct) => ct.tag);
      return state.tags
        .filter((t) => ids.includes(t.id))
        .map((t) => t.tag)
        .sort();
    },
    listStatus(email, listId) {
      const contact = contactByEmail(email);
      return state.contactLists.find((cl) => cl.contact === contact?.id && cl.list === listId)
        ?.status;
    },
    fieldValue(email, perstag) {
      const contact = contactByEmail(email);
      const field = state.fields.find((f) => f.perstag === perstag);
      return state.fieldValues.find((v) => v.contact === contact?.id && v.field === field?.id)
        ?.value;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return fake;
}
