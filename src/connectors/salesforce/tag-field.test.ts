import { describe, expect, it } from 'vitest';
import { sampleEvent } from '../sample-event.js';
import { templateScope } from '../template.js';
import { changeTags, formatTags, parseTags, renderTags } from './tag-field.js';

describe('tag field', () => {
  it('parses ";"-separated values, ignoring blanks and non-strings', () => {
    expect(parseTags(' a ;b;;c ')).toEqual(['a', 'b', 'c']);
    expect(parseTags(null)).toEqual([]);
    expect(parseTags(42)).toEqual([]);
  });

  it('renders templates, drops empty results and duplicates, and replaces the separator', () => {
    const scope = templateScope(sampleEvent('payment'));
    expect(
      renderTags(
        ['{product.name}', 'ds24-{event}', '{buyer.company}', 'A;B', 'ONLINE COURSE BASIC'],
        scope,
      ),
    ).toEqual(['Online Course Basic', 'ds24-payment', 'A,B']);
  });

  it('adds and removes as a set, case-insensitively, counting real changes', () => {
    expect(changeTags(['vip', 'Course'], ['course', 'new'], ['VIP'])).toEqual({
      tags: ['Course', 'new'],
      added: 1,
      removed: 1,
    });
    expect(changeTags(['a'], ['a'], ['a'])).toEqual({ tags: ['a'], added: 0, removed: 0 });
    expect(changeTags([], [], ['gone'])).toEqual({ tags: [], added: 0, removed: 0 });
    expect(formatTags(['a', 'b c'])).toBe('a;b c');
  });
});
