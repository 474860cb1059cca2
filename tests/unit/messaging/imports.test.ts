import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';

/**
 * Messaging rules checked on the source: content scripts load no db, services or package code
 * (following the runtime imports of what they pull in, the client included), and nobody but
 * utils/messaging/client.ts builds the `{ hashmark: 1, … }` envelope.
 */

const ROOT = resolve(__dirname, '../../..');
const FORBIDDEN = /^utils\/(db|services|package)\//;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : /\.(ts|tsx|mjs)$/.test(name) ? [p] : [];
  });
}

/** Runtime imports of a module (`import type` and `export type` lines do not load anything). */
export function runtimeImports(src: string): string[] {
  const out: string[] = [];
  const re = /^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;
  for (let m = re.exec(src); m; m = re.exec(src)) out.push(m[1]!);
  return out;
}

function resolveImport(from: string, spec: string): string | null {
  if (!spec.startsWith('@/') && !spec.startsWith('.')) return null; // a package (wxt, single-file-core, …)
  const base = spec.startsWith('@/') ? join(ROOT, spec.slice(2)) : resolve(dirname(from), spec);
  for (const c of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')]) {
    if (existsSync(c) && statSync(c).isFile()) return c;
  }
  throw new Error(`${relative(ROOT, from)}: cannot resolve ${spec}`);
}

/** Every project file an entry loads at run time, as repository paths. */
function loadedBy(entry: string): string[] {
  const seen = new Set<string>();
  const walk = (f: string) => {
    if (seen.has(f)) return;
    seen.add(f);
    for (const spec of runtimeImports(readFileSync(f, 'utf8'))) {
      const next = resolveImport(f, spec);
      if (next) walk(next);
    }
  };
  walk(entry);
  return [...seen].map((f) => relative(ROOT, f));
}

const CONTENT_SCRIPTS = readdirSync(join(ROOT, 'entrypoints'))
  .filter((d) => d.endsWith('.content'))
  .map((d) => join(ROOT, 'entrypoints', d, 'index.ts'));

describe('content scripts', () => {
  test.each(CONTENT_SCRIPTS.map((f) => [relative(ROOT, f), f]))('%s loads no db, services or package code', (_n, f) => {
    const loaded = loadedBy(f);
    expect(loaded.length).toBeGreaterThan(1);
    expect(loaded.filter((p) => FORBIDDEN.test(p))).toEqual([]);
  });

  test('the client loads nothing else (protocol types only), so a sending script stays small', () => {
    expect(loadedBy(join(ROOT, 'utils/messaging/client.ts'))).toEqual(['utils/messaging/client.ts']);
  });

  test('the check itself sees a runtime import and ignores a type-only one', () => {
    const src = [
      "import type { A } from '@/utils/db';",
      "import { b } from '@/utils/package/zip';",
      "export { c } from './c';",
    ].join('\n');
    expect(runtimeImports(src)).toEqual(['@/utils/package/zip', './c']);
  });
});

test('nobody but the client builds a message envelope by hand (forged ones in tests aside)', () => {
  const sources = ['entrypoints', 'utils', 'components', 'cli', 'scripts'].flatMap((d) => files(join(ROOT, d)));
  const handBuilt = sources
    .filter((f) => /hashmark:\s*1\s*,/.test(readFileSync(f, 'utf8')))
    .map((f) => relative(ROOT, f));
  expect(handBuilt).toEqual(['utils/messaging/client.ts']);
});
