/**
 * Floors of the export (issue 17, fifth pass): in one browser, on the bench's synthetic case,
 * alternated round after round, each step timed and its peak memory taken:
 *
 *   (a) every file of the case read from the extension's IndexedDB and dropped: the export's own
 *       path (Dexie bulkGet batches), plain get requests, getAll and cursors over key ranges, one
 *       cursor over the whole table, and the same bytes stored as Blob values, read with
 *       blob.arrayBuffer() and with blob.stream() (page-floors.ts);
 *   (b) (a) + SHA-256, SHA-512 and CRC-32 of every file, on the page or in the build's digest worker;
 *   (c) the case's size written through the build's spool worker to OPFS, parts handed to the downloads API;
 *   (d) the export itself (the export page, as the bench runs it), of the case and of a tiny case;
 *   (e) the baseline: `zip -0` + `sha256sum` over the exported files, unpacked.
 *
 *   npm run bench:export-floors -- <chrome-mv3 dir> [captures] [partMiB] [rounds] [--json out.json] [--only a,b,c,d]
 *
 * Not a test and not a bench stage: it says what bounds the export (docs/performance.md, issue 17).
 * The target (export ≥ 0.5 of the baseline's speed) is a time budget of twice the baseline: a
 * floor over that budget proves the target unreachable with the case in IndexedDB on this machine.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import type { CDPSession, Page } from 'playwright-core';
import { launchHashmark, type HashmarkBrowser } from '../../cli/chromium/launch';
import { bundle, inject, lib, LIB } from './page-bundle';
import { findBrowserPid, startSampler, treeMemory } from './memory';
import { treeTicks, watchPssByProc, type ProcPss } from './cpu';
import { baselineMs, exportPhase } from './export';
import { summarize } from './stats';
import type * as Floors from './page-floors';

const ROOT = resolve(import.meta.dirname, '../..');
const MB = 1024 * 1024;
const FLOORS = '__hashmarkFloors';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type FloorsApi = typeof Floors;
/** A function of page-floors.ts in `page` (arguments and results cross the DevTools protocol as JSON). */
function floors<K extends keyof FloorsApi>(
  page: Page,
  name: K,
  ...args: Parameters<FloorsApi[K]>
): Promise<Awaited<ReturnType<FloorsApi[K]>>> {
  return page.evaluate(
    ([g, n, a]) =>
      (globalThis as unknown as Record<string, Record<string, (...x: unknown[]) => unknown>>)[g]![n]!(...a),
    [FLOORS, name, args as unknown[]] as const,
  ) as never;
}

/** Peak of the tree's PSS by process while running, with what each process held before (idle). */
function watchProcs(root: number): { stop(): string[] } {
  const watch = watchPssByProc(root);
  return {
    stop() {
      const { idle: idleBy, peak: peakBy } = watch.stop();
      const zero: ProcPss = { pss: 0, anon: 0, file: 0, shmem: 0 };
      const sign = (x: number) => `${x >= 0 ? '+' : ''}${(x / MB).toFixed(0)}`;
      return [...peakBy]
        .map(([k, v]) => ({ k, v, i: idleBy.get(k) ?? zero }))
        .sort((a, b) => b.v.pss - b.i.pss - (a.v.pss - a.i.pss))
        .map(
          ({ k, v, i }) =>
            `${k}: ${(v.pss / MB).toFixed(0)} MB (${sign(v.pss - i.pss)}; anonymous ${sign(v.anon - i.anon)}, file ${sign(v.file - i.file)}, shared memory ${sign(v.shmem - i.shmem)})`,
        );
    },
  };
}

/** One measured step: its time (ms), the bytes it moved, and anything else it reports. */
interface StepResult {
  ms: number;
  bytes: number;
  /** CPU seconds the step measured itself (the export closes its page inside the step). */
  cpuS?: number;
  extra?: Record<string, number | string>;
}

