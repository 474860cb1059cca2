import { putSearchIndex, type HashmarkDb } from '@/utils/db';
import { CaptureSearch, type SearchQuery } from '@/utils/search/capture-index';

/**
 * The search index's owner: opens it, catches it up (one run at a time; a change during a run
 * schedules another), answers queries, and saves it some time after the last change. It runs in
 * a Web Worker in the dashboard (serialising a 10,000-capture index takes seconds and must not
 * freeze the page) and in the page itself where there is no worker (tests).
 */
export type HostRequest = { kind: 'search'; id: number; query: SearchQuery } | { kind: 'catchUp' };
export type HostMessage =
  | { kind: 'result'; id: number; ids: string[]; ms: number }
  | {
      kind: 'state';
      version: number;
      indexing: { done: number; total: number } | null;
      domains: string[];
      ready: boolean;
    }
  | { kind: 'error'; message: string };

export interface SearchHost {
  handle(req: HostRequest): void;
  close(): void;
}

/**
 * When to write the index back. Serialising it blocks its thread for seconds at 10,000 captures
 * (measured: ~2-3 s for 20 MB of JSON), so it waits until nobody has searched for `quietMs`, and
 * after a few changes only it waits `lazyMs`: captures indexed but not yet saved are simply
 * indexed again (cheaply) by the next page's catch-up, so a late save loses nothing.
 */
export interface SavePolicy {
  quietMs: number;
  /** Changes since the last save from which the save is due as soon as it is quiet. */
  bigChange: number;
  lazyMs: number;
}
const DEFAULT_SAVE_POLICY: SavePolicy = { quietMs: 4000, bigChange: 200, lazyMs: 120_000 };

export function createSearchHost(
  db: HashmarkDb,
  emit: (m: HostMessage) => void,
  o: { save?: Partial<SavePolicy>; now?: () => number } = {},
): SearchHost {
  const policy = { ...DEFAULT_SAVE_POLICY, ...o.save };
  const now = o.now ?? (() => Date.now());
  let engine: CaptureSearch | null = null;
  let closed = false;
  let running = false;
  let again = false;
  let version = 0;
  let unsaved = 0;
  let lastQueryAt = 0;
  let saveTimer: ReturnType<typeof setTimeout> | null = null;

  function scheduleSave(e: CaptureSearch, delay: number) {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = setTimeout(() => {
      saveTimer = null;
      if (closed) return;
      const quietFor = now() - lastQueryAt;
      // Someone is typing, or indexing runs: try again when it is quiet.
      if (quietFor < policy.quietMs || running) return scheduleSave(e, Math.max(250, policy.quietMs - quietFor));
      const saving = unsaved;
      void e
        .save((rec) => putSearchIndex(db, rec))
        .then(
          () => (unsaved -= saving),
          (err) => emit({ kind: 'error', message: `saving the search index: ${String(err)}` }),
        );
    }, delay);
  }
  const opening = CaptureSearch.open(db).then((e) => {
    engine = e;
    return e;
  });
  const state = (indexing: { done: number; total: number } | null) =>
    emit({ kind: 'state', version, indexing, domains: engine?.domains() ?? [], ready: !!engine });

  async function catchUp() {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      const e = await opening;
      do {
        again = false;
        const r = await e.catchUp((done, total) => !closed && state({ done, total }));
        if (closed) return;
        const changed = r.added + r.updated + r.removed;
        if (changed > 0) {
          version++;
          unsaved += changed;
          scheduleSave(e, unsaved >= policy.bigChange ? policy.quietMs : policy.lazyMs);
        }
        state(null);
      } while (again && !closed);
    } catch (err) {
      emit({ kind: 'error', message: `search index: ${String(err)}` });
    } finally {
      running = false;
    }
  }

  return {
    handle(req) {
      if (req.kind === 'catchUp') void catchUp();
      else {
        lastQueryAt = now();
        void opening.then((e) => {
          const t = performance.now();
          const ids = e.search(req.query).map((h) => h.id);
          emit({ kind: 'result', id: req.id, ids, ms: performance.now() - t });
        });
      }
    },
    close() {
      closed = true;
      if (saveTimer) clearTimeout(saveTimer);
    },
  };
}
