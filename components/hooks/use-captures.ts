/** Data access for the capture grid: records by id (search results) and a case's pages by key. */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { liveQuery } from 'dexie';
import { listCapturePage, listLiveCaptureIds, type CaptureRecord, type HashmarkDb } from '@/utils/db';

/**
 * The records of the captures in view, read by id (a window of a long list) and kept live, with
 * earlier reads kept so scrolling back shows cards at once.
 */
export function useCaptureRecords(db: HashmarkDb, ids: readonly string[], delayMs = 0): Map<string, CaptureRecord> {
  const cache = useRef(new Map<string, CaptureRecord>());
  const [, setTick] = useState(0);
  // The caller passes a new array at each render; the effect follows its contents (ids never
  // contain a line break), read back from the key so the effect depends on what it reads.
  const key = ids.join('\n');
  const stableIds = useMemo(() => (key ? key.split('\n') : []), [key]);
  useEffect(() => {
    const ids = stableIds;
    if (ids.length === 0) return;
    let sub: { unsubscribe(): void } | null = null;
    // While results change at each keystroke, wait for them to settle before reading records
    // (and so thumbnails): typing stays responsive, the cards fill in a moment later.
    const missing = ids.some((id) => !cache.current.has(id));
    const timer = setTimeout(
      () => {
        sub = liveQuery(() => db.captures.bulkGet([...ids])).subscribe({
          next: (records) => {
            records.forEach((r, i) => {
              if (r) cache.current.set(r.id, r);
              else cache.current.delete(ids[i]!);
            });
            // Bound memory on long scrolls: the cache holds a few thousand records at most.
            if (cache.current.size > 5000) {
              const keep = new Set(ids);
              for (const k of cache.current.keys()) if (!keep.has(k)) cache.current.delete(k);
            }
            setTick((t) => t + 1);
          },
          error: (e) => console.error('hashmark: capture records', e),
        });
      },
      missing ? delayMs : 0,
    );
    return () => {
      clearTimeout(timer);
      sub?.unsubscribe();
    };
  }, [db, stableIds, delayMs]);
  return cache.current;
}

/** Rows read at a time: the grid's window is rounded out to whole pages, so small scrolls read nothing. */
const PAGE_ROWS = 48;

/**
 * Rows [start, end) of a case's newest-first list of live captures, read by position from the
 * live index (listCapturePage, issue 22) and kept live: whatever the case's size, the grid reads
 * the pages it shows, never the list of ids. The previous window stays shown while the next loads.
 */
export function useCasePage(
  db: HashmarkDb,
  caseId: string | null,
  start: number,
  end: number,
): { at(i: number): CaptureRecord | undefined } {
  const from = Math.floor(start / PAGE_ROWS) * PAGE_ROWS;
  const to = Math.ceil(end / PAGE_ROWS) * PAGE_ROWS;
  const [rows, setRows] = useState<{ caseId: string | null; from: number; records: CaptureRecord[] }>({
    caseId: null,
    from: 0,
    records: [],
  });
  useEffect(() => {
    if (!caseId || to <= from) return;
    const sub = liveQuery(() => listCapturePage(db, caseId, from, to - from)).subscribe({
      next: (records) => setRows({ caseId, from, records }),
      error: (e) => console.error('hashmark: capture page', e),
    });
    return () => sub.unsubscribe();
  }, [db, caseId, from, to]);
  return {
    at: (i) => (rows.caseId === caseId ? rows.records[i - rows.from] : undefined),
  };
}

/** Every live capture id of a case, newest first (for "select all" on a paged grid). */
export function caseCaptureIds(db: HashmarkDb, caseId: string): Promise<string[]> {
  return listLiveCaptureIds(db, caseId);
}
