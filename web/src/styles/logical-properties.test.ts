/**
 * Right-to-left comes from `dir` on <html> and logical properties, never from hand-mirrored
 * rules: the styles name no physical side.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const css = readFileSync(new URL('./app.css', import.meta.url), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');

describe('app.css', () => {
  it('uses logical properties only', () => {
    const physical = css.match(/(^|[\s;{])((margin|padding|border)-(left|right)[\w-]*|left|right|float|clear)\s*:[^;]*/gm) ?? [];
    expect(physical).toEqual([]);
    expect(css.match(/text-align\s*:\s*(left|right)/g) ?? []).toEqual([]);
    expect(css.match(/\[dir=/g) ?? []).toEqual([]);
  });
});
