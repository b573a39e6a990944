/**
 * The repository speaks for itself: code, tests and docs cite the repository's own files
 * (docs/protocols/README.md says where protocol facts live), never documents outside it
 * or ipnhub issue numbers. This test reads every text file under src/, web/src/, test/,
 * bench/, scripts/ and docs/ (and README.md) and fails on
 * - the design notes or research notes of the project's shared folder (by name or path);
 * - a section sign followed directly by a section number (the notes' style; laws are cited
 *   as `§ 14 UStG`, RFCs as `RFC 6265` with the section after it);
 * - a `.md` path that does not resolve to a file in the repository (relative to the citing
 *   file or to the repository root), or a `#anchor` after it that names no heading there;
 * - an issue number that is not another project's (`issue 4`, `see issue #4`); another
 *   project's is cited with its name right before it (`foliojs/pdfkit issue #219`).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const ROOTS = ['src', 'web/src', 'test', 'bench', 'scripts', 'docs', 'README.md'];
const EXTENSIONS = ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.md', '.json', '.css', '.html'];
const SKIP_DIRS = new Set(['node_modules', 'dist', 'build', 'coverage']);

// Spelt in pieces so this file does not match its own rules.
const SECTION_SIGN = '\u00a7';
const OUTSIDE_NAMES = [
  ['DESIGN', 'md'],
  ['..', 'shared'],
  ['work', 'shared'],
  ['shared', 'reference'],
].map(([a, b]) => (b === 'md' ? `${a}.${b}` : `${a}/${b}`));
/** A research-notes file by its bare name, which does not resolve in the repository. */
const NOTES_FILE = ['paypal', 'md'].join('.');
const NOTES_SECTION = new RegExp(`(?<!RFC \\d+ )${SECTION_SIGN}[A-Z]?\\d`, 'g');
const MD_PATH = /(?<![\w@/.:-])((?:\.{1,2}\/)*[\w-][\w.-]*(?:\/[\w.-]+)*\.md)(?!\.?\w)(#[\w-]+)?/g;
/**
 * "issue 4", "(issue #4)", "see issue #4"; another project's issue has its name right before
 * "issue". A number followed by a word is no issue ("date of issue 15 March").
 */
const ISSUE =
  /(^|[\s(])((?:see|in|our|this|ipnhub|per|by|from|of|the)\s+)?issues?\s+(#?)(\d+)(?![\w-]|\s+[A-Za-z])/gi;

function textFiles(path: string): string[] {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(path);
  } catch {
    return [];
  }
  if (stat.isFile()) return [path];
  return readdirSync(path).flatMap((name) => {
    if (SKIP_DIRS.has(name)) return [];
    const full = join(path, name);
    if (statSync(full).isDirectory()) return textFiles(full);
    return EXTENSIONS.some((ext) => name.endsWith(ext)) ? [full] : [];
  });
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading?.[1]) continue;
    const base = heading[1]
      .toLowerCase()
      .replace(/<[^>]*>/g, '')
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** Comment lines joined, so a citation broken over two lines reads as one. */
function flattened(text: string): string {
  return text.replace(/\n\s*(?:\*(?!\/)|\/\/)?\s*/g, ' ');
}

const anchorCache = new Map<string, Set<string>>();

function anchorsOf(file: string): Set<string> {
  let anchors = anchorCache.get(file);
  if (!anchors) {
    anchors = headingAnchors(readFileSync(file, 'utf8'));
    anchorCache.set(file, anchors);
  }
  return anchors;
}

function exists(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** What is wrong with the citations in one file's text, as readable lines. */
function citationProblems(path: string, text: string): string[] {
  const problems: string[] = [];
  const where = relative(ROOT, path).split(sep).join('/');
  for (const name of OUTSIDE_NAMES)
    if (text.includes(name))
      problems.push(`${where}: cites ${name}, which is outside the repository`);
  for (const match of text.matchAll(NOTES_SECTION))
    problems.push(
      `${where}: "${text.slice(match.index, match.index + 8).split('\n')[0]}" cites a section of a document outside the repository`,
    );
  for (const match of text.matchAll(MD_PATH)) {
    const [, file = '', anchor] = match;
    // A file of another repository, named after its repository's address on the same line.
    const lineBefore = text.slice(text.lastIndexOf('\n', match.index) + 1, match.index);
    if (/:\/\/|github\.com\//.test(lineBefore)) continue;
    const target = [resolve(dirname(path), file), resolve(ROOT, file)].find(exists);
    if (!target) {
      problems.push(`${where}: ${file} is not a file in the repository`);
      continue;
    }
    if (anchor && !anchorsOf(target).has(anchor.slice(1)))
      problems.push(`${where}: ${file}${anchor} names no heading of ${relative(ROOT, target)}`);
  }
  for (const match of flattened(text).matchAll(ISSUE)) {
    const [whole, , ownWord, hash, number] = match;
    if (hash === '' || ownWord !== undefined || match[1] === '(' || match.index === 0)
      problems.push(
        `${where}: "${whole.trim()}" cites an issue number ${number}; say what the issue says instead`,
      );
  }
  return problems;
}

describe('citations in the repository', () => {
  it('cite only the repository itself', () => {
    // This file spells out what it looks for.
    const files = ROOTS.flatMap((root) => textFiles(join(ROOT, root))).filter(
      (file) => file !== import.meta.filename,
    );
    expect(files.length).toBeGreaterThan(100);
    const problems = files.flatMap((file) => citationProblems(file, readFileSync(file, 'utf8')));
    expect(problems).toEqual([]);
  });

  it('catches each kind of outside citation', () => {
    const file = join(ROOT, 'src/core/events.ts');
    const bad = [
      `see ${OUTSIDE_NAMES[0]} ${SECTION_SIGN}3`,
      `(reference ${NOTES_FILE} ${SECTION_SIGN}A2)`,
      `as ${NOTES_FILE} says`,
      `the ${OUTSIDE_NAMES[1]}/reference/paypal.md notes`,
      'docs/protocols/paypal.md#no-such-heading',
      'docs/no-such-file.md',
      `connectors (${'issue'} 4)`,
      `tags (${'issue'} 4, more)`,
      'as in issue #12',
    ];
    for (const line of bad) expect(citationProblems(file, `/** ${line} */`), line).not.toEqual([]);
    const good = [
      'docs/protocols/paypal.md#ipn-postback',
      '[architecture](../../docs/architecture.md#extension-points)',
      `§ 19 UStG, RFC 6265 ${SECTION_SIGN}4.1.1`,
      'foliojs/pdfkit issue #219',
      'https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md',
    ];
    for (const line of good) expect(citationProblems(file, `/** ${line} */`), line).toEqual([]);
  });
});
