import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';

/**
 * The repository's own rules, checked on the source (style.md: "convention tests check the
 * repo's own rules"). Each one fails when the rule is broken.
 */

function files(dir: string, ext = /\.(ts|tsx)$/): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p, ext) : ext.test(name) ? [p] : [];
  });
}

/** Bodies of `db.transaction(..., async () => { ... })` callbacks, by brace matching. */
export function transactionBodies(src: string): string[] {
  const out: string[] = [];
  const re = /\.transaction\(/g;
  for (let m = re.exec(src); m; m = re.exec(src)) {
    const arrow = src.indexOf('=>', m.index);
    const open = src.indexOf('{', arrow);
    let depth = 0;
    for (let i = open; i < src.length; i++) {
      if (src[i] === '{') depth++;
      else if (src[i] === '}' && --depth === 0) {
        out.push(src.slice(open, i + 1));
        break;
      }
    }
  }
  return out;
}

/** Awaited expressions allowed inside a transaction: Dexie tables and helpers that only use them. */
const ALLOWED_AWAIT = /^await\s+(db\.\w+|appendCustodyInTx\(|\w+InTx\()/;

/** Every `await …` in a body; `await Promise.all([...])` is split into its elements. */
function awaitsIn(body: string): string[] {
  const out: string[] = [];
  const re = /await\s+/g;
  for (let m = re.exec(body); m; m = re.exec(body)) {
    const rest = body.slice(m.index + m[0].length);
    if (rest.startsWith('Promise.all(')) {
      let depth = 0;
      let end = 0;
      for (let i = 'Promise.all'.length; i < rest.length; i++) {
        if ('([{'.includes(rest[i]!)) depth++;
        else if (')]}'.includes(rest[i]!) && --depth === 0) {
          end = i;
          break;
        }
      }
      const inner = rest.slice('Promise.all(['.length, end - 1);
      // Split on top-level commas only.
      let d = 0;
      let start = 0;
      for (let i = 0; i <= inner.length; i++) {
        const c = inner[i];
        if (c && '([{'.includes(c)) d++;
        else if (c && ')]}'.includes(c)) d--;
        if ((c === ',' && d === 0) || i === inner.length) {
          const el = inner.slice(start, i).trim();
          if (el) out.push(`await ${el}`);
          start = i + 1;
        }
      }
    } else {
      out.push(`await ${rest.split(/[;\n]/)[0]}`);
    }
  }
  return out;
}

describe('conventions', () => {
  test('only utils/db opens database transactions', () => {
    const offenders = ['utils', 'entrypoints', 'components', 'cli']
      .flatMap((d) => files(d))
      .filter((f) => !f.startsWith(join('utils', 'db')))
      .filter((f) => /\.transaction\(\s*['"]r/.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });

  test('nothing but Dexie is awaited inside a transaction (a WebCrypto await would commit half the writes)', () => {
    const bad: string[] = [];
    for (const f of files(join('utils', 'db'))) {
      for (const body of transactionBodies(readFileSync(f, 'utf8'))) {
        for (const aw of awaitsIn(body)) {
          if (!ALLOWED_AWAIT.test(aw)) bad.push(`${f}: ${aw.slice(0, 80)}`);
        }
      }
    }
    expect(bad).toEqual([]);
  });

  test('the check itself catches a crypto await inside a transaction', () => {
    const src = `db.transaction('rw', db.captures, async () => { const h = await crypto.subtle.digest('SHA-256', b); await db.captures.add(x); });`;
    const awaits = transactionBodies(src).flatMap(awaitsIn);
    expect(awaits.filter((a) => !ALLOWED_AWAIT.test(a))).toHaveLength(1);
    const inAll = `db.transaction('r', db.cases, async () => { const [a, b] = await Promise.all([db.cases.get(x), fetch(u)]); });`;
    expect(
      transactionBodies(inAll)
        .flatMap(awaitsIn)
        .filter((a) => !ALLOWED_AWAIT.test(a)),
    ).toEqual(['await fetch(u)']);
  });

  test('components never call utils/db write functions (they write through utils/services)', () => {
    // Every utils/db function that opens a 'rw' transaction or writes a table, or calls one that does.
    const fns = files(join('utils', 'db')).flatMap((f) => [
      ...readFileSync(f, 'utf8').matchAll(/async function (\w+)([^]*?)\n}\n/g),
    ]);
    const writers = fns
      .filter((m) => /transaction\(\s*'rw'|\.(put|add|update|delete|bulkAdd)\(/.test(m[2]!))
      .map((m) => m[1]!);
    for (let grew = true; grew;) {
      const more = fns.filter((m) => !writers.includes(m[1]!) && writers.some((w) => m[2]!.includes(`${w}(`)));
      writers.push(...more.map((m) => m[1]!));
      grew = more.length > 0;
    }
    expect(writers).toEqual(expect.arrayContaining(['addTags', 'updateSettings', 'deleteCapture', 'putSearchIndex']));
    const bad = files('components').flatMap((f) =>
      [...readFileSync(f, 'utf8').matchAll(/import\s*\{([^}]*)\}\s*from\s*'@\/utils\/db'/g)]
        .flatMap((m) => m[1]!.split(',').map((x) => x.trim().split(/\s+as\s+/)[0]!))
        .filter((name) => writers.includes(name))
        .map((name) => `${f}: ${name}`),
    );
    expect(bad).toEqual([]);
  });

  test('only the schema module declares Dexie versions', () => {
    const offenders = ['utils', 'entrypoints', 'components']
      .flatMap((d) => files(d))
      .filter((f) => f !== join('utils', 'db', 'schema.ts'))
      .filter((f) => /\.version\(\d+\)/.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });

  test('entrypoints hold no helpers or tests (WXT would build them as entrypoints)', () => {
    const stray = files('entrypoints', /\.(test|spec)\.(ts|tsx)$/);
    expect(stray).toEqual([]);
  });

  test('every fixture page is used by a test or the demo', () => {
    const users = [...files('tests'), 'scripts/demo.ts', ...files('scripts')]
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const unused = readdirSync(join('tests', 'fixtures', 'site')).filter((name) => !users.includes(name));
    expect(unused).toEqual([]);
  });
});
