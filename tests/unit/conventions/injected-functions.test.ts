/**
 * Issue 13: every function handed to `scripting.executeScript({ func })` closes over nothing. The browser
 * sends only the function's source text to the page, so a module variable, an import or a helper it
 * refers to is simply absent there: the capture then fails in the page, not in any unit test.
 *
 * The test finds those functions on the source (the `func:` of executeScript calls, followed through the
 * wrappers that forward their parameter to it, such as callInPage and env.inPage), imports the real
 * functions, and checks each one's `toString()`: it must rebuild with `new Function` in an empty scope,
 * and the TypeScript checker must find no name in it beyond the page's own globals (ES + DOM).
 */
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';
import { ROOT, lineOf, parse, resolveImport, sourceFiles, walk } from './source';

/** An injected function as the source names it: exported `name` of `file`, or an inline function. */
type Injected = { file: string; name: string; site: string } | { inline: string; site: string };

/** A function whose parameter `index` ends up as executeScript's `func`. */
type Forwarder = { name: string; index: number };

function unwrap(e: ts.Expression): ts.Expression {
  while (ts.isAsExpression(e) || ts.isParenthesizedExpression(e) || ts.isSatisfiesExpression(e)) e = e.expression;
  return e;
}

/** The function that declares parameter `id`, with the parameter's index, if `id` is a parameter. */
function parameterOf(id: ts.Identifier): { fn: ts.SignatureDeclaration; index: number } | undefined {
  for (let n: ts.Node | undefined = id.parent; n; n = n.parent) {
    if (ts.isFunctionLike(n)) {
      const index = n.parameters.findIndex((p) => ts.isIdentifier(p.name) && p.name.text === id.text);
      if (index >= 0) return { fn: n, index };
    }
  }
  return undefined;
}

/** The name callers use for a function: its own, or the variable or property it is assigned to. */
function calleeName(fn: ts.SignatureDeclaration): string | undefined {
  if (fn.name && ts.isIdentifier(fn.name)) return fn.name.text;
  const p = fn.parent;
  if ((ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p)) && ts.isIdentifier(p.name)) return p.name.text;
  return undefined;
}

/** Where identifier `name` used in `sf` is defined: an import (followed) or a top-level function. */
function definitionOf(sf: ts.SourceFile, name: string): { file: string; name: string } | string {
  for (const st of sf.statements) {
    if (
      ts.isImportDeclaration(st) &&
      st.importClause?.namedBindings &&
      ts.isNamedImports(st.importClause.namedBindings)
    ) {
      const spec = st.importClause.namedBindings.elements.find((e) => e.name.text === name);
      if (!spec) continue;
      const file = resolveImport(sf.fileName, (st.moduleSpecifier as ts.StringLiteral).text);
      if (!file) return `${name} is imported from a package`;
      return { file, name: (spec.propertyName ?? spec.name).text };
    }
    if (ts.isFunctionDeclaration(st) && st.name?.text === name) {
      const exported = st.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
      return exported ? { file: sf.fileName, name } : `${name} is not exported: export it so this test can import it`;
    }
  }
  return `${name} is neither imported nor a top-level function`;
}

/**
 * Every injected function under `dirs`, and the problems met on the way (a function the test cannot
 * import cannot be checked, so that is a failure too).
 */
export function findInjected(files: string[]): { injected: Injected[]; problems: string[] } {
  const parsed = files.map(parse);
  const injected: Injected[] = [];
  const problems: string[] = [];
  const forwarders: Forwarder[] = [];

  // The function expression that reaches executeScript: a parameter makes its function a forwarder.
  const take = (sf: ts.SourceFile, expr: ts.Expression, at: ts.Node) => {
    const e = unwrap(expr);
    const site = `${sf.fileName}:${lineOf(sf, at.getStart(sf))}`;
    if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) {
      injected.push({ inline: ts.transpile(`(${e.getText(sf)})`, { target: ts.ScriptTarget.ES2022 }), site });
    } else if (ts.isIdentifier(e)) {
      const param = parameterOf(e);
      if (param) {
        const name = calleeName(param.fn);
        if (!name) problems.push(`${site}: a wrapper without a name forwards ${e.text}`);
        else if (!forwarders.some((f) => f.name === name && f.index === param.index)) {
          forwarders.push({ name, index: param.index });
        }
        return;
      }
      const def = definitionOf(sf, e.text);
      if (typeof def === 'string') problems.push(`${site}: ${def}`);
      else injected.push({ ...def, site });
    } else {
      problems.push(`${site}: cannot follow ${e.getText(sf)}`);
    }
  };

  for (const sf of parsed) {
    walk(sf, (n) => {
      if (!ts.isCallExpression(n)) return;
      const callee = n.expression;
      if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'executeScript') return;
      const arg = n.arguments[0];
      if (!arg || !ts.isObjectLiteralExpression(arg)) return;
      for (const prop of arg.properties) {
        if (ts.isPropertyAssignment(prop) && ts.isIdentifier(prop.name) && prop.name.text === 'func') {
          take(sf, prop.initializer, prop);
        }
      }
    });
  }
  // Follow the wrappers until no new one appears (callInPage, then the env's inPage that calls it…).
  for (let done = 0; done < forwarders.length; done++) {
    const { name, index } = forwarders[done]!;
    for (const sf of parsed) {
      walk(sf, (n) => {
        if (!ts.isCallExpression(n)) return;
        const callee = n.expression;
        const called = ts.isIdentifier(callee)
          ? callee.text
          : ts.isPropertyAccessExpression(callee)
            ? callee.name.text
            : undefined;
        const arg = n.arguments[index];
        if (called === name && arg) take(sf, arg, n);
      });
    }
  }
  return { injected, problems };
}

