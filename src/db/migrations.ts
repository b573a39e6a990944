/**
 * Schema migrations for both dialects, in code (no files to ship). Each migration is written
 * once with Kysely's schema builder; the only dialect-specific piece, the binary column type,
 * comes from the adapter. Migrations run on start and by `ipnhub migrate`; Kysely's migrator
 * takes a lock (an advisory lock on PostgreSQL) so several processes starting together apply
 * each migration once.
 */
import { Migrator, sql } from 'kysely';
import type { Kysely, Migration, MigrationProvider, MigrationResultSet } from 'kysely';
import type { DbAdapter } from './dialect-adapter.js';
import type { Database } from './schema.js';
import { ACCEPTED_VERDICT, PAYMENT_TYPE } from './write-indexes.js';

function initial(adapter: DbAdapter): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('sources')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('config', 'text', (c) => c.notNull())
        .addColumn('secrets', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('inbound_requests')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('source_id', 'text')
        .addColumn('provider', 'text')
        .addColumn('received_at', 'text', (c) => c.notNull())
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('headers', 'text', (c) => c.notNull())
        .addColumn('raw_body', adapter.binaryType, (c) => c.notNull())
        .addColumn('remote_address', 'text', (c) => c.notNull())
        .addColumn('verdict', 'text', (c) => c.notNull())
        .addColumn('verdict_code', 'text')
        .addColumn('verdict_reason', 'text')
        .addColumn('verification', 'text')
        .addColumn('event_ids', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('inbound_requests_source')
        .on('inbound_requests')
        .columns(['source_id', 'id'])
        .execute();
      await db.schema
        .createIndex('inbound_requests_verdict')
        .on('inbound_requests')
        .columns(['verdict', 'id'])
        .execute();

      await db.schema
        .createTable('events')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('source_id', 'text', (c) => c.notNull())
        .addColumn('inbound_request_id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('dedup_key', 'text', (c) => c.notNull().unique())
        .addColumn('order_ref', 'text')
        .addColumn('customer_email', 'text')
        .addColumn('test', 'integer', (c) => c.notNull())
        .addColumn('occurred_at', 'text', (c) => c.notNull())
        .addColumn('received_at', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('events_source')
        .on('events')
        .columns(['source_id', 'id'])
        .execute();
      await db.schema.createIndex('events_type').on('events').columns(['type', 'id']).execute();
      await db.schema
        .createIndex('events_order')
        .on('events')
        .columns(['order_ref', 'id'])
        .execute();

      await db.schema
        .createTable('customers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('first_name', 'text')
        .addColumn('last_name', 'text')
        .addColumn('company', 'text')
        .addColumn('phone', 'text')
        .addColumn('address', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('orders')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('source_id', 'text', (c) => c.notNull())
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('external_id', 'text', (c) => c.notNull())
        .addColumn('customer_id', 'text')
        .addColumn('billing_type', 'text')
        .addColumn('currency', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('test', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('orders_source_external', ['source_id', 'external_id'])
        .execute();
      await db.schema.createIndex('orders_customer').on('orders').column('customer_id').execute();

      await db.schema
        .createTable('order_items')
        .addColumn('order_id', 'text', (c) => c.notNull())
        .addColumn('product_id', 'text', (c) => c.notNull())
        .addColumn('name', 'text')
        .addColumn('quantity', 'integer', (c) => c.notNull())
        .addColumn('is_addon', 'integer', (c) => c.notNull())
        .addColumn('amount', 'bigint')
        .addPrimaryKeyConstraint('order_items_pk', ['order_id', 'product_id'])
        .execute();

      await db.schema
        .createTable('transactions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('order_id', 'text', (c) => c.notNull())
        .addColumn('event_id', 'text', (c) => c.notNull().unique())
        .addColumn('external_id', 'text')
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('amount', 'bigint')
        .addColumn('currency', 'text')
        .addColumn('pay_sequence_no', 'integer')
        .addColumn('occurred_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('transactions_order')
        .on('transactions')
        .columns(['order_id', 'occurred_at'])
        .execute();

      await db.schema
        .createTable('subscriptions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('order_id', 'text', (c) => c.notNull().unique())
        .addColumn('billing_type', 'text')
        .addColumn('pay_sequence_no', 'integer')
        .addColumn('next_payment_at', 'text')
        .addColumn('cancelled', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('access')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('customer_id', 'text', (c) => c.notNull())
        .addColumn('order_id', 'text', (c) => c.notNull())
        .addColumn('product_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('paid_until', 'text')
        .addColumn('status_at', 'text', (c) => c.notNull())
        .addColumn('granted_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('access_order_product', ['order_id', 'product_id'])
        .execute();
      await db.schema
        .createIndex('access_customer_product')
        .on('access')
        .columns(['customer_id', 'product_id'])
        .execute();

      await db.schema
        .createTable('connections')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('connector', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('active', 'integer', (c) => c.notNull())
        .addColumn('filters', 'text', (c) => c.notNull())
        .addColumn('config', 'text', (c) => c.notNull())
        .addColumn('secrets', 'text', (c) => c.notNull())
        .addColumn('error_emails', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('deliveries')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('connection_id', 'text', (c) => c.notNull())
        .addColumn('order_key', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at', 'text', (c) => c.notNull())
        .addColumn('lease_owner', 'text')
        .addColumn('lease_expires_at', 'text')
        .addColumn('trigger', 'text', (c) => c.notNull())
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('completed_at', 'text')
        .addUniqueConstraint('deliveries_event_connection', ['event_id', 'connection_id'])
        .execute();
      await db.schema
        .createIndex('deliveries_due')
        .on('deliveries')
        .columns(['status', 'next_attempt_at'])
        .execute();
      await db.schema
        .createIndex('deliveries_order')
        .on('deliveries')
        .columns(['connection_id', 'order_key', 'event_id'])
        .execute();

      await db.schema
        .createTable('attempts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('delivery_id', 'text', (c) => c.notNull())
        .addColumn('attempt_no', 'integer', (c) => c.notNull())
        .addColumn('trigger', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('duration_ms', 'integer', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('status_code', 'integer')
        .addColumn('response', 'text')
        .addColumn('error', 'text')
        .execute();
      await db.schema
        .createIndex('attempts_delivery')
        .on('attempts')
        .columns(['delivery_id', 'attempt_no'])
        .execute();

      await db.schema
        .createTable('connection_alerts')
        .addColumn('connection_id', 'text', (c) => c.primaryKey())
        .addColumn('last_sent_at', 'text', (c) => c.notNull())
        .addColumn('suppressed', 'integer', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('settings')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
    },
  };
}

/**
 * Indexes for the split claim (src/db/claim-deliveries.ts): due pending deliveries are read in
 * claim order (`next_attempt_at`, `event_id`) straight from an index, so `LIMIT` stops the scan
 * instead of sorting every due row; expired leases are found by their own index. The old
 * `deliveries_due` is a prefix of the new pending index and goes.
 */
const claimIndexes: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex('deliveries_pending_due')
      .on('deliveries')
      .columns(['status', 'next_attempt_at', 'event_id'])
      .execute();
    await db.schema
      .createIndex('deliveries_lease')
      .on('deliveries')
      .columns(['status', 'lease_expires_at'])
      .execute();
    await db.schema.dropIndex('deliveries_due').execute();
  },
};

/** Deferred verification of stored inbound requests (PayPal IPN postback), see schema.ts; transactions by external id. */
const verifications: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('verifications')
      .addColumn('inbound_request_id', 'text', (c) => c.primaryKey())
      .addColumn('source_id', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_at', 'text', (c) => c.notNull())
      .addColumn('lease_until', 'text')
      .addColumn('last_error', 'text')
      .execute();
    await db.schema
      .createIndex('verifications_due')
      .on('verifications')
      .columns(['next_attempt_at'])
      .execute();
    // Refunds find the order of the payment they reverse by its transaction id (apply-event.ts).
    await db.schema
      .createIndex('transactions_external')
      .on('transactions')
      .columns(['external_id'])
      .execute();
  },
};

/**
 * Error e-mails that survive a restart (see src/outbox/alerts.ts): `alert_queue` holds one row
 * per delivery that still has to be reported, written in the transaction that records the
 * delivery's outcome; `alert_windows` holds when each connection may get its next mail. They
 * replace `connection_alerts`, which only counted what it did not mail (those counts are lost
 * on upgrade: at worst one early mail).
 */
const alertQueue: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('alert_queue')
      .addColumn('delivery_id', 'text', (c) => c.primaryKey())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('connection_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('attempt_no', 'integer', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('queued_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('alert_queue_connection')
      .on('alert_queue')
      .columns(['connection_id', 'queued_at'])
      .execute();
    await db.schema
      .createTable('alert_windows')
      .addColumn('connection_id', 'text', (c) => c.primaryKey())
      .addColumn('next_mail_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.dropTable('connection_alerts').execute();
  },
};

/**
 * Partial refunds (ledger/refunded-payments.ts): a refund is counted against the payment it
 * names, else a payment of its product. Rows written before this migration have neither and
 * are counted against the order's latest payment.
 */
const refundLinks: Migration = {
  async up(db: Kysely<unknown>) {
    // One column per statement: SQLite's ALTER TABLE adds one at a time.
    await db.schema.alterTable('transactions').addColumn('parent_external_id', 'text').execute();
    await db.schema.alterTable('transactions').addColumn('product_id', 'text').execute();
  },
};

/**
 * Sign-in sessions of the admin web UI (src/secrets/admin-sessions.ts). `id` is the
 * SHA-256 of the session id in the cookie, never the id itself; `token_digest` the SHA-256 of
 * the admin token it was opened with, so a rotated token ends every session.
 */
const adminSessions: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('admin_sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('token_digest', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_seen_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
  },
};

/**
 * Indexes for the admin UI's reads, so they stay fast with hundreds of thousands of rows
 * (docs/benchmarks.md, "Admin reads"). Each holds the columns its read filters and counts:
 * - the overview: inbound requests and events per hour (by receipt time, with the verdict or
 *   type), deliveries by status and creation time (counts in the window, the oldest pending
 *   one), finished deliveries by status and completion time (failing connections);
 * - a source's counts by verdict, its last notification and its rejections in a window;
 * - searches by e-mail (events) and by the provider's order id alone (orders).
 */
const adminReadIndexes: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex('inbound_requests_received')
      .on('inbound_requests')
      .columns(['received_at', 'verdict'])
      .execute();
    await db.schema
      .createIndex('inbound_requests_source_verdict')
      .on('inbound_requests')
      .columns(['source_id', 'verdict', 'received_at'])
      .execute();
    await db.schema
      .createIndex('events_received')
      .on('events')
      .columns(['received_at', 'type'])
      .execute();
    await db.schema
      .createIndex('events_email')
      .on('events')
      .columns(['customer_email', 'id'])
      .execute();
    await db.schema
      .createIndex('deliveries_status_created')
      .on('deliveries')
      .columns(['status', 'created_at'])
      .execute();
    await db.schema
      .createIndex('deliveries_completed')
      .on('deliveries')
      .columns(['status', 'completed_at', 'connection_id'])
      .execute();
    await db.schema.createIndex('orders_external').on('orders').columns(['external_id']).execute();
  },
};

/** What each delivery attempt sent (outbox/request-recorder.ts); older attempts keep null. */
const attemptRequests: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('attempts').addColumn('requests', 'text').execute();
  },
};

/**
 * A connection's deliveries, newest first: its latest delivery on the connection's card
 * (outbox/connection-stats.ts) and the delivery log filtered by connection, without reading
 * the other connections' deliveries.
 */
const deliveriesByConnection: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex('deliveries_connection')
      .on('deliveries')
      .columns(['connection_id', 'id'])
      .execute();
  },
};

/**
 * Invoicing (docs/invoicing.md): seller profiles and the sources attached to them, number
 * counters, the jobs that turn stored events into documents, the documents (immutable snapshot,
 * render state), their PDFs, their e-mails, and refunds left for manual handling.
 */
function invoicing(adapter: DbAdapter): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('seller_profiles')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('invoicing', 'integer', (c) => c.notNull())
        .addColumn('settings', 'text', (c) => c.notNull())
        .addColumn('logo', adapter.binaryType)
        .addColumn('logo_media_type', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('profile_sources')
        .addColumn('source_id', 'text', (c) => c.primaryKey())
        .addColumn('profile_id', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('profile_sources_profile')
        .on('profile_sources')
        .columns(['profile_id'])
        .execute();
      await db.schema
        .createTable('number_counters')
        .addColumn('series_key', 'text', (c) => c.primaryKey())
        .addColumn('next_value', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('document_jobs')
        .addColumn('event_id', 'text', (c) => c.primaryKey())
        .addColumn('profile_id', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at', 'text', (c) => c.notNull())
        .addColumn('lease_until', 'text')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('document_jobs_due')
        .on('document_jobs')
        .columns(['next_attempt_at', 'event_id'])
        .execute();
      await db.schema
        .createTable('document_claims')
        .addColumn('claim_key', 'text', (c) => c.primaryKey())
        .addColumn('document_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('documents')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('profile_id', 'text', (c) => c.notNull())
        .addColumn('source_id', 'text')
        .addColumn('event_id', 'text')
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('number', 'text', (c) => c.notNull())
        .addColumn('series_key', 'text', (c) => c.notNull())
        .addColumn('sequence_no', 'bigint', (c) => c.notNull())
        .addColumn('issued_at', 'text', (c) => c.notNull())
        .addColumn('buyer_email', 'text')
        .addColumn('buyer_name', 'text')
        .addColumn('order_ref', 'text')
        .addColumn('transaction_ref', 'text')
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('gross', 'bigint', (c) => c.notNull())
        .addColumn('net', 'bigint', (c) => c.notNull())
        .addColumn('tax', 'bigint', (c) => c.notNull())
        .addColumn('corrects_document_id', 'text')
        .addColumn('snapshot', 'text', (c) => c.notNull())
        .addColumn('render_state', 'text', (c) => c.notNull())
        .addColumn('render_attempts', 'integer', (c) => c.notNull())
        .addColumn('render_next_at', 'text')
        .addColumn('render_lease_until', 'text')
        .addColumn('render_error', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('documents_number_unique', ['profile_id', 'number'])
        .addUniqueConstraint('documents_sequence_unique', ['series_key', 'sequence_no'])
        .execute();
      await db.schema
        .createIndex('documents_profile')
        .on('documents')
        .columns(['profile_id', 'id'])
        .execute();
      await db.schema
        .createIndex('documents_issued')
        .on('documents')
        .columns(['issued_at', 'id'])
        .execute();
      await db.schema
        .createIndex('documents_email')
        .on('documents')
        .columns(['buyer_email', 'id'])
        .execute();
      await db.schema
        .createIndex('documents_transaction')
        .on('documents')
        .columns(['profile_id', 'transaction_ref'])
        .execute();
      await db.schema
        .createIndex('documents_corrects')
        .on('documents')
        .columns(['corrects_document_id'])
        .execute();
      await db.schema
        .createIndex('documents_render_due')
        .on('documents')
        .columns(['render_state', 'render_next_at'])
        .execute();
      await db.schema
        .createTable('document_pdfs')
        .addColumn('document_id', 'text', (c) => c.primaryKey())
        .addColumn('pdf', adapter.binaryType, (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('rendered_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('document_mails')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('document_id', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('recipients', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('trigger', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at', 'text', (c) => c.notNull())
        .addColumn('lease_until', 'text')
        .addColumn('last_error', 'text')
        .addColumn('subject', 'text')
        .addColumn('message_id', 'text')
        .addColumn('sent_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('document_mails_document')
        .on('document_mails')
        .columns(['document_id', 'id'])
        .execute();
      await db.schema
        .createIndex('document_mails_due')
        .on('document_mails')
        .columns(['status', 'next_attempt_at'])
        .execute();
      await db.schema
        .createTable('manual_refunds')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('event_id', 'text', (c) => c.notNull().unique())
        .addColumn('profile_id', 'text', (c) => c.notNull())
        .addColumn('source_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('order_ref', 'text')
        .addColumn('transaction_ref', 'text')
        .addColumn('parent_transaction_ref', 'text')
        .addColumn('amount', 'bigint')
        .addColumn('currency', 'text')
        .addColumn('buyer_email', 'text')
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
    },
  };
}

/**
 * The e-invoice of a document (docs/invoicing.md, "E-invoice"): whether its PDF is to carry one,
 * decided from the seller profile when the document is issued and kept with it, so a render
 * again makes the same file; and, when the document cannot be an e-invoice, why its PDF is the
 * plain one. Documents issued before get none.
 */
const documentEInvoice: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('documents')
      .addColumn('e_invoice', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.alterTable('documents').addColumn('e_invoice_refused', 'text').execute();
  },
};

/**
 * The mails of a Digistore24 sale of a profile with invoicing on (src/invoicing/platform-sale-mails.ts):
 * Digistore24 invoices the buyer itself, so the seller's "new order" mail and the buyer's mail
 * carry its invoice and receipt links instead of a document. One row per mail, with retries and
 * what was sent, as `document_mails`; `claim_key` (profile, payment, role) keeps it to one mail
 * per payment and role.
 */
const platformSaleMails: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('platform_sale_mails')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('claim_key', 'text', (c) => c.notNull().unique())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('profile_id', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('recipients', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_at', 'text', (c) => c.notNull())
      .addColumn('lease_until', 'text')
      .addColumn('last_error', 'text')
      .addColumn('subject', 'text')
      .addColumn('message_id', 'text')
      .addColumn('sent_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('platform_sale_mails_event')
      .on('platform_sale_mails')
      .columns(['event_id'])
      .execute();
    await db.schema
      .createIndex('platform_sale_mails_due')
      .on('platform_sale_mails')
      .columns(['status', 'next_attempt_at'])
      .execute();
  },
};

/**
 * Erasure of a buyer's personal data (src/retention/erase-customer.ts, docs/retention.md): one
 * audit row per erasure saying when, by whom and what was removed (counts per kind), never
 * the buyer's e-mail. Retention needs no schema: its progress is kept in `settings`.
 */
const retentionErasure: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('erasures')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('customer_id', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('removed', 'text', (c) => c.notNull())
      .addColumn('erased_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('erasures_customer')
      .on('erasures')
      .columns(['customer_id', 'id'])
      .execute();
  },
};

/**
 * Backfill (outbox/backfill.ts): every delivery says where it came from, `live` (fan-out at
 * ingest) or `backfill` (past events sent to a connection later), for the delivery log and for
 * the claim, which takes due live deliveries before due backfill ones
 * (db/claim-deliveries.ts). The pending index gains the origin after the status, so each of
 * the two claim reads walks only its own rows in claim order; it replaces
 * `deliveries_pending_due`, whose columns it keeps. One delivery per event and connection was
 * already unique (`deliveries_event_connection`); backfill relies on it.
 */
const backfill: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('deliveries')
      .addColumn('origin', 'text', (c) => c.notNull().defaultTo('live'))
      .execute();
    await db.schema
      .createIndex('deliveries_pending_origin_due')
      .on('deliveries')
      .columns(['status', 'origin', 'next_attempt_at', 'event_id'])
      .execute();
    await db.schema.dropIndex('deliveries_pending_due').execute();
  },
};

/**
 * Health and alerts (docs/health-and-alerts.md): why and since when a connection was switched
 * off on its own (`disabled_at`, `disabled_reason`; both null while it is on or was switched
 * off by hand); since when each connection has failed without a success in between
 * (`connection_health`, written with the delivery outcomes); and the throttled operator alerts
 * about sources and connections (`health_alerts`: what happened since the last mail, and when
 * the next one may go out).
 */
const health: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('connections').addColumn('disabled_at', 'text').execute();
    await db.schema.alterTable('connections').addColumn('disabled_reason', 'text').execute();
    await db.schema
      .createTable('connection_health')
      .addColumn('connection_id', 'text', (c) => c.primaryKey())
      .addColumn('failing_since', 'text', (c) => c.notNull())
      .addColumn('last_failure_at', 'text', (c) => c.notNull())
      .addColumn('failures', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('health_alerts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('subject_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('count', 'integer', (c) => c.notNull())
      .addColumn('first_at', 'text')
      .addColumn('last_at', 'text', (c) => c.notNull())
      .addColumn('last_ref', 'text')
      .addColumn('last_reason', 'text')
      .addColumn('next_mail_at', 'text')
      .execute();
  },
};

/**
 * Fewer index entries written per notification (docs/benchmarks.md, "History"): every ingest
 * inserts a pending delivery, and two of the deliveries' indexes held an entry for it that no
 * query ever reads. The expired-lease claim (db/claim-deliveries.ts) reads only leased rows
 * (`lease_expires_at < now`), and the finished-delivery reads (views/overview-query.ts,
 * outbox/delivery-trouble.ts) only completed ones (`completed_at >= since`); both dialects see
 * that such a comparison implies `IS NOT NULL` and use the partial index. A delivery gets its
 * entry when it is leased or completed.
 */
const ingestSpeed: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.dropIndex('deliveries_lease').execute();
    await db.schema
      .createIndex('deliveries_lease')
      .on('deliveries')
      .columns(['status', 'lease_expires_at'])
      .where(sql.ref('lease_expires_at'), 'is not', null)
      .execute();
    await db.schema.dropIndex('deliveries_completed').execute();
    await db.schema
      .createIndex('deliveries_completed')
      .on('deliveries')
      .columns(['status', 'completed_at', 'connection_id'])
      .where(sql.ref('completed_at'), 'is not', null)
      .execute();
  },
};

/**
 * Fewer index entries written per notification (docs/benchmarks.md, "Fewer indexes written per
 * notification"): nearly every request is accepted and nearly every event a payment, so the
 * indexes that serve the filters by verdict (the request log, the retention prune) and by event
 * type (the event list) hold only the other requests and events, and an accepted payment writes
 * neither. A read filtering on another verdict or type repeats the index's own condition
 * (`notAccepted`, `notPayment` in db/write-indexes.ts), which both dialects need to use a
 * partial index; one filtering on `accepted` or `payment` walks the newest rows by primary key,
 * nearly all of which match.
 */
const writeIndexes: Migration = {
  async up(db: Kysely<unknown>) {
    const withoutCommonRows = async (
      name: string,
      table: string,
      column: string,
      common: string,
    ): Promise<void> => {
      await db.schema.dropIndex(name).execute();
      await db.schema
        .createIndex(name)
        .on(table)
        .columns([column, 'id'])
        .where(sql.ref(column), '<>', sql.lit(common))
        .execute();
    };
    await withoutCommonRows(
      'inbound_requests_verdict',
      'inbound_requests',
      'verdict',
      ACCEPTED_VERDICT,
    );
    await withoutCommonRows('events_type', 'events', 'type', PAYMENT_TYPE);
  },
};

export function migrationsFor(adapter: DbAdapter): Record<string, Migration> {
  return {
    '0001_initial': initial(adapter),
    '0002_claim_indexes': claimIndexes,
    '0003_verifications': verifications,
    '0004_alert_queue': alertQueue,
    '0005_refund_links': refundLinks,
    '0006_admin_sessions': adminSessions,
    '0007_admin_read_indexes': adminReadIndexes,
    '0008_attempt_requests': attemptRequests,
    '0009_deliveries_by_connection': deliveriesByConnection,
    '0010_invoicing': invoicing(adapter),
    '0011_document_e_invoice': documentEInvoice,
    '0012_platform_sale_mails': platformSaleMails,
    '0013_retention_erasure': retentionErasure,
    '0014_backfill': backfill,
    '0015_health': health,
    '0016_ingest_speed': ingestSpeed,
    '0017_write_indexes': writeIndexes,
  };
}

class InCodeMigrationProvider implements MigrationProvider {
  readonly #migrations: Record<string, Migration>;
  constructor(migrations: Record<string, Migration>) {
    this.#migrations = migrations;
  }
  async getMigrations(): Promise<Record<string, Migration>> {
    return this.#migrations;
  }
}

const MIGRATION_TABLE = 'ipnhub_migrations';

function migrator(db: Kysely<Database>, adapter: DbAdapter): Migrator {
  return new Migrator({
    db,
    provider: new InCodeMigrationProvider(migrationsFor(adapter)),
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: 'ipnhub_migrations_lock',
  });
}

/** Applies every pending migration. Returns Kysely's result set; `error` is set on failure. */
export async function migrateToLatest(
  db: Kysely<Database>,
  adapter: DbAdapter,
): Promise<MigrationResultSet> {
  return migrator(db, adapter).migrateToLatest();
}

/** The names of the migrations this database has applied, in order (for the admin API's system view). */
export async function appliedMigrations(
  db: Kysely<Database>,
  adapter: DbAdapter,
): Promise<string[]> {
  const all = await migrator(db, adapter).getMigrations();
  return all
    .filter((migration) => migration.executedAt !== undefined)
    .map((migration) => migration.name);
}

/**
 * Migrations this database has applied that this code does not know: a newer ipnhub has
 * changed the schema. Empty for a new database (no migration table yet). The caller refuses
 * to run on such a database (db/open-migrated.ts) instead of letting older code write to a
 * schema it does not understand.
 */
export async function unknownAppliedMigrations(
  db: Kysely<Database>,
  adapter: DbAdapter,
): Promise<string[]> {
  const tables = await db.introspection.getTables();
  if (!tables.some((table) => table.name === MIGRATION_TABLE)) return [];
  const known = migrationsFor(adapter);
  const { rows } = await sql<{
    name: string;
  }>`select name from ${sql.table(MIGRATION_TABLE)} order by name`.execute(db);
  return rows.map((row) => row.name).filter((name) => !Object.hasOwn(known, name));
}
