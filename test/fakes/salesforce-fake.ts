/**
 * A local Salesforce for connector tests (docs/protocols/salesforce.md#what-the-fake-emulates "What the Salesforce
 * fake must emulate"): a real node:http server on 127.0.0.1 that answers the OAuth token
 * endpoint and the REST API the way the reference describes them, and keeps state.
 *
 * - `POST /services/oauth2/token` (form-encoded): `grant_type=password` (password + security
 *   token appended) and `client_credentials` (client id/secret in the form or as HTTP Basic);
 *   200 token JSON whose `instance_url` points back here; 400 `invalid_client_id`,
 *   `invalid_client`, `invalid_grant`, `unsupported_grant_type` (docs/protocols/salesforce.md#login).
 * - `/services/data/**`: Bearer check → 401 `[{"errorCode":"INVALID_SESSION_ID",…}]` for unknown,
 *   revoked or expired tokens (docs/protocols/salesforce.md#expired-sessions); `GET /services/data/` version list; `vNN.N` checked.
 * - `GET query?q=` (a SOQL subset: `SELECT f, … FROM X [WHERE f = v [AND …]] [ORDER BY f
 *   [ASC|DESC]] [LIMIT n]`, string comparison case-insensitive), `GET sobjects/X/describe`,
 *   `POST sobjects/X/` → 201, `GET|PATCH sobjects/X/<Id>` → 200/204, `PATCH
 *   sobjects/X/<ExtField>/<value>` → 201 `created:true`, 200 `created:false` (v ≥ 46) or 204
 *   (v ≤ 45), 300 on several matches, 404 `NOT_FOUND` object for a field that is not an
 *   external id, `updateOnly=true` from v61 (docs/protocols/salesforce.md#upsert-by-external-id).
 * - Strict bodies: JSON content type, known writable fields only (`INVALID_FIELD`), types
 *   (`INVALID_TYPE_ON_FIELD_IN_RECORD`), required fields (`REQUIRED_FIELD_MISSING`), unique
 *   external ids (`DUPLICATE_VALUE`), lookups that exist (`INVALID_CROSS_REFERENCE_KEY`),
 *   converted leads (`CANNOT_UPDATE_CONVERTED_LEAD` "cannot reference converted lead", also
 *   when an upsert by external id matches one), an optional duplicate rule on Email
 *   (`DUPLICATES_DETECTED` unless `Sforce-Duplicate-Rule-Header: allowSave=true`) (docs/protocols/salesforce.md#errors-and-limits).
 * - Lead conversion (`convertLead`, as a user or Salesforce's convertLead() does it): the Lead
 *   gets `IsConverted`, `ConvertedContactId`, `ConvertedAccountId`, `ConvertedDate` (read-only
 *   fields); the Contact is created from it, or an existing one has its empty fields filled,
 *   with the standard address pairing and custom fields of the same name.
 * - `Sforce-Limit-Info: api-usage=n/limit` on every data answer; switches: queued forced
 *   answers (429 with Retry-After, 5xx, 403 `REQUEST_LIMIT_EXCEEDED`, token-endpoint failures),
 *   revoke all sessions, token lifetime; a request log and login counters.
 * Not emulated (the connector does not use them): composite requests, sObject collections,
 * DELETE, pagination (`nextRecordsUrl`).
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeObject = 'Contact' | 'Lead' | 'Opportunity' | 'OpportunityContactRole';
export const FAKE_OBJECTS: readonly FakeObject[] = [
  'Contact',
  'Lead',
  'Opportunity',
  'OpportunityContactRole',
];

type FieldType =
  | 'id'
  | 'datetime'
  | 'string'
  | 'email'
  | 'number'
  | 'boolean'
  | 'date'
  | 'reference';

interface FieldDef {
  type: FieldType;
  required?: boolean;
  readOnly?: boolean;
  externalId?: boolean;
  idLookup?: boolean;
  unique?: boolean;
  /** For references: the object the id must belong to. */
  references?: FakeObject;
  relationshipName?: string;
}

export interface CustomFieldOptions {
  type?: 'string' | 'number' | 'boolean' | 'date';
  externalId?: boolean;
  unique?: boolean;
}

export interface SalesforceFakeOptions {
  clientId?: string;
  clientSecret?: string;
  username?: string;
  password?: string;
  securityToken?: string;
  /** Custom fields (`*__c`) per object. */
  customFields?: Partial<Record<FakeObject, Record<string, CustomFieldOptions>>>;
  /** An org duplicate rule on Contact/Lead Email that blocks saves (DUPLICATES_DETECTED). */
  duplicateRuleOnEmail?: boolean;
  /** Tokens stop working this long after issue (default: never). */
  tokenTtlMs?: number;
  /** The daily API limit shown in Sforce-Limit-Info. */
  apiLimit?: number;
}

