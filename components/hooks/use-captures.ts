import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { liveQuery } from 'dexie';
import type { CaptureRecord, HashmarkDb } from '@/utils/db';

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
