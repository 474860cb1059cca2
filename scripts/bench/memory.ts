import { readFileSync, readdirSync } from 'node:fs';

/**
 * Memory of a running Chromium, read from /proc: the browser process (found by its profile
 * folder on the command line) and every process under it (renderers, GPU, utility, zygotes).
 *
 * PSS (proportional set size, /proc/PID/smaps_rollup) is the figure summed: RSS counts the
 * shared libraries once per process, so a new renderer (the export page opens one) would add
 * ~100 MB of memory that is not really new. RSS is kept alongside for comparison.
 */

export interface ProcMemory {
  pids: number[];
  /** Sum of PSS over the process tree, bytes. */
  pss: number;
  /** Sum of RSS over the process tree, bytes. */
  rss: number;
}

/** Parent pid from the text of /proc/PID/stat (the command name may contain spaces and parentheses). */
export function parentPid(stat: string): number {
  const close = stat.lastIndexOf(')');
  const fields = stat.slice(close + 2).split(' ');
  return Number(fields[1]);
}

/** A "Key:   1234 kB" line of /proc/PID/status or smaps_rollup, in bytes; null when absent. */
export function kbField(text: string, key: string): number | null {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text);
  return m ? Number(m[1]) * 1024 : null;
}

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null; // the process ended between listing and reading
  }
}

/** Every pid in `root`'s tree (root included), from a pid -> parent map. */
export function descendants(root: number, parents: Map<number, number>): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of parents) {
    const list = children.get(ppid) ?? [];
    list.push(pid);
    children.set(ppid, list);
  }
  const out: number[] = [];
  const todo = [root];
  while (todo.length) {
    const pid = todo.pop()!;
    out.push(pid);
    todo.push(...(children.get(pid) ?? []));
  }
  return out;
}

function allPids(): number[] {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map(Number);
}

/**
 * The browser process of the Chromium started with this profile: the process whose command line
 * names the profile and that is not a child process (no --type=).
 */
export function findBrowserPid(profileDir: string): number {
  for (const pid of allPids()) {
    const cmd = read(`/proc/${pid}/cmdline`);
    if (!cmd) continue;
    const args = cmd.split('\0');
    if (args.some((a) => a === `--user-data-dir=${profileDir}`) && !args.some((a) => a.startsWith('--type=')))
      return pid;
  }
  throw new Error(`No Chromium process runs with the profile ${profileDir}.`);
}

/** PSS and RSS of the process tree under `rootPid`, now. */
export function treeMemory(rootPid: number): ProcMemory {
  const parents = new Map<number, number>();
  for (const pid of allPids()) {
    const stat = read(`/proc/${pid}/stat`);
    if (stat) parents.set(pid, parentPid(stat));
  }
  const pids = descendants(rootPid, parents);
  let pss = 0;
  let rss = 0;
  for (const pid of pids) {
    const rollup = read(`/proc/${pid}/smaps_rollup`);
    const status = read(`/proc/${pid}/status`);
    const r = status ? (kbField(status, 'VmRSS') ?? 0) : 0;
    rss += r;
    pss += rollup ? (kbField(rollup, 'Pss') ?? r) : r;
  }
  return { pids, pss, rss };
}

/** Samples the tree every `intervalMs` until stopped; returns the peak and the samples. */
export function startSampler(
  rootPid: number,
  intervalMs = 150,
): { stop(): { peakPss: number; peakRss: number; samples: number } } {
  let peakPss = 0;
  let peakRss = 0;
  let samples = 0;
  const tick = () => {
    const m = treeMemory(rootPid);
    peakPss = Math.max(peakPss, m.pss);
    peakRss = Math.max(peakRss, m.rss);
    samples++;
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      tick();
      return { peakPss, peakRss, samples };
    },
  };
}
