import MiniSearch, { type Options, type SearchOptions, type SearchResult } from 'minisearch';
import {
  getSearchIndex,
  harvestItemsPage,
  type CaptureRecord,
  type HashmarkDb,
  type NoteRecord,
  type SearchIndexRecord,
  type SelectorRecord,
} from '@/utils/db';
import { domainOf, inDomain, normalizeTerm } from './normalize';
import type { SearchQuery } from './query';

export type { SearchQuery } from './query';

/**
 * The dashboard's word index over captures (title, URL, visible text, notes, tags), kept in
 * IndexedDB (`searchIndex` table) as MiniSearch JSON plus the revision of every capture it holds.
 *
 * How it stays current without the background's help: the index remembers, per capture id, the
 * capture's `revisedAt` (set by every tag, note and delete). On open and whenever the captures
 * table changes while the dashboard is open, `catchUp` compares that with the table (all primary
 * keys, which is cheap, plus the captures revised since the last catch-up, by index) and indexes
 * what is new or changed, discards what was deleted. Captures made while the dashboard was closed
 * are therefore indexed the next time it opens; the worker never loads or rewrites a
 * multi-megabyte index after each capture.
 *
 * A harvest's items (issue 15) are words of their capture's document (field `items`: each item's
 * author and text), not documents of their own: a hit is still one capture, the index keeps one
 * document and one revision per capture (what the 10,000-capture timings measure), and a harvest
 * of thousands of posts adds vocabulary, not thousands of stored documents to filter and sort at
 * every keystroke. The dashboard opens the capture to show its items.
 */

export const SEARCH_INDEX_ID = 'captures';
/** Bump when the document shape or the normalisation changes: the stored index is then rebuilt. */
const SEARCH_FORMAT = 3;
/** Visible text indexed per capture (characters); the evidence itself is never cut. */
const MAX_INDEXED_TEXT = 100_000;
/** Harvested items' words indexed per capture (characters; about 2,000 posts of 250 characters). */
const MAX_INDEXED_ITEMS = 500_000;
/** Items read from IndexedDB at a time while indexing a harvest. */
const ITEMS_PAGE = 200;

export interface SearchDoc {
  id: string;
  caseId: string;
  /** finishedAt in ms since the epoch. */
  t: number;
  domain: string;
  title: string;
  url: string;
  text: string;
  notes: string;
  tags: string[];
  /** Selectors found in the capture (phones, emails, handles, wallets), in the forms people type. */
  selectors: string;
  /** A harvest's items: author and text of each, in page order (empty for other captures). */
  items: string;
}

/** What the index keeps of each capture besides its words: enough to filter and sort. */
export interface SearchHit {
  id: string;
  caseId: string;
  t: number;
  domain: string;
  tags: string[];
  score: number;
}

const FIELDS = ['title', 'url', 'text', 'notes', 'tags', 'selectors', 'items'] as const;
const MIN_PREFIX = 3;
const WORD_SPLIT = /[\n\r\p{Z}\p{P}]+/u;

/**
 * The words to look for while the person is still typing: a last word of 1-2 letters after other
 * words is not searched yet ("studio m" searches "studio"), so the list narrows instead of
 * emptying at each new word.
 */
function wordsToSearch(text: string): string {
  const words = text.split(WORD_SPLIT).filter(Boolean);
  if (words.length > 1 && [...words.at(-1)!].length < MIN_PREFIX) words.pop();
  return words.join(' ');
}

const SEARCH_OPTIONS: SearchOptions = {
  boost: { title: 3, tags: 3, selectors: 3, notes: 2, url: 1.5, text: 1, items: 1 },
  // Results as you type: the last word is a prefix once it has 3 letters (a 1- or 2-letter prefix
  // matches most of the vocabulary: measured 0.5-1 s with 10,000 captures); longer words forgive a typo.
  prefix: (term, i, terms) => i === terms.length - 1 && term.length >= MIN_PREFIX,
  fuzzy: (term) => (term.length >= 6 ? 0.15 : false),
  maxFuzzy: 2,
  // Each word typed narrows the list.
  combineWith: 'AND',
};

