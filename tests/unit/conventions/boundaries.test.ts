/**
 * Issue 13's room boundaries, followed through the import graph. ESLint (eslint.config.js) rejects a
 * direct import across a boundary; this test also catches the indirect one, such as a content script
 * importing a helper that imports the database (the whole chain would then ship into the page).
 * Type-only imports are skipped: they vanish at build time.
 */
import ts from 'typescript';
import { describe, expect, test } from 'vitest';
import { parse, resolveImport, sourceFiles } from './source';

/** Root-relative files that `file` imports at run time (imports and re-exports of our own modules). */
function runtimeImports(file: string): string[] {
  const out: string[] = [];
  for (const st of parse(file).statements) {
    let spec: ts.Expression | undefined;
    if (ts.isImportDeclaration(st) && !st.importClause?.isTypeOnly) {
      const b = st.importClause?.namedBindings;
      const onlyTypes =
        !st.importClause?.name &&
        b &&
        ts.isNamedImports(b) &&
        b.elements.length > 0 &&
        b.elements.every((e) => e.isTypeOnly);
      if (!onlyTypes) spec = st.moduleSpecifier;
    } else if (ts.isExportDeclaration(st) && !st.isTypeOnly) {
      spec = st.moduleSpecifier;
    }
    const target = spec && ts.isStringLiteral(spec) ? resolveImport(file, spec.text) : undefined;
    if (target) out.push(target);
  }
  return out;
}

/** For each start file, the first chain of imports that reaches a file under a forbidden prefix. */
export function crossings(starts: string[], forbidden: string[]): string[] {
  const out: string[] = [];
  for (const start of starts) {
    const via = new Map<string, string | null>([[start, null]]);
    const queue = [start];
    while (queue.length > 0) {
      const file = queue.shift()!;
      if (forbidden.some((p) => file.startsWith(p))) {
        const chain: string[] = [];
        for (let f: string | null | undefined = file; f; f = via.get(f)) chain.unshift(f);
        out.push(chain.join(' -> '));
        break;
      }
      for (const next of runtimeImports(file)) {
        if (!via.has(next)) {
          via.set(next, file);
          queue.push(next);
        }
      }
    }
  }
  return out;
}

const DB_SERVICES = ['utils/db/', 'utils/services/'];

describe('conventions: room boundaries through the import graph', () => {
  test('content scripts reach no db, services or package code', () => {
    const contentScripts = sourceFiles('entrypoints').filter((f) => /^entrypoints\/[^/]+\.content[/.]/.test(f));
    expect(contentScripts.length).toBeGreaterThan(0);
    const forbidden = [...DB_SERVICES, 'utils/package/', 'utils/evidence/package/'];
    expect(crossings(contentScripts, forbidden)).toEqual([]);
  }, 60_000);

  test('pure rooms (capture, evidence, package, image, selectors) reach no db, services or platform', () => {
    const rooms = ['utils/capture', 'utils/evidence', 'utils/package', 'utils/image', 'utils/selectors'];
    expect(crossings(sourceFiles(...rooms), [...DB_SERVICES, 'utils/platform/'])).toEqual([]);
  }, 60_000);

  test('the search reports the chain', () => {
    // This file imports ./source, which imports nothing of ours: a chain to it, none beyond.
    expect(crossings(['tests/unit/conventions/boundaries.test.ts'], ['tests/unit/conventions/source'])).toEqual([
      'tests/unit/conventions/boundaries.test.ts -> tests/unit/conventions/source.ts',
    ]);
    expect(crossings(['tests/unit/conventions/source.ts'], ['utils/'])).toEqual([]);
  });
});
