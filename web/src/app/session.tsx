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
/**
 * The admin token a rotation just made, kept in memory (never in storage or history state) so
 * the sign-in page can show it once; gone at the next sign-in or reload.
 */
const ROTATED_TOKEN_KEY = ['rotated-token'] as const;

/** Where the sign-in page sends the user back to, and why they are there. */
export interface SignInState {
  from?: string;
  reason?: 'signedOut' | 'expired' | 'rotated';
}

export function useSession() {
  const { session } = useApi();
  return useQuery<SessionState | null>({
    queryKey: SESSION_KEY,
    queryFn: () => getSession(session),
    staleTime: 60_000,
    retry: false,
  });
}

/** Forgets everything the signed-in user saw and marks the session gone. */
export function endSession(
  queryClient: QueryClient,
  reason: NonNullable<SignInState['reason']>,
): void {
  const hadSession =
    queryClient.getQueryData(SESSION_KEY) !== null &&
    queryClient.getQueryData(SESSION_KEY) !== undefined;
  // Several calls may be refused at once: the first one that ended a live session names the reason.
  const kept = new Set<unknown>([SESSION_KEY[0], SESSION_END_KEY[0], ROTATED_TOKEN_KEY[0]]);
  queryClient.removeQueries({ predicate: (query) => !kept.has(query.queryKey[0]) });
  // A token a rotation just showed stays until the next sign-in: calls refused late, after
  // the session had already ended, must not take it from the sign-in page.
  if (hadSession) queryClient.removeQueries({ queryKey: ROTATED_TOKEN_KEY });
  if (hadSession || reason === 'signedOut') queryClient.setQueryData(SESSION_END_KEY, reason);
  queryClient.setQueryData(SESSION_KEY, null);
}

/**
 * After `POST /token/rotate`: the server has ended every session (this one too), so the app
 * ends it here at once — before any other call is refused — and the sign-in page shows the new
 * token once.
 */
export function endSessionAfterRotation(queryClient: QueryClient, newToken: string): void {
  endSession(queryClient, 'rotated');
  queryClient.setQueryData(ROTATED_TOKEN_KEY, newToken);
}

/** The token a rotation just made, while the user has not signed in with it yet. */
export function useRotatedToken(): string | undefined {
  return useQueryClient().getQueryData<string>(ROTATED_TOKEN_KEY);
}

/**
 * The app's API: every call that answers 401 ends the session in the query cache, which sends
 * the user to the sign-in page (see RequireSession).
 */
export function createAppApi(queryClient: QueryClient, options: SessionApiOptions = {}): Api {
  return {
    client: createApiClient({
      ...options,
      onUnauthorized: () => endSession(queryClient, 'expired'),
    }),
    session: options,
  };
}

export function useSignIn() {
  const { session } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (token: string) => signIn(token, session),
    onSuccess: async () => {
      queryClient.removeQueries({ queryKey: SESSION_END_KEY });
      queryClient.removeQueries({ queryKey: ROTATED_TOKEN_KEY });
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
  if (session.isError)
    return <ErrorDisplay error={session.error} onRetry={() => void session.refetch()} />;
  if (session.data === null) {
    const reason = queryClient.getQueryData<SignInState['reason']>(SESSION_END_KEY);
    const state: SignInState = {
      from: `${location.pathname}${location.search}`,
      ...(reason ? { reason } : {}),
    };
    return <Navigate to="/sign-in" replace state={state} />;
  }
  return <>{children}</>;
}