const INDEX_OPTIONS: Options<SearchDoc> = {
  idField: 'id',
  fields: [...FIELDS],
  storeFields: ['caseId', 't', 'domain', 'tags'],
  processTerm: (term) => normalizeTerm(term) || null,
  extractField: (doc, field) => {
    const v = (doc as unknown as Record<string, unknown>)[field];
    // Tags are stored as a list but indexed as words.
    return field === 'tags' && Array.isArray(v) ? v : (v as string);
  },
  searchOptions: SEARCH_OPTIONS,
  // Discarded documents are cleaned up in the background in small batches.
  autoVacuum: { batchSize: 2000, batchWait: 20, minDirtCount: 50, minDirtFactor: 0.1 },
};

export function createCaptureIndex(): MiniSearch<SearchDoc> {
  return new MiniSearch<SearchDoc>(INDEX_OPTIONS);
}

/**
 * The words a selector is found by: its normalised value, the forms written on the page, and for
 * phone numbers those forms' digits run together ("06 12 34 56 78" is found by "0612345678",
 * "+33 6 12…" by "33612…").
 */
function selectorTerms(sel: Pick<SelectorRecord, 'kind' | 'value' | 'raw'>): string[] {
  const out = new Set([sel.value, ...sel.raw]);
  if (sel.kind === 'phone') for (const f of [sel.value, ...sel.raw]) out.add(f.replace(/\D/g, ''));
  return [...out].filter(Boolean);
}

/** The searchable document of a capture. */
export function captureDocument(
  c: CaptureRecord,
  text: string,
  notes: readonly string[],
  selectors: readonly string[] = [],
  items = '',
): SearchDoc {
  return {
    id: c.id,
    caseId: c.caseId,
    t: Date.parse(c.finishedAt) || 0,
    domain: domainOf(c.url),
    title: c.title,
    url: c.url,
    text: text.length > MAX_INDEXED_TEXT ? text.slice(0, MAX_INDEXED_TEXT) : text,
    notes: notes.join('\n'),
    tags: [...c.tags],
    selectors: selectors.join('\n'),
    items,
  };
}

/**
 * Captures matching `q`: by relevance when words are given, newest first otherwise (filters
 * alone). Scope, dates, domain and tag are filters on what the index stores.
 */
export function runSearch(index: MiniSearch<SearchDoc>, q: SearchQuery): SearchHit[] {
  const filter = (r: SearchResult) =>
    (!q.caseId || r.caseId === q.caseId) &&
    (q.from == null || (r.t as number) >= q.from) &&
    (q.to == null || (r.t as number) <= q.to) &&
    (!q.domain?.trim() || inDomain(String(r.domain ?? ''), q.domain)) &&
    (!q.tag || (Array.isArray(r.tags) && r.tags.includes(q.tag)));
  const words = wordsToSearch(q.text);
  const results = words ? index.search(words, { filter }) : index.search(MiniSearch.wildcard, { filter });
  const hits = results.map((r) => ({
    id: String(r.id),
    caseId: r.caseId as string,
    t: r.t as number,
    domain: r.domain as string,
    tags: (r.tags as string[]) ?? [],
    score: r.score,
  }));
  if (!words) hits.sort((a, b) => b.t - a.t);
  return hits;
}

interface Persisted {
  format: number;
  /** Highest revisedAt seen: captures revised at or after it are checked again. */
  watermark: string;
  /** Capture id -> its revisedAt when indexed ('' = never revised); "deleted:" prefix = left out. */
  revisions: Record<string, string>;
  index: unknown;
}

export interface CatchUpResult {
  added: number;
  updated: number;
  removed: number;
}

const decoder = new TextDecoder('utf-8', { fatal: false });
const BATCH = 100;

