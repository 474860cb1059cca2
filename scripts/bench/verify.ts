/**
 * Verify benchmarks (issue 14): how fast `hashmark verify` checks a genuine signed package, and
 * how much memory it takes on a large one. No browser: the package is built by the real exporter
 * in a child process (verify-package.ts), written to disk, and verified by the CLI's own entry
 * point in another child process (verify-child.ts), which reads the ZIP by ranges and reports its
 * peak resident memory (VmHWM) as the bomb tests do.
 *
 * Baseline, in the same run, on the same bytes: the package unpacked once with `unzip`, then
 * `sha256sum -c manifest-sha256.txt` in its bag folder (what a recipient without Hashmark runs).
 * `hashmark verify` does more (it reads and inflates the ZIP itself, checks each entry's CRC-32
 * and local header, hashes every file with SHA-256 and SHA-512, matches every capture.json,
 * checks the signature and the custody log), so a ratio of 1 is not expected.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { failure, meets, unmeasured, type Metric } from './report';
import { round, summarize } from './stats';
import type { VerifyChildResult } from './verify-child';
import type { VerifyPackageBuilt } from './verify-package';

const run = promisify(execFile);
const MB = 1024 * 1024;

export const VERIFY_TARGETS = {
  'verify-throughput': { unit: 'MB/s', target: '>= 0.25' },
  'verify-peak-memory': { unit: 'MB', target: '<= 256 MB' },
} as const;

export interface VerifyStageOptions {
  stages: Set<string>;
  /** Payload of the package (random bytes, so about the ZIP's size). */
  packageBytes: number;
  bytesPerArtifact: number;
  runs: number;
  /** Said in the notes when the package is under 1 GB (the size). */
  quick: boolean;
  root: string;
  workDir: string;
  log: (s: string) => void;
}

/** Child Node processes get a plain Node: the runner's own loader options would be measured too. */
async function node(root: string, script: string, args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', join(root, script), ...args], {
    cwd: root,
    env: { ...process.env, NODE_OPTIONS: '' },
    maxBuffer: 64 * MB,
    timeout: 60 * 60_000,
  });
  return stdout;
}

/** The `BENCH-VERIFY {…}` line verify-child.ts prints after the CLI's report. */
export function parseVerifyChild(stdout: string): VerifyChildResult {
  const line = stdout
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('BENCH-VERIFY '));
  if (!line) throw new Error(`the verify child printed no result:\n${stdout.slice(-2000)}`);
  return JSON.parse(line.slice('BENCH-VERIFY '.length)) as VerifyChildResult;
}

/** Bytes and count of the files the bag's manifest-sha256.txt lists (paths relative to the bag folder). */
export function manifestBytes(bagDir: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  for (const line of readFileSync(join(bagDir, 'manifest-sha256.txt'), 'utf8').split('\n')) {
    const m = /^[0-9a-f]{64} {2}(.+)$/.exec(line);
    if (!m) continue;
    bytes += statSync(join(bagDir, m[1]!)).size;
    files++;
  }
  return { bytes, files };
}

/** The bag folder unzip made (the package's single top-level folder). */
function bagFolder(dir: string): string {
  const tops = readdirSync(dir);
  if (tops.length !== 1) throw new Error(`the package unpacked into ${tops.length} top-level entries, not one`);
  return join(dir, tops[0]!);
}

async function timedMs(f: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await f();
  return performance.now() - t;
}

