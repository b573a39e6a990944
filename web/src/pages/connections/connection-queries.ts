/** The Connections pages' reads and writes, over the generated API client. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { QueryClient } from '@tanstack/react-query';
import { useApi } from '../../api/api-context.js';
import type { ApiClient } from '../../api/client.js';
import { unwrap } from '../../api/client.js';
import type {
  Connection,
  ConnectionPage,
  ConnectionWrite,
  ConnectorEntry,
  CreateConnectionBody,
  DeliveryPage,
  UpdateConnectionBody,
} from './connection-types.js';

export const CONNECTIONS_KEY = ['connections'] as const;
const GENERATED_SECRETS = 'generatedSecrets';

export function useConnectors() {
  const { client } = useApi();
  return useQuery({
    queryKey: ['connectors'],
    queryFn: () => unwrap(client.GET('/connectors')),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function connectorById(
  connectors: readonly ConnectorEntry[] | undefined,
  id: string,
): ConnectorEntry | undefined {
  return connectors?.find((connector) => connector.id === id);
}

/** Connections are few (a handful per target system): one page of the maximum size, cursor paging beyond. */
export function fetchConnectionsPage(
  client: ApiClient,
  cursor: string | undefined,
): Promise<ConnectionPage> {
  return unwrap(
    client.GET('/connections', {
      params: { query: { limit: 500, ...(cursor ? { cursor } : {}) } },
    }),
  );
}

export function useConnection(id: string) {
  const { client } = useApi();
  return useQuery({
    queryKey: [...CONNECTIONS_KEY, id],
    queryFn: () => unwrap(client.GET('/connections/{id}', { params: { path: { id } } })),
  });
}

/** The sources a connection can be limited to (for the filter). */
export function useSourcesForFilter() {
  const { client } = useApi();
  return useQuery({
    queryKey: ['sources', 'list', 'for-filter'],
    queryFn: () => unwrap(client.GET('/sources', { params: { query: { limit: 500 } } })),
  });
}

/** A connection's deliveries, newest first. */
export function fetchDeliveriesPage(
  client: ApiClient,
  connectionId: string,
  cursor: string | undefined,
): Promise<DeliveryPage> {
  return unwrap(
    client.GET('/deliveries', {
      params: { query: { connectionId, limit: 10, ...(cursor ? { cursor } : {}) } },
    }),
  );
}

async function refreshConnections(queryClient: QueryClient): Promise<void> {
  await queryClient.invalidateQueries({ queryKey: CONNECTIONS_KEY, exact: false });
}

/** Secrets the server generated for a new connection: kept in memory for the page that shows them once, never in the address or the history. */
export function generatedSecretsKey(id: string): readonly unknown[] {
  return [GENERATED_SECRETS, id];
}

export function useCreateConnection() {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateConnectionBody) => unwrap(client.POST('/connections', { body })),
    onSuccess: async (written: ConnectionWrite) => {
      const secrets = written.generatedSecrets ?? {};
      if (Object.keys(secrets).length > 0)
        queryClient.setQueryData(generatedSecretsKey(written.id), secrets);
      await refreshConnections(queryClient);
    },
  });
}

export function useUpdateConnection(id: string) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateConnectionBody) =>
      unwrap(client.PATCH('/connections/{id}', { params: { path: { id } }, body })),
    onSuccess: async (written: ConnectionWrite) => {
      const secrets = written.generatedSecrets ?? {};
      if (Object.keys(secrets).length > 0)
        queryClient.setQueryData(generatedSecretsKey(id), secrets);
      await refreshConnections(queryClient);
    },
  });
}

/** Switches a connection on or off (from its card or its page). */
export function useSetActive(connection: Pick<Connection, 'id'>) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (active: boolean) =>
      unwrap(
        client.PATCH('/connections/{id}', {
          params: { path: { id: connection.id } },
          body: { active },
        }),
      ),
    onSettled: () => refreshConnections(queryClient),
  });
}

export function useDeleteConnection(id: string) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(client.DELETE('/connections/{id}', { params: { path: { id } } })),
    onSuccess: async () => {
      queryClient.removeQueries({ queryKey: [...CONNECTIONS_KEY, id] });
      // Its deliveries stay, now without a connection to name.
      await Promise.all([
        refreshConnections(queryClient),
        queryClient.invalidateQueries({ queryKey: ['deliveries'] }),
      ]);
    },
  });
}

export function useTestConnection(id: string) {
  const { client } = useApi();
  return useMutation({
    mutationFn: () => unwrap(client.POST('/connections/{id}/test', { params: { path: { id } } })),
  });
}
