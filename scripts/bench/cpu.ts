import { readFileSync, readdirSync } from 'node:fs';
import { descendants, kbField, parentPid, treeMemory } from './memory';

/**
 * CPU time per thread, read from /proc/PID/task/TID/stat (utime + stime, in clock ticks of 10 ms on
 * Linux), summed by process kind and thread name: where a push spends the machine's two cores (the
 * extension's service worker thread, the network service, the browser process, radosgw, the OSD).
 */

export type CpuSnapshot = Map<string, number>;

const TICK_MS = 10;

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null; // the process or thread ended between listing and reading
  }
}

/** utime + stime (ticks) and the thread name from a /proc stat line. */
export function statTicks(stat: string): { name: string; ticks: number } {
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  const fields = stat.slice(close + 2).split(' ');
  // Fields after the name: state(0) ppid(1) ... utime(11) stime(12).
  return { name: stat.slice(open + 1, close), ticks: Number(fields[11]) + Number(fields[12]) };
}

/** A Chromium process's kind from its command line; `fallback` for other programs. */
export function processKind(cmdline: string, fallback: string): string {
  // Chromium's child processes rewrite their command line as one space-separated string.
  const args = cmdline.split(/[\0 ]/);
  const type = args.find((a) => a.startsWith('--type='))?.slice('--type='.length);
  if (!type) return fallback;
  if (type === 'renderer') return args.includes('--extension-process') ? 'extension renderer' : 'renderer';
  const sub = args.find((a) => a.startsWith('--utility-sub-type='))?.slice('--utility-sub-type='.length);
  if (sub?.includes('NetworkService')) return 'network service';
  if (sub?.includes('Storage')) return 'storage service';
  return sub ? `utility ${sub.split('.').pop()}` : type;
}

/** Ticks per `kind: thread name` over the given processes (and, for `tree`, every process under it). */
export function cpuSnapshot(o: { tree?: { root: number; kind: string }; pids?: Record<string, number> }): CpuSnapshot {
  const out: CpuSnapshot = new Map();
  const todo: { pid: number; fallback: string }[] = [];
  if (o.tree) {
    const parents = new Map<number, number>();
    for (const n of readdirSync('/proc')) {
      if (!/^\d+$/.test(n)) continue;
      const stat = read(`/proc/${n}/stat`);
      if (stat) parents.set(Number(n), parentPid(stat));
    }
    for (const pid of descendants(o.tree.root, parents)) todo.push({ pid, fallback: o.tree.kind });
  }
  for (const [kind, pid] of Object.entries(o.pids ?? {})) todo.push({ pid, fallback: kind });
  for (const { pid, fallback } of todo) {
    const kind = processKind(read(`/proc/${pid}/cmdline`) ?? '', fallback);
    for (const [name, ticks] of threadTicks(pid)) {
      const key = `${kind}: ${name}`;
      out.set(key, (out.get(key) ?? 0) + ticks);
    }
  }
  return out;
}

/** CPU ms spent between two snapshots, per `kind: thread`, largest first (threads that ended are lost). */
export function cpuSpent(before: CpuSnapshot, after: CpuSnapshot): [string, number][] {
  const out: [string, number][] = [];
  for (const [k, t] of after) {
    const d = (t - (before.get(k) ?? 0)) * TICK_MS;
    if (d > 0) out.push([k, d]);
  }
  return out.sort((a, b) => b[1] - a[1]);
}

/** Sums of `cpuSpent` by process kind (the part before ':'). */
export function cpuByKind(spent: [string, number][]): [string, number][] {
  const m = new Map<string, number>();
  for (const [k, ms] of spent) {
    const kind = k.slice(0, k.indexOf(':'));
    m.set(kind, (m.get(kind) ?? 0) + ms);
  }
  return [...m].sort((a, b) => b[1] - a[1]);
}

