/**
 * A harvest's items are searchable (issue 15): their authors and text are words of the capture's
 * document, so a word that is only in an item (not in the page's text at the start) finds the
 * capture, Arabic folded as everywhere else; other captures are not touched.
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { createDb, type HashmarkDb } from '@/utils/db';
import { CaptureSearch } from '@/utils/search/capture-index';
import { seedCapture, seedCase } from './search-seed';
import { seedHarvest } from './harvest-seed';

let db: HashmarkDb;
let k = 0;
beforeEach(async () => {
  db = createDb(`search-harvest-${++k}`);
  await db.open();
  await seedCase(db, 'c1');
});
afterEach(async () => {
  db.close();
  await db.delete();
});

test('a word of a harvested item finds its capture; the item author too', async () => {
  const other = await seedCapture(db, {
    caseId: 'c1',
    url: 'https://a.example/',
    title: 'Villa',
    text: 'piscine',
    minute: 1,
  });
  const h = await seedHarvest(db, {
    caseId: 'c1',
    id: 'h1',
    minute: 2,
    items: [
      { author: 'Amina Rahal', text: 'Transport disponible cette semaine' },
      { author: 'محمد العلي', text: '\u202bالرحلة يوم الجمعة ليلاً\u202c', depth: 1 },
      { author: 'Omar B', text: 'Crossing planned for Friday, zodiac waiting' },
    ],
  });
  const s = await CaptureSearch.open(db);
  expect(await s.catchUp()).toEqual({ added: 2, updated: 0, removed: 0 });
  const hits = (text: string) => s.search({ text }).map((x) => x.id);
  // The seeded page text is "page": these words exist only in the items.
  expect(hits('zodiac')).toEqual([h.id]);
  expect(hits('Rahal')).toEqual([h.id]);
  expect(hits('الجمعة')).toEqual([h.id]);
  expect(hits('piscine')).toEqual([other.id]);
  expect(hits('semaine transport')).toEqual([h.id]);
});
