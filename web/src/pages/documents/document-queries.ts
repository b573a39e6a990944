/** The documents pages' reads and writes over the generated client. */
import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../api/api-context.js';
import { unwrap } from '../../api/client.js';
import { fileOf } from '../../api/download.js';
import type { DownloadedFile } from '../../api/download.js';
import type { AnswerOf, BodyOf } from '../../api/types.js';
import { usePagedQuery } from '../../components/use-paged-query.js';
import {
  DOCUMENTS_PAGE_SIZE,
  documentsQuery,
  periodQuery,
  saleMailsQuery,
} from './document-filters.js';
import type { DocumentFilters, PeriodFilters, SaleMailFilters } from './document-filters.js';

export type DocumentListItem = AnswerOf<'listDocuments', 200>['data'][number];
export type DocumentDetail = AnswerOf<'getDocument', 200>;
export type DocumentMail = DocumentDetail['mails'][number];
export type ManualRefund = AnswerOf<'listManualRefunds', 200>['data'][number];
export type SaleMail = AnswerOf<'listSaleMails', 200>['data'][number];
export type ResendTo = NonNullable<BodyOf<'resendDocument'>>['to'];

const DOCUMENTS = ['documents'] as const;

export function useDocumentsPage(filters: DocumentFilters) {
  const { client } = useApi();
  return usePagedQuery({
    queryKey: [...DOCUMENTS, 'list', filters],
    fetchPage: (cursor) =>
      unwrap(client.GET('/documents', { params: { query: documentsQuery(filters, cursor) } })),
  });
}

export function useDocument(id: string) {
  const { client } = useApi();
  return useQuery({
    queryKey: [...DOCUMENTS, id],
    queryFn: () => unwrap(client.GET('/documents/{id}', { params: { path: { id } } })),
    // Rendering and mailing run in the worker after the document is issued.
    refetchInterval: (query) => {
      const data = query.state.data;
      return data &&
        (data.renderState === 'pending' || data.mails.some((mail) => mail.status === 'pending'))
        ? 5_000
        : false;
    },
  });
}

/** Several documents by id (a credit note's invoice, an invoice's credit notes): their numbers. */
export function useDocuments(ids: readonly string[]) {
  const { client } = useApi();
  return useQueries({
    queries: ids.map((id) => ({
      queryKey: [...DOCUMENTS, id],
      queryFn: () => unwrap(client.GET('/documents/{id}', { params: { path: { id } } })),
    })),
  });
}

/** The event a document was issued for: where its order and notification are. Not fetched without one. */
export function useDocumentEvent(eventId: string | null) {
  const { client } = useApi();
  return useQuery({
    queryKey: ['events', eventId],
    queryFn: () => unwrap(client.GET('/events/{id}', { params: { path: { id: eventId ?? '' } } })),
    enabled: eventId !== null,
  });
}

export function useResend(id: string) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (to: ResendTo) =>
      unwrap(client.POST('/documents/{id}/resend', { params: { path: { id } }, body: { to } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: [...DOCUMENTS, id] }),
  });
}

/** `amount` in minor units, or null for all that is left of the invoice. */
export function useCreditNote(id: string) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (amount: number | null) =>
      unwrap(
        client.POST('/documents/{id}/credit-note', {
          params: { path: { id } },
          body: amount === null ? {} : { amount },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: DOCUMENTS }),
  });
}

export function useManualRefundsPage(profileId: string) {
  const { client } = useApi();
  return usePagedQuery({
    queryKey: ['manual-refunds', { profileId }],
    fetchPage: (cursor) =>
      unwrap(
        client.GET('/manual-refunds', {
          params: {
            query: {
              limit: DOCUMENTS_PAGE_SIZE,
              ...(cursor ? { cursor } : {}),
              ...(profileId ? { profileId } : {}),
            },
          },
        }),
      ),
  });
}

export function useSaleMailsPage(filters: SaleMailFilters) {
  const { client } = useApi();
  return usePagedQuery({
    queryKey: ['sale-mails', filters],
    fetchPage: (cursor) =>
      unwrap(client.GET('/sale-mails', { params: { query: saleMailsQuery(filters, cursor) } })),
  });
}

export function useFileFetchers() {
  const { client } = useApi();
  return {
    pdf: (document: Pick<DocumentListItem, 'id' | 'number'>): Promise<DownloadedFile> =>
      fileOf(
        client.GET('/documents/{id}/pdf', {
          params: { path: { id: document.id } },
          parseAs: 'blob',
        }),
        `${document.number}.pdf`,
      ),
    csv: (period: PeriodFilters): Promise<DownloadedFile> =>
      fileOf(
        client.GET('/exports/documents.csv', {
          params: { query: periodQuery(period) },
          parseAs: 'blob',
        }),
        'documents.csv',
      ),
    zip: (period: PeriodFilters): Promise<DownloadedFile> =>
      fileOf(
        client.GET('/exports/documents.zip', {
          params: { query: periodQuery(period) },
          parseAs: 'blob',
        }),
        'documents.zip',
      ),
  };
}
