import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { HashmarkBrowser } from '../../cli/chromium/launch';
import type { ChromiumDriver } from '../../cli/chromium/driver';
import { findBrowserPid, startSampler, treeMemory } from './memory';
import { inject, lib, LIB } from './page-bundle';
import { failure, meets, unmeasured, type Metric } from './report';
import { round, summarize } from './stats';

/**
 * Export benchmarks: a synthetic case (page-lib.ts seedExportCase) exported through the export
 * page, the way the popup and the CLI export (ChromiumDriver.exportCase), with a part ceiling
 * that splits it, so that the memory figure says whether memory is bounded by the part.
 *
 * Baseline, in the same run, on the same files: the exported parts are unpacked, then
 * `zip -0 -r` (store, no compression: the least work a ZIP writer can do) and `sha256sum` over
 * every file (the least hashing a package needs) are timed. Hashmark does more (SHA-256 and
 * SHA-512 of every file, re-hashing every stored byte against its capture record, DEFLATE of the
 * text files, the report, the signature, the ZIP's own SHA-256, the save through the downloads
 * API), so a ratio of 1 is not expected; the target is half the baseline's speed.
 */

const MB = 1024 * 1024;

export interface ExportStageOptions {
  captures: number;
  bytesPerCapture: number;
  /** Part ceiling given to the export page (bytes). */
  maxPartBytes: number;
  runs: number;
  /** A real screenshot-viewport.png, base64 (thumbnails in the report are made from it). */
  templatePngBase64: string;
  libCode: string;
  workDir: string;
  log: (s: string) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function timed(f: () => void): number {
  const t = performance.now();
  f();
  return performance.now() - t;
}

/** Total size of the regular files under `dir`. */
function treeBytes(dir: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    bytes += statSync(join(e.parentPath, e.name)).size;
    files++;
  }
  return { bytes, files };
}

const PHASES = ['planning', 'reading', 'writing', 'saving'];

/**
 * The export page's phase from its `data-phase` (ExportPage.tsx), 'other' before the first. Not from its
 * status line: a single-part export says "Checking capture" while planning and while reading.
 */
export function exportPhase(dataPhase: string | null | undefined): string {
  return dataPhase && PHASES.includes(dataPhase) ? dataPhase : 'other';
}

/**
 * Watches the next export page the context opens and adds up the time spent in each phase
 * (planning: each capture.json read and checked; reading: every artifact read from IndexedDB,
 * re-hashed, thumbnails made; writing: manifests hashed, ZIP generated, signed; saving: the
 * downloads API writes the file), from its status line, polled every 100 ms.
 */
function watchPhases(hm: HashmarkBrowser): { done(): Promise<Record<string, number>> } {
  const phases: Record<string, number> = {};
  let stop = false;
  const watching = (async () => {
    // The next page the context opens is the export page (the bench opens nothing else meanwhile).
    const page = await hm.context.waitForEvent('page', { timeout: 60_000 }).catch(() => null);
    if (!page) return;
    let last = 'other';
    let since = performance.now();
    while (!stop && !page.isClosed()) {
      const phase = await page
        .evaluate(() => document.querySelector('main[data-state="running"]')?.getAttribute('data-phase'))
        .catch(() => null);
      const now = performance.now();
      phases[last] = (phases[last] ?? 0) + (now - since);
      last = exportPhase(phase);
      since = now;
      await sleep(100);
    }
  })();
  return {
    async done() {
      stop = true;
      await watching;
      return phases;
    },
  };
}

/** zip -0 of the folder, then sha256sum of every file in it: the same-run baseline, in ms. */
export function baselineMs(dir: string, zipPath: string): { zipMs: number; shaMs: number } {
  rmSync(zipPath, { force: true });
  const zipMs = timed(() => execFileSync('zip', ['-0', '-r', '-q', zipPath, '.'], { cwd: dir, stdio: 'ignore' }));
  const shaMs = timed(() =>
    execFileSync('sh', ['-c', 'find . -type f -print0 | xargs -0 sha256sum > /dev/null'], {
      cwd: dir,
      stdio: 'ignore',
    }),
  );
  rmSync(zipPath, { force: true });
  return { zipMs, shaMs };
}

