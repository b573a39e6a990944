/** The notification log's reads over the generated client: the list, one request, and the sources' names. */
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../api/api-context.js';
import { unwrap } from '../../api/client.js';
import type { AnswerOf } from '../../api/types.js';
import { usePagedQuery } from '../../components/use-paged-query.js';
import { notificationsQuery } from './notification-filters.js';
import type { NotificationFilters } from './notification-filters.js';

export type InboundRequestItem = AnswerOf<'listInboundRequests', 200>['data'][number];
export type InboundRequestDetail = AnswerOf<'getInboundRequest', 200>;
export type SourceItem = AnswerOf<'listSources', 200>['data'][number];

export function useNotificationsPage(filters: NotificationFilters) {
  const { client } = useApi();
  return usePagedQuery({
    queryKey: ['inbound-requests', 'list', filters],
    fetchPage: (cursor) =>
      unwrap(
        client.GET('/inbound-requests', { params: { query: notificationsQuery(filters, cursor) } }),
      ),
  });
}

export function useNotification(id: string) {
  const { client } = useApi();
  return useQuery({
    queryKey: ['inbound-requests', id],
    queryFn: () => unwrap(client.GET('/inbound-requests/{id}', { params: { path: { id } } })),
    // While PayPal's answer is awaited, the verdict changes without anyone doing anything here.
    refetchInterval: (query) => (query.state.data?.verdict === 'pending' ? 5_000 : false),
  });
}

/**
 * The sources, for the filter and to name each request's source. Sources are few (one per
 * provider account): the first page of the largest size holds them.
 */
export function useSourceList() {
  const { client } = useApi();
  return useQuery({
    queryKey: ['sources', 'names'],
    queryFn: async () =>
      (await unwrap(client.GET('/sources', { params: { query: { limit: 500 } } }))).data,
  });
}
