/**
 * Issue 13: only services (utils/services/) and entrypoints call the database's write functions, so
 * "who writes what" has one answer per table and every write goes through the code that logs custody.
 *
 * A write function is a top-level function of utils/db/ that opens a read-write transaction, writes a
 * Dexie table (add, put, update, delete, bulk…, clear, modify) or calls another write function of
 * utils/db/. The test lists the modules outside utils/db, utils/services and entrypoints that import
 * one. scripts/ (demo and bench seed their own data) and tests are outside the rule.
 */
import ts from 'typescript';
import { describe, expect, test } from 'vitest';
import { parse, resolveImport, sourceFiles, walk } from './source';

const DIRECT_WRITE = [
  /\.transaction\(\s*['"]rw/,
  /\bdb\.\w+\.(?:add|put|update|delete|bulkAdd|bulkPut|bulkUpdate|bulkDelete|clear)\(/,
  /\.modify\(/,
];

/** Top-level functions of `sf` (declarations and `const f = () => …`) with their text. */
function topLevelFunctions(sf: ts.SourceFile): { name: string; text: string; exported: boolean }[] {
  const out: { name: string; text: string; exported: boolean }[] = [];
  for (const st of sf.statements) {
    const exported = !!ts.getModifiers(st as ts.HasModifiers)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (ts.isFunctionDeclaration(st) && st.name) out.push({ name: st.name.text, text: st.getText(sf), exported });
    if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        const init = d.initializer;
        if (ts.isIdentifier(d.name) && init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init))) {
          out.push({ name: d.name.text, text: init.getText(sf), exported });
        }
      }
    }
  }
  return out;
}

/** Exported write functions of the db modules, found to a fixed point (a writer's callers write too). */
export function dbWriteFunctions(dbFiles: string[]): Set<string> {
  const fns = dbFiles.flatMap((f) => topLevelFunctions(parse(f)));
  const writers = new Set(fns.filter((f) => DIRECT_WRITE.some((re) => re.test(f.text))).map((f) => f.name));
  for (let grew = true; grew;) {
    grew = false;
    for (const f of fns) {
      if (writers.has(f.name)) continue;
      if ([...writers].some((w) => new RegExp(`\\b${w}\\(`).test(f.text))) {
        writers.add(f.name);
        grew = true;
      }
    }
  }
  return new Set(fns.filter((f) => f.exported && writers.has(f.name)).map((f) => f.name));
}

/** `file: name, name` for each file that imports (by name or through a namespace) db write functions. */
export function writeImporters(files: string[], writers: Set<string>): string[] {
  const out: string[] = [];
  for (const file of files) {
    const sf = parse(file);
    const used = new Set<string>();
    for (const st of sf.statements) {
      if (!ts.isImportDeclaration(st) || st.importClause?.isTypeOnly) continue;
      const target = resolveImport(file, (st.moduleSpecifier as ts.StringLiteral).text);
      if (!target?.startsWith('utils/db/')) continue;
      const bindings = st.importClause?.namedBindings;
      if (bindings && ts.isNamedImports(bindings)) {
        for (const e of bindings.elements) {
          const name = (e.propertyName ?? e.name).text;
          if (!e.isTypeOnly && writers.has(name)) used.add(name);
        }
      } else if (bindings && ts.isNamespaceImport(bindings)) {
        const ns = bindings.name.text;
        walk(sf, (n) => {
          if (ts.isPropertyAccessExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === ns) {
            if (writers.has(n.name.text)) used.add(n.name.text);
          }
        });
      }
    }
    if (used.size > 0) out.push(`${file}: ${[...used].sort().join(', ')}`);
  }
  return out;
}

describe('conventions: who calls the database write functions', () => {
  const writers = dbWriteFunctions(sourceFiles('utils/db'));

  test('the db write functions are found (and reads are not among them)', () => {
    // Guards the rule below against an empty list, which would let any import through.
    expect(writers.size).toBeGreaterThanOrEqual(5);
    for (const read of ['getSettings', 'listCases', 'getBlob']) expect(writers.has(read), read).toBe(false);
  });

  test('only utils/services and entrypoints import them', () => {
    const outside = sourceFiles('utils', 'components', 'cli').filter(
      (f) => !f.startsWith('utils/db/') && !f.startsWith('utils/services/'),
    );
    expect(writeImporters(outside, writers)).toEqual([]);
  }, 60_000);
});
