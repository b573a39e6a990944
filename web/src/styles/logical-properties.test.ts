/**
 * Right-to-left comes from `dir` on <html> and logical properties, never from hand-mirrored
 * rules: the styles name no physical side.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('..', import.meta.url));

/** app.css and the style sheets pages load with their code. */
function styleSheets(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return styleSheets(path);
    return name.endsWith('.css') ? [path] : [];
  });
}

describe('style sheets', () => {
  const sheets = styleSheets(SRC);

  it('include app.css', () => {
    expect(sheets.some((path) => path.endsWith(join('styles', 'app.css')))).toBe(true);
  });

  it.each(sheets.map((path) => [path.slice(SRC.length), path]))('%s uses logical properties only', (_name, path) => {
    const css = readFileSync(path, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
    const physical = css.match(/(^|[\s;{])((margin|padding|border)-(left|right)[\w-]*|left|right|float|clear)\s*:[^;]*/gm) ?? [];
    expect(physical).toEqual([]);
    expect(css.match(/text-align\s*:\s*(left|right)/g) ?? []).toEqual([]);
    expect(css.match(/\[dir=/g) ?? []).toEqual([]);
  });
});
