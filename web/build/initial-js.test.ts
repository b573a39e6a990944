import { describe, expect, it } from 'vitest';
import { measureInitialJs } from './initial-js.js';
import type { BuiltChunk } from './initial-js.js';

const chunk = (fileName: string, code: string, extra: Partial<BuiltChunk> = {}): BuiltChunk => ({
  fileName,
  code,
  isEntry: false,
  imports: [],
  facadeModuleId: null,
  ...extra,
});

describe('initial JavaScript', () => {
  it('counts the entry, its static imports (transitively) and the largest catalogue, not lazy pages', () => {
    const measured = measureInitialJs([
      chunk('index.js', 'a'.repeat(1000), { isEntry: true, imports: ['vendor.js'] }),
      chunk('vendor.js', 'b'.repeat(1000), { imports: ['shared.js'] }),
      chunk('shared.js', 'c'.repeat(1000)),
      chunk('page.js', 'lazy page '.repeat(5000)),
      chunk('de.js', 'small', { facadeModuleId: '/x/web/src/i18n/locales/de.json' }),
      chunk('he.js', 'שלום עולם '.repeat(50), {
        facadeModuleId: '/x/web/src/i18n/locales/he.json',
      }),
    ]);
    expect(measured.files).toEqual(['he.js', 'index.js', 'shared.js', 'vendor.js']);
    expect(measured.gzipBytes).toBeGreaterThan(0);
    expect(measured.gzipBytes).toBeLessThan(500);
  });
});
