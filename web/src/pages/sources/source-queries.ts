/** The Sources page's reads and writes, over the generated API client. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../api/api-context.js';
import { unwrap } from '../../api/client.js';
import type {
  CreateSourceBody,
  ProviderEntry,
  Source,
  SourcePage,
  UpdateSourceBody,
} from '../../api/types.js';

const SOURCES = ['sources'] as const;

export function useProviders() {
  const { client } = useApi();
  return useQuery({
    queryKey: ['providers'],
    queryFn: () => unwrap(client.GET('/providers')),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function providerById(
  providers: readonly ProviderEntry[] | undefined,
  id: string,
): ProviderEntry | undefined {
  return providers?.find((provider) => provider.id === id);
}

/** Sources are few (one per provider account): one page of the maximum size, cursor paging beyond. */
export function fetchSourcesPage(
  client: ReturnType<typeof useApi>['client'],
  cursor: string | undefined,
): Promise<SourcePage> {
  return unwrap(
    client.GET('/sources', { params: { query: { limit: 500, ...(cursor ? { cursor } : {}) } } }),
  );
}

export const SOURCES_KEY = SOURCES;

export function useSource(id: string) {
  const { client } = useApi();
  return useQuery({
    queryKey: [...SOURCES, id],
    queryFn: () => unwrap(client.GET('/sources/{id}', { params: { path: { id } } })),
  });
}

export function useCreateSource() {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateSourceBody) => unwrap(client.POST('/sources', { body })),
    onSuccess: async (source: Source) => {
      queryClient.setQueryData([...SOURCES, source.id], source);
      await queryClient.invalidateQueries({ queryKey: SOURCES, exact: false });
    },
  });
}

export function useUpdateSource(id: string) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateSourceBody) =>
      unwrap(client.PATCH('/sources/{id}', { params: { path: { id } }, body })),
    onSuccess: async (source: Source) => {
      queryClient.setQueryData([...SOURCES, id], source);
      await queryClient.invalidateQueries({ queryKey: SOURCES, exact: false });
    },
  });
}

export function useDeleteSource(id: string) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(client.DELETE('/sources/{id}', { params: { path: { id } } })),
    onSuccess: async () => {
      queryClient.removeQueries({ queryKey: [...SOURCES, id] });
      await queryClient.invalidateQueries({ queryKey: SOURCES, exact: false });
    },
  });
}

/** `POST /sources/:id/test-notification`: a signed connection test through the inbound pipeline; the answer is what Digistore24 would have got. */
export function useTestNotification(id: string) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () =>
      unwrap(client.POST('/sources/{id}/test-notification', { params: { path: { id } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: SOURCES, exact: false }),
  });
}
