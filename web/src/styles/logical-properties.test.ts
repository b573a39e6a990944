/**
 * Right-to-left comes from `dir` on <html> and logical properties, never from hand-mirrored
 * rules: the styles name no physical side.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('..', import.meta.url));

/** app.css and the styles pages load with themselves (pages/<area>/*.css). */
function cssFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return cssFiles(path);
    return name.endsWith('.css') ? [path] : [];
  });
}

describe('the styles', () => {
  const files = cssFiles(SRC);

  it('include app.css and the pages’ own', () => {
    expect(files.map((file) => relative(SRC, file))).toContain(join('styles', 'app.css'));
  });

  it.each(files.map((file) => [relative(SRC, file), file]))(
    '%s uses logical properties only',
    (_name, file) => {
      const css = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
      const physical =
        css.match(
          /(^|[\s;{])((margin|padding|border)-(left|right)[\w-]*|left|right|float|clear)\s*:[^;]*/gm,
        ) ?? [];
      expect(physical).toEqual([]);
      expect(css.match(/text-align\s*:\s*(left|right)/g) ?? []).toEqual([]);
      expect(css.match(/\[dir=/g) ?? []).toEqual([]);
    },
  );
});