/** The index of this profile, with its catch-up and persistence. One per dashboard page. */
export class CaptureSearch {
  private constructor(
    private readonly db: HashmarkDb,
    private index: MiniSearch<SearchDoc>,
    private revisions: Map<string, string>,
    private watermark: string,
  ) {}

  /** Loads the stored index, or starts an empty one if there is none or it has an old format. */
  static async open(db: HashmarkDb): Promise<CaptureSearch> {
    const rec = await getSearchIndex(db, SEARCH_INDEX_ID);
    if (rec) {
      try {
        const p = JSON.parse(rec.json) as Persisted;
        if (p.format === SEARCH_FORMAT) {
          const index = MiniSearch.loadJS<SearchDoc>(p.index as Parameters<typeof MiniSearch.loadJS>[0], INDEX_OPTIONS);
          return new CaptureSearch(db, index, new Map(Object.entries(p.revisions)), p.watermark);
        }
      } catch (e) {
        // A damaged index is only a cache of the captures table: rebuild it.
        console.warn('hashmark: the stored search index could not be read; rebuilding it', e);
      }
    }
    return new CaptureSearch(db, createCaptureIndex(), new Map(), '');
  }

  /** Number of captures in the index. */
  get size(): number {
    return this.index.documentCount;
  }

  search(q: SearchQuery): SearchHit[] {
    return runSearch(this.index, q);
  }

  /** Domains of the indexed captures, most captured first (for the domain filter's suggestions). */
  domains(limit = 200): string[] {
    const counts = new Map<string, number>();
    for (const id of this.revisions.keys()) {
      const d = this.index.getStoredFields(id)?.domain;
      if (typeof d === 'string' && d) counts.set(d, (counts.get(d) ?? 0) + 1);
    }
    return [...counts.entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, limit)
      .map(([d]) => d);
  }

  /**
   * Brings the index up to date with the captures table (see the module comment). Yields to the
   * page between batches so typing stays responsive while thousands of captures are indexed.
   */
  async catchUp(onProgress?: (done: number, total: number) => void): Promise<CatchUpResult> {
    const db = this.db;
    const [ids, revised] = await Promise.all([
      db.captures.toCollection().primaryKeys() as Promise<string[]>,
      db.captures.where('revisedAt').aboveOrEqual(this.watermark).toArray(),
    ]);
    const present = new Set(ids);
    const todo = new Map<string, CaptureRecord | null>();
    for (const id of ids) if (!this.revisions.has(id)) todo.set(id, null);
    for (const c of revised) if (this.revisions.get(c.id) !== revisionOf(c)) todo.set(c.id, c);
    const result: CatchUpResult = { added: 0, updated: 0, removed: 0 };
    // Captures are never erased, but a profile can be reset under a stored index.
    for (const id of [...this.revisions.keys()]) {
      if (present.has(id)) continue;
      if (this.index.has(id)) this.index.discard(id);
      this.revisions.delete(id);
      result.removed++;
    }
    const queue = [...todo.keys()];
    let done = 0;
    for (let i = 0; i < queue.length; i += BATCH) {
      const batchIds = queue.slice(i, i + BATCH);
      const missing = batchIds.filter((id) => !todo.get(id));
      const loaded = missing.length ? await db.captures.bulkGet(missing) : [];
      const records = new Map<string, CaptureRecord>();
      loaded.forEach((c) => c && records.set(c.id, c));
      for (const id of batchIds) {
        const c = todo.get(id);
        if (c) records.set(id, c);
      }
      const live = [...records.values()].filter((c) => !c.deletedAt);
      const liveIds = live.map((c) => c.id);
      const [texts, notes, selectors, items] = await Promise.all([
        this.readTexts(live),
        this.readNotes(liveIds),
        this.readSelectors(liveIds),
        this.readItems(live),
      ]);
      for (const c of records.values()) {
        const had = this.index.has(c.id);
        if (had) this.index.discard(c.id);
        if (c.deletedAt) {
          if (had) result.removed++;
        } else {
          const doc = captureDocument(
            c,
            texts.get(c.id) ?? '',
            notes.get(c.id) ?? [],
            selectors.get(c.id) ?? [],
            items.get(c.id) ?? '',
          );
          this.index.add(doc);
          if (had) result.updated++;
          else result.added++;
        }
        this.revisions.set(c.id, revisionOf(c));
        if (c.revisedAt && c.revisedAt > this.watermark) this.watermark = c.revisedAt;
      }
      done += batchIds.length;
      onProgress?.(done, queue.length);
      // Let input events and rendering run between batches.
      if (i + BATCH < queue.length) await new Promise((r) => setTimeout(r, 0));
    }
    return result;
  }

