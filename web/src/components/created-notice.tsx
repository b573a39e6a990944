/**
 * "It was added": the notice a record's page shows right after the add page created it and
 * navigated there with {@link CREATED_STATE} (router state, never the address).
 */
import type { ReactNode } from 'react';
import { useLocation } from 'react-router';

/** The router state an add page navigates to the new record's page with. */
export const CREATED_STATE = { created: true } as const;

function justCreated(state: unknown): boolean {
  return (
    typeof state === 'object' &&
    state !== null &&
    (state as Record<string, unknown>).created === true
  );
}

export function CreatedNotice({ children }: { children: ReactNode }) {
  const location = useLocation();
  if (!justCreated(location.state)) return null;
  return (
    <p className="notice notice-success" role="status">
      {children}
    </p>
  );
}
