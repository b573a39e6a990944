/** The delivery log's reads and writes over the generated client. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../api/api-context.js';
import { unwrap } from '../../api/client.js';
import type { AnswerOf, BodyOf } from '../../api/types.js';
import { usePagedQuery } from '../../components/use-paged-query.js';
import { deliveriesQuery } from './delivery-filters.js';
import type { DeliveryFilters } from './delivery-filters.js';

export type DeliveryDetail = AnswerOf<'getDelivery', 200>;
export type Attempt = DeliveryDetail['attempts'][number];
export type SentRequest = NonNullable<Attempt['requests']>[number];
export type DeliveryWait = NonNullable<DeliveryDetail['waiting']>;
export type ConnectionItem = AnswerOf<'listConnections', 200>['data'][number];

const DELIVERIES = ['deliveries'] as const;

export function useDeliveriesPage(filters: DeliveryFilters) {
  const { client } = useApi();
  return usePagedQuery({
    queryKey: [...DELIVERIES, 'list', filters],
    fetchPage: (cursor) =>
      unwrap(client.GET('/deliveries', { params: { query: deliveriesQuery(filters, cursor) } })),
  });
}

/** Unfinished deliveries are read again every few seconds: the worker moves them on its own. */
export function useDelivery(id: string) {
  const { client } = useApi();
  return useQuery({
    queryKey: [...DELIVERIES, id],
    queryFn: () => unwrap(client.GET('/deliveries/{id}', { params: { path: { id } } })),
    refetchInterval: (query) => (query.state.data?.waiting ? 3_000 : false),
  });
}

/**
 * The connections, for the filter and for redelivering one's deliveries. Connections are few:
 * the first page of the largest size holds them.
 */
export function useConnectionList() {
  const { client } = useApi();
  return useQuery({
    queryKey: ['connections', 'names'],
    queryFn: async () =>
      (await unwrap(client.GET('/connections', { params: { query: { limit: 500 } } }))).data,
  });
}

/**
 * After a redelivery every delivery list and detail, the events that show them and the
 * connections (their cards count failed deliveries) are stale.
 */
async function invalidateDeliveries(queryClient: ReturnType<typeof useQueryClient>): Promise<void> {
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: DELIVERIES }),
    queryClient.invalidateQueries({ queryKey: ['events'] }),
    queryClient.invalidateQueries({ queryKey: ['connections'] }),
  ]);
}

export function useRedeliver(id: string) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () =>
      unwrap(client.POST('/deliveries/{id}/redeliver', { params: { path: { id } } })),
    onSettled: () => invalidateDeliveries(queryClient),
  });
}

/** Queues every failed and given-up (`dead`) delivery of a connection again; answers how many. */
/** Queues a connection's dead and failed deliveries again; with `dryRun`, only counts them. */
export function useRedeliverConnection(dryRun = false) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (connectionId: string) =>
      unwrap(
        client.POST('/connections/{id}/redeliver', {
          params: { path: { id: connectionId } },
          body: { statuses: ['dead', 'failed'], dryRun },
        }),
      ),
    onSettled: () => (dryRun ? undefined : invalidateDeliveries(queryClient)),
  });
}

export type BackfillBody = BodyOf<'backfillConnection'>;
export type BackfillResult = AnswerOf<'backfillConnection', 202>;

/** Sends past events to a connection (`dryRun`: counts them). */
export function useBackfill(connectionId: string) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: BackfillBody) =>
      unwrap(
        client.POST('/connections/{id}/backfill', {
          params: { path: { id: connectionId } },
          body,
        }),
      ),
    onSettled: (_data, _error, body) =>
      body.dryRun ? undefined : invalidateDeliveries(queryClient),
  });
}
