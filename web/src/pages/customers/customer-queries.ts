/** The ledger reads of the Customers & access pages, over the generated API client. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../api/api-context.js';
import type { ApiClient } from '../../api/client.js';
import { unwrap } from '../../api/client.js';
import type { AnswerOf } from '../../api/types.js';
import { SOURCES_KEY } from '../sources/source-queries.js';

export type CustomerPage = AnswerOf<'listCustomers', 200>;
export type OrderPage = AnswerOf<'listOrders', 200>;
export type AccessAnswer = AnswerOf<'checkAccess', 200>;

export const LEDGER_KEY = ['ledger'] as const;
const PAGE_SIZE = 25;

export function fetchCustomers(
  client: ApiClient,
  q: string,
  cursor: string | undefined,
): Promise<CustomerPage> {
  return unwrap(
    client.GET('/customers', {
      params: { query: { limit: PAGE_SIZE, ...(q ? { q } : {}), ...(cursor ? { cursor } : {}) } },
    }),
  );
}

export function fetchOrders(
  client: ApiClient,
  q: string,
  cursor: string | undefined,
): Promise<OrderPage> {
  return unwrap(
    client.GET('/orders', {
      params: { query: { limit: PAGE_SIZE, q, ...(cursor ? { cursor } : {}) } },
    }),
  );
}

export function useCustomer(id: string) {
  const { client } = useApi();
  return useQuery({
    queryKey: [...LEDGER_KEY, 'customer', id],
    queryFn: () => unwrap(client.GET('/customers/{id}', { params: { path: { id } } })),
  });
}

/** Erases the buyer's personal data (`DELETE /customers/:id`); the ledger views are read again. */
export function useEraseCustomer(id: string) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(client.DELETE('/customers/{id}', { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: LEDGER_KEY, exact: false }),
  });
}

export function useOrder(id: string) {
  const { client } = useApi();
  return useQuery({
    queryKey: [...LEDGER_KEY, 'order', id],
    queryFn: () => unwrap(client.GET('/orders/{id}', { params: { path: { id } } })),
  });
}

/**
 * The access check of the last submitted e-mail and product (none before the first). Never
 * answered from the cache: each question is asked the server (a refund may have arrived a
 * second ago), so an answer is not kept once its question is gone.
 */
export function useAccessCheck(asked: { email: string; productId: string } | null) {
  const { client } = useApi();
  return useQuery({
    queryKey: [...LEDGER_KEY, 'access', asked],
    queryFn: () =>
      unwrap(client.GET('/access', { params: { query: asked ?? { email: '', productId: '' } } })),
    enabled: asked !== null,
    staleTime: 0,
    gcTime: 0,
  });
}

/** A source (for its name), once its id is known; shares the Sources pages' cache entry. */
export function useSourceOf(id: string | undefined) {
  const { client } = useApi();
  return useQuery({
    queryKey: [...SOURCES_KEY, id],
    queryFn: () => unwrap(client.GET('/sources/{id}', { params: { path: { id: id ?? '' } } })),
    enabled: id !== undefined,
  });
}
