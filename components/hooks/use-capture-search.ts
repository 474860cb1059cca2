import { liveQuery } from 'dexie';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { DB_NAME, type HashmarkDb } from '@/utils/db';
import type { SearchQuery } from '@/utils/search/capture-index';
import { createSearchHost, type HostMessage, type HostRequest } from '@/utils/services/search-host';

export interface CaptureSearchState {
  ready: boolean;
  /** Changes whenever the index did (new, revised or deleted captures). */
  version: number;
  indexing: { done: number; total: number } | null;
  domains: string[];
  /** Ids of the matching captures and the index's time for them (ms); callers keep only the latest. */
  search(q: SearchQuery): Promise<{ ids: string[]; ms: number }>;
}

/**
 * The page's search index, in a Web Worker for the profile's database (in the page itself for a
 * test database). It catches up with the captures table at once and whenever captures are added
 * or revised from any context (the worker, the popup, another tab).
 */
export function useCaptureSearch(db: HashmarkDb): CaptureSearchState {
  const [state, setState] = useState({
    ready: false,
    version: 0,
    indexing: null as CaptureSearchState['indexing'],
    domains: [] as string[],
  });
  const send = useRef<(r: HostRequest) => void>(() => undefined);
  const pending = useRef(new Map<number, (r: { ids: string[]; ms: number }) => void>());
  const nextId = useRef(1);

  useEffect(() => {
    const onMessage = (m: HostMessage) => {
      if (m.kind === 'result') {
        pending.current.get(m.id)?.({ ids: m.ids, ms: m.ms });
        pending.current.delete(m.id);
      } else if (m.kind === 'state') {
        setState({ ready: m.ready, version: m.version, indexing: m.indexing, domains: m.domains });
      } else console.error('hashmark:', m.message);
    };
    const waiting = pending.current;
    let close: () => void;
    if (typeof Worker !== 'undefined' && db.name === DB_NAME) {
      const worker = new Worker(new URL('../../utils/search/search.worker.ts', import.meta.url), { type: 'module' });
      worker.addEventListener('message', (e: MessageEvent<HostMessage>) => onMessage(e.data));
      worker.addEventListener('error', (e) => console.error('hashmark: search worker', e.message));
      send.current = (r) => worker.postMessage(r);
      close = () => worker.terminate();
    } else {
      const host = createSearchHost(db, onMessage);
      send.current = (r) => host.handle(r);
      close = () => host.close();
    }
    // Catch up on any new capture (count) and any revision (the newest revisedAt key).
    const sub = liveQuery(() =>
      Promise.all([db.captures.count(), db.captures.orderBy('revisedAt').reverse().limit(1).keys()]),
    ).subscribe({
      next: () => send.current({ kind: 'catchUp' }),
      error: (e) => console.error('hashmark: search live query', e),
    });
    return () => {
      sub.unsubscribe();
      close();
      waiting.clear();
    };
  }, [db]);

  const search = useCallback((query: SearchQuery) => {
    const id = nextId.current++;
    // Only the latest query matters: answer older ones with nothing (their callers ignore it).
    for (const [old, resolve] of pending.current) if (old < id) resolve({ ids: [], ms: 0 });
    pending.current.clear();
    return new Promise<{ ids: string[]; ms: number }>((resolve) => {
      pending.current.set(id, resolve);
      send.current({ kind: 'search', id, query });
    });
  }, []);

  return { ...state, search };
}
