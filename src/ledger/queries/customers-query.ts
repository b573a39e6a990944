/**
 * Read queries over ledger customers (buyers, keyed by lower-cased e-mail), shared by the
 * admin API and the CLI. Newest first by id, cursor-paged; the detail carries the customer's
 * orders and access rows.
 */
import type { Kysely, NotNull } from 'kysely';
import type { EventAddress } from '../../core/events.js';
import type { Database } from '../../db/schema.js';
import { listAccessRows } from './access-query.js';
import type { AccessRowView } from './access-query.js';
import { normalizeEmail } from './normalize-email.js';
import { listOrders } from './orders-query.js';
import type { OrderListItem } from './orders-query.js';
import { decodeCursor, pageLimit, toPage } from '../../db/page.js';
import type { Page, PageRequest } from '../../db/page.js';

/** The most orders a customer detail lists (newest first); more are one `GET /orders?email=` away. */
export const CUSTOMER_ORDERS_LIMIT = 500;

export interface CustomerFilters extends PageRequest {
  /** Exact e-mail, compared trimmed and lower-cased. */
  email?: string | undefined;
  /** The buyer's e-mail (case-insensitive), or an order id or transaction id of one of the buyer's orders: exact. */
  q?: string | undefined;
}

export interface CustomerView {
  id: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  phone: string | null;
  address: EventAddress | null;
  createdAt: string;
  updatedAt: string;
}

export interface CustomerDetail extends CustomerView {
  /** Newest first, at most {@link CUSTOMER_ORDERS_LIMIT}. */
  orders: OrderListItem[];
  access: AccessRowView[];
}

type CustomerRow = Awaited<ReturnType<ReturnType<typeof columns>['executeTakeFirstOrThrow']>>;

function columns(db: Kysely<Database>) {
  return db
    .selectFrom('customers')
    .select([
      'id',
      'email',
      'first_name',
      'last_name',
      'company',
      'phone',
      'address',
      'created_at',
      'updated_at',
    ]);
}

function parseAddress(json: string | null): EventAddress | null {
  if (json === null) return null;
  const value: unknown = JSON.parse(json);
  // Written by the ledger from EventBuyer.address.
  return typeof value === 'object' && value !== null ? (value as EventAddress) : null;
}

function toView(row: CustomerRow): CustomerView {
  return {
    id: row.id,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    company: row.company,
    phone: row.phone,
    address: parseAddress(row.address),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Customers newest first; a bad cursor → `IpnhubError('INVALID_CURSOR')`. */
export async function listCustomers(
  db: Kysely<Database>,
  filters: CustomerFilters = {},
): Promise<Page<CustomerView>> {
  const limit = pageLimit(filters.limit);
  let query = columns(db)
    .orderBy('id', 'desc')
    .limit(limit + 1);
  if (filters.cursor !== undefined)
    query = query.where('id', '<', decodeCursor(filters.cursor, 'customer'));
  if (filters.email !== undefined) query = query.where('email', '=', normalizeEmail(filters.email));
  if (filters.q !== undefined) {
    const q = filters.q.trim();
    // One set of matching ids, each part an indexed lookup; no OR, which PostgreSQL would
    // answer by reading every customer.
    const matches = db
      .selectFrom('customers')
      .select('customers.id')
      .where('customers.email', '=', normalizeEmail(q))
      .union(
        db
          .selectFrom('orders')
          .select('orders.customer_id as id')
          .where('orders.external_id', '=', q)
          .where('orders.customer_id', 'is not', null)
          .$narrowType<{ id: NotNull }>(),
      )
      .union(
        db
          .selectFrom('transactions')
          .innerJoin('orders', 'orders.id', 'transactions.order_id')
          .select('orders.customer_id as id')
          .where('transactions.external_id', '=', q)
          .where('orders.customer_id', 'is not', null)
          .$narrowType<{ id: NotNull }>(),
      );
    query = query.where('id', 'in', matches);
  }
  return toPage(await query.execute(), limit, toView);
}

/** One customer with orders and access rows, or null when there is none with this id. */
export async function getCustomer(
  db: Kysely<Database>,
  id: string,
): Promise<CustomerDetail | null> {
  const row = await columns(db).where('id', '=', id).executeTakeFirst();
  if (!row) return null;
  const [orders, access] = await Promise.all([
    listOrders(db, { customerId: id, limit: CUSTOMER_ORDERS_LIMIT }),
    listAccessRows(db, { customerId: id }),
  ]);
  return { ...toView(row), orders: orders.data, access };
}