  /**
   * Hands the index to `write` as one record (the caller stores it: utils/services/search-host.ts
   * puts it in IndexedDB; this room only reads the database).
   */
  async save(write: (rec: SearchIndexRecord) => Promise<void>, now: () => Date = () => new Date()): Promise<void> {
    const p: Persisted = {
      format: SEARCH_FORMAT,
      watermark: this.watermark,
      revisions: Object.fromEntries(this.revisions),
      index: this.index.toJSON(),
    };
    await write({ id: SEARCH_INDEX_ID, json: JSON.stringify(p), updatedAt: now().toISOString() });
  }

  private async readTexts(captures: CaptureRecord[]): Promise<Map<string, string>> {
    const wanted = captures
      .map((c) => ({ id: c.id, sha: c.artifacts.find((a) => a.path === 'text.txt')?.sha256 }))
      .filter((x): x is { id: string; sha: string } => !!x.sha);
    const blobs = await this.db.blobs.bulkGet(wanted.map((w) => w.sha));
    const out = new Map<string, string>();
    wanted.forEach((w, i) => {
      const b = blobs[i];
      // Decode at most what is indexed (4 bytes per character at worst).
      if (b) out.set(w.id, decoder.decode(b.data.subarray(0, MAX_INDEXED_TEXT * 4)));
    });
    return out;
  }

  /**
   * The words of each harvest's items, read a page at a time up to MAX_INDEXED_ITEMS characters
   * (the items themselves are never cut; only what search knows of a very long harvest is).
   */
  private async readItems(captures: CaptureRecord[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const c of captures) {
      if (!c.harvest?.items) continue;
      const parts: string[] = [];
      let chars = 0;
      for (let offset = 0; chars < MAX_INDEXED_ITEMS; offset += ITEMS_PAGE) {
        const page = await harvestItemsPage(this.db, c.id, offset, ITEMS_PAGE);
        for (const it of page) {
          const words = it.author ? `${it.author}\n${it.text}` : it.text;
          parts.push(words);
          chars += words.length + 1;
        }
        if (page.length < ITEMS_PAGE) break;
      }
      const all = parts.join('\n');
      out.set(c.id, all.length > MAX_INDEXED_ITEMS ? all.slice(0, MAX_INDEXED_ITEMS) : all);
    }
    return out;
  }

  /** Selectors are written with the capture, in its transaction: a new capture has them already. */
  private async readSelectors(captureIds: string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (captureIds.length === 0) return out;
    const rows: SelectorRecord[] = await this.db.selectors.where('captureId').anyOf(captureIds).toArray();
    for (const r of rows) {
      const list = out.get(r.captureId) ?? [];
      list.push(...selectorTerms(r));
      out.set(r.captureId, list);
    }
    return out;
  }

  private async readNotes(captureIds: string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (captureIds.length === 0) return out;
    const notes: NoteRecord[] = await this.db.notes.where('captureId').anyOf(captureIds).toArray();
    notes.sort((a, b) => a.at.localeCompare(b.at));
    for (const n of notes) {
      if (!n.captureId) continue;
      const list = out.get(n.captureId) ?? [];
      list.push(n.text);
      out.set(n.captureId, list);
    }
    return out;
  }
}

/** What the index remembers of a capture's state. */
function revisionOf(c: CaptureRecord): string {
  return (c.deletedAt ? 'deleted:' : '') + (c.revisedAt ?? '');
}
