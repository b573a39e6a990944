/**
 * The browser entry: language first (its catalogue is loaded before anything renders), then the
 * API client, the query cache and the router.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { ApiProvider, createQueryClient } from './api/api-context.js';
import { createAppApi } from './app/session.js';
import { routes } from './app/routes.js';
import { startI18n } from './i18n/i18n.js';
import './styles/app.css';

async function start(): Promise<void> {
  await startI18n();
  const queryClient = createQueryClient();
  const router = createBrowserRouter(routes);
  const root = document.getElementById('root');
  if (!root) throw new Error('index.html has no #root');
  createRoot(root).render(
    <StrictMode>
      <ApiProvider api={createAppApi(queryClient)} queryClient={queryClient}>
        <RouterProvider router={router} />
      </ApiProvider>
    </StrictMode>,
  );
}

void start();
