import Dexie from 'dexie';
import type { CaptureRecord, HarvestItemRecord, HarvestStepRecord, HashmarkDb } from '@/utils/db';
import { digestBoth, utf8 } from '@/utils/evidence/hash';
import { collectItem } from '@/utils/harvest/items';
import type { PageItem } from '@/utils/harvest/step-types';
import { at, seedCapture } from './search-seed';

/**
 * Test data for the harvest views and search: a stored capture made a harvest, with items built
 * by the real collectItem (so their lines are what a harvest stores) and one step screenshot.
 * Written straight to the tables: these tests read what a harvest leaves, they do not harvest.
 */

/**
 * harvestItemsPage bounds its range with [id, Dexie.maxKey, Dexie.maxKey]: the same array object
 * twice in one key. Chromium and Firefox accept it; fake-indexeddb follows the IndexedDB spec's
 * "seen" set to the letter and refuses it (DataError). A fresh [[]] at each read (the same value)
 * lets these tests read items through the real repository function.
 */
Object.defineProperty(Dexie, 'maxKey', { configurable: true, get: () => [[]] });

export interface SeedItem {
  author: string | null;
  text: string;
  depth?: number;
  shown?: string | null;
  machine?: string | null;
  permalink?: string | null;
  rect?: PageItem['rect'];
}

const page = (s: SeedItem, i: number): PageItem => ({
  key: `id:data-id=${i}`,
  keySource: 'attribute',
  parentKey: null,
  depth: s.depth ?? 0,
  permalink: s.permalink ?? null,
  author: { name: s.author, url: s.author ? `https://social.example/${encodeURIComponent(s.author)}` : null },
  time: { shown: s.shown ?? null, machine: s.machine ?? null, source: s.machine ? 'datetime' : null },
  text: s.text,
  textSource: 'selector',
  links: [],
  media: [],
  counts: {},
  replyTo: null,
  posinset: null,
  html: `<article>${i}</article>`,
  htmlTruncated: false,
  rect: s.rect ?? null,
  expansionFailed: [],
});

/**
 * A harvest capture of `items` (given in page order, stored in reverse collection order so the
 * view must sort by position), with capture.json holding `report` and a viewport 1280 px wide.
 */
export async function seedHarvest(
  db: HashmarkDb,
  o: { caseId: string; id: string; items: SeedItem[]; minute?: number; report?: Record<string, unknown> },
): Promise<CaptureRecord> {
  const base = await seedCapture(db, {
    caseId: o.caseId,
    id: o.id,
    url: 'https://social.example/groups/1',
    title: 'Groupe',
    text: 'page',
    minute: o.minute ?? 1,
  });
  const cj0 = { kind: 'harvest', browser: { viewport: { width: 1280, height: 800 } }, harvest: { report: o.report } };
  const cjBytes = utf8(JSON.stringify(cj0));
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 7]);
  const [cj, shot] = await Promise.all([digestBoth(cjBytes), digestBoth(png)]);
  const screenshot = {
    path: 'steps/0000.png',
    mediaType: 'image/png',
    bytes: png.byteLength,
    ...shot,
    method: 'captureVisibleTab',
    role: 'original' as const,
  };
  const rows: HarvestItemRecord[] = [];
  const n = o.items.length;
  for (let i = 0; i < n; i++) {
    const seq = n - 1 - i;
    const c = await collectItem(page(o.items[i]!, i), { seq, position: i, step: 0, at: at(1) });
    const html = await digestBoth(utf8(c.html));
    rows.push({
      captureId: o.id,
      caseId: o.caseId,
      seq,
      position: i,
      step: 0,
      line: c.line,
      lineSha256: c.lineSha256,
      html: {
        path: `items/${String(seq + 1).padStart(6, '0')}.html`,
        mediaType: 'text/html',
        bytes: 1,
        ...html,
        method: 'harvest:outerHTML',
        role: 'original',
      },
      author: c.item.author.name,
      timeShown: c.item.time.shown,
      timeMachine: c.item.time.machine,
      text: c.item.text,
      selectors: [],
    });
  }
  const step: HarvestStepRecord = {
    captureId: o.id,
    step: 0,
    at: at(1),
    screenshot,
    scroll: { pane: 'window', before: 0, after: 0, height: 4000, viewport: 800 },
  };
  const harvest = { items: n, steps: 1, stopReason: 'max-items', complete: false, definition: 'generic' };
  const captureJson = { sha256: cj.sha256, sha512: cj.sha512, bytes: cjBytes.byteLength };
  const record: CaptureRecord = { ...base, harvest, captureJson };
  await db.blobs.bulkPut([
    { sha256: cj.sha256, data: cjBytes, size: cjBytes.byteLength },
    { sha256: shot.sha256, data: png, size: png.byteLength },
  ]);
  await db.harvestSteps.put(step);
  await db.harvestItems.bulkPut(rows);
  await db.captures.put(record);
  return record;
}
