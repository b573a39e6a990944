/**
 * Table types for Kysely. Both dialects store the same shapes:
 * - timestamps as ISO 8601 UTC text (`2026-01-01T00:00:00.000Z`), which sorts and compares
 *   correctly as text on SQLite and PostgreSQL alike;
 * - booleans as integers 0/1;
 * - JSON as text (parsed by the repositories);
 * - raw bodies as BLOB / BYTEA (a Buffer either way).
 * Keeping one encoding keeps every query outside `src/db/` dialect-free.
 */
import type { InboundVerdict } from '../core/inbound-verdict.js';

export { INBOUND_VERDICTS } from '../core/inbound-verdict.js';
export type { InboundVerdict };
import type { ColumnType } from 'kysely';

export type Bool = 0 | 1;

export interface SourcesTable {
  id: string;
  provider: string;
  name: string;
  /** Non-secret config as JSON. */
  config: string;
  /** Secret config fields as JSON, encrypted with the master key (see secrets/secret-box.ts). */
  secrets: string;
  created_at: string;
  updated_at: string;
}

export interface InboundRequestsTable {
  id: string;
  source_id: string | null;
  provider: string | null;
  received_at: string;
  method: string;
  url: string;
  headers: string;
  raw_body: Buffer;
  remote_address: string;
  /** Indexed for filters only when not `accepted` (partial index, db/write-indexes.ts). */
  verdict: InboundVerdict;
  verdict_code: string | null;
  verdict_reason: string | null;
  /** How the signature was verified (e.g. `sha512 variant A`). */
  verification: string | null;
  event_ids: string;
}

/**
 * A stored inbound request whose authenticity is still to be confirmed with the sender
 * (PayPal IPN postback). The row lives until the request is verified (then committed like any
 * other), rejected, or its source is gone; transient failures move `next_attempt_at` on.
 */
export interface VerificationsTable {
  inbound_request_id: string;
  source_id: string;
  attempts: number;
  next_attempt_at: string;
  /** A verifier holds the row until then; null when free. */
  lease_until: string | null;
  last_error: string | null;
}

export interface EventsTable {
  id: string;
  source_id: string;
  inbound_request_id: string;
  /** Indexed for filters only when not `payment` (partial index, db/write-indexes.ts). */
  type: string;
  dedup_key: string;
  /** The provider's order id, for filtering and per-order ordering. */
  order_ref: string | null;
  customer_email: string | null;
  test: Bool;
  occurred_at: string;
  received_at: string;
  /** The CanonicalEvent as JSON. */
  payload: string;
}

export interface CustomersTable {
  id: string;
  email: string;
  first_name: string | null;
  last_name: string | null;
  company: string | null;
  phone: string | null;
  address: string | null;
  created_at: string;
  updated_at: string;
}

export interface OrdersTable {
  id: string;
  source_id: string;
  provider: string;
  external_id: string;
  customer_id: string | null;
  billing_type: string | null;
  currency: string | null;
  /** 'open' | 'pending' | 'paid' | 'denied' | 'partially_refunded' | 'refunded' | 'charged_back' */
  status: string;
  test: Bool;
  created_at: string;
  updated_at: string;
}

export interface OrderItemsTable {
  order_id: string;
  product_id: string;
  name: string | null;
  quantity: number;
  is_addon: Bool;
  amount: number | null;
}

export interface TransactionsTable {
  id: string;
  order_id: string;
  event_id: string;
  external_id: string | null;
  /** The provider's id of the transaction this one reverses (a refund's payment), when named. */
  parent_external_id: string | null;
  /** The transaction's main product (its first item), when known. */
  product_id: string | null;
  /** 'payment' | 'refund' | 'chargeback' | 'chargeback_reversed' */
  kind: string;
  amount: number | null;
  currency: string | null;
  pay_sequence_no: number | null;
  occurred_at: string;
}

