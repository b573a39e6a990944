/** Reads of one event, and of the order it belongs to (for its access rows), over the generated client. */
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../api/api-context.js';
import { unwrap } from '../../api/client.js';
import type { AnswerOf } from '../../api/types.js';

export type EventDetail = AnswerOf<'getEvent', 200>;
export type OrderDetail = AnswerOf<'getOrder', 200>;
export type DeliveryListItem = EventDetail['deliveries'][number];

export function useEvent(id: string) {
  const { client } = useApi();
  return useQuery({
    queryKey: ['events', id],
    queryFn: () => unwrap(client.GET('/events/{id}', { params: { path: { id } } })),
  });
}

/** The ledger order an event belongs to (`ord_…`); not fetched without one. */
export function useOrder(id: string | null) {
  const { client } = useApi();
  return useQuery({
    queryKey: ['orders', id],
    queryFn: () => unwrap(client.GET('/orders/{id}', { params: { path: { id: id ?? '' } } })),
    enabled: id !== null,
  });
}
