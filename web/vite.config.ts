/**
 * The admin web UI's build: `web/` → `dist/web/`, served by ipnhub at `/` (src/http/web-ui.ts).
 * `npm run dev:web` serves it with hot reload and passes `/api` to an ipnhub on port 8080.
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { initialJsBudget, precompress } from './build/build-plugins.js';
import { INITIAL_JS_BUDGET_BYTES } from './build/initial-js.js';

export const WEB_ROOT = fileURLToPath(new URL('.', import.meta.url));
export const WEB_OUT_DIR = fileURLToPath(new URL('../dist/web', import.meta.url));

export default defineConfig(({ command }) => ({
  root: WEB_ROOT,
  base: '/',
  plugins: [react(), initialJsBudget(INITIAL_JS_BUDGET_BYTES), precompress()],
  build: {
    outDir: WEB_OUT_DIR,
    emptyOutDir: true,
    target: 'es2022',
    // Nothing inlined as data: URLs; every asset is a file of this origin (see the CSP).
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
  // A build is always the production build, even where NODE_ENV says otherwise (vitest sets
  // `test`; some machines set `development` globally), or React's development build would ship.
  // Vite takes "production" from NODE_ENV alone, so JSX must be told too: compiled for the
  // development runtime (`jsxDEV`), it would call a function React's production build lacks
  // and the page would stay blank.
  define: command === 'build' ? { 'process.env.NODE_ENV': JSON.stringify('production') } : {},
  ...(command === 'build' ? { esbuild: { jsxDev: false } } : {}),
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
}));