export interface SubscriptionsTable {
  id: string;
  order_id: string;
  billing_type: string | null;
  pay_sequence_no: number | null;
  next_payment_at: string | null;
  cancelled: Bool;
  /** 'active' | 'suspended' | 'cancelled' | 'ended' | 'revoked' */
  status: string;
  updated_at: string;
}

export interface AccessTable {
  id: string;
  customer_id: string;
  order_id: string;
  product_id: string;
  /** 'active' | 'suspended' | 'ended' | 'revoked' */
  status: string;
  paid_until: string | null;
  /** When the event that set `status` happened (provider time, else receive time). */
  status_at: string;
  granted_at: string;
  updated_at: string;
}

export interface ConnectionsTable {
  id: string;
  connector: string;
  name: string;
  active: Bool;
  filters: string;
  config: string;
  secrets: string;
  error_emails: string;
  created_at: string;
  updated_at: string;
  /** When ipnhub switched the connection off on its own (outbox/auto-disable.ts); null otherwise. */
  disabled_at: string | null;
  /** Why it did, in words for the operator; null with `disabled_at`. */
  disabled_reason: string | null;
}

export const DELIVERY_STATUSES = [
  'pending',
  'delivering',
  'delivered',
  'skipped',
  'failed',
  'dead',
] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** `live`: created by fan-out when the event arrived; `backfill`: created later for a past event (outbox/backfill.ts). */
export const DELIVERY_ORIGINS = ['live', 'backfill'] as const;
export type DeliveryOrigin = (typeof DELIVERY_ORIGINS)[number];

export interface DeliveriesTable {
  id: string;
  event_id: string;
  connection_id: string;
  /** Deliveries with the same connection and order key go out in event-id order. */
  order_key: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: string;
  lease_owner: string | null;
  lease_expires_at: string | null;
  /** 'scheduled' | 'manual': what queued the next attempt. */
  trigger: string;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
  /** Where the delivery came from: fan-out at ingest, or a backfill of past events. */
  origin: ColumnType<DeliveryOrigin, DeliveryOrigin | undefined, DeliveryOrigin>;
}

export interface AttemptsTable {
  id: string;
  delivery_id: string;
  attempt_no: number;
  trigger: string;
  started_at: string;
  duration_ms: number;
  outcome: string;
  status_code: number | null;
  response: string | null;
  error: string | null;
  /**
   * What the attempt sent, as JSON `{ requests: SentRequest[], omitted }` with credentials
   * redacted (outbox/request-recorder.ts); null for attempts that made no HTTP request and
   * for those recorded before this column existed.
   */
  requests: string | null;
}

/**
 * Deliveries still to be reported in an error e-mail, one row per delivery (the latest problem
 * wins). `id` changes with every write, so a mail removes only the rows it reported.
 */
export interface AlertQueueTable {
  delivery_id: string;
  id: string;
  connection_id: string;
  /** 'dead' | 'failed' | 'failing' (see src/outbox/alert-queue.ts). */
  kind: string;
  attempt_no: number;
  reason: string;
  queued_at: string;
}

/** When a connection may get its next error e-mail (the end of its throttle window). */
export interface AlertWindowsTable {
  connection_id: string;
  next_mail_at: string;
}

/**
 * Since when a connection has failed without a success in between (outbox/connection-health.ts).
 * A delivered attempt removes the row; a failed one creates it or moves `last_failure_at` on.
 */
export interface ConnectionHealthTable {
  connection_id: string;
  failing_since: string;
  last_failure_at: string;
  failures: number;
}

/**
 * The operator's throttled alerts about a source or connection (outbox/health-alerts.ts): one
 * row per subject and kind, counting what happened since the last mail.
 */
export interface HealthAlertsTable {
  /** `<subject id>:<kind>`. */
  id: string;
  subject_id: string;
  /** An inbound rejection code, `held` or `disabled`. */
  kind: string;
  /** What happened since the last mail; 0 when it has all been mailed. */
  count: number;
  first_at: string | null;
  last_at: string;
  /** The latest inbound request (or connection) it happened to. */
  last_ref: string | null;
  last_reason: string | null;
  /** The end of the throttle window: no mail for this row before then. */
  next_mail_at: string | null;
}

