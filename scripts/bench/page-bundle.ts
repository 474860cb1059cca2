import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import type * as PageLib from './page-lib';
import type * as PageSearch from './page-search';

/**
 * Compiles page-lib.ts / page-search.ts (and the utils/ modules they import, from the same source
 * the extension is built from) into one script, and runs it in an extension page through the
 * DevTools protocol. Playwright's evaluate is not subject to the page's CSP, and the code then
 * runs in the extension's origin: same IndexedDB, same Dexie schema.
 */
export async function bundle(entry: string, root: string): Promise<string> {
  const out = await build({
    entryPoints: [entry],
    absWorkingDir: root,
    tsconfig: join(root, 'tsconfig.json'),
    bundle: true,
    format: 'iife',
    globalName: '__hashmarkBenchModule',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    logLevel: 'silent',
  });
  return out.outputFiles[0]!.text;
}

export type PageLibApi = typeof PageLib;
export type PageSearchApi = typeof PageSearch;

/** Global names the bundles are loaded under. */
export const LIB = '__hashmarkBench';
export const SEARCH = '__hashmarkSearch';

type Api = Record<string, (...args: unknown[]) => unknown>;

/**
 * Calls a function of a bundle loaded in `page` (see {@link inject}), typed after its module.
 * Arguments and results cross the DevTools protocol, so they must be JSON-like.
 */
function call<M, K extends keyof M & string>(
  page: Page,
  global: string,
  name: K,
  ...args: M[K] extends (...a: infer A) => unknown ? A : never
): Promise<M[K] extends (...a: never[]) => infer R ? Awaited<R> : never> {
  return page.evaluate(([g, n, a]) => (globalThis as unknown as Record<string, Api>)[g]![n]!(...a), [
    global,
    name,
    args as unknown[],
  ] as const) as never;
}

/** A function of page-lib.ts in `page`. */
export const lib = <K extends keyof PageLibApi>(page: Page, name: K, ...args: Parameters<PageLibApi[K]>) =>
  call<PageLibApi, K>(page, LIB, name, ...(args as never));

/** A function of page-search.ts in `page`. */
export const searchLib = <K extends keyof PageSearchApi>(page: Page, name: K, ...args: Parameters<PageSearchApi[K]>) =>
  call<PageSearchApi, K>(page, SEARCH, name, ...(args as never));

/** Loads a bundle into `page` under `globalThis[name]`. */
export async function inject(page: Page, code: string, name: string): Promise<void> {
  await page.evaluate(`(() => { ${code}\n; globalThis[${JSON.stringify(name)}] = __hashmarkBenchModule; })()`);
}

/** The search bundle, or null with the reason when the dashboard search is not built (utils/search absent). */
export async function searchBundle(root: string): Promise<{ code: string } | { missing: string }> {
  if (!existsSync(join(root, 'utils/search/capture-index.ts')))
    return { missing: 'utils/search/capture-index.ts does not exist' };
  try {
    return { code: await bundle(join(root, 'scripts/bench/page-search.ts'), root) };
  } catch (e) {
    return { missing: `the search modules do not build: ${(e as Error).message.split('\n')[0]}` };
  }
}
