/**
 * Cursor paging over a list route (`{ data, nextCursor }`, newest first): the cursors of the
 * pages seen so far, so "older" follows `nextCursor` and "newer" goes back. Changing the
 * filters (`filterKey`) starts again at the first page. The page itself is a TanStack Query,
 * keyed by the filters and the cursor, so going back shows the cached page at once.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { UseQueryResult } from '@tanstack/react-query';
import { useState } from 'react';

export interface PageShape {
  data: readonly unknown[];
  nextCursor: string | null;
}

export interface Paging {
  /** 1 for the newest page. */
  pageNumber: number;
  hasNewer: boolean;
  hasOlder: boolean;
  newer(): void;
  older(): void;
  first(): void;
}

export interface PagedQueryOptions<P extends PageShape> {
  /** Identifies the list and its filters; a change returns to the first page. */
  queryKey: readonly unknown[];
  fetchPage(cursor: string | undefined): Promise<P>;
  enabled?: boolean;
}

export function usePagedQuery<P extends PageShape>({
  queryKey,
  fetchPage,
  enabled = true,
}: PagedQueryOptions<P>): { query: UseQueryResult<P>; paging: Paging } {
  const filterKey = JSON.stringify(queryKey);
  const [state, setState] = useState<{ filterKey: string; cursors: (string | undefined)[] }>({
    filterKey,
    cursors: [undefined],
  });
  const cursors = state.filterKey === filterKey ? state.cursors : [undefined];
  if (state.filterKey !== filterKey) setState({ filterKey, cursors });
  const cursor = cursors.at(-1);
  const query = useQuery({
    queryKey: [...queryKey, { cursor: cursor ?? null }],
    queryFn: () => fetchPage(cursor),
    placeholderData: keepPreviousData,
    enabled,
  });
  const nextCursor = query.isPlaceholderData ? null : (query.data?.nextCursor ?? null);
  return {
    query,
    paging: {
      pageNumber: cursors.length,
      hasNewer: cursors.length > 1,
      hasOlder: nextCursor !== null,
      newer: () => setState({ filterKey, cursors: cursors.slice(0, -1) }),
      older: () => {
        if (nextCursor !== null) setState({ filterKey, cursors: [...cursors, nextCursor] });
      },
      first: () => setState({ filterKey, cursors: [undefined] }),
    },
  };
}