/** A sign-in session of the admin web UI (see src/secrets/admin-sessions.ts). */
export interface AdminSessionsTable {
  /** SHA-256 (hex) of the session id the browser holds in its cookie; the id itself is never stored. */
  id: string;
  /** SHA-256 (hex) of the admin token the session was opened with: another token ends it. */
  token_digest: string;
  created_at: string;
  /** Moves on with use (at most once a minute); the idle timeout counts from here. */
  last_seen_at: string;
  /** The absolute end, whatever the use. */
  expires_at: string;
}

export interface SettingsTable {
  key: string;
  value: string;
}

/**
 * A seller profile (src/invoicing/profiles.ts): who issues documents for the sources attached
 * to it. The switches the ingest transaction reads are columns; everything else is one JSON
 * object validated by the profile schema (src/invoicing/profile-settings.ts).
 */
export interface SellerProfilesTable {
  id: string;
  name: string;
  /** 1: payments of attached sources get documents. */
  invoicing: Bool;
  /** The ProfileSettings as JSON. */
  settings: string;
  logo: Buffer | null;
  /** 'image/png' | 'image/jpeg' */
  logo_media_type: string | null;
  created_at: string;
  updated_at: string;
}

/** Which profile a source belongs to; a source has at most one (the primary key). */
export interface ProfileSourcesTable {
  source_id: string;
  profile_id: string;
}

/**
 * One counter per number series and period (`<profileId>:<kind>:<year or "all">`):
 * `next_value` is the sequence number the next document of the series gets. Incremented in
 * the transaction that stores the document, never through a sequence (src/invoicing/numbering.ts).
 */
export interface NumberCountersTable {
  series_key: string;
  next_value: number;
}

/**
 * A stored event that is to get a document (an invoice-receipt or a credit note): written in
 * the event's own transaction, taken by a worker under a lease, deleted in the transaction that
 * settles it (src/invoicing/document-jobs.ts).
 */
export interface DocumentJobsTable {
  event_id: string;
  profile_id: string;
  attempts: number;
  next_attempt_at: string;
  lease_until: string | null;
  last_error: string | null;
  created_at: string;
}

/** What a document is for; a second claim of the same key finds it taken (one payment, one document). */
export interface DocumentClaimsTable {
  claim_key: string;
  document_id: string;
  created_at: string;
}

/** An issued document. Its content (`snapshot`) never changes; only the render state moves on. */
export interface DocumentsTable {
  id: string;
  profile_id: string;
  source_id: string | null;
  /** The event it documents; null for a credit note issued by hand. */
  event_id: string | null;
  /** 'invoice' | 'credit_note' */
  kind: string;
  number: string;
  series_key: string;
  sequence_no: number;
  issued_at: string;
  buyer_email: string | null;
  buyer_name: string | null;
  order_ref: string | null;
  /** The provider's transaction id of the payment or refund. */
  transaction_ref: string | null;
  currency: string;
  gross: number;
  net: number;
  tax: number;
  /** A credit note's invoice. */
  corrects_document_id: string | null;
  /** The DocumentSnapshot as JSON (src/invoicing/document-snapshot.ts). */
  snapshot: string;
  /** 'pending' | 'rendered' */
  render_state: string;
  render_attempts: number;
  render_next_at: string | null;
  render_lease_until: string | null;
  render_error: string | null;
  /** 1: the PDF carries the EN 16931 e-invoice (the profile asked for it at issue); 0: plain PDF. */
  e_invoice: number;
  /** Why the PDF is plain although the e-invoice was asked for (the document cannot be a valid one); null otherwise. */
  e_invoice_refused: string | null;
  created_at: string;
}

/** The rendered PDF of a document, written once. */
export interface DocumentPdfsTable {
  document_id: string;
  pdf: Buffer;
  /** SHA-256 (hex) of `pdf`. */
  sha256: string;
  rendered_at: string;
}

