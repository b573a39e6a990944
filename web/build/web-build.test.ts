/**
 * Builds the UI as `npm run build` does (into a temporary directory) and checks what the
 * browser gets: no inline script or style (the CSP forbids them), hashed asset names, and the
 * initial JavaScript within its budget.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import type { Rollup } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INITIAL_JS_BUDGET_BYTES, measureInitialJs } from './initial-js.js';

const CONFIG = new URL('../vite.config.ts', import.meta.url).pathname;

describe('the built web UI', () => {
  let outDir: string;
  let output: Rollup.RollupOutput;

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'ipnhub-web-build-'));
    // vitest runs with NODE_ENV=test: the config must still make the production build.
    const result = await build({
      configFile: CONFIG,
      logLevel: 'silent',
      build: { outDir, emptyOutDir: true },
    });
    output = (Array.isArray(result) ? result[0] : result) as Rollup.RollupOutput;
  }, 120_000);
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('has no inline script or style in index.html', () => {
    const html = readFileSync(join(outDir, 'index.html'), 'utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/\bsrc="\/assets\/[^"]+\.js"/);
      expect(body?.trim()).toBe('');
    }
    expect(html).not.toMatch(/<style\b/);
    expect(html).not.toMatch(/\sstyle=/);
    expect(html).not.toMatch(/\son[a-z]+=/);
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('names every asset by its content hash', () => {
    const assets = readdirSync(join(outDir, 'assets')).filter((name) => !/\.(br|gz)$/.test(name));
    expect(assets.length).toBeGreaterThan(3);
    for (const name of assets) expect(name).toMatch(/-[A-Za-z0-9_-]{8}\.(js|css)$/);
  });

  it('loads at most the budget of JavaScript before the first page shows', () => {
    const chunks = output.output.filter(
      (item): item is Rollup.OutputChunk => item.type === 'chunk',
    );
    const initial = measureInitialJs(
      chunks.map((c) => ({
        fileName: c.fileName,
        code: c.code,
        isEntry: c.isEntry,
        imports: c.imports,
        facadeModuleId: c.facadeModuleId,
      })),
    );
    expect(initial.gzipBytes).toBeLessThanOrEqual(INITIAL_JS_BUDGET_BYTES);
    // Pages are their own chunks, loaded when visited.
    expect(initial.files.some((file) => file.includes('source-page'))).toBe(false);
    expect(chunks.some((c) => c.fileName.includes('source-page'))).toBe(true);
  });

  it('is the production build, whatever NODE_ENV the build ran under', () => {
    // vitest runs this build with NODE_ENV=test: JSX compiled for React's development runtime
    // would call jsxDEV, which the production React in the same bundle does not have.
    expect(process.env.NODE_ENV).not.toBe('production');
    const code = output.output
      .flatMap((item) => (item.type === 'chunk' ? [item.code] : []))
      .join('\n');
    expect(code).not.toMatch(/\bjsxDEV\b/);
    expect(code).toMatch(/\.jsxs?\)?\(/);
  });

  it('ships compressed copies of the large text assets', () => {
    const names = readdirSync(join(outDir, 'assets'));
    const entry = output.output.find((item) => item.type === 'chunk' && item.isEntry);
    expect(names).toContain(`${entry?.fileName.replace('assets/', '')}.br`);
    expect(names).toContain(`${entry?.fileName.replace('assets/', '')}.gz`);
  });
});
