/**
 * `npm run bench [-- --quick] [--json <file>]`: measures capture, export and dashboard scale in a
 * real headless Chromium with the automation build, against fixture pages served on 127.0.0.1
 * (issue 8), and `hashmark verify` on a large genuine package, without a browser (issue 14). A script, not a timed test: every figure is a median (or the p95 the metric names)
 * with its spread over several runs, and every comparison is a ratio to a baseline measured in
 * the same run, because these machines are shared and noisy. See docs/performance.md.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findChromium, launchHashmark, type HashmarkBrowser } from '../cli/chromium/launch';
import { ChromiumDriver } from '../cli/chromium/driver';
import { startFixtureServer, type FixtureServer } from '../tests/support/fixture-server';
import { BROWSER_STAGES, parseArgs, STAGES, USAGE } from './bench/args';
import { prepareExtension } from './bench/build';
import { captureStage, timedCapture } from './bench/capture';
import { dashboardStage } from './bench/dashboard';
import { exportStage } from './bench/export';
import { HARVEST_TARGETS, harvestStage } from './bench/harvest-stage';
import { describeMachine, noisyReasons, otherChromiumBrowsers } from './bench/machine';
import { BENCH_FIXTURES } from './bench/make-fixtures';
import { findBrowserPid } from './bench/memory';
import { bundle, inject, lib, LIB, searchBundle } from './bench/page-bundle';
import {
  complete,
  failure,
  jsonReport,
  markdownTable,
  metricSink,
  unmeasured,
  type Metric,
  type MetricName,
} from './bench/report';
import { VERIFY_TARGETS, verifyStage } from './bench/verify';
import { recordingStage } from './bench/recording';
import { pushStage } from './bench/push';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

const UNITS: Record<MetricName, { unit: string; target: string }> = {
  'viewport-capture': { unit: 'ms', target: '<= 400 ms' },
  'full-capture': { unit: 'ms', target: '<= 1.15' },
  'full-page-20k': { unit: 'ms', target: '<= 1.1' },
  'full-page-20k-fast': { unit: 'ms', target: '<= 4000 ms' },
  'hash-share': { unit: '%', target: '<= 1 %' },
  'export-throughput': { unit: 'MB/s', target: '>= 0.5' },
  'export-peak-memory': { unit: 'MB', target: '<= 1.25' },
  'list-10k': { unit: 'ms', target: '<= 20 ms' },
  'search-10k': { unit: 'ms', target: '<= 100 ms' },
  ...VERIFY_TARGETS,
  ...HARVEST_TARGETS,
};

const MiB = 1024 * 1024;

/** Sizes and repetitions: --quick stays under 10 minutes on 2 cores; the full run uses the bigger sizes. */
function plan(quick: boolean) {
  return quick
    ? {
        viewportRuns: 9,
        fullRuns: 3,
        tallRuns: 3,
        fastRuns: 5,
        exportCaptures: 200,
        exportRuns: 3,
        maxPartBytes: 64 * MiB,
        listRuns: 100,
        searchPasses: 3,
        // The verify stages' package: smaller than the issue's 1 GB (the report says so).
        verifyBytes: 256 * MiB,
        verifyRuns: 3,
        // Harvests of 200 and 2,000 items (about 1 and 10 minutes each on 2 cores).
        harvestRuns: 1,
        // The issue asks for >= 20; a median of 20 loads of 110-300 ms moves the ratio by +-0.08
        // between runs of the same build (docs/performance.md), 60 by about half that.
        recordingLoads: 60,
        pushRuns: 3,
      }
    : // 2,000 captures of 1 MB = 2 GB, under the default part ceiling (1 GiB), as an investigator exports it.
      {
        viewportRuns: 21,
        fullRuns: 7,
        tallRuns: 5,
        fastRuns: 5,
        exportCaptures: 2000,
        exportRuns: 3,
        maxPartBytes: 1024 * MiB,
        listRuns: 300,
        searchPasses: 5,
        // Over 1 GB (10^9 bytes) of payload, in one part (the builder raises the ceiling above it).
        verifyBytes: 1088 * MiB,
        verifyRuns: 5,
        harvestRuns: 3,
        recordingLoads: 60,
        pushRuns: 5,
      };
}

