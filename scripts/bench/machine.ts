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