/** One e-mail of a document (to the buyer, or the seller's "new order"), with its retries and what was sent. */
export interface DocumentMailsTable {
  id: string;
  document_id: string;
  /** 'buyer' | 'seller' */
  role: string;
  /** JSON array of addresses. */
  recipients: string;
  /** 'pending' | 'sent' | 'failed' (a mail being sent is 'pending' with a live lease) */
  status: string;
  /** 'issue' | 'resend' */
  trigger: string;
  attempts: number;
  next_attempt_at: string;
  lease_until: string | null;
  last_error: string | null;
  subject: string | null;
  message_id: string | null;
  sent_at: string | null;
  created_at: string;
}

/**
 * A mail of a Digistore24 sale (seller's "new order", buyer's mail) with Digistore24's invoice and
 * receipt links instead of a document (src/invoicing/platform-sale-mails.ts).
 */
export interface PlatformSaleMailsTable {
  id: string;
  /** `<profile>:<the payment's transaction id, or event:<id>>:<role>`: one mail per payment and role. */
  claim_key: string;
  /** The payment event the mail is about; its text is made from it when sent. */
  event_id: string;
  profile_id: string;
  /** 'buyer' | 'seller' */
  role: string;
  /** JSON array of addresses. */
  recipients: string;
  /** 'pending' | 'sent' | 'failed' (a mail being sent is 'pending' with a live lease) */
  status: string;
  attempts: number;
  next_attempt_at: string;
  lease_until: string | null;
  last_error: string | null;
  subject: string | null;
  message_id: string | null;
  sent_at: string | null;
  created_at: string;
}

/**
 * A refund or chargeback that got no credit note because ipnhub has no document of the payment
 * it refunds (or it refunds more than is left): a person decides. Never given an invented reference.
 */
export interface ManualRefundsTable {
  id: string;
  event_id: string;
  profile_id: string;
  source_id: string;
  /** 'refund' | 'chargeback' */
  kind: string;
  order_ref: string | null;
  transaction_ref: string | null;
  /** The refunded payment's transaction id, as the provider named it. */
  parent_transaction_ref: string | null;
  amount: number | null;
  currency: string | null;
  buyer_email: string | null;
  reason: string;
  created_at: string;
}

/**
 * One erasure of a buyer's personal data (src/retention/erase-customer.ts): the audit record.
 * Never holds the e-mail or any other personal value.
 */
export interface ErasuresTable {
  id: string;
  /** The customer whose data was erased (the row stays, anonymised). */
  customer_id: string;
  /** Who asked: `cli`, `api:token` or `api:session`. */
  actor: string;
  /** JSON object: rows changed per kind (`{ "events": 3, "inboundRequests": 3, … }`). */
  removed: string;
  erased_at: string;
}

export interface Database {
  sources: SourcesTable;
  inbound_requests: InboundRequestsTable;
  events: EventsTable;
  customers: CustomersTable;
  orders: OrdersTable;
  order_items: OrderItemsTable;
  transactions: TransactionsTable;
  subscriptions: SubscriptionsTable;
  access: AccessTable;
  connections: ConnectionsTable;
  deliveries: DeliveriesTable;
  attempts: AttemptsTable;
  alert_queue: AlertQueueTable;
  alert_windows: AlertWindowsTable;
  connection_health: ConnectionHealthTable;
  health_alerts: HealthAlertsTable;
  settings: SettingsTable;
  admin_sessions: AdminSessionsTable;
  verifications: VerificationsTable;
  seller_profiles: SellerProfilesTable;
  profile_sources: ProfileSourcesTable;
  number_counters: NumberCountersTable;
  document_jobs: DocumentJobsTable;
  document_claims: DocumentClaimsTable;
  documents: DocumentsTable;
  document_pdfs: DocumentPdfsTable;
  document_mails: DocumentMailsTable;
  manual_refunds: ManualRefundsTable;
  platform_sale_mails: PlatformSaleMailsTable;
  erasures: ErasuresTable;
}