export interface FakeRecord {
  Id: string;
  CreatedDate: string;
  [field: string]: unknown;
}

export interface FakeRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Decoded query parameters. */
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string;
  /** The body parsed as JSON, or null. */
  json: unknown;
}

export interface FakeStep {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Which requests the step answers: REST data calls (default) or the token endpoint. */
  on?: 'data' | 'token';
}

export interface SalesforceFake {
  /** Base URL (also the `instance_url` of issued tokens), without a trailing slash. */
  url: string;
  /** The credentials the fake accepts. */
  credentials: Required<
    Pick<
      SalesforceFakeOptions,
      'clientId' | 'clientSecret' | 'username' | 'password' | 'securityToken'
    >
  >;
  state: {
    /** Successful token grants. */
    logins: number;
    /** Every call of the token endpoint. */
    tokenRequests: number;
    requests: FakeRequest[];
  };
  /** Copies of the object's records, in creation order. */
  records(object: FakeObject): FakeRecord[];
  /** Requests under `/services/data/v…`. */
  dataRequests(): FakeRequest[];
  /** POST/PATCH/DELETE requests under `/services/data/v…`. */
  writes(): FakeRequest[];
  /** Inserts a record directly (no validation), e.g. an existing contact; returns it. */
  seed(object: FakeObject, fields: Record<string, unknown>): FakeRecord;
  /** Converts a Lead into a new Contact, or into `contactId` (filling its empty fields); returns a copy of the Contact. */
  convertLead(leadId: string, contactId?: string): FakeRecord;
  /** Queues forced answers, one per matching request, before normal handling. */
  failNext(...steps: FakeStep[]): void;
  /** Makes every issued token invalid: the next data call gets 401 INVALID_SESSION_ID. */
  expireSessions(): void;
  /** Forgets requests and counters (not records). */
  resetLog(): void;
  close(): Promise<void>;
}

const STANDARD_FIELDS: Readonly<Record<FakeObject, Record<string, FieldDef>>> = {
  Contact: {
    FirstName: { type: 'string' },
    LastName: { type: 'string', required: true },
    Email: { type: 'email', idLookup: true },
    Phone: { type: 'string' },
    MobilePhone: { type: 'string' },
    MailingStreet: { type: 'string' },
    MailingPostalCode: { type: 'string' },
    MailingCity: { type: 'string' },
    MailingState: { type: 'string' },
    MailingCountry: { type: 'string' },
    MailingCountryCode: { type: 'string' },
    Salutation: { type: 'string' },
    Title: { type: 'string' },
    LeadSource: { type: 'string' },
    Description: { type: 'string' },
    HasOptedOutOfEmail: { type: 'boolean' },
    Birthdate: { type: 'date' },
    AccountId: { type: 'reference', relationshipName: 'Account' },
    OwnerId: { type: 'reference', relationshipName: 'Owner' },
  },
  Lead: {
    FirstName: { type: 'string' },
    LastName: { type: 'string', required: true },
    Company: { type: 'string', required: true },
    Email: { type: 'email', idLookup: true },
    Phone: { type: 'string' },
    Street: { type: 'string' },
    PostalCode: { type: 'string' },
    City: { type: 'string' },
    State: { type: 'string' },
    Country: { type: 'string' },
    Status: { type: 'string' },
    LeadSource: { type: 'string' },
    Description: { type: 'string' },
    Website: { type: 'string' },
    Title: { type: 'string' },
    IsConverted: { type: 'boolean', readOnly: true },
    ConvertedContactId: {
      type: 'reference',
      readOnly: true,
      references: 'Contact',
      relationshipName: 'ConvertedContact',
    },
    ConvertedAccountId: { type: 'reference', readOnly: true, relationshipName: 'ConvertedAccount' },
    ConvertedDate: { type: 'date', readOnly: true },
  },
  Opportunity: {
    Name: { type: 'string', required: true },
    StageName: { type: 'string', required: true },
    CloseDate: { type: 'date', required: true },
    Amount: { type: 'number' },
    Type: { type: 'string' },
    LeadSource: { type: 'string' },
    Description: { type: 'string' },
    Probability: { type: 'number' },
    AccountId: { type: 'reference', relationshipName: 'Account' },
    CampaignId: { type: 'reference', relationshipName: 'Campaign' },
    Pricebook2Id: { type: 'reference', relationshipName: 'Pricebook2' },
    OwnerId: { type: 'reference', relationshipName: 'Owner' },
    ContactId: { type: 'reference', references: 'Contact', relationshipName: 'Contact' },
  },
  OpportunityContactRole: {
    OpportunityId: {
      type: 'reference',
      required: true,
      references: 'Opportunity',
      relationshipName: 'Opportunity',
    },
    ContactId: {
      type: 'reference',
      required: true,
      references: 'Contact',
      relationshipName: 'Contact',
    },
    Role: { type: 'string' },
    IsPrimary: { type: 'boolean' },
  },
};