interface Step {
  name: string;
  /** Runs on a fresh extension page with page-floors.ts loaded (null: Node-side step). */
  page: boolean;
  run(page: Page | null): Promise<StepResult>;
}

interface Sample {
  ms: number;
  bytes: number;
  growthMb: number;
  /** CPU seconds of the browser's whole process tree during the step (processes that ended excluded). */
  cpuS: number;
  load: number;
  extra?: Record<string, number | string>;
}

/** The export page's run of `caseId`, watched as export-profile.ts watches it; memory breakdown at the peak. */
async function exportRun(
  hm: HashmarkBrowser,
  caseId: string,
  partBytes: number,
  pid: number,
): Promise<StepResult & { cpuS: number; byProc: string[]; heap: Record<string, number> }> {
  const cpu0 = treeTicks(pid);
  const page = await hm.context.newPage();
  await page.goto(`chrome-extension://${hm.extensionId}/export.html`); // no case: fails at once, writes nothing
  const cdp: CDPSession = await hm.context.newCDPSession(page);
  const procs = watchProcs(pid);
  const heap: Record<string, number> = {};
  let stop = false;
  const heapWatch = (async () => {
    while (!stop) {
      const h = (await cdp.send('Runtime.getHeapUsage').catch(() => null)) as Record<string, number> | null;
      for (const [k, v] of Object.entries(h ?? {})) heap[k] = Math.max(heap[k] ?? 0, v);
      await sleep(100);
    }
  })();
  const t0 = performance.now();
  await page.evaluate(
    ([id, b]) => {
      location.search = `?case=${id}&maxPartBytes=${b}`;
    },
    [caseId, partBytes] as const,
  );
  // The first document (no case) has already failed: poll only the export's own document.
  await page.waitForURL(/[?&]case=/, { waitUntil: 'commit' });
  let state: string;
  let status: string;
  // Time by phase, from the page's data-phase (as the bench's watchPhases): planning, reading, writing, saving, other.
  const phases: Record<string, number> = {};
  let last = 'other';
  let since = t0;
  for (;;) {
    const [st, phase, text] = await page
      .evaluate(() => {
        const m = document.querySelector('main');
        const shown = m?.querySelector('[role=status]') ?? m?.querySelector('[role=alert]');
        return [m?.getAttribute('data-state') ?? '', m?.getAttribute('data-phase') ?? '', shown?.textContent ?? ''];
      })
      .catch(() => ['', '', '']);
    state = st!;
    status = text!;
    const now = performance.now();
    phases[last] = (phases[last] ?? 0) + (now - since);
    last = exportPhase(phase);
    since = now;
    if (state === 'done' || state === 'failed') break;
    await sleep(50);
  }
  const ms = performance.now() - t0;
  stop = true;
  await heapWatch;
  const byProc = procs.stop();
  if (state !== 'done') throw new Error(`export ${state}: ${status}`);
  const parts = Number(await page.locator('main').getAttribute('data-parts'));
  const cpuS = (treeTicks(pid) - cpu0) / 100; // before the page's renderer may end with it
  await page.close();
  let bytes = 0;
  for (const f of readdirSync(hm.downloadsDir)) bytes += statSync(join(hm.downloadsDir, f)).size;
  const extra: Record<string, number> = { parts };
  for (const [k, v] of Object.entries(phases)) extra[`${k}Ms`] = Math.round(v);
  return { ms, bytes, cpuS, extra, byProc, heap };
}

