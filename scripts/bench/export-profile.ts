/**
 * One-off profile of the real export path (issue 17): the bench's synthetic case exported through
 * the export page in headless Chromium, with the page's V8 CPU profile, per-process CPU time and
 * peak memory of the browser's process tree. Not a benchmark (no baseline, one run): it says where
 * the time and memory go.
 *
 *   npm run bench:export-profile -- <chrome-mv3 dir> [captures] [partMiB] [runs]   (KEEP=1 keeps the profiles)
 *
 * Writes export-<n>.cpuprofile in the working folder's tmp dir and prints the top functions by self time.
 */
import { readFileSync, writeFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { launchHashmark } from '../../cli/chromium/launch';
import { bundle, inject, lib, LIB } from './page-bundle';
import { findBrowserPid, startSampler, treeMemory } from './memory';
import { readProcs, watchPssByProc } from './cpu';

const ROOT = resolve(import.meta.dirname, '../..');
const MB = 1024 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

function top(profile: { nodes: Node[]; samples: number[]; timeDeltas: number[] }, n = 40): string {
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byName = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const t = self.get(node.id) ?? 0;
    total += t;
    const f = node.callFrame;
    const key = `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber}`;
    byName.set(key, (byName.get(key) ?? 0) + t);
  }
  return [...byName]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, t]) => `${(t / 1000).toFixed(0).padStart(7)} ms ${((100 * t) / total).toFixed(1).padStart(5)}%  ${k}`)
    .join('\n');
}

/** utime+stime (clock ticks) by process label, and by `label thread name` (names summed within a process). */
function cpuNow(root: number): { byProc: Map<string, number>; byThread: Map<string, number> } {
  const byProc = new Map<string, number>();
  const byThread = new Map<string, number>();
  for (const p of readProcs(root, { threads: true })) {
    byProc.set(p.label, p.ticks);
    for (const [name, t] of p.threads ?? []) byThread.set(`${p.label} ${name}`, t);
  }
  return { byProc, byThread };
}

