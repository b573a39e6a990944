/**
 * The filters of the documents list and of the period export, as the page keeps them
 * (component state, never the address: a searched buyer e-mail stays out of the history) and
 * as the API takes them. Days are whole days in the browser's time zone, as in the
 * notification log.
 */
import type { QueryOf } from '../../api/types.js';
import { startOfDay } from '../notifications/notification-filters.js';

export type DocumentKind = NonNullable<QueryOf<'listDocuments'>['kind']>;
export const DOCUMENT_KINDS: readonly DocumentKind[] = ['invoice', 'credit_note'];

export interface PeriodFilters {
  profileId: string;
  kind: DocumentKind | '';
  /** First day (`YYYY-MM-DD`), inclusive. */
  from: string;
  /** Last day (`YYYY-MM-DD`), inclusive. */
  to: string;
}

export interface DocumentFilters extends PeriodFilters {
  /** The buyer's e-mail, exact. */
  email: string;
}

export const NO_PERIOD: PeriodFilters = { profileId: '', kind: '', from: '', to: '' };
export const NO_DOCUMENT_FILTERS: DocumentFilters = { ...NO_PERIOD, email: '' };

export const DOCUMENTS_PAGE_SIZE = 50;

/** The period as the API takes it: days become instants (`to` exclusive: the day after). */
export function periodQuery(filters: PeriodFilters): QueryOf<'exportDocumentsCsv'> {
  const from = startOfDay(filters.from);
  const to = startOfDay(filters.to, 1);
  return {
    ...(filters.profileId ? { profileId: filters.profileId } : {}),
    ...(filters.kind ? { kind: filters.kind } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
  };
}

export function documentsQuery(
  filters: DocumentFilters,
  cursor: string | undefined,
): QueryOf<'listDocuments'> {
  const email = filters.email.trim();
  return {
    limit: DOCUMENTS_PAGE_SIZE,
    ...(cursor ? { cursor } : {}),
    ...periodQuery(filters),
    ...(email ? { email } : {}),
  };
}

/** The filters of the Digistore24 sale mails: seller profile, source, the days they were queued, buyer. */
export interface SaleMailFilters {
  profileId: string;
  sourceId: string;
  from: string;
  to: string;
  email: string;
}

export const NO_SALE_MAIL_FILTERS: SaleMailFilters = {
  profileId: '',
  sourceId: '',
  from: '',
  to: '',
  email: '',
};

export function saleMailsQuery(
  filters: SaleMailFilters,
  cursor: string | undefined,
): QueryOf<'listSaleMails'> {
  const email = filters.email.trim();
  return {
    limit: DOCUMENTS_PAGE_SIZE,
    ...(cursor ? { cursor } : {}),
    ...periodQuery({ ...filters, kind: '' }),
    ...(filters.sourceId ? { sourceId: filters.sourceId } : {}),
    ...(email ? { email } : {}),
  };
}
