/**
 * Renders UI under test the way main.tsx does — a real i18next with the real catalogue, the
 * query cache, the API client, a router — in jsdom. Pages talk to a real ipnhub
 * (ipnhub-server.ts) over HTTP.
 */
import { cleanup, configure, render } from '@testing-library/react';
import type { RenderResult } from '@testing-library/react';
import i18next from 'i18next';
import type { i18n as I18n } from 'i18next';
import { StrictMode } from 'react';
import type { ReactElement } from 'react';
import { I18nextProvider, initReactI18next } from 'react-i18next';
import { createMemoryRouter, RouterProvider } from 'react-router';
import type { RouteObject } from 'react-router';
import { afterEach } from 'vitest';
import { ApiProvider, createQueryClient } from '../api/api-context.js';
import type { SessionApiOptions } from '../api/session.js';
import { createAppApi } from '../app/session.js';
import de from '../i18n/locales/de.json';
import en from '../i18n/locales/en.json';
import he from '../i18n/locales/he.json';
import it from '../i18n/locales/it.json';
import type { LanguageCode } from '../i18n/languages.js';

afterEach(() => cleanup());

// Waits for what a page shows (`findBy…`, `waitFor`) end on the test's own timeout
// (vitest.config.ts), not on testing-library's one second: on a busy machine a page's answers
// over real HTTP may take longer, and that must make the test slower, not red.
configure({ asyncUtilTimeout: 25_000 });

export const CATALOGUES = { de, en, it, he } as const;

/** A started i18next instance in `language`, with that catalogue. */
export async function testI18n(language: LanguageCode = 'en'): Promise<I18n> {
  const instance = i18next.createInstance();
  await instance.use(initReactI18next).init({
    lng: language,
    fallbackLng: false,
    resources: { [language]: { translation: CATALOGUES[language] } },
    interpolation: { escapeValue: false },
  });
  return instance;
}

export interface RenderOptions {
  /** The server the UI talks to (base URL of its API, and the fetch to use). */
  server?: SessionApiOptions;
  language?: LanguageCode;
  /** Routes to render (default: `element` at `path`; pass `null` as the element with routes). */
  routes?: RouteObject[];
  /** Where the router starts. */
  path?: string;
  /** In React's strict mode, as `main.tsx` renders the app (effects run twice on mounting). */
  strict?: boolean;
}

export async function renderUi(
  element: ReactElement | null,
  options: RenderOptions = {},
): Promise<RenderResult & { i18n: I18n; router: ReturnType<typeof createMemoryRouter> }> {
  const i18n = await testI18n(options.language ?? 'en');
  const path = options.path ?? '/';
  const router = createMemoryRouter(options.routes ?? [{ path: '*', element }], {
    initialEntries: [path],
  });
  const queryClient = createQueryClient();
  const app = (
    <I18nextProvider i18n={i18n}>
      <ApiProvider api={createAppApi(queryClient, options.server)} queryClient={queryClient}>
        <RouterProvider router={router} />
      </ApiProvider>
    </I18nextProvider>
  );
  const result = render(options.strict ? <StrictMode>{app}</StrictMode> : app);
  return Object.assign(result, { i18n, router });
}