async function main(): Promise<void> {
  const [ext, capturesArg, partArg, runsArg] = process.argv.slice(2);
  const captures = Number(capturesArg ?? 200);
  const partBytes = Number(partArg ?? 64) * MB;
  const runs = Number(runsArg ?? 1);
  const work = mkdtempSync(join(tmpdir(), 'hashmark-export-profile-'));
  const hm = await launchHashmark({ extensionDir: resolve(ext!), profileDir: join(work, 'profile') });
  try {
    const code = await bundle(join(ROOT, 'scripts/bench/page-lib.ts'), ROOT);
    const seedPage = await hm.context.newPage();
    await seedPage.goto(`chrome-extension://${hm.extensionId}/popup.html`);
    await inject(seedPage, code, LIB);
    const png = readFileSync(join(ROOT, 'public/icon/128.png')).toString('base64');
    const seeded = await lib(seedPage, 'seedExportCase', {
      name: 'Profile export',
      captures,
      bytesPerCapture: 1_000_000,
      viewportPngBase64: png,
      seed: 21,
    });
    await seedPage.close();
    console.log(`seeded ${(seeded.bytes / MB).toFixed(0)} MB in ${(seeded.ms / 1000).toFixed(1)} s`);
    const pid = findBrowserPid(join(work, 'profile'));
    await sleep(2000);
    const idle = treeMemory(pid).pss;
    for (let run = 0; run < runs; run++) {
      const page = await hm.context.newPage();
      await page.goto(`chrome-extension://${hm.extensionId}/export.html`); // no case: fails at once
      const cdp = await hm.context.newCDPSession(page);
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
      // Thread ticks are per process: threads that ended during the export (workers) are found below.
      const { byProc: cpu0, byThread: threads0 } = cpuNow(pid);
      const pssWatch = watchPssByProc(pid);
      const sampler = startSampler(pid);
      // The page's V8 heap and ArrayBuffer backing stores (CDP Runtime.getHeapUsage), at their peak.
      const heapPeak: Record<string, number> = {};
      let heapStop = false;
      const heapWatch = (async () => {
        while (!heapStop) {
          const h = (await cdp.send('Runtime.getHeapUsage').catch(() => null)) as Record<string, number> | null;
          for (const [k, v] of Object.entries(h ?? {})) heapPeak[k] = Math.max(heapPeak[k] ?? 0, v);
          await sleep(100);
        }
      })();
      await cdp.send('Profiler.start');
      const t0 = performance.now();
      await page.evaluate(
        ([id, b]) => {
          location.search = `?case=${id}&maxPartBytes=${b}`;
        },
        [seeded.caseId, partBytes] as const,
      );
      // The first document (no case) has already failed: poll only the export's own document.
      await page.waitForURL(/[?&]case=/, { waitUntil: 'commit' });
      const statuses: [number, string][] = [];
      let last = '';
      for (;;) {
        const s = await page
          .evaluate(() => {
            const m = document.querySelector('main');
            return `${m?.getAttribute('data-state') ?? ''}|${m?.querySelector('[role=status]')?.textContent ?? ''}`;
          })
          .catch(() => '');
        const phase = s.replace(/\d[\d,. ]*/g, '#');
        if (phase !== last) {
          statuses.push([performance.now() - t0, s]);
          last = phase;
        }
        if (s.startsWith('done') || s.startsWith('failed')) break;
        await sleep(100);
      }
      const ms = performance.now() - t0;
      const { profile } = await cdp.send('Profiler.stop');
      const peak = sampler.stop();
      heapStop = true;
      await heapWatch;
      console.log(
        `page heap peaks, MB: ${Object.entries(heapPeak)
          .map(([k, v]) => `${k} ${(v / MB).toFixed(0)}`)
          .join(', ')}`,
      );
      const { idle: idleBy, peak: peakBy } = pssWatch.stop();
      console.log('PSS at the peak, MB (idle before the page opened):');
      for (const [k, v] of peakBy)
        console.log(`  ${(v.pss / MB).toFixed(0).padStart(5)} (${((idleBy.get(k)?.pss ?? 0) / MB).toFixed(0)})  ${k}`);
      const { byProc: cpu1, byThread: threads1 } = cpuNow(pid);
      const out = join(work, `export-${run}.cpuprofile`);
      writeFileSync(out, JSON.stringify(profile));
      console.log(
        `run ${run}: ${(ms / 1000).toFixed(2)} s, peak +${((peak.peakPss - idle) / MB).toFixed(0)} MB PSS; ${out}`,
      );
      for (const [t, s] of statuses) console.log(`  ${(t / 1000).toFixed(2)} s  ${s}`);
      console.log('CPU ticks (1/100 s) by process during the export:');
      for (const [k, v] of cpu1) {
        const d = v - (cpu0.get(k) ?? 0);
        if (d > 0) console.log(`  ${String(d).padStart(6)}  ${k}`);
      }
      console.log('CPU ticks (1/100 s) by thread (name summed within a process), 5 ticks or more:');
      for (const [k, v] of [...threads1].sort((a, b) => b[1] - a[1])) {
        const d = v - (threads0.get(k) ?? 0);
        if (d >= 5) console.log(`  ${String(d).padStart(6)}  ${k}`);
      }
      // Threads that ended during the export (each part's spool worker) are only in their process's total.
      for (const [k, v] of cpu1) {
        const proc = k.split(' ').slice(0, 2).join(' ');
        let live = 0;
        for (const [t, tv] of threads1) if (t.startsWith(`${proc} `)) live += tv - (threads0.get(t) ?? 0);
        const ended = v - (cpu0.get(k) ?? 0) - live;
        if (ended >= 5) console.log(`  ${String(ended).padStart(6)}  ${proc} (threads that ended: workers)`);
      }
      console.log(top(profile as never));
      await page.close();
      for (const f of readdirSync(hm.downloadsDir)) rmSync(join(hm.downloadsDir, f), { force: true });
    }
  } finally {
    await hm.close();
    if (!process.env.KEEP) rmSync(work, { recursive: true, force: true });
  }
}

await main();
