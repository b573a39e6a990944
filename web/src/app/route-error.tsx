import { useRouteError } from 'react-router';
import { ErrorDisplay } from '../components/error-display.js';

/** A page that failed to load or render (e.g. its chunk could not be fetched). */
export function RouteError() {
  const error = useRouteError();
  return (
    <main id="main" className="route-error">
      <ErrorDisplay error={error} onRetry={() => window.location.reload()} />
    </main>
  );
}
