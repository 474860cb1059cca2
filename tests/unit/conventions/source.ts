/**
 * Shared by the convention tests of issue 13: lists the repository's source files and parses them with
 * the TypeScript compiler API, so each test reads the code's structure rather than matching text.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/** The repository root (tests run from it; this keeps paths stable if they do not). */
export const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '../../..');

/** Every .ts/.tsx file under `dirs` (relative to the root), as root-relative paths with `/`. */
export function sourceFiles(...dirs: string[]): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(join(ROOT, dir)).flatMap((name) => {
      const p = `${dir}/${name}`;
      if (statSync(join(ROOT, p)).isDirectory()) return walk(p);
      return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [p] : [];
    });
  return dirs.filter((d) => existsSync(join(ROOT, d))).flatMap(walk);
}

export function readSource(file: string): string {
  return readFileSync(join(ROOT, file), 'utf8');
}

export function parse(file: string): ts.SourceFile {
  const kind = file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  return ts.createSourceFile(file, readSource(file), ts.ScriptTarget.Latest, true, kind);
}

/** Calls `visit` on every node of `sf`, depth first. */
export function walk(node: ts.Node, visit: (n: ts.Node) => void): void {
  visit(node);
  node.forEachChild((c) => walk(c, visit));
}

/**
 * The root-relative file an import specifier names: WXT's aliases (`@/`, `~/`, `@@/`, `~~/`) and
 * relative paths, with the extensions the bundler tries. Undefined for packages.
 */
export function resolveImport(fromFile: string, spec: string): string | undefined {
  const alias = /^[@~]{1,2}\//.exec(spec);
  let base: string;
  if (alias) base = spec.slice(alias[0].length);
  else if (spec.startsWith('.')) base = relative(ROOT, resolve(ROOT, dirname(fromFile), spec));
  else return undefined;
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`, `${base}/index.tsx`]) {
    const p = join(ROOT, candidate);
    if (existsSync(p) && statSync(p).isFile()) return candidate.split('\\').join('/');
  }
  return undefined;
}

/** 1-based line of a position. */
export function lineOf(sf: ts.SourceFile, pos: number): number {
  return sf.getLineAndCharacterOfPosition(pos).line + 1;
}
