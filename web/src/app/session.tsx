/**
 * The session as the app sees it: one query (`['session']`) answered by `GET /api/v1/session`.
 * Pages inside `RequireSession` render only with a session; without one (or when any call
 * answers 401, see `onUnauthorized` in main.tsx) the user is sent to the sign-in page, which
 * brings them back where they were.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { QueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useApi } from '../api/api-context.js';
import type { Api } from '../api/api-context.js';
import { createApiClient } from '../api/client.js';
import type { SessionApiOptions } from '../api/session.js';
import { getSession, signIn, signOut } from '../api/session.js';
import type { SessionState } from '../api/session.js';
import { ErrorDisplay } from '../components/error-display.js';
import { Loading } from '../components/states.js';

export const SESSION_KEY = ['session'] as const;
/** Why the last session ended, for the sign-in page's message. */
const SESSION_END_KEY = ['session-end'] as const;

/** Where the sign-in page sends the user back to, and why they are there. */
export interface SignInState {
  from?: string;
  reason?: 'signedOut' | 'expired';
}

export function useSession() {
  const { session } = useApi();
  return useQuery<SessionState | null>({ queryKey: SESSION_KEY, queryFn: () => getSession(session), staleTime: 60_000, retry: false });
}

/** Forgets everything the signed-in user saw and marks the session gone. */
export function endSession(queryClient: QueryClient, reason: NonNullable<SignInState['reason']>): void {
  const hadSession = queryClient.getQueryData(SESSION_KEY) !== null && queryClient.getQueryData(SESSION_KEY) !== undefined;
  // Several calls may be refused at once: the first one that ended a live session names the reason.
  queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== SESSION_KEY[0] && query.queryKey[0] !== SESSION_END_KEY[0] });
  if (hadSession || reason === 'signedOut') queryClient.setQueryData(SESSION_END_KEY, reason);
  queryClient.setQueryData(SESSION_KEY, null);
}

/**
 * The app's API: every call that answers 401 ends the session in the query cache, which sends
 * the user to the sign-in page (see RequireSession).
 */
export function createAppApi(queryClient: QueryClient, options: SessionApiOptions = {}): Api {
  return { client: createApiClient({ ...options, onUnauthorized: () => endSession(queryClient, 'expired') }), session: options };
}

export function useSignIn() {
  const { session } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (token: string) => signIn(token, session),
    onSuccess: async () => {
      queryClient.removeQueries({ queryKey: SESSION_END_KEY });
      await queryClient.invalidateQueries({ queryKey: SESSION_KEY });
    },
  });
}

export function useSignOut() {
  const { session } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => signOut(session),
    onSuccess: () => endSession(queryClient, 'signedOut'),
  });
}

export function RequireSession({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  const queryClient = useQueryClient();
  if (session.isPending) return <Loading />;
  if (session.isError) return <ErrorDisplay error={session.error} onRetry={() => void session.refetch()} />;
  if (session.data === null) {
    const reason = queryClient.getQueryData<SignInState['reason']>(SESSION_END_KEY);
    const state: SignInState = { from: `${location.pathname}${location.search}`, ...(reason ? { reason } : {}) };
    return <Navigate to="/sign-in" replace state={state} />;
  }
  return <>{children}</>;
}
