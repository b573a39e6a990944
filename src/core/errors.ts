/**
 * The error catalogue: every error a client of ipnhub can see has a stable UPPER_SNAKE code,
 * an HTTP status and a message. Codes are never reused or renamed; `docs/errors.md` lists
 * them all and `errors.test.ts` keeps the two in sync.
 */

export const ERROR_CATALOGUE = {
  // Inbound (POST /ipn/:sourceId)
  SOURCE_NOT_FOUND: { status: 404, message: 'No source with this id.' },
  UNSUPPORTED_CONTENT_TYPE: {
    status: 415,
    message: 'The body is not of the content type this provider sends.',
  },
  BODY_TOO_LARGE: { status: 413, message: 'The body is larger than the configured limit.' },
  MALFORMED_BODY: { status: 400, message: 'The body could not be parsed.' },
  DUPLICATE_FIELD: { status: 400, message: 'A field name occurs more than once in the body.' },
  MISSING_FIELD: { status: 400, message: 'A required field is missing.' },
  SIGNATURE_MISSING: { status: 403, message: 'The notification carries no signature.' },
  SIGNATURE_NOT_CONFIGURED: {
    status: 403,
    message: 'The sender has no signing passphrase configured.',
  },
  SIGNATURE_INVALID: { status: 403, message: 'The signature does not match.' },
  INGEST_FAILED: {
    status: 500,
    message: 'The notification could not be stored; the sender should retry.',
  },
  UNSUPPORTED_CHARSET: {
    status: 400,
    message: 'The notification names a character set this server cannot decode.',
  },
  MALFORMED_JSON: { status: 400, message: 'The body is not a JSON object of the expected shape.' },
  POSTBACK_INVALID: {
    status: 403,
    message:
      'PayPal answered INVALID to the verification postback: the message did not come from PayPal.',
  },
  RECEIVER_MISMATCH: {
    status: 403,
    message: 'The payment was made to another PayPal account than this source is configured for.',
  },
  TEST_MESSAGE_ON_LIVE_SOURCE: {
    status: 403,
    message: 'A sandbox or simulator message (test_ipn=1) reached a live source.',
  },
  AMOUNT_MISMATCH: {
    status: 403,
    message: 'The amount or currency differs from the expected price configured for the item.',
  },
  CERTIFICATE_URL_NOT_ALLOWED: {
    status: 403,
    message: 'The signing certificate URL is not an HTTPS URL on a PayPal host.',
  },
  CERTIFICATE_INVALID: {
    status: 403,
    message: 'The signing certificate is expired, not yet valid or cannot be parsed.',
  },
  VERIFICATION_UNAVAILABLE: {
    status: 503,
    message:
      'The signature could not be checked right now (certificate or verification service unreachable); the sender should retry.',
  },
  // HTTP layer (any route): refused before a route could read the request
  MALFORMED_REQUEST: { status: 400, message: 'The request is not valid HTTP/1.1.' },
  HEADERS_TOO_LARGE: { status: 431, message: 'The request headers are too large.' },
  REQUEST_TIMEOUT: { status: 408, message: 'The request was not received completely in time.' },
  // Admin API
  UNAUTHORIZED: { status: 401, message: 'A valid Bearer token or sign-in session is required.' },
  CSRF_REJECTED: {
    status: 403,
    message: 'A change made with a session cookie must come from the ipnhub page itself.',
  },
  ADMIN_TOKEN_CONFIGURED: {
    status: 409,
    message: 'The admin token is set in the configuration and cannot be rotated here.',
  },
  TEST_NOTIFICATION_UNSUPPORTED: {
    status: 400,
    message: 'This provider has no test notification ipnhub can send.',
  },
  VALIDATION_FAILED: { status: 400, message: 'The request is not valid.' },
  NOT_FOUND: { status: 404, message: 'Not found.' },
  ROUTE_NOT_FOUND: { status: 404, message: 'No such route.' },
  UNKNOWN_PROVIDER: { status: 400, message: 'No provider with this id.' },
  UNKNOWN_CONNECTOR: { status: 400, message: 'No connector with this id.' },
  INVALID_CONFIG: {
    status: 400,
    message: 'The configuration is not valid for this provider or connector.',
  },
  UNKNOWN_TEMPLATE_PATH: {
    status: 400,
    message: 'A template or field mapping names a field the event does not have.',
  },
  CONFIG_TOO_LARGE: {
    status: 400,
    message: "The connection's configuration exceeds a size limit.",
  },
  INVALID_CURSOR: { status: 400, message: 'The pagination cursor is not valid.' },
  DELIVERY_IN_PROGRESS: { status: 409, message: 'The delivery is being attempted right now.' },
  CONNECTION_INACTIVE: {
    status: 409,
    message: 'The connection is switched off; switch it on before sending it deliveries in bulk.',
  },
  INVALID_RANGE: { status: 400, message: 'The time range is empty: `from` must be before `to`.' },
  RATE_LIMITED: { status: 429, message: 'Too many requests.' },
  // Invoicing (seller profiles and documents)
  LOGO_INVALID: { status: 400, message: 'The logo is not a PNG or JPEG image.' },
  LOGO_TOO_LARGE: { status: 400, message: 'The logo is larger than 256 KiB.' },
  SOURCE_HAS_PROFILE: { status: 409, message: 'The source is attached to another seller profile.' },
  PROFILE_HAS_DOCUMENTS: {
    status: 409,
    message:
      'The seller profile has issued documents and cannot be deleted; switch its invoicing off instead.',
  },
  DOCUMENT_NOT_RENDERED: { status: 409, message: "The document's PDF is not rendered yet." },
  CREDIT_NOT_POSSIBLE: { status: 409, message: 'No credit note can be issued for this document.' },
  // Erasure of a buyer's personal data
  PERSONAL_DATA_ERASED: {
    status: 410,
    message: "The buyer's personal data was erased before the request could be verified.",
  },
  CONFIRMATION_REQUIRED: {
    status: 400,
    message:
      'The command changes data for good and needs a confirmation: answer yes, or pass --yes.',
  },
  // Web UI (GET / and client-side routes)
  UI_NOT_BUILT: { status: 503, message: 'The web UI is not built.' },
  // Outbound
  TARGET_AUTH_FAILED: {
    status: 400,
    message:
      "The target rejected the connection's credentials; fix them in the connection settings.",
  },
  TARGET_VALIDATION_FAILED: {
    status: 400,
    message: 'The target rejected the data as invalid; its message says which field.',
  },
  TARGET_NOT_ALLOWED: {
    status: 400,
    message:
      'The target address is private, loopback, link-local or metadata and not on the allow-list.',
  },
  // E-invoices (EN 16931 data embedded in a document's PDF)
  EINVOICE_INCOMPLETE: {
    status: 400,
    message: 'The document or seller profile lacks data an EN 16931 e-invoice requires.',
  },
  EINVOICE_AMOUNTS_INVALID: {
    status: 400,
    message: "The document's amounts cannot be written as a valid EN 16931 e-invoice.",
  },
  // Startup / configuration
  CONFIG_INVALID: { status: 500, message: 'The configuration is not valid.' },
  MASTER_KEY_REQUIRED: {
    status: 500,
    message: 'IPNHUB_MASTER_KEY is required when the database is not the embedded default.',
  },
  SECRET_DECRYPT_FAILED: {
    status: 500,
    message: 'A stored secret could not be decrypted with the master key.',
  },
  DATA_DIR_UNUSABLE: { status: 500, message: 'The data directory cannot be used.' },
  DATABASE_NOT_FOUND: { status: 500, message: 'No ipnhub database where this command looks.' },
  DATABASE_UNAVAILABLE: { status: 503, message: 'The database cannot be opened.' },
  DATABASE_NEWER_THAN_CODE: {
    status: 500,
    message: 'The database was upgraded by a newer version of ipnhub.',
  },
  BACKUP_TARGET_EXISTS: { status: 409, message: 'The backup file exists already.' },
  BACKUP_FAILED: { status: 500, message: 'The backup could not be written.' },
  BACKUP_USE_PG_DUMP: {
    status: 400,
    message: 'ipnhub backup copies the embedded SQLite database only.',
  },
  PORT_IN_USE: { status: 500, message: 'The port is already in use.' },
  LISTEN_FAILED: { status: 500, message: 'The server cannot listen on the configured address.' },
  PROCESSES_NEED_POSTGRES: {
    status: 500,
    message: 'Several server processes (serve --processes) need a PostgreSQL database.',
  },
  INTERNAL: { status: 500, message: 'Internal error.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** One invalid input field: its dotted path (`url`, `filters.eventTypes`) and what is wrong with it. */
export interface FieldProblem {
  path: string;
  problem: string;
}

/**
 * An error a client is meant to see: code from the catalogue, optional detail for this case,
 * and for validation errors the invalid fields one by one (so a front end can name them in its
 * own terms, e.g. the CLI its flags).
 */
export class IpnhubError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly detail: string | undefined;
  readonly fields: readonly FieldProblem[] | undefined;

  constructor(
    code: ErrorCode,
    detail?: string,
    options?: { cause?: unknown; fields?: readonly FieldProblem[] },
  ) {
    const entry = ERROR_CATALOGUE[code];
    super(
      detail ? `${entry.message} ${detail}` : entry.message,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'IpnhubError';
    this.code = code;
    this.status = entry.status;
    this.detail = detail;
    this.fields = options?.fields;
  }
}

export function isIpnhubError(err: unknown): err is IpnhubError {
  return err instanceof IpnhubError;
}