export async function verifyStage(o: VerifyStageOptions): Promise<Metric[]> {
  const dir = join(o.workDir, 'verify');
  mkdirSync(dir, { recursive: true });
  const zip = join(dir, 'package.zip');
  const unpacked = join(dir, 'unpacked');
  const size = o.quick
    ? `${Math.round(o.packageBytes / MB)} MiB payload (quick mode: smaller than the issue's 1 GB)`
    : `${Math.round(o.packageBytes / MB)} MiB payload`;
  try {
    o.log(`bench: building a signed package of ${size} through the exporter (fake-indexeddb, no browser)`);
    const built = JSON.parse(
      (await node(o.root, 'scripts/bench/verify-package.ts', [zip, String(o.packageBytes), String(o.bytesPerArtifact)]))
        .trim()
        .split('\n')
        .at(-1)!,
    ) as VerifyPackageBuilt;
    o.log(
      `bench: package ${(built.zipBytes / MB).toFixed(0)} MiB written in ${(built.ms / 1000).toFixed(1)} s ` +
        `(builder peak RSS ${built.peakMb ?? '?'} MB)`,
    );
    const verifyArgs = [zip, '--key-fingerprint', built.keyFingerprint];

    const metrics: Metric[] = [];
    const packageText =
      `genuine signed package from the exporter: ${built.captures} capture(s), ${built.artifacts} random ` +
      `(incompressible) artifacts of ${Math.round(o.bytesPerArtifact / MB)} MiB, ZIP ${(built.zipBytes / MB).toFixed(0)} MiB` +
      `${o.quick ? " (quick mode: smaller than the issue's 1 GB)" : ''}, built in ${(built.ms / 1000).toFixed(0)} s (builder peak RSS ${built.peakMb ?? '?'} MB)`;

    if (o.stages.has('verify-throughput')) {
      mkdirSync(unpacked, { recursive: true });
      await run('unzip', ['-q', '-o', zip, '-d', unpacked]);
      const bag = bagFolder(unpacked);
      const payload = manifestBytes(bag);
      const verifyMs: number[] = [];
      const shaMs: number[] = [];
      const verdicts = new Set<number>();
      for (let i = 0; i < o.runs; i++) {
        // Alternated, so load from other work on the machine falls on both alike.
        const r = parseVerifyChild(await node(o.root, 'scripts/bench/verify-child.ts', verifyArgs));
        verdicts.add(r.code);
        if (r.code === 1) throw new Error('hashmark verify said FAILED on the genuine bench package');
        verifyMs.push(r.ms);
        shaMs.push(await timedMs(() => run('sha256sum', ['-c', '--quiet', 'manifest-sha256.txt'], { cwd: bag })));
        o.log(
          `bench: verify run ${i + 1}/${o.runs}: hashmark verify ${(r.ms / 1000).toFixed(1)} s, ` +
            `sha256sum -c ${(shaMs.at(-1)! / 1000).toFixed(1)} s`,
        );
      }
      const mbps = verifyMs.map((t) => payload.bytes / MB / (t / 1000));
      const baseMbps = shaMs.map((t) => payload.bytes / MB / (t / 1000));
      const v = summarize(mbps);
      const b = summarize(baseMbps);
      const ratios = summarize(verifyMs.map((t, i) => shaMs[i]! / t));
      const { target } = VERIFY_TARGETS['verify-throughput'];
      metrics.push({
        metric: 'verify-throughput',
        value: round(v.p50, 1),
        unit: 'MB/s',
        baseline: round(b.p50, 1),
        ratio: round(v.p50 / b.p50),
        target,
        pass: meets(target, v.p50 / b.p50),
        spread: { min: round(v.min, 1), max: round(v.max, 1) },
        runs: v.n,
        note:
          `\`hashmark verify --key-fingerprint\` through cli/main.ts in a child process (time from main() ` +
          `to the verdict, modules loaded; exit code(s) ${[...verdicts].join(', ')}) over ${payload.files} payload files ` +
          `of ${(payload.bytes / MB).toFixed(0)} MiB (MB/s = payload MiB per second, for both); ` +
          `${packageText}; verify p50 ${(summarize(verifyMs).p50 / 1000).toFixed(1)} s; baseline ` +
          `\`sha256sum -c manifest-sha256.txt\` over the unzipped bag, p50 ${(summarize(shaMs).p50 / 1000).toFixed(2)} s ` +
          `(files in the page cache for both); per-run ratios ${ratios.min.toFixed(3)}–${ratios.max.toFixed(3)}`,
      });
      rmSync(unpacked, { recursive: true, force: true });
    }

    if (o.stages.has('verify-peak-memory')) {
      const peaks: VerifyChildResult[] = [];
      for (let i = 0; i < Math.min(o.runs, 3); i++) {
        peaks.push(parseVerifyChild(await node(o.root, 'scripts/bench/verify-child.ts', verifyArgs)));
        o.log(
          `bench: verify peak run ${i + 1}: ${peaks.at(-1)!.peakMb} MB VmHWM (${peaks.at(-1)!.loadedMb} MB loaded)`,
        );
      }
      const p = summarize(peaks.map((r) => r.peakMb));
      const loaded = summarize(peaks.map((r) => r.loadedMb)).p50;
      const { target } = VERIFY_TARGETS['verify-peak-memory'];
      metrics.push({
        metric: 'verify-peak-memory',
        value: round(p.p50, 0),
        unit: 'MB',
        baseline: round(loaded, 0),
        ratio: round(p.p50 / loaded),
        target,
        pass: meets(target, p.p50),
        spread: { min: round(p.min, 0), max: round(p.max, 0) },
        runs: p.n,
        note:
          `peak resident memory (VmHWM of /proc/self/status) of a child process running \`hashmark verify\` ` +
          `through cli/main.ts, reading the ZIP from disk by ranges; baseline = its RSS just before verifying ` +
          `(Node, tsx and the CLI's modules loaded; the growth is p50 ${Math.round(p.p50 - loaded)} MB); ${packageText}`,
      });
    }
    return metrics;
  } catch (e) {
    const why = failure(e, o.log);
    return [...o.stages]
      .filter((s): s is keyof typeof VERIFY_TARGETS => s in VERIFY_TARGETS)
      .map((s) => unmeasured(s, VERIFY_TARGETS[s].unit, VERIFY_TARGETS[s].target, why));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
