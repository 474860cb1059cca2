import type { SeenSelector } from './types';

/**
 * When the watch scan reads the page: once when the script starts (document_idle), then again
 * after the page changes (ads often load their contact block late), debounced, a bounded number
 * of times, within a bounded window, and never again once one scan was slow. Each report carries
 * only selectors this page load has not reported yet. Pure wiring of injected functions, so it
 * is unit-tested with fake timers.
 */

/** Quiet time after the last DOM change before a re-scan. */
export const RESCAN_DEBOUNCE_MS = 1_000;
/** Re-scans after the first scan, at most. */
export const RESCAN_MAX = 5;
/** No re-scan is started this long after the first scan. */
export const RESCAN_WINDOW_MS = 60_000;
/** A scan slower than this (a huge page) is the last one. */
const SLOW_SCAN_MS = 500;

export interface ScanLoopDeps {
  /** Reads the page and extracts its selectors (utils/watch/scan.ts). */
  scan(): SeenSelector[];
  report(selectors: SeenSelector[]): Promise<void>;
  /** Calls `onChange` on DOM changes until the returned function is called. */
  observe(onChange: () => void): () => void;
  now(): number;
  setTimeout(f: () => void, ms: number): unknown;
  clearTimeout(t: unknown): void;
}

interface ScanStats {
  scans: number;
  lastScanMs: number;
  reported: number;
  stopped: boolean;
}

/** A running loop: its counters, and a way to end it (the page moved to another address). */
export interface ScanLoop extends ScanStats {
  stop(): void;
}

export function startScanLoop(d: ScanLoopDeps): ScanLoop {
  const stats: ScanLoop = { scans: 0, lastScanMs: 0, reported: 0, stopped: false, stop: () => stop() };
  const sent = new Set<string>();
  const started = d.now();
  let timer: unknown = null;
  let stopObserving: (() => void) | null = null;

  const stop = () => {
    stats.stopped = true;
    stopObserving?.();
    stopObserving = null;
    if (timer !== null) d.clearTimeout(timer);
    timer = null;
  };

  const runOnce = () => {
    const t0 = d.now();
    let found: SeenSelector[];
    try {
      found = d.scan();
    } catch {
      found = [];
    }
    stats.scans++;
    stats.lastScanMs = d.now() - t0;
    const fresh = found.filter((s) => !sent.has(`${s.kind}\u0000${s.value}`));
    for (const s of fresh) sent.add(`${s.kind}\u0000${s.value}`);
    if (fresh.length) {
      stats.reported += fresh.length;
      void d.report(fresh).catch(() => undefined);
    }
    if (stats.lastScanMs > SLOW_SCAN_MS || stats.scans > RESCAN_MAX || d.now() - started > RESCAN_WINDOW_MS) stop();
  };

  runOnce();
  if (!stats.stopped) {
    stopObserving = d.observe(() => {
      if (stats.stopped) return;
      if (d.now() - started > RESCAN_WINDOW_MS) return stop();
      if (timer !== null) d.clearTimeout(timer);
      timer = d.setTimeout(() => {
        timer = null;
        runOnce();
      }, RESCAN_DEBOUNCE_MS);
    });
  }
  return stats;
}

/**
 * Single-page sites (social networks, many classified-ad sites) go to the next post with
 * history.pushState: the same document at a new address, where this script does not run again.
 * Each new address (the fragment aside: `#photo-2` is the same post) is a page load for the watch
 * list: the current loop ends and a new one starts, with a new load id, so a number already
 * reported on the previous post is reported on this one too. Checked on DOM changes (such a
 * navigation redraws the page), which costs one string comparison per batch of changes.
 */
export function followNavigation(d: {
  href(): string;
  observe(onChange: () => void): () => void;
  start(): ScanLoop;
}): () => void {
  const page = (h: string) => h.split('#')[0]!;
  let href = page(d.href());
  let loop = d.start();
  const stopObserving = d.observe(() => {
    const now = page(d.href());
    if (now === href) return;
    href = now;
    loop.stop();
    loop = d.start();
  });
  return () => {
    stopObserving();
    loop.stop();
  };
}
