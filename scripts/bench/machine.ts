import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

/** What the figures were measured on (written into the JSON and docs/performance.md). */
export interface MachineInfo {
  nproc: number;
  cpuModel: string;
  memTotalGiB: number;
  /** `free -g` as printed. */
  free: string;
  chromium: string;
  node: string;
  /** 1, 5 and 15 minute load averages when the bench started and ended. */
  loadAtStart: number[];
  loadAtEnd?: number[];
  /** Other Chromium processes (not the bench's) seen during the run: someone else was testing. */
  otherChromiumProcesses?: number;
  /** Why the run's figures measure the neighbours too (see noisyReasons); absent when quiet. */
  noisy?: string[];
}

/**
 * Issue 22's rule: a run is noisy when the load exceeds the core count. The load at the start is
 * the other programs' (the bench has not started its browser yet); the load at the end includes
 * the bench's own browser, about one core per busy stage, so it counts only above cores + 1.
 * Another Chromium browser seen during the run makes it noisy whatever the load.
 */
export function noisyReasons(
  m: Pick<MachineInfo, 'nproc' | 'loadAtStart' | 'loadAtEnd' | 'otherChromiumProcesses'>,
): string[] {
  const out: string[] = [];
  const start = m.loadAtStart[0] ?? 0;
  const end = m.loadAtEnd?.[0] ?? 0;
  if (start > m.nproc) out.push(`load ${start} at the start on ${m.nproc} cores`);
  if (end > m.nproc + 1)
    out.push(`load ${end} at the end on ${m.nproc} cores (the bench's own browser counts about 1)`);
  if (m.otherChromiumProcesses) out.push(`${m.otherChromiumProcesses} other Chromium browser(s) running`);
  return out;
}

function run(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

/** CPU model from /proc/cpuinfo ("model name"), else what Node reports. */
export function cpuModel(cpuinfo: string | null): string {
  const m = cpuinfo ? /^model name\s*:\s*(.+)$/m.exec(cpuinfo) : null;
  return m?.[1]?.trim() ?? cpus()[0]?.model ?? 'unknown';
}

export function describeMachine(chromiumPath: string): MachineInfo {
  let cpuinfo: string | null = null;
  try {
    cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    // not Linux: Node's report is used
  }
  return {
    nproc: Number(run('nproc', [])) || cpus().length,
    cpuModel: cpuModel(cpuinfo),
    memTotalGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    free: run('free', ['-g']),
    chromium: run(chromiumPath, ['--version']),
    node: process.version,
    loadAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

/** Chromium browser processes (not children) other than the given pids: other engineers' test browsers. */
export function otherChromiumBrowsers(own: number[]): number {
  let n = 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || own.includes(Number(name))) continue;
    try {
      const args = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (
        /chrom/i.test(args[0] ?? '') &&
        args.some((a) => a.startsWith('--user-data-dir=')) &&
        !args.some((a) => a.startsWith('--type='))
      )
        n++;
    } catch {
      // ended meanwhile
    }
  }
  return n;
}
