/**
 * Table types for Kysely. Both dialects store the same shapes:
 * - timestamps as ISO 8601 UTC text (`2026-01-01T00:00:00.000Z`), which sorts and compares
 *   correctly as text on SQLite and PostgreSQL alike;
 * - booleans as integers 0/1;
 * - JSON as text (parsed by the repositories);
 * - raw bodies as BLOB / BYTEA (a Buffer either way).
 * Keeping one encoding keeps every query outside `src/db/` dialect-free.
 */
export type Bool = 0 | 1;

export interface SourcesTable {
  id: string;
  provider: string;
  name: string;
  /** Non-secret config as JSON. */
  config: string;
  /** Secret config fields as JSON, encrypted with the master key (see connections/secret-box.ts). */
  secrets: string;
  created_at: string;
  updated_at: string;
}

/**
 * `pending`: stored and acknowledged, authenticity not yet confirmed (PayPal IPN postback).
 * `held`: authentic and about money, but no event could be made of it; held for review.
 */
export const INBOUND_VERDICTS = ['accepted', 'duplicate', 'ignored', 'test', 'rejected', 'error', 'pending', 'held'] as const;
export type InboundVerdict = (typeof INBOUND_VERDICTS)[number];

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
}

export const DELIVERY_STATUSES = ['pending', 'delivering', 'delivered', 'skipped', 'failed', 'dead'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

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

/** A sign-in session of the admin web UI (see src/connections/admin-sessions.ts). */
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
  settings: SettingsTable;
  admin_sessions: AdminSessionsTable;
  verifications: VerificationsTable;
}