/** Runs the chosen stages in one browser; a stage that fails reports its metrics as unmeasured, the others still run. */
async function measure(
  hm: HashmarkBrowser,
  site: FixtureServer,
  o: {
    stages: Set<string>;
    plan: ReturnType<typeof plan>;
    libCode: string;
    search: Awaited<ReturnType<typeof searchBundle>>;
    work: string;
    log: (s: string) => void;
    measured: Metric[];
  },
): Promise<{ measured: Metric[]; others: number }> {
  const { plan: p, log, measured } = o;
  const driver = await ChromiumDriver.open(hm);
  // tsx compiles this file with esbuild's keepNames, which wraps functions written as property
  // values in a `__name` helper; code passed to evaluate runs in the page, where it must exist.
  await driver.control.evaluate('globalThis.__name ??= (f) => f');
  await inject(driver.control, o.libCode, LIB);
  const own = [findBrowserPid(hm.profileDir)];
  let others = otherChromiumBrowsers(own);

  let screenshotSha256: string | null = null;
  if (o.stages.has('capture')) {
    const r = await captureStage(driver, site, {
      viewportRuns: p.viewportRuns,
      fullRuns: p.fullRuns,
      tallRuns: p.tallRuns,
      fastRuns: p.fastRuns,
      artifactsOf: (id) => lib(driver.control, 'artifactPaths', id),
      log,
    });
    measured.push(...r.metrics);
    screenshotSha256 = r.screenshotSha256;
    others = Math.max(others, otherChromiumBrowsers(own));
  }

  if (o.stages.has('export')) {
    try {
      if (!screenshotSha256) {
        // The export's screenshots start from a real one of the typical ad.
        await driver.ensureCase('Bench: captures');
        const tab = await driver.openTab(site.url('ad.html'), 500);
        screenshotSha256 = (await timedCapture(driver, tab, { fullPage: false, pageCopy: false, mhtml: false })).result
          .screenshotSha256;
        await driver.closeTab(tab);
      }
      const png = await lib(driver.control, 'blobBase64', screenshotSha256);
      if (!png) throw new Error('the viewport screenshot to use as a template is not stored');
      measured.push(
        ...(await exportStage(hm, driver, {
          captures: p.exportCaptures,
          bytesPerCapture: 1_000_000,
          maxPartBytes: p.maxPartBytes,
          runs: p.exportRuns,
          templatePngBase64: png,
          libCode: o.libCode,
          workDir: o.work,
          log,
        })),
      );
    } catch (e) {
      const why = failure(e, log);
      measured.push(
        unmeasured('export-throughput', 'MB/s', '>= 0.5', why),
        unmeasured('export-peak-memory', 'MB', '<= 1.25', why),
      );
    }
    others = Math.max(others, otherChromiumBrowsers(own));
  }

  if (o.stages.has('dashboard')) {
    measured.push(
      ...(await dashboardStage(hm, {
        captures: 10_000,
        bigCaptures: 100_000,
        listRuns: p.listRuns,
        searchPasses: p.searchPasses,
        libCode: o.libCode,
        search: o.search,
        log,
      })),
    );
    others = Math.max(others, otherChromiumBrowsers(own));
  }

  if (o.stages.has('harvest-feed') || o.stages.has('harvest-memory')) {
    measured.push(
      ...(await harvestStage(hm, driver, { stages: o.stages, runs: p.harvestRuns, browserPid: own[0]!, log })),
    );
    others = Math.max(others, otherChromiumBrowsers(own));
  }

  if (o.stages.has('recording-overhead') || o.stages.has('recording-burst')) {
    measured.push(...(await recordingStage(hm, driver, site, { stages: o.stages, loads: p.recordingLoads, log })));
  }

  // Team store (issue 18): the extension's push of a 256 MiB part to a local Ceph vs a signed curl PUT.
  if (o.stages.has('push-throughput')) {
    const pushCode = await bundle(join(ROOT, 'scripts/bench/page-push.ts'), ROOT);
    const sweep = process.env.HASHMARK_BENCH_PUSH_SWEEP === '1';
    const opts = { partBytes: 256 * MiB, runs: p.pushRuns, pushCode, browserPid: own[0]!, workDir: o.work, log, sweep };
    measured.push(...(await pushStage(hm, driver, opts)));
  }
  return { measured, others };
}

/** The browser stages (capture, export, dashboard) in one headless Chromium with the extension in `extensionDir`. */
async function browserStages(
  extensionDir: string,
  o: { stages: Set<string>; plan: ReturnType<typeof plan>; work: string; log: (s: string) => void; measured: Metric[] },
): Promise<{ measured: Metric[]; others: number }> {
  const [libCode, search] = await Promise.all([
    bundle(join(ROOT, 'scripts/bench/page-lib.ts'), ROOT),
    searchBundle(ROOT),
  ]);
  const site = await startFixtureServer(BENCH_FIXTURES);
  try {
    const hm = await launchHashmark({
      extensionDir,
      profileDir: join(o.work, 'profile'),
      downloadsDir: join(o.work, 'downloads'),
    });
    try {
      return await measure(hm, site, { ...o, libCode, search });
    } finally {
      await hm.close().catch(() => undefined);
    }
  } finally {
    await site.close();
  }
}