export async function exportStage(
  hm: HashmarkBrowser,
  driver: ChromiumDriver,
  o: ExportStageOptions,
): Promise<Metric[]> {
  const metrics: Metric[] = [];
  const caseBytes = o.captures * o.bytesPerCapture;
  o.log(`bench: seeding an export case of ${o.captures} captures (~${Math.round(caseBytes / MB)} MB)`);
  const page = await hm.context.newPage();
  let caseId: string;
  let seeded: { bytes: number; ms: number };
  try {
    await page.goto(`chrome-extension://${hm.extensionId}/export.html`);
    await inject(page, o.libCode, LIB);
    const r = await lib(page, 'seedExportCase', {
      name: 'Bench export',
      captures: o.captures,
      bytesPerCapture: o.bytesPerCapture,
      viewportPngBase64: o.templatePngBase64,
      seed: 21,
    });
    caseId = r.caseId;
    seeded = r;
    await lib(page, 'close');
  } finally {
    // Closing the page frees the seeding's garbage before the idle memory is taken.
    await page.close();
  }
  o.log(`bench: seeded ${(seeded.bytes / MB).toFixed(0)} MB in ${(seeded.ms / 1000).toFixed(1)} s`);

  const browserPid = findBrowserPid(hm.profileDir);
  await sleep(3000);
  const idleSamples: number[] = [];
  for (let i = 0; i < 10; i++) {
    idleSamples.push(treeMemory(browserPid).pss);
    await sleep(200);
  }
  const idle = summarize(idleSamples).p50;
  const idleRss = treeMemory(browserPid).rss;

  const unpacked = join(o.workDir, 'unpacked');
  const baselineZip = join(o.workDir, 'baseline.zip');
  const exportMs: number[] = [];
  const baseMs: number[] = [];
  const peaks: number[] = [];
  const peaksRss: number[] = [];
  const phaseMs: Record<string, number[]> = {};
  let parts = 0;
  let packageBytes = 0;
  let files = { bytes: 0, files: 0 };
  let detail = '';
  try {
    for (let run = 0; run < o.runs; run++) {
      const sampler = startSampler(browserPid);
      const watch = watchPhases(hm);
      const t = performance.now();
      const exp = await driver.exportCase(caseId, { ceiling: { maxPartBytes: o.maxPartBytes } }, 60 * 60_000);
      exportMs.push(performance.now() - t);
      const peak = sampler.stop();
      for (const [k, v] of Object.entries(await watch.done())) (phaseMs[k] ??= []).push(v);
      peaks.push(peak.peakPss - idle);
      peaksRss.push(peak.peakRss - idleRss);
      parts = exp.parts.length;
      packageBytes = exp.parts.reduce((n, p) => n + statSync(p.path).size, 0);
      if (run === 0) {
        // The baseline works on the files of the package, unpacked once.
        mkdirSync(unpacked, { recursive: true });
        for (const p of exp.parts) execFileSync('unzip', ['-q', '-o', p.path, '-d', unpacked], { stdio: 'ignore' });
        files = treeBytes(unpacked);
      }
      for (const p of exp.parts) rmSync(p.path, { force: true });
      const b = baselineMs(unpacked, baselineZip);
      baseMs.push(b.zipMs + b.shaMs);
      detail = `zip -0 ${Math.round(b.zipMs)} ms + sha256sum ${Math.round(b.shaMs)} ms`;
      o.log(
        `bench: export run ${run + 1}/${o.runs}: ${parts} part(s), ${(packageBytes / MB).toFixed(0)} MB in ${(exportMs.at(-1)! / 1000).toFixed(1)} s ` +
          `(baseline ${(baseMs.at(-1)! / 1000).toFixed(1)} s); peak +${(peaks.at(-1)! / MB).toFixed(0)} MB PSS`,
      );
    }
  } catch (e) {
    const why = failure(e, o.log);
    return [
      unmeasured('export-throughput', 'MB/s', '>= 0.5', why),
      unmeasured('export-peak-memory', 'MB', '<= 1.25', why),
    ];
  } finally {
    rmSync(unpacked, { recursive: true, force: true });
  }

  const mbps = exportMs.map((t) => files.bytes / MB / (t / 1000));
  const baseMbps = baseMs.map((t) => files.bytes / MB / (t / 1000));
  const v = summarize(mbps);
  const b = summarize(baseMbps);
  const ratios = summarize(exportMs.map((t, i) => baseMs[i]! / t));
  metrics.push({
    metric: 'export-throughput',
    value: round(v.p50, 1),
    unit: 'MB/s',
    baseline: round(b.p50, 1),
    ratio: round(v.p50 / b.p50),
    target: '>= 0.5',
    pass: meets('>= 0.5', v.p50 / b.p50),
    spread: { min: round(v.min, 1), max: round(v.max, 1) },
    runs: v.n,
    note:
      `export page of a synthetic case of ${o.captures} captures (${files.files} files, ${(files.bytes / MB).toFixed(0)} MB unpacked; ${parts} part(s) under a ${Math.round(o.maxPartBytes / MB)} MB ceiling, ` +
      `${(packageBytes / MB).toFixed(0)} MB of ZIP); export p50 ${(summarize(exportMs).p50 / 1000).toFixed(1)} s, min ${(Math.min(...exportMs) / 1000).toFixed(1)} s, max ${(Math.max(...exportMs) / 1000).toFixed(1)} s; ` +
      `export phases p50 (s): ${['planning', 'reading', 'writing', 'saving', 'other']
        .filter((k) => phaseMs[k]?.length)
        .map((k) => `${k} ${(summarize(phaseMs[k]!).p50 / 1000).toFixed(1)}`)
        .join(', ')}; ` +
      `baseline zip -0 + sha256sum p50 ${(summarize(baseMs).p50 / 1000).toFixed(1)} s (last run: ${detail}); per-run ratios ${ratios.min.toFixed(2)}–${ratios.max.toFixed(2)}`,
  });
  const ceilingMb = o.maxPartBytes / MB;
  const p = summarize(peaks.map((x) => x / MB));
  metrics.push({
    metric: 'export-peak-memory',
    value: round(p.p50, 0),
    unit: 'MB',
    baseline: round(ceilingMb, 0),
    ratio: round(p.p50 / ceilingMb),
    target: '<= 1.25',
    pass: meets('<= 1.25', p.p50 / ceilingMb),
    spread: { min: round(p.min, 0), max: round(p.max, 0) },
    runs: p.n,
    note:
      `peak PSS of the browser's process tree during the export (sampled every 150 ms from /proc) minus idle (${Math.round(idle / MB)} MB), ` +
      `divided by the part ceiling (${Math.round(ceilingMb)} MB); RSS peak minus idle p50 ${Math.round(summarize(peaksRss).p50 / MB)} MB`,
  });
  return metrics;
}
