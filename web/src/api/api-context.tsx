/**
 * The API client and query cache of the app, provided through React context so that tests can
 * render pages against a server of their own.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createContext, useContext } from 'react';
import type { ReactNode } from 'react';
import { ApiError } from './api-error.js';
import type { ApiClient } from './client.js';
import type { SessionApiOptions } from './session.js';

export interface Api {
  client: ApiClient;
  /** Options for the session calls (same base URL and fetch as the client; see session.ts). */
  session: SessionApiOptions;
}

const ApiContext = createContext<Api | null>(null);

export function useApi(): Api {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside ApiProvider');
  return api;
}

/** Client errors (4xx) are answers, not hiccups: only network failures and 5xx are retried, twice. */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        retry: (failures, error) =>
          failures < 2 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
      },
      mutations: { retry: false },
    },
  });
}

export function ApiProvider({
  api,
  queryClient,
  children,
}: {
  api: Api;
  queryClient: QueryClient;
  children: ReactNode;
}) {
  return (
    <QueryClientProvider client={queryClient}>
      <ApiContext.Provider value={api}>{children}</ApiContext.Provider>
    </QueryClientProvider>
  );
}
