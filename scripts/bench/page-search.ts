/**
 * Runs inside an extension page (bundled by page-bundle.ts, separately from page-lib.ts so that
 * the bench still runs, and reports search as not built, when utils/search is absent). Uses the
 * dashboard's own search engine: CaptureSearch opened from IndexedDB and caught up with the
 * captures table, as utils/services/search-host.ts does inside the dashboard's search worker. The
 * worker's message hop (postMessage both ways) is not in the timings.
 */
import { openExtensionDb } from '@/utils/db';
import { CaptureSearch } from '@/utils/search/capture-index';

const db = openExtensionDb();
let engine: CaptureSearch | null = null;

/** Opens the stored index and indexes every capture not yet in it; returns the time each step took. */
export async function openAndCatchUp(): Promise<{ openMs: number; catchUpMs: number; size: number }> {
  let t = performance.now();
  engine = await CaptureSearch.open(db);
  const openMs = performance.now() - t;
  t = performance.now();
  await engine.catchUp();
  return { openMs, catchUpMs: performance.now() - t, size: engine.size };
}

/**
 * Times each query `passes` times after a warm-up (JIT) and keeps each query's median, as the
 * unit test does: the machine is shared, and one pass can be slowed by a neighbour.
 */
export function timeQueries(
  queries: { text: string; caseId?: string; domain?: string }[],
  passes: number,
): { ms: number[]; maxHits: number; slowest: { text: string; ms: number }[] } {
  if (!engine) throw new Error('openAndCatchUp first');
  for (const q of queries.slice(0, 20)) engine.search(q);
  const runs: number[][] = queries.map(() => []);
  let maxHits = 0;
  for (let pass = 0; pass < passes; pass++) {
    queries.forEach((q, i) => {
      const t = performance.now();
      const hits = engine!.search(q);
      runs[i]!.push(performance.now() - t);
      maxHits = Math.max(maxHits, hits.length);
    });
  }
  const ms = runs.map((r) => r.sort((a, b) => a - b)[Math.floor(r.length / 2)]!);
  const slowest = queries
    .map((q, i) => ({ text: q.text, ms: ms[i]! }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 5);
  return { ms, maxHits, slowest };
}

export function close(): void {
  db.close();
}