/** Lead fields whose Contact counterpart has another name when a Lead is converted. */
const CONVERTED_NAME: Readonly<Record<string, string>> = {
  Street: 'MailingStreet',
  PostalCode: 'MailingPostalCode',
  City: 'MailingCity',
  State: 'MailingState',
  Country: 'MailingCountry',
};

const ID_PREFIX: Readonly<Record<FakeObject, string>> = {
  Contact: '003',
  Lead: '00Q',
  Opportunity: '006',
  OpportunityContactRole: '00K',
};
const MIN_VERSION = 31;
const MAX_VERSION = 66;

type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

const err = (status: number, errorCode: string, message: string, fields?: string[]): Answer => ({
  status,
  body: [{ message, errorCode, ...(fields ? { fields } : {}) }],
});
const NOT_FOUND = (): Answer => err(404, 'NOT_FOUND', 'The requested resource does not exist');

/** Release label of an API version: v46.0 was Summer '19, three releases a year. */
function releaseLabel(version: number): string {
  const n = version - 46;
  const season = ['Summer', 'Winter', 'Spring'][((n % 3) + 3) % 3] ?? 'Summer';
  return `${season} '${19 + Math.ceil(n / 3)}`;
}

function flatten(headers: IncomingMessage['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers))
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---- SOQL subset -------------------------------------------------------------------------

type Token =
  | { kind: 'word'; text: string }
  | { kind: 'string'; text: string }
  | { kind: 'number'; text: string }
  | { kind: 'punct'; text: string };
type Literal = string | number | boolean | null;

export interface ParsedQuery {
  fields: string[];
  object: string;
  where: Array<{ field: string; value: Literal }>;
  orderBy?: { field: string; descending: boolean };
  limit?: number;
}

const ESCAPES: Readonly<Record<string, string>> = {
  n: '\n',
  r: '\r',
  t: '\t',
  b: '\b',
  f: '\f',
  '"': '"',
  "'": "'",
  '\\': '\\',
};

function tokenize(soql: string): Token[] | null {
  const tokens: Token[] = [];
  let i = 0;
  while (i < soql.length) {
    const char = soql[i] ?? '';
    if (/\s/.test(char)) {
      i += 1;
    } else if (char === ',' || char === '=') {
      tokens.push({ kind: 'punct', text: char });
      i += 1;
    } else if (char === "'") {
      let text = '';
      i += 1;
      for (;;) {
        const c = soql[i];
        if (c === undefined) return null;
        if (c === "'") break;
        if (c === '\\') {
          const escaped = ESCAPES[soql[i + 1] ?? ''];
          if (escaped === undefined) return null;
          text += escaped;
          i += 2;
        } else {
          text += c;
          i += 1;
        }
      }
      i += 1;
      tokens.push({ kind: 'string', text });
    } else {
      const word =
        /^[A-Za-z_][A-Za-z0-9_.]*/.exec(soql.slice(i))?.[0] ??
        /^-?\d+(?:\.\d+)?/.exec(soql.slice(i))?.[0];
      if (!word) return null;
      tokens.push({ kind: /^[A-Za-z_]/.test(word) ? 'word' : 'number', text: word });
      i += word.length;
    }
  }
  return tokens;
}

/** Parses the SOQL subset; null when the text is outside it. */
export function parseSoql(soql: string): ParsedQuery | null {
  const tokens = tokenize(soql);
  if (!tokens) return null;
  let at = 0;
  const peek = () => tokens[at];
  const keyword = (word: string) => {
    const t = peek();
    if (t?.kind === 'word' && t.text.toUpperCase() === word) {
      at += 1;
      return true;
    }
    return false;
  };
  const word = () => {
    const t = peek();
    if (t?.kind !== 'word') return null;
    at += 1;
    return t.text;
  };
  if (!keyword('SELECT')) return null;
  const fields: string[] = [];
  for (;;) {
    const field = word();
    if (!field) return null;
    fields.push(field);
    if (peek()?.text !== ',') break;
    at += 1;
  }
  if (!keyword('FROM')) return null;
  const object = word();
  if (!object) return null;
  const query: ParsedQuery = { fields, object, where: [] };
  if (keyword('WHERE')) {
    do {
      const field = word();
      if (!field || peek()?.text !== '=') return null;
      at += 1;
      const t = peek();
      at += 1;
      if (t?.kind === 'string') query.where.push({ field, value: t.text });
      else if (t?.kind === 'number') query.where.push({ field, value: Number(t.text) });
      else if (t?.kind === 'word' && /^(true|false|null)$/i.test(t.text))
        query.where.push({
          field,
          value: t.text.toLowerCase() === 'null' ? null : t.text.toLowerCase() === 'true',
        });
      else return null;
    } while (keyword('AND'));
  }
  if (keyword('ORDER')) {
    if (!keyword('BY')) return null;
    const field = word();
    if (!field) return null;
    const descending = keyword('DESC');
    if (!descending) keyword('ASC');
    query.orderBy = { field, descending };
  }
  if (keyword('LIMIT')) {
    const t = peek();
    if (t?.kind !== 'number' || !/^\d+$/.test(t.text)) return null;
    at += 1;
    query.limit = Number(t.text);
  }
  return at === tokens.length ? query : null;
}

function same(a: unknown, b: Literal): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  if (b === false && (a === undefined || a === null)) return false;
  return (a ?? null) === b;
}

// ---- the server --------------------------------------------------------------------------

export async function startSalesforceFake(
  options: SalesforceFakeOptions = {},
): Promise<SalesforceFake> {
  const credentials = {
    clientId: options.clientId ?? '3MVG9FAKECONSUMERKEY',
    clientSecret: options.clientSecret ?? 'FAKECONSUMERSECRET0123456789',
    username: options.username ?? 'integration@example.com',
    password: options.password ?? 'Passw0rd!',
    securityToken: options.securityToken ?? 'FAKESECURITYTOKEN',
  };
  const schema: Record<FakeObject, Record<string, FieldDef>> = {
    Contact: { ...STANDARD_FIELDS.Contact },
    Lead: { ...STANDARD_FIELDS.Lead },
    Opportunity: { ...STANDARD_FIELDS.Opportunity },
    OpportunityContactRole: { ...STANDARD_FIELDS.OpportunityContactRole },
  };
  for (const object of FAKE_OBJECTS) {
    for (const [name, custom] of Object.entries(options.customFields?.[object] ?? {})) {
      if (!name.endsWith('__c')) throw new Error(`custom field ${name} must end in __c`);
      schema[object][name] = {
        type: custom.type ?? 'string',
        externalId: custom.externalId === true,
        unique: custom.unique === true,
      };
    }
  }
  const fieldsOf = (object: FakeObject): Record<string, FieldDef> => ({
    Id: { type: 'id', readOnly: true, idLookup: true },
    CreatedDate: { type: 'datetime', readOnly: true },
    ...schema[object],
  });

  const records: Record<FakeObject, FakeRecord[]> = {
    Contact: [],
    Lead: [],
    Opportunity: [],
    OpportunityContactRole: [],
  };
  const tokens = new Map<string, number>();
  const forced: FakeStep[] = [];
  const state = { logins: 0, tokenRequests: 0, requests: [] as FakeRequest[] };
  let counter = 0;
  let apiUsage = 0;
  let url = '';

  function insert(object: FakeObject, fields: Record<string, unknown>): FakeRecord {
    counter += 1;
    const record: FakeRecord = {
      ...(object === 'Lead' ? { IsConverted: false } : {}),
      ...fields,
      Id: `${ID_PREFIX[object]}FK${String(counter).padStart(10, '0')}AAA`,
      CreatedDate: new Date(Date.UTC(2026, 0, 1) + counter * 1000)
        .toISOString()
        .replace('Z', '+0000'),
    };
    records[object].push(record);
    return record;
  }

  const find = (object: FakeObject, id: string) => records[object].find((r) => r.Id === id);

  function convertLead(leadId: string, contactId?: string): FakeRecord {
    const lead = find('Lead', leadId);
    if (!lead) throw new Error(`no Lead ${leadId}`);
    if (lead.IsConverted === true) throw new Error(`Lead ${leadId} is already converted`);
    const contactFields = fieldsOf('Contact');
    const carried: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(lead)) {
      const target = CONVERTED_NAME[name] ?? name;
      const def = Object.hasOwn(contactFields, target) ? contactFields[target] : undefined;
      if (def && !def.readOnly && value !== null && value !== undefined && value !== '')
        carried[target] = value;
    }
    let contact = contactId ? find('Contact', contactId) : undefined;
    if (contactId && !contact) throw new Error(`no Contact ${contactId}`);
    if (contact) {
      // Merging into an existing Contact only fills its empty fields.
      for (const [name, value] of Object.entries(carried))
        if (contact[name] === undefined || contact[name] === null || contact[name] === '')
          contact[name] = value;
    } else {
      contact = insert('Contact', carried);
    }
    Object.assign(lead, {
      IsConverted: true,
      ConvertedContactId: contact.Id,
      ConvertedAccountId: `001FK${leadId.slice(5, 15)}AAA`,
      ConvertedDate: '2026-01-15',
    });
    return { ...contact };
  }
  const isObject = (name: string): name is FakeObject =>
    (FAKE_OBJECTS as readonly string[]).includes(name);

  function forcedStep(on: 'data' | 'token'): FakeStep | undefined {
    const index = forced.findIndex((step) => (step.on ?? 'data') === on);
    return index === -1 ? undefined : forced.splice(index, 1)[0];
  }

  // -- token endpoint

  function token(req: FakeRequest): Answer {
    state.tokenRequests += 1;
    const step = forcedStep('token');
    if (step) return step;
    if (req.method !== 'POST')
      return {
        status: 405,
        body: { error: 'invalid_request', error_description: 'must use HTTP POST' },
      };
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return {
        status: 400,
        body: { error: 'invalid_request', error_description: 'invalid content type' },
      };
    }
    const form = Object.fromEntries(new URLSearchParams(req.body));
    let clientId = form.client_id;
    let clientSecret = form.client_secret;
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (basic) {
      const [id, secret] = Buffer.from(basic, 'base64').toString('utf8').split(':');
      clientId = id;
      clientSecret = secret;
    }
    const grant = form.grant_type;
    if (grant !== 'password' && grant !== 'client_credentials')
      return {
        status: 400,
        body: { error: 'unsupported_grant_type', error_description: 'grant type not supported' },
      };
    if (clientId !== credentials.clientId)
      return {
        status: 400,
        body: { error: 'invalid_client_id', error_description: 'client identifier invalid' },
      };
    if (clientSecret !== credentials.clientSecret)
      return {
        status: 400,
        body: { error: 'invalid_client', error_description: 'invalid client credentials' },
      };
    if (
      grant === 'password' &&
      (form.username !== credentials.username ||
        form.password !== `${credentials.password}${credentials.securityToken}`)
    ) {
      return {
        status: 400,
        body: { error: 'invalid_grant', error_description: 'authentication failure' },
      };
    }
    const accessToken = `00DFAKE0000000001!AQ0A.${randomBytes(18).toString('base64url')}`;
    tokens.set(accessToken, Date.now());
    state.logins += 1;
    return {
      status: 200,
      body: {
        access_token: accessToken,
        instance_url: url,
        id: `${url}/id/00DFAKE0000000001/005FAKE0000000001`,
        token_type: 'Bearer',
        issued_at: String(Date.now()),
        signature: randomBytes(32).toString('base64'),
      },
    };
  }

  // -- validation of record bodies

  function typeProblem(name: string, def: FieldDef, value: unknown): Answer | null {
    if (value === null)
      return def.required
        ? err(400, 'REQUIRED_FIELD_MISSING', `Required fields are missing: [${name}]`, [name])
        : null;
    const bad = () =>
      err(
        400,
        'INVALID_TYPE_ON_FIELD_IN_RECORD',
        `${name}: value not of required type: ${JSON.stringify(value)}`,
        [name],
      );
    switch (def.type) {
      case 'number':
        return typeof value === 'number' && Number.isFinite(value) ? null : bad();
      case 'boolean':
        return typeof value === 'boolean' ? null : bad();
      case 'date':
        return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? null : bad();
      case 'email':
        return typeof value === 'string' && /^[^@\s]+@[^@\s]+$/.test(value)
          ? null
          : err(400, 'INVALID_EMAIL_ADDRESS', `${name}: invalid email address: ${String(value)}`, [
              name,
            ]);
      case 'reference': {
        if (typeof value !== 'string') return bad();
        if (def.references && !find(def.references, value))
          return err(400, 'INVALID_CROSS_REFERENCE_KEY', `invalid cross reference id`, [name]);
        return null;
      }
      default:
        if (typeof value !== 'string') return bad();
        return value === '' && def.required
          ? err(400, 'REQUIRED_FIELD_MISSING', `Required fields are missing: [${name}]`, [name])
          : null;
    }
  }

  /** Checks a create/update body; `existing` is the record being updated, if any. */
  function validate(
    object: FakeObject,
    body: Record<string, unknown>,
    existing: FakeRecord | undefined,
    headers: Record<string, string>,
  ): Answer | null {
    const defs = fieldsOf(object);
    for (const [name, value] of Object.entries(body)) {
      const def = Object.hasOwn(defs, name) ? defs[name] : undefined;
      if (!def)
        return err(400, 'INVALID_FIELD', `No such column '${name}' on sobject of type ${object}`);
      if (def.readOnly)
        return err(
          400,
          'INVALID_FIELD_FOR_INSERT_UPDATE',
          `Unable to create/update fields: ${name}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
          [name],
        );
      const problem = typeProblem(name, def, value);
      if (problem) return problem;
    }
    if (!existing) {
      const missing = Object.entries(defs)
        .filter(
          ([name, def]) =>
            def.required && (body[name] === undefined || body[name] === null || body[name] === ''),
        )
        .map(([name]) => name);
      if (missing.length > 0)
        return err(
          400,
          'REQUIRED_FIELD_MISSING',
          `Required fields are missing: [${missing.join(', ')}]`,
          missing,
        );
    }
    if (existing && object === 'Lead' && existing.IsConverted === true)
      return err(400, 'CANNOT_UPDATE_CONVERTED_LEAD', 'cannot reference converted lead');
    for (const [name, def] of Object.entries(defs)) {
      if (!def.unique || body[name] === undefined || body[name] === null) continue;
      const clash = records[object].find(
        (r) => r !== existing && same(r[name], body[name] as Literal),
      );
      if (clash)
        return err(
          400,
          'DUPLICATE_VALUE',
          `duplicate value found: ${name} duplicates value on record with id: ${clash.Id}`,
          [name],
        );
    }
    if (
      options.duplicateRuleOnEmail &&
      (object === 'Contact' || object === 'Lead') &&
      typeof body.Email === 'string' &&
      !/allowSave=true/i.test(headers['sforce-duplicate-rule-header'] ?? '')
    ) {
      const clash = records[object].find(
        (r) => r !== existing && same(r.Email, body.Email as string),
      );
      if (clash)
        return {
          status: 400,
          body: [
            {
              message: 'Use one of these records?',
              errorCode: 'DUPLICATES_DETECTED',
              duplicateResult: {
                duplicateRule: 'Standard_Rule_for_Contacts_with_Duplicate_Leads',
                matchResults: [
                  { entityType: object, matchRecords: [{ record: { Id: clash.Id } }] },
                ],
              },
            },
          ],
        };
    }
    return null;
  }

  function jsonBody(
    req: FakeRequest,
  ): { ok: true; body: Record<string, unknown> } | { ok: false; answer: Answer } {
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return {
        ok: false,
        answer: err(
          415,
          'UNSUPPORTED_MEDIA_TYPE',
          `Content-Type header specified in HTTP request is not supported: ${req.headers['content-type'] ?? '(none)'}`,
        ),
      };
    }
    if (!isPlainObject(req.json))
      return {
        ok: false,
        answer: err(400, 'JSON_PARSER_ERROR', 'The request body must be a JSON object'),
      };
    return { ok: true, body: req.json };
  }

  // -- REST resources

  function query(soql: string | undefined): Answer {
    if (!soql) return err(400, 'MALFORMED_QUERY', 'q parameter is required');
    const parsed = parseSoql(soql);
    if (!parsed) return err(400, 'MALFORMED_QUERY', `unexpected token in: ${soql}`);
    if (!isObject(parsed.object))
      return err(400, 'INVALID_TYPE', `sObject type '${parsed.object}' is not supported.`);
    const defs = fieldsOf(parsed.object);
    for (const field of [
      ...parsed.fields,
      ...parsed.where.map((w) => w.field),
      ...(parsed.orderBy ? [parsed.orderBy.field] : []),
    ]) {
      if (!Object.hasOwn(defs, field))
        return err(400, 'INVALID_FIELD', `No such column '${field}' on entity '${parsed.object}'.`);
    }
    let rows = records[parsed.object].filter((r) =>
      parsed.where.every((w) => same(r[w.field], w.value)),
    );
    if (parsed.orderBy) {
      const { field, descending } = parsed.orderBy;
      rows = [...rows].sort(
        (a, b) =>
          String(a[field] ?? '').localeCompare(String(b[field] ?? '')) * (descending ? -1 : 1),
      );
    }
    if (parsed.limit !== undefined) rows = rows.slice(0, parsed.limit);
    const type = parsed.object;
    return {
      status: 200,
      body: {
        totalSize: rows.length,
        done: true,
        records: rows.map((r) => ({
          attributes: { type, url: `/services/data/v60.0/sobjects/${type}/${r.Id}` },
          ...Object.fromEntries(parsed.fields.map((f) => [f, r[f] ?? null])),
        })),
      },
    };
  }

  function describe(object: FakeObject): Answer {
    const fields = Object.entries(fieldsOf(object)).map(([name, def]) => ({
      name,
      label: name,
      type: def.type === 'number' ? 'double' : def.type,
      custom: name.endsWith('__c'),
      externalId: def.externalId === true,
      idLookup: def.idLookup === true || def.externalId === true,
      unique: def.unique === true,
      createable: !def.readOnly,
      updateable: !def.readOnly,
      nillable: !def.required,
      relationshipName: def.relationshipName ?? null,
    }));
    return {
      status: 200,
      body: {
        name: object,
        label: object,
        custom: false,
        createable: true,
        updateable: true,
        queryable: true,
        fields,
      },
    };
  }

  function create(object: FakeObject, req: FakeRequest): Answer {
    const parsedBody = jsonBody(req);
    if (!parsedBody.ok) return parsedBody.answer;
    const body = parsedBody.body;
    if (Object.hasOwn(body, 'Id'))
      return err(400, 'INVALID_FIELD_FOR_INSERT_UPDATE', 'Unable to create/update fields: Id.', [
        'Id',
      ]);
    const problem = validate(object, body, undefined, req.headers);
    if (problem) return problem;
    const record = insert(object, body);
    return { status: 201, body: { id: record.Id, success: true, errors: [] } };
  }

  function updateById(object: FakeObject, id: string, req: FakeRequest): Answer {
    const existing = find(object, id);
    if (!existing) return NOT_FOUND();
    const parsedBody = jsonBody(req);
    if (!parsedBody.ok) return parsedBody.answer;
    const body = parsedBody.body;
    const problem = validate(object, body, existing, req.headers);
    if (problem) return problem;
    Object.assign(existing, body);
    return { status: 204 };
  }

  function upsert(
    object: FakeObject,
    field: string,
    value: string,
    version: number,
    req: FakeRequest,
  ): Answer {
    const def = Object.hasOwn(fieldsOf(object), field) ? fieldsOf(object)[field] : undefined;
    if (!def || (def.externalId !== true && def.idLookup !== true) || field === 'Id') {
      return {
        status: 404,
        body: { errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' },
      };
    }
    const parsedBody = jsonBody(req);
    if (!parsedBody.ok) return parsedBody.answer;
    const body = parsedBody.body;
    for (const forbidden of ['Id', field]) {
      if (Object.hasOwn(body, forbidden))
        return err(
          400,
          'INVALID_FIELD',
          `The field ${forbidden} must not be in the body of an upsert by ${field}; it is taken from the URL`,
          [forbidden],
        );
    }
    const matches = records[object].filter((r) => same(r[field], value));
    if (matches.length > 1)
      return {
        status: 300,
        body: matches.map(
          (r) => `/services/data/v${version.toFixed(1)}/sobjects/${object}/${r.Id}`,
        ),
      };
    const [existing] = matches;
    if (!existing) {
      if (version >= 61 && req.query.updateOnly === 'true') return NOT_FOUND();
      const problem = validate(object, { ...body, [field]: value }, undefined, req.headers);
      if (problem) return problem;
      const record = insert(object, { ...body, [field]: value });
      return {
        status: 201,
        body: {
          id: record.Id,
          success: true,
          errors: [],
          ...(version >= 46 ? { created: true } : {}),
        },
      };
    }
    const problem = validate(object, body, existing, req.headers);
    if (problem) return problem;
    Object.assign(existing, body);
    return version >= 46
      ? { status: 200, body: { id: existing.Id, success: true, errors: [], created: false } }
      : { status: 204 };
  }

  function data(req: FakeRequest): Answer {
    if (req.path === '/services/data' || req.path === '/services/data/') {
      if (req.method !== 'GET')
        return err(
          405,
          'METHOD_NOT_ALLOWED',
          `HTTP Method '${req.method}' not allowed. Allowed are GET`,
        );
      const versions = [];
      for (let v = MIN_VERSION; v <= MAX_VERSION; v += 1)
        versions.push({ label: releaseLabel(v), url: `/services/data/v${v}.0`, version: `${v}.0` });
      return { status: 200, body: versions };
    }
    const match = /^\/services\/data\/v(\d+)\.(\d)(\/.*)?$/.exec(req.path);
    if (!match) return NOT_FOUND();
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const issued = bearer ? tokens.get(bearer) : undefined;
    if (
      issued === undefined ||
      (options.tokenTtlMs !== undefined && Date.now() - issued > options.tokenTtlMs)
    ) {
      return err(401, 'INVALID_SESSION_ID', 'Session expired or invalid');
    }
    apiUsage += 1;
    const step = forcedStep('data');
    if (step) return step;
    const version = Number(`${match[1]}.${match[2]}`);
    if (version < MIN_VERSION || version > MAX_VERSION || match[2] !== '0') return NOT_FOUND();
    const rest = (match[3] ?? '/').replace(/\/$/, '');
    const parts = rest
      .split('/')
      .filter((p) => p.length > 0)
      .map((p) => decodeURIComponent(p));

    if (parts[0] === 'query' && parts.length === 1) {
      if (req.method !== 'GET')
        return err(
          405,
          'METHOD_NOT_ALLOWED',
          `HTTP Method '${req.method}' not allowed. Allowed are GET`,
        );
      return query(req.query.q);
    }
    if (parts[0] !== 'sobjects' || parts.length < 2) return NOT_FOUND();
    const objectName = parts[1] ?? '';
    if (!isObject(objectName))
      return err(404, 'NOT_FOUND', `The requested resource does not exist`);
    const object = objectName;
    if (parts.length === 2) {
      if (req.method !== 'POST')
        return err(
          405,
          'METHOD_NOT_ALLOWED',
          `HTTP Method '${req.method}' not allowed. Allowed are HEAD,GET,POST`,
        );
      return create(object, req);
    }
    if (parts.length === 3 && parts[2] === 'describe') {
      if (req.method !== 'GET')
        return err(
          405,
          'METHOD_NOT_ALLOWED',
          `HTTP Method '${req.method}' not allowed. Allowed are HEAD,GET`,
        );
      return describe(object);
    }
    if (parts.length === 3) {
      const id = parts[2] ?? '';
      if (req.method === 'GET') {
        const record = find(object, id);
        return record
          ? {
              status: 200,
              body: {
                attributes: {
                  type: object,
                  url: `/services/data/v${version.toFixed(1)}/sobjects/${object}/${id}`,
                },
                ...record,
              },
            }
          : NOT_FOUND();
      }
      if (req.method === 'PATCH') return updateById(object, id, req);
      return err(
        405,
        'METHOD_NOT_ALLOWED',
        `HTTP Method '${req.method}' not allowed. Allowed are HEAD,GET,PATCH,DELETE`,
      );
    }
    if (parts.length === 4) {
      if (req.method !== 'PATCH')
        return err(
          405,
          'METHOD_NOT_ALLOWED',
          `HTTP Method '${req.method}' not allowed. Allowed are HEAD,GET,PATCH,DELETE`,
        );
      return upsert(object, parts[2] ?? '', parts[3] ?? '', version, req);
    }
    return NOT_FOUND();
  }

  function answer(res: ServerResponse, result: Answer, limitInfo: boolean): void {
    const headers: Record<string, string> = { ...(result.headers ?? {}) };
    if (limitInfo)
      headers['sforce-limit-info'] = `api-usage=${apiUsage}/${options.apiLimit ?? 15000}`;
    if (result.body === undefined) {
      res.writeHead(result.status, headers);
      res.end();
      return;
    }
    res.writeHead(result.status, { 'content-type': 'application/json;charset=UTF-8', ...headers });
    res.end(JSON.stringify(result.body));
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const parsedUrl = new URL(req.url ?? '/', 'http://fake');
      const body = Buffer.concat(chunks).toString('utf8');
      const request: FakeRequest = {
        method: req.method ?? '',
        path: parsedUrl.pathname,
        query: Object.fromEntries(parsedUrl.searchParams),
        headers: flatten(req.headers),
        body,
        json: body.length > 0 ? parseJson(body) : null,
      };
      state.requests.push(request);
      if (request.path === '/services/oauth2/token') return answer(res, token(request), false);
      if (request.path.startsWith('/services/data'))
        return answer(res, data(request), /^\/services\/data\/v/.test(request.path));
      return answer(
        res,
        {
          status: 404,
          body: [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }],
        },
        false,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const isData = (r: FakeRequest) => /^\/services\/data\/v/.test(r.path);
  return {
    url,
    credentials,
    state,
    records: (object) => records[object].map((r) => ({ ...r })),
    dataRequests: () => state.requests.filter(isData),
    writes: () => state.requests.filter((r) => isData(r) && r.method !== 'GET'),
    seed: (object, fields) => ({ ...insert(object, fields) }),
    convertLead,
    failNext: (...steps) => {
      forced.push(...steps);
    },
    expireSessions: () => tokens.clear(),
    resetLog: () => {
      state.requests.length = 0;
      state.logins = 0;
      state.tokenRequests = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