function clearDownloads(hm: HashmarkBrowser): void {
  for (const f of readdirSync(hm.downloadsDir)) rmSync(join(hm.downloadsDir, f), { force: true });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const jsonAt = args.indexOf('--json');
  const jsonOut = jsonAt >= 0 ? args.splice(jsonAt, 2)[1] : null;
  // --only a,c,d: the steps whose names start with one of these (the baseline always runs).
  const onlyAt = args.indexOf('--only');
  const only = onlyAt >= 0 ? args.splice(onlyAt, 2)[1]!.split(',') : null;
  const [ext, capturesArg, partArg, roundsArg] = args;
  if (!ext) throw new Error('usage: export-floors.ts <chrome-mv3 dir> [captures] [partMiB] [rounds] [--json out]');
  const captures = Number(capturesArg ?? 200);
  const partBytes = Number(partArg ?? 64) * MB;
  const rounds = Number(roundsArg ?? 3);
  const extDir = resolve(ext);
  const assets = readdirSync(join(extDir, 'assets'));
  const workerPath = (stem: string) => {
    const f = assets.find((a) => a.startsWith(`${stem}-`) && a.endsWith('.js'));
    if (!f) throw new Error(`no ${stem} in ${extDir}/assets`);
    return `/assets/${f}`;
  };
  const work = mkdtempSync(join(tmpdir(), 'hashmark-export-floors-'));
  const log = (s: string) => console.error(`floors: ${s}`);
  const hm = await launchHashmark({ extensionDir: extDir, profileDir: join(work, 'profile') });
  const origin = `chrome-extension://${hm.extensionId}`;
  const digestWorkerUrl = origin + workerPath('file-digests.worker');
  const spoolWorkerUrl = origin + workerPath('zip-spool.worker');
  try {
    const libCode = await bundle(join(ROOT, 'scripts/bench/page-lib.ts'), ROOT);
    const floorsCode = await bundle(join(ROOT, 'scripts/bench/page-floors.ts'), ROOT);
    const seedPage = await hm.context.newPage();
    await seedPage.goto(`${origin}/popup.html`);
    await inject(seedPage, libCode, LIB);
    // A real screenshot makes real thumbnails, as in the bench; the icon is enough here (thumbnails are stored at seeding).
    const png = readFileSync(join(ROOT, 'public/icon/128.png')).toString('base64');
    const seed = (name: string, n: number, s: number) =>
      lib(seedPage, 'seedExportCase', {
        name,
        captures: n,
        bytesPerCapture: 1_000_000,
        viewportPngBase64: png,
        seed: s,
      });
    const big = await seed('Floors export', captures, 21);
    const tiny = await seed('Floors tiny export', 2, 22);
    log(
      `seeded ${(big.bytes / MB).toFixed(0)} MB in ${(big.ms / 1000).toFixed(1)} s, and a tiny case of ${(tiny.bytes / MB).toFixed(1)} MB`,
    );
    await seedPage.close();

    const pid = findBrowserPid(join(work, 'profile'));
    const openFloors = async (): Promise<Page> => {
      const page = await hm.context.newPage();
      await page.goto(`${origin}/export.html`); // no case: fails at once, writes nothing
      await inject(page, floorsCode, FLOORS);
      return page;
    };
    const setup = await openFloors();
    const files = await floors(setup, 'caseFiles', big.caseId);
    const caseBytes = files.reduce((n, f) => n + f.bytes, 0);
    const blobSeed = await floors(setup, 'seedBlobStore', files);
    log(
      `${files.length} files, ${(caseBytes / MB).toFixed(0)} MB; Blob-valued copy written in ${(blobSeed.ms / 1000).toFixed(1)} s`,
    );
    await setup.close();

    // A first export warms the caches like the others and gives the baseline its files.
    const unpacked = join(work, 'unpacked');
    const warm = await exportRun(hm, big.caseId, partBytes, pid);
    mkdirSync(unpacked, { recursive: true });
    for (const f of readdirSync(hm.downloadsDir))
      execFileSync('unzip', ['-q', '-o', join(hm.downloadsDir, f), '-d', unpacked], { stdio: 'ignore' });
    clearDownloads(hm);
    log(`warm-up export ${(warm.ms / 1000).toFixed(1)} s`);

    const read = (how: string, hash: 'none' | 'page' | 'worker') => async (p: Page | null) =>
      floors(p!, 'readFloor', { files, how, hash, digestWorkerUrl });
    const exportDetail: Record<string, { byProc: string[]; heap: Record<string, number> }> = {};
    const exportStep =
      (name: string, caseId: string, part = partBytes) =>
      async (): Promise<StepResult> => {
        const r = await exportRun(hm, caseId, part, pid);
        clearDownloads(hm);
        exportDetail[name] = { byProc: r.byProc, heap: r.heap };
        return r;
      };
    const steps: Step[] = [
      { name: 'a read: bulkGet batches (the export path)', page: true, run: read('bulkGet', 'none') },
      { name: 'a read: plain get requests', page: true, run: read('rawGet', 'none') },
      { name: 'a read: a cursor per file, moved past it', page: true, run: read('cursorEach', 'none') },
      { name: 'a read: getAll by key range', page: true, run: read('getAllRange', 'none') },
      { name: 'a read: cursor by key range', page: true, run: read('cursorRange', 'none') },
      { name: 'a read: one cursor, whole table', page: true, run: async (p) => floors(p!, 'cursorAll') },
      { name: 'a read: Blob values, arrayBuffer()', page: true, run: read('blobArrayBuffer', 'none') },
      { name: 'a read: Blob values, stream()', page: true, run: read('blobStream', 'none') },
      { name: 'b read bulkGet + hashes on the page', page: true, run: read('bulkGet', 'page') },
      { name: 'b read bulkGet + hashes in the digest worker', page: true, run: read('bulkGet', 'worker') },
      { name: 'b read cursor per file + hashes in the worker', page: true, run: read('cursorEach', 'worker') },
      { name: 'b read Blob arrayBuffer + hashes in the worker', page: true, run: read('blobArrayBuffer', 'worker') },
      {
        name: 'c spool worker to OPFS + downloads API',
        page: true,
        run: async (p) => {
          const r = await floors(p!, 'spoolFloor', { spoolWorkerUrl, totalBytes: caseBytes, partBytes });
          clearDownloads(hm);
          return {
            ms: r.ms,
            bytes: caseBytes,
            extra: { writeMs: Math.round(r.writeMs), lastSaveMs: Math.round(r.lastSaveMs) },
          };
        },
      },
      { name: 'd export (the case)', page: false, run: exportStep('d export (the case)', big.caseId) },
      { name: 'd export (tiny case)', page: false, run: exportStep('d export (tiny case)', tiny.caseId) },
      {
        name: 'd export (the case, one part)',
        page: false,
        run: exportStep('d export (the case, one part)', big.caseId, 1024 * MB),
      },
      {
        name: 'e baseline zip -0 + sha256sum',
        page: false,
        run: () => {
          const b = baselineMs(unpacked, join(work, 'baseline.zip'));
          return Promise.resolve({
            ms: b.zipMs + b.shaMs,
            bytes: caseBytes,
            extra: { zipMs: Math.round(b.zipMs), shaMs: Math.round(b.shaMs) },
          });
        },
      },
    ];

    const stepProcs: Record<string, string[]> = {};
    if (only)
      steps.splice(
        0,
        steps.length,
        ...steps.filter((st) => st.name.startsWith('e ') || only.some((o) => st.name.startsWith(o))),
      );
    const samples = new Map<string, Sample[]>(steps.map((s) => [s.name, []]));
    for (let round = 0; round < rounds; round++) {
      // Each round starts at a different step: no step always follows the same one.
      const shift = Math.round((round * steps.length) / rounds);
      for (const step of [...steps.slice(shift), ...steps.slice(0, shift)]) {
        await sleep(1000);
        const idle = summarize(
          await Promise.all([0, 200, 400].map(async (d) => (await sleep(d), treeMemory(pid).pss))),
        ).p50;
        const load = loadavg()[0]!;
        const page = step.page ? await openFloors() : null;
        const sampler = startSampler(pid);
        const procs = step.page ? watchProcs(pid) : null;
        const cpu0 = treeTicks(pid);
        const r = await step.run(page);
        const cpuS = r.cpuS ?? (treeTicks(pid) - cpu0) / 100;
        const peak = sampler.stop();
        const byProc = procs?.stop();
        if (byProc) stepProcs[step.name] = byProc.slice(0, 3);
        await page?.close();
        const s: Sample = {
          ms: r.ms,
          bytes: r.bytes,
          growthMb: (peak.peakPss - idle) / MB,
          cpuS,
          load,
          ...(r.extra ? { extra: r.extra } : {}),
        };
        samples.get(step.name)!.push(s);
        log(
          `round ${round + 1}: ${step.name}: ${(r.ms / 1000).toFixed(2)} s, ${(r.bytes / MB).toFixed(0)} MB, +${s.growthMb.toFixed(0)} MB PSS, browser CPU ${cpuS.toFixed(1)} s, load ${load.toFixed(2)}${r.extra ? ` ${JSON.stringify(r.extra)}` : ''}`,
        );
      }
    }

    const base = summarize(samples.get('e baseline zip -0 + sha256sum')!.map((s) => s.ms)).p50;
    const budget = 2 * base; // export ≥ 0.5 of the baseline's speed
    const rows = steps.map((step) => {
      const ss = samples.get(step.name)!;
      const t = summarize(ss.map((s) => s.ms));
      const g = summarize(ss.map((s) => s.growthMb));
      const c = summarize(ss.map((s) => s.cpuS));
      return {
        step: step.name,
        p50s: t.p50 / 1000,
        minS: t.min / 1000,
        maxS: t.max / 1000,
        mbps: ss[0]!.bytes / MB / (t.p50 / 1000),
        ofBudget: t.p50 / budget,
        cpuS: c.p50,
        growthMb: g.p50,
        growthMin: g.min,
        growthMax: g.max,
        loads: ss.map((s) => Number(s.load.toFixed(2))),
        extra: ss.map((s) => s.extra ?? {}),
      };
    });
    console.log(
      `\n${captures} captures, ${files.length} files, ${(caseBytes / MB).toFixed(0)} MB, parts of ${partBytes / MB} MiB, ${rounds} rounds; ` +
        `baseline p50 ${(base / 1000).toFixed(2)} s, so the target's budget is ${(budget / 1000).toFixed(2)} s\n`,
    );
    console.log(
      '| step | p50 s (min–max) | MB/s | of the 0.5 budget | browser CPU s p50 | peak PSS growth MB p50 (min–max) | load (1 min) per round |',
    );
    console.log('| --- | --- | --- | --- | --- | --- | --- |');
    for (const r of rows)
      console.log(
        `| ${r.step} | ${r.p50s.toFixed(2)} (${r.minS.toFixed(2)}–${r.maxS.toFixed(2)}) | ${r.mbps.toFixed(0)} | ${r.ofBudget.toFixed(2)} | ${r.cpuS.toFixed(1)} | ` +
          `${r.growthMb.toFixed(0)} (${r.growthMin.toFixed(0)}–${r.growthMax.toFixed(0)}) | ${r.loads.join(', ')} |`,
      );
    console.log('\nThe three processes that grew most at the peak of each page step (last round):');
    for (const [name, lines] of Object.entries(stepProcs)) console.log(`  ${name}: ${lines.join('; ')}`);
    for (const [name, d] of Object.entries(exportDetail)) {
      console.log(`\n${name}, last run: PSS at the peak by process (growth over the page's opening):`);
      for (const line of d.byProc) console.log(`  ${line}`);
      console.log(
        `  the export page's V8 (Runtime.getHeapUsage, peaks, MB): ${Object.entries(d.heap)
          .map(([k, v]) => `${k} ${(v / MB).toFixed(1)}`)
          .join(', ')}`,
      );
    }
    if (jsonOut)
      writeFileSync(
        jsonOut,
        JSON.stringify(
          {
            captures,
            files: files.length,
            caseBytes,
            partBytes,
            rounds,
            baselineMs: base,
            rows,
            exportDetail,
            stepProcs,
            samples: Object.fromEntries(samples),
          },
          null,
          2,
        ),
      );
  } finally {
    await hm.close();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
