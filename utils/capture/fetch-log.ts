/**
 * The record of what Hashmark itself fetched for a capture (page-copy resources, media at full
 * resolution) and what it refused (fetch-policy.ts). It goes into capture.json's `fetched`
 * section so the recipient sees which requests the extension made, with or without the
 * investigator's cookies. Bounded (a page may list thousands of resources) and deterministic
 * (fetches finish in any order; the section is sorted).
 */

interface FetchedEntry {
  url: string;
  /** HTTP status of the final response. */
  status: number;
  /** Bytes of the body received (0 when it was dropped before reading). */
  bytes: number;
  /** Whether the investigator's cookies were sent (same site as the page). */
  credentials: boolean;
  /** Which capture step asked for it. */
  for: 'page-copy' | 'media';
}

interface RefusedEntry {
  url: string;
  reason: string;
  for: 'page-copy' | 'media';
}

/** capture.json's `fetched` section. */
export interface FetchedSection {
  fetched: FetchedEntry[];
  refused: RefusedEntry[];
  /** Entries not listed because of the cap (counted, so the list says it is incomplete). */
  notListed: { fetched: number; refused: number };
}

/** At most this many entries of each list in capture.json. */
const FETCH_LOG_MAX = 500;
/** URLs longer than this are cut (a data-heavy query string must not bloat capture.json). */
const URL_MAX = 2048;

export interface FetchLog {
  fetched(e: FetchedEntry): void;
  refused(e: RefusedEntry): void;
  /** Adds another log's entries (the page copy's, gathered by the background handler). */
  merge(s: FetchedSection): void;
  section(): FetchedSection;
}

function cut(url: string): string {
  return url.length > URL_MAX ? `${url.slice(0, URL_MAX)}…` : url;
}

function byUrl<T extends { url: string; for: string }>(a: T, b: T): number {
  const k = (x: T) => `${x.for} ${x.url}`;
  return k(a) < k(b) ? -1 : k(a) > k(b) ? 1 : JSON.stringify(a) < JSON.stringify(b) ? -1 : 1;
}

/** Entries kept before sorting; beyond it only counted (a page copy is bounded well below this). */
const HELD_MAX = 20_000;

/**
 * A log of one capture's fetches. Everything is held (up to HELD_MAX), sorted, and only then cut to
 * `max`, so which entries are listed does not depend on the order in which fetches finished.
 */
export function createFetchLog(max = FETCH_LOG_MAX): FetchLog {
  const fetched: FetchedEntry[] = [];
  const refused: RefusedEntry[] = [];
  const dropped = { fetched: 0, refused: 0 };
  const log: FetchLog = {
    fetched: (e) => {
      if (fetched.length < HELD_MAX) fetched.push({ ...e, url: cut(e.url) });
      else dropped.fetched++;
    },
    refused: (e) => {
      if (refused.length < HELD_MAX) refused.push({ ...e, url: cut(e.url) });
      else dropped.refused++;
    },
    merge: (s) => {
      s.fetched.forEach(log.fetched);
      s.refused.forEach(log.refused);
      dropped.fetched += s.notListed.fetched;
      dropped.refused += s.notListed.refused;
    },
    section: () => ({
      fetched: [...fetched].sort(byUrl).slice(0, max),
      refused: [...refused].sort(byUrl).slice(0, max),
      notListed: {
        fetched: dropped.fetched + Math.max(0, fetched.length - max),
        refused: dropped.refused + Math.max(0, refused.length - max),
      },
    }),
  };
  return log;
}
