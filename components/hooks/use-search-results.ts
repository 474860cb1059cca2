import { useEffect, useMemo, useState } from 'preact/hooks';
import { isActiveQuery, type SearchQuery } from '@/utils/search/query';
import type { CaptureSearchState } from './use-capture-search';

/**
 * Runs `query` whenever it or the index changes. `ids` are the results of the latest query
 * answered (the previous results stay on screen until the new ones arrive, so the list narrows
 * instead of flashing empty); `key` says which query they answer. Inactive (no words, no filter):
 * null, and the caller shows the plain list.
 */
export function useSearchResults(
  search: CaptureSearchState,
  query: SearchQuery,
): { ids: string[]; key: string; ms: number } | null {
  const key = JSON.stringify(query);
  // A new query object arrives at each render; the effect follows its value (the key), and reads
  // the query back from the key so that what it searches for and what it depends on are one thing.
  const stable = useMemo(() => JSON.parse(key) as SearchQuery, [key]);
  const active = isActiveQuery(stable);
  const { version, ready, search: run } = search;
  const [hits, setHits] = useState<{ key: string; ids: string[]; ms: number } | null>(null);
  useEffect(() => {
    if (!active) return;
    let live = true;
    void run(stable).then((r) => live && setHits({ key, ids: r.ids, ms: r.ms }));
    return () => {
      live = false;
    };
    // version and ready are not read here: a changed index (or one just built) answers again.
  }, [key, stable, active, version, ready, run]);
  if (!active) return null;
  return hits ?? { key: '', ids: [], ms: 0 };
}