/** "radosgw 3.1 s (rgw: 1.2 s, …), …": the largest kinds and, in each, its largest threads. */
export function cpuText(spent: [string, number][], kinds = 5, threads = 2): string {
  return cpuByKind(spent)
    .slice(0, kinds)
    .map(([kind, ms]) => {
      const top = spent
        .filter(([k]) => k.startsWith(`${kind}:`))
        .slice(0, threads)
        .map(([k, t]) => `${k.slice(kind.length + 2)} ${(t / 1000).toFixed(1)}`)
        .join(', ');
      return `${kind} ${(ms / 1000).toFixed(1)} s (${top})`;
    })
    .join('; ');
}

/** PSS of a process, and of its anonymous, file-backed and shared-memory pages (smaps_rollup), bytes. */
export interface ProcPss {
  pss: number;
  anon: number;
  file: number;
  shmem: number;
}

/** One process of a tree as /proc shows it now. */
interface ProcReading {
  /** "<--type>[/<--utility-sub-type>] <pid>" ("browser" without a type): the label the export benches print. */
  label: string;
  /** utime + stime of the whole process (threads that ended included), clock ticks. */
  ticks: number;
  pss: ProcPss;
  /** Ticks by thread name (names of a pool summed), when asked for. */
  threads?: Map<string, number>;
}

/** A Chromium process's label as the export benches print it, from its command line. */
function procLabel(cmdline: string, pid: number): string {
  const cmd = cmdline.split(/[\0 ]/);
  const type = cmd.find((a) => a.startsWith('--type='))?.slice(7) ?? 'browser';
  const sub = cmd.find((a) => a.startsWith('--utility-sub-type='))?.slice(19) ?? '';
  return `${type}${sub ? `/${sub}` : ''} ${pid}`;
}

/**
 * The one per-process reader of the benches: CPU ticks and PSS of every process under `root` (root
 * included), and with `threads` the ticks of each thread. A process that ends while read is left out.
 */
export function readProcs(root: number, o: { threads?: boolean } = {}): ProcReading[] {
  const out: ProcReading[] = [];
  for (const pid of treeMemory(root).pids) {
    const cmdline = read(`/proc/${pid}/cmdline`);
    const stat = read(`/proc/${pid}/stat`);
    if (cmdline === null || stat === null) continue;
    const roll = read(`/proc/${pid}/smaps_rollup`) ?? '';
    const kb = (key: string) => kbField(roll, key) ?? 0;
    const r: ProcReading = {
      label: procLabel(cmdline, pid),
      ticks: statTicks(stat).ticks,
      pss: { pss: kb('Pss'), anon: kb('Pss_Anon'), file: kb('Pss_File'), shmem: kb('Pss_Shmem') },
    };
    if (o.threads) r.threads = threadTicks(pid);
    out.push(r);
  }
  return out;
}

/** utime + stime (ticks) of each live thread of `pid` by thread name (names of a pool summed). */
function threadTicks(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    const stat = read(`/proc/${pid}/task/${tid}/stat`);
    if (!stat) continue;
    const { name, ticks } = statTicks(stat);
    out.set(name, (out.get(name) ?? 0) + ticks);
  }
  return out;
}

/** CPU ticks of the whole tree under `root`, now. */
export function treeTicks(root: number): number {
  return readProcs(root).reduce((n, p) => n + p.ticks, 0);
}

/**
 * Samples PSS by process every 150 ms until stopped: what each process held at the tree's peak, and
 * before (idle), by label.
 */
export function watchPssByProc(root: number): { stop(): { idle: Map<string, ProcPss>; peak: Map<string, ProcPss> } } {
  const byLabel = () => new Map(readProcs(root).map((p) => [p.label, p.pss]));
  const sum = (m: Map<string, ProcPss>) => [...m.values()].reduce((a, b) => a + b.pss, 0);
  const idle = byLabel();
  let peak = idle;
  const timer = setInterval(() => {
    const m = byLabel();
    if (sum(m) > sum(peak)) peak = m;
  }, 150);
  return {
    stop() {
      clearInterval(timer);
      return { idle, peak };
    },
  };
}