const PAGE_LIBS = ['lib.es2022.full.d.ts'];

/** Names in `source` (a function's text) that are neither its own nor a page global (ES2022 + DOM). */
export function freeNames(sources: string[]): string[][] {
  const options: ts.CompilerOptions = {
    allowJs: true,
    checkJs: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    lib: PAGE_LIBS,
    types: [],
    noLib: false,
  };
  const names = sources.map((_, i) => join(ROOT, `__injected_${i}.js`));
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  const virtual = new Map(names.map((n, i) => [n, `(${sources[i]});\n`]));
  host.getSourceFile = (file, lang, ...rest) => {
    const text = virtual.get(file);
    return text !== undefined ? ts.createSourceFile(file, text, lang) : getSourceFile(file, lang, ...rest);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (file) => virtual.has(file) || fileExists(file);
  const program = ts.createProgram(names, options, host);
  // 2304 "Cannot find name", 2552 "…Did you mean", 2580-2593 "…install type definitions": all unbound.
  const UNBOUND = new Set([2304, 2552, 2580, 2581, 2582, 2591, 2592, 2593]);
  return names.map((name) =>
    program
      .getSemanticDiagnostics(program.getSourceFile(name))
      .filter((d) => UNBOUND.has(d.code))
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' ')),
  );
}

/** Rebuilds a function from its source text alone, as the browser does in the page. */
function rebuild(source: string): unknown {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- rebuilding from text is what the page does
  const make = new Function(`"use strict"; return (${source});`) as () => unknown;
  return make();
}

describe('conventions: functions injected with executeScript({ func })', () => {
  const { injected, problems } = findInjected(sourceFiles('utils', 'entrypoints'));

  test('every injected function can be found and imported', () => {
    expect(problems).toEqual([]);
    // Today: measurePage, scrollToY, lazyPass, hideFixedElements, plantNonce, readPlantedNonce,
    // readStashedChunk, dropStashed. Fewer than a handful means the search lost track of them.
    expect(injected.length).toBeGreaterThanOrEqual(4);
  });

  test('each one closes over nothing: it rebuilds from its text and names only page globals', async () => {
    const checked: { site: string; label: string; source: string }[] = [];
    for (const fn of injected) {
      if ('inline' in fn) {
        checked.push({ site: fn.site, label: 'inline function', source: fn.inline });
        continue;
      }
      const mod = (await import(/* @vite-ignore */ join(ROOT, fn.file))) as Record<string, unknown>;
      const real = mod[fn.name];
      expect(typeof real, `${fn.file} exports ${fn.name} as a function`).toBe('function');
      checked.push({ site: fn.site, label: `${fn.file}:${fn.name}`, source: (real as () => unknown).toString() });
    }
    const unique = [...new Map(checked.map((c) => [c.label, c])).values()];
    for (const c of unique) expect(typeof rebuild(c.source), `${c.label} rebuilds alone`).toBe('function');
    const free = freeNames(unique.map((c) => c.source));
    expect(unique.map((c, i) => [c.label, free[i]]).filter(([, names]) => names!.length > 0)).toEqual([]);
  }, 60_000);

  test('the checks catch a function that closes over a module variable', () => {
    const outer = 42;
    const leaky = () => outer + document.title.length;
    const selfContained = (n: number) => n + document.title.length;
    expect(freeNames([leaky.toString(), selfContained.toString()])).toEqual([["Cannot find name 'outer'."], []]);
    // A method's text is not a function expression on its own: the page could not rebuild it.
    const holder = {
      method(): number {
        return 1;
      },
    };
    expect(() => rebuild(holder.method.toString())).toThrow(SyntaxError);
  }, 60_000);

  test('the search follows wrappers that forward their parameter to executeScript', () => {
    const { injected: found } = findInjected(['tests/unit/conventions/injected-functions.fixture.ts']);
    expect(found.map((f) => ('inline' in f ? 'inline' : `${f.file}:${f.name}`)).sort()).toEqual([
      'inline',
      'tests/unit/conventions/injected-functions.fixture.ts:direct',
      'tests/unit/conventions/injected-functions.fixture.ts:viaEnv',
      'tests/unit/conventions/injected-functions.fixture.ts:viaWrapper',
    ]);
  });
});