async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const given = args.extension ? resolve(args.extension) : null;
  process.chdir(ROOT);
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const started = Date.now();
  const stages = new Set<string>(args.only.length ? args.only : STAGES);
  const browser = [...stages].some((s) => BROWSER_STAGES.includes(s));
  const machine = describeMachine(findChromium());

  // The verify stages alone need neither the extension build nor a browser.
  const prepStart = Date.now();
  const ext = browser ? prepareExtension(log, given) : null;
  const prepSeconds = Math.round((Date.now() - prepStart) / 1000);
  const work = mkdtempSync(join(tmpdir(), 'hashmark-bench-'));
  let result: { measured: Metric[]; others: number } = { measured: metricSink(log), others: otherChromiumBrowsers([]) };
  const p = plan(args.quick);
  // Stopped (Ctrl-C, a timeout, a hung stage killed): report what was measured before exiting.
  const partial = (signal: NodeJS.Signals) => {
    log(`bench: stopped by ${signal}; the report below holds only the metrics measured before`);
    report(args, result, machine, { started, prepSeconds, ext, log });
    rmSync(work, { recursive: true, force: true });
    if (ext) rmSync(dirname(ext.dir), { recursive: true, force: true });
    process.exit(130);
  };
  process.once('SIGINT', partial).once('SIGTERM', partial);
  try {
    if (ext) result = await browserStages(ext.dir, { stages, plan: p, work, log, measured: result.measured });
    if (stages.has('verify-throughput') || stages.has('verify-peak-memory')) {
      // After the browser is closed: the verifier is measured alone.
      result.measured.push(
        ...(await verifyStage({
          stages,
          packageBytes: p.verifyBytes,
          bytesPerArtifact: 16 * MiB,
          runs: p.verifyRuns,
          quick: args.quick,
          root: ROOT,
          workDir: work,
          log,
        })),
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
    if (ext) rmSync(dirname(ext.dir), { recursive: true, force: true });
  }

  report(args, result, machine, { started, prepSeconds, ext, log });
  return 0;
}

/** Prints the table (and writes the JSON when asked) for what `result` holds. */
function report(
  args: ReturnType<typeof parseArgs>,
  result: { measured: Metric[]; others: number },
  machine: ReturnType<typeof describeMachine>,
  o: { started: number; prepSeconds: number; ext: { built: boolean } | null; log: (s: string) => void },
): void {
  const metrics = complete(result.measured, UNITS);
  machine.loadAtEnd = loadavg().map((x) => Math.round(x * 100) / 100);
  machine.otherChromiumProcesses = result.others;
  const noisy = noisyReasons(machine);
  if (noisy.length) machine.noisy = noisy;
  const minutes = (Date.now() - o.started) / 60_000;
  const header =
    `Hashmark bench (${args.quick ? 'quick' : 'full'}), ${new Date().toISOString()}, ${minutes.toFixed(1)} min\n` +
    `${machine.nproc} cores, ${machine.cpuModel}, ${machine.memTotalGiB} GiB RAM, ${machine.chromium}, Node ${machine.node}; ` +
    `load ${machine.loadAtStart.join(' ')} -> ${machine.loadAtEnd.join(' ')}; other Chromium browsers seen: ${result.others}; ` +
    (o.ext
      ? `build check${o.ext.built ? ' and rebuild' : ''} (with the wait for the e2e lock) ${o.prepSeconds} s`
      : 'no browser stage: no build, no browser') +
    (args.extension ? `; extension measured: ${args.extension}` : '') +
    (noisy.length ? `\nNOISY RUN (${noisy.join('; ')}): these figures measure the neighbours too.` : '');
  process.stdout.write(`${header}\n\n${markdownTable(metrics)}\n`);
  if (args.json) {
    const extra = {
      mode: args.quick ? 'quick' : 'full',
      at: new Date().toISOString(),
      minutes: Math.round(minutes * 10) / 10,
      buildSeconds: o.prepSeconds,
      rebuilt: o.ext?.built ?? false,
      machine,
    };
    writeFileSync(args.json, jsonReport(metrics, extra));
    o.log(`bench: wrote ${args.json}`);
  }
}

process.exitCode = await main(process.argv.slice(2));
