/**
 * `npm run bench:network-failures [-- --runs N]` (issue 21 item 11; after `npm run build:automation`):
 * how much a page whose resources fail costs a full capture (full page + page copy + MHTML), in a real
 * headless Chromium with the automation build, against pages served on 127.0.0.1. Three copies of
 * the same page (text, 24 images, 3 stylesheets): every resource served; a third of them on a host
 * that does not resolve (`.invalid`) and a third on a closed port (refused); a third on a host that
 * accepts the connection and never answers. Each failing capture is divided by the baseline the
 * issue names, measured in the same run and interleaved: the quota floor (0.5 s per screenshot)
 * plus the page copy of the page with every resource available. Prints the load average beside
 * every figure (this machine is shared). Not in `npm run bench`: a separate script, so a merge of
 * scripts/bench.ts is not needed for it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { launchHashmark } from '../cli/chromium/launch';
import { ChromiumDriver } from '../cli/chromium/driver';
import { startFixtureServer } from '../tests/support/fixture-server';
import { closedPort, rawHost } from '../tests/support/raw-hosts';
import { timedCapture } from './bench/capture';
import { BENCH_FIXTURES } from './bench/make-fixtures';
import { summarize } from './bench/stats';

const FULL = { fullPage: true, pageCopy: true, mhtml: true };
const COPY_ONLY = { fullPage: false, pageCopy: true, mhtml: false };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load = () => loadavg()[0]!.toFixed(1);

/** The page: `src(i)` says where resource i lives. */
function page(title: string, src: (i: number, kind: 'img' | 'css') => string): string {
  const imgs = Array.from(
    { length: 24 },
    (_, i) => `<img src="${src(i, 'img')}" width="300" height="200" alt="photo ${i}">`,
  );
  const css = Array.from({ length: 3 }, (_, i) => `<link rel="stylesheet" href="${src(i, 'css')}">`);
  const text = Array.from(
    { length: 40 },
    (_, i) => `<p>Annonce ${i}: appartement T2 meublé, quartier gare, contact 06 12 34 56 78.</p>`,
  );
  return `<!doctype html><meta charset="utf-8"><title>${title}</title>${css.join('')}<h1>${title}</h1>${imgs.join('')}${text.join('')}`;
}

async function main(): Promise<void> {
  const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 3;
  // A host that accepts connections and never answers: the slow failure of real pages.
  const hang = await rawHost({ kind: 'silent' });
  const refused = await closedPort();
  let base = '';
  // Served from the bench fixtures, a distinct address each (the server ignores the query).
  const local = (i: number, k: 'img' | 'css') =>
    k === 'img' ? `${base}/photo-${(i % 4) + 1}.png?i=${i}` : `${base}/bench.css?i=${i}`;
  const site = await startFixtureServer(BENCH_FIXTURES, {
    '/nf/ok.html': () => ({ status: 200, contentType: 'text/html; charset=utf-8', body: page('ok', local) }),
    '/nf/dead.html': () => ({
      status: 200,
      contentType: 'text/html; charset=utf-8',
      body: page('dead', (i, k) =>
        i % 3 === 1
          ? `http://cdn-gone.invalid/${k}${i}`
          : i % 3 === 2
            ? `http://127.0.0.1:${refused}/${k}${i}`
            : local(i, k),
      ),
    }),
    '/nf/hang.html': () => ({
      status: 200,
      contentType: 'text/html; charset=utf-8',
      body: page('hang', (i, k) => (i % 3 === 0 ? `${hang.origin}/${k}${i}` : local(i, k))),
    }),
  });
  base = site.url('').replace(/\/$/, '');
  const work = mkdtempSync(join(tmpdir(), 'hashmark-nf-'));
  const hm = await launchHashmark({
    extensionDir: resolve('.output/chrome-mv3-automation'),
    profileDir: join(work, 'p'),
  });
  try {
    const driver = await ChromiumDriver.open(hm);
    // tsx compiles this file with esbuild's keepNames, which wraps functions written as property
    // values (the tile count's `func` below) in a `__name` helper; code passed to evaluate runs in
    // the page, where it must exist (as in scripts/bench.ts).
    await driver.control.evaluate('globalThis.__name ??= (f) => f');
    await driver.ensureCase('Bench: network failures');
    const tabs = {
      ok: await driver.openTab(site.url('nf/ok.html'), 500),
      dead: await driver.openTab(site.url('nf/dead.html'), 500),
      // Its hanging images keep the tab loading (Chromium waits minutes for them): open it without
      // waiting for the load to end, as an investigator capturing the visible page would.
      hang: await driver.inControl(
        async (u: string) => (await chrome.tabs.create({ url: u, active: true })).id!,
        site.url('nf/hang.html'),
      ),
    };
    await sleep(3000);
    const out: Record<string, number[]> = { copyOk: [], ok: [], dead: [], hangCopy: [], hang: [] };
    for (let r = 0; r < runs; r++) {
      for (const [key, tab, opts] of [
        ['copyOk', tabs.ok, COPY_ONLY],
        ['ok', tabs.ok, FULL],
        ['dead', tabs.dead, FULL],
        // A hanging host: the page copy alone (the stage this item is about), then the full capture
        // without MHTML (with MHTML the capture did not end in 4 minutes on 2026-12-02: see docs/performance.md).
        ['hangCopy', tabs.hang, COPY_ONLY],
        ['hang', tabs.hang, { ...FULL, mhtml: false }],
      ] as const) {
        await sleep(1100);
        const t = await timedCapture(driver, tab, opts);
        out[key]!.push(key === 'copyOk' || key === 'hangCopy' ? (t.result.timings.pageCopy ?? NaN) : t.clickToStoredMs);
        process.stderr.write(`run ${r + 1} ${key}: ${Math.round(out[key]!.at(-1)!)} ms (load ${load()})\n`);
      }
    }
    const tiles = await driver.control.evaluate(
      async (id) =>
        (
          await chrome.scripting.executeScript({
            target: { tabId: id },
            func: () => Math.ceil(document.documentElement.scrollHeight / window.innerHeight),
          })
        )[0]!.result as number,
      tabs.ok,
    );
    const floorMs = 500 * (tiles + 1);
    const baseline = floorMs + summarize(out.copyOk!).p50;
    for (const key of ['ok', 'dead', 'hangCopy', 'hang']) {
      const s = summarize(out[key]!);
      process.stdout.write(
        `${key}: p50 ${Math.round(s.p50)} ms (min ${Math.round(s.min)}, max ${Math.round(s.max)}), ratio ${(s.p50 / baseline).toFixed(2)} ` +
          `to baseline ${Math.round(baseline)} ms (floor ${floorMs} ms for ${tiles} tiles + 1 viewport, page copy alone p50 ${Math.round(summarize(out.copyOk!).p50)} ms); load ${load()}\n`,
      );
    }
  } finally {
    await hm.close().catch(() => undefined);
    await site.close();
    hang.close();
    rmSync(work, { recursive: true, force: true });
  }
}

void main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`bench-network-failures: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exit(1);
  },
);
