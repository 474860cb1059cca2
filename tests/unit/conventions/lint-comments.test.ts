/**
 * Issue 13: ESLint suppressions are for one line and say why. A file-wide or block disable hides every
 * later finding in the file; ESLint itself reports only disables that suppress nothing
 * (reportUnusedDisableDirectives), so this test covers the rest.
 */
import { describe, expect, test } from 'vitest';
import { readSource, sourceFiles } from './source';

// A directive opens a comment. Built from parts so this file does not match itself.
const DIRECTIVE = new RegExp(`(?://|/\\*)\\s*eslint-${'disable'}(-next-line|-line)?\\b(.*)$`, 'gm');

/** `file:line text` for each disable that is file-wide or a block (no -line / -next-line suffix). */
export function fileWideDisables(file: string, src: string): string[] {
  return [...src.matchAll(DIRECTIVE)]
    .filter((m) => m[1] === undefined)
    .map((m) => `${file}:${src.slice(0, m.index).split('\n').length} ${m[0].trim()}`);
}

/** `file:line text` for each one-line disable that gives no reason after ` -- `. */
export function unexplainedDisables(file: string, src: string): string[] {
  return [...src.matchAll(DIRECTIVE)]
    .filter((m) => m[1] !== undefined && !/\s--\s*\S/.test(m[2] ?? ''))
    .map((m) => `${file}:${src.slice(0, m.index).split('\n').length} ${m[0].trim()}`);
}

const FILES = sourceFiles(
  'utils',
  'components',
  'entrypoints',
  'cli',
  'scripts',
  'tests/unit',
  'tests/e2e',
  'tests/support',
);

describe('conventions: lint suppressions', () => {
  test('no file-wide or block eslint-disable anywhere in the source', () => {
    expect(FILES.flatMap((f) => fileWideDisables(f, readSource(f)))).toEqual([]);
  });

  test('every one-line eslint-disable says why (`-- reason`)', () => {
    expect(FILES.flatMap((f) => unexplainedDisables(f, readSource(f)))).toEqual([]);
  });

  test('the scanners tell the forms apart', () => {
    const d = `eslint-${'disable'}`;
    const src = [`/* ${d} */`, `// ${d}-next-line no-console -- why`, `x(); // ${d}-line no-console`].join('\n');
    expect(fileWideDisables('f.ts', src)).toEqual([`f.ts:1 /* ${d} */`]);
    expect(unexplainedDisables('f.ts', src)).toEqual([`f.ts:3 // ${d}-line no-console`]);
  });
});
