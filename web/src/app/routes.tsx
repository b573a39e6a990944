/**
 * Every page of the app. Pages are loaded when first visited (`lazy`), so each area's code and
 * libraries stay out of the initial JavaScript. To add a page: export its component from a
 * file under pages/<area>/, add a route here (and a nav entry in nav.ts if it is an area).
 */
import type { RouteObject } from 'react-router';
import { Loading } from '../components/states.js';
import { NotFoundPage } from '../pages/not-found-page.js';
import { Layout } from './layout.js';
import { RouteError } from './route-error.js';
import { RequireSession } from './session.js';
import { SignInPage } from './sign-in-page.js';

export const routes: RouteObject[] = [
  { path: '/sign-in', element: <SignInPage />, errorElement: <RouteError /> },
  {
    path: '/',
    element: (
      <RequireSession>
        <Layout />
      </RequireSession>
    ),
    errorElement: <RouteError />,
    // Shown while the first page's code loads.
    hydrateFallbackElement: <Loading />,
    children: [
      {
        index: true,
        lazy: async () => ({
          Component: (await import('../pages/overview/overview-page.js')).OverviewPage,
        }),
      },
      {
        path: 'sources',
        lazy: async () => ({
          Component: (await import('../pages/sources/sources-page.js')).SourcesPage,
        }),
      },
      {
        path: 'sources/new/:provider',
        lazy: async () => ({
          Component: (await import('../pages/sources/add-source-page.js')).AddSourcePage,
        }),
      },
      {
        path: 'sources/:id',
        lazy: async () => ({
          Component: (await import('../pages/sources/source-page.js')).SourcePage,
        }),
      },
      {
        path: 'sources/:id/edit',
        lazy: async () => ({
          Component: (await import('../pages/sources/edit-source-page.js')).EditSourcePage,
        }),
      },
      {
        path: 'connections',
        lazy: async () => ({
          Component: (await import('../pages/connections/connections-page.js')).ConnectionsPage,
        }),
      },
      {
        path: 'connections/new',
        lazy: async () => ({
          Component: (await import('../pages/connections/connector-catalogue-page.js'))
            .ConnectorCataloguePage,
        }),
      },
      {
        path: 'connections/new/:connector',
        lazy: async () => ({
          Component: (await import('../pages/connections/add-connection-page.js'))
            .AddConnectionPage,
        }),
      },
      {
        path: 'connections/:id',
        lazy: async () => ({
          Component: (await import('../pages/connections/connection-page.js')).ConnectionPage,
        }),
      },
      {
        path: 'connections/:id/edit',
        lazy: async () => ({
          Component: (await import('../pages/connections/edit-connection-page.js'))
            .EditConnectionPage,
        }),
      },
      {
        path: 'notifications',
        lazy: async () => ({
          Component: (await import('../pages/notifications/notifications-page.js'))
            .NotificationsPage,
        }),
      },
      {
        path: 'notifications/:id',
        lazy: async () => ({
          Component: (await import('../pages/notifications/notification-page.js')).NotificationPage,
        }),
      },
      {
        path: 'deliveries',
        lazy: async () => ({
          Component: (await import('../pages/deliveries/deliveries-page.js')).DeliveriesPage,
        }),
      },
      {
        path: 'deliveries/:id',
        lazy: async () => ({
          Component: (await import('../pages/deliveries/delivery-page.js')).DeliveryPage,
        }),
      },
      {
        path: 'events/:id',
        lazy: async () => ({
          Component: (await import('../pages/events/event-page.js')).EventPage,
        }),
      },
      {
        path: 'customers',
        lazy: async () => ({
          Component: (await import('../pages/customers/customers-page.js')).CustomersPage,
        }),
      },
      {
        path: 'customers/:id',
        lazy: async () => ({
          Component: (await import('../pages/customers/customer-page.js')).CustomerPage,
        }),
      },
      {
        path: 'customers/orders/:id',
        lazy: async () => ({
          Component: (await import('../pages/customers/order-page.js')).OrderPage,
        }),
      },
      {
        path: 'documents',
        lazy: async () => ({
          Component: (await import('../pages/documents/documents-page.js')).DocumentsPage,
        }),
      },
      {
        path: 'documents/manual-refunds',
        lazy: async () => ({
          Component: (await import('../pages/documents/manual-refunds-page.js')).ManualRefundsPage,
        }),
      },
      {
        path: 'documents/sale-mails',
        lazy: async () => ({
          Component: (await import('../pages/documents/sale-mails-page.js')).SaleMailsPage,
        }),
      },
      {
        path: 'documents/:id',
        lazy: async () => ({
          Component: (await import('../pages/documents/document-page.js')).DocumentPage,
        }),
      },
      {
        path: 'profiles',
        lazy: async () => ({
          Component: (await import('../pages/profiles/profiles-page.js')).ProfilesPage,
        }),
      },
      {
        path: 'profiles/new',
        lazy: async () => ({
          Component: (await import('../pages/profiles/add-profile-page.js')).AddProfilePage,
        }),
      },
      {
        path: 'profiles/:id',
        lazy: async () => ({
          Component: (await import('../pages/profiles/profile-page.js')).ProfilePage,
        }),
      },
      {
        path: 'settings',
        lazy: async () => ({
          Component: (await import('../pages/settings/settings-page.js')).SettingsPage,
        }),
      },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
];
