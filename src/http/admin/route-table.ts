/**
 * Every route of the admin API, in one list. The plugin registers exactly these and the
 * OpenAPI document is generated from the same list.
 */
import { accessRoutes } from './access-routes.js';
import { connectionsRoutes } from './connections-routes.js';
import { connectorsRoutes } from './connectors-routes.js';
import { customersRoutes } from './customers-routes.js';
import { deliveriesRoutes } from './deliveries-routes.js';
import { documentsRoutes } from './documents-routes.js';
import type { AdminRoute } from './define-route.js';
import { eventsRoutes } from './events-routes.js';
import { inboundRequestsRoutes } from './inbound-requests-routes.js';
import { openApiRoutes } from './openapi.js';
import { ordersRoutes } from './orders-routes.js';
import { profilePreviewRoutes } from './profile-preview-routes.js';
import { profilesRoutes } from './profiles-routes.js';
import { overviewRoutes } from './overview-routes.js';
import { providersRoutes } from './providers-routes.js';
import { sessionRoutes } from './session-routes.js';
import { sourcesRoutes } from './sources-routes.js';
import { subscriptionsRoutes } from './subscriptions-routes.js';
import { systemRoutes } from './system-routes.js';

export const adminRoutes: readonly AdminRoute[] = [
  ...sessionRoutes,
  ...overviewRoutes,
  ...sourcesRoutes,
  ...connectionsRoutes,
  ...connectorsRoutes,
  ...providersRoutes,
  ...eventsRoutes,
  ...inboundRequestsRoutes,
  ...deliveriesRoutes,
  ...customersRoutes,
  ...ordersRoutes,
  ...subscriptionsRoutes,
  ...accessRoutes,
  ...profilesRoutes,
  ...profilePreviewRoutes,
  ...documentsRoutes,
  ...systemRoutes,
  ...openApiRoutes,
];
