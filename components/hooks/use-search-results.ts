import { useEffect, useState } from 'preact/hooks';
import { isActiveQuery, type SearchQuery } from '@/utils/search/query';
import type { CaptureSearchState } from './use-capture-search';

/**
 * Runs `query` whenever it or the index changes. `ids` are the results of the latest query
 * answered (the previous results stay on screen until the new ones arrive, so the list narrows
 * instead of flashing empty); `key` says which query they answer. Inactive (no words, no filter):
 * null, and the caller shows the plain list.
 */
export function useSearchResults(search: CaptureSearchState, query: SearchQuery): { ids: string[]; key: string; ms: number } | null {
  const active = isActiveQuery(query);
  const key = JSON.stringify(query);
  const [hits, setHits] = useState<{ key: string; ids: string[]; ms: number } | null>(null);
  useEffect(() => {
    if (!active) return;
    let live = true;
    void search.search(query).then((r) => live && setHits({ key, ids: r.ids, ms: r.ms }));
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` stands for `query`
  }, [key, active, search.version, search.ready, search.search]);
  if (!active) return null;
  return hits ?? { key: '', ids: [], ms: 0 };
}
