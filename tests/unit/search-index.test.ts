import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { addNote, addTags, createDb, deleteCapture, putSearchIndex, type HashmarkDb } from '@/utils/db';
import {
  CaptureSearch,
  SEARCH_INDEX_ID,
  createCaptureIndex,
  captureDocument,
  runSearch,
} from '@/utils/search/capture-index';
import { domainOf, inDomain, normalizeTerm } from '@/utils/search/normalize';
import { localDayStart, toSearchQuery, EMPTY_SEARCH } from '@/utils/search/query';
import { at, seedCapture, seedCase } from './search-seed';

describe('normalizeTerm', () => {
  test.each([
    ['Réseau', 'reseau'],
    ['ŒUVRE', 'oeuvre'],
    ['مُحَمَّد', 'محمد'],
    ['أحمد', 'احمد'],
    ['إيجار', 'ايجار'],
    ['مدرسة', 'مدرسه'],
    ['مستشفى', 'مستشفي'],
    ['الـــدار', 'الدار'],
    ['٠٦١٢٣٤٥٦٧٨', '0612345678'],
    ['۰۶۱۲', '0612'],
  ])('%s -> %s', (input, out) => expect(normalizeTerm(input)).toBe(out));

  test('domains', () => {
    expect(domainOf('https://WWW.Annonces.example/x?y')).toBe('annonces.example');
    expect(domainOf('not a url')).toBe('');
    expect(inDomain('m.site.ma', 'site.ma')).toBe(true);
    expect(inDomain('evilsite.ma', 'site.ma')).toBe(false);
    expect(inDomain('site.ma', 'www.site.ma')).toBe(true);
  });
});

describe('search form', () => {
  test('dates are whole local days; scope becomes a case filter', () => {
    const q = toSearchQuery({ ...EMPTY_SEARCH, from: '2026-03-29', to: '2026-03-29', scope: 'case' }, 'c1');
    expect(q.caseId).toBe('c1');
    expect(q.from).toBe(new Date(2026, 2, 29).getTime());
    expect(q.to).toBe(new Date(2026, 2, 30).getTime() - 1);
    expect(toSearchQuery({ ...EMPTY_SEARCH, scope: 'all' }, 'c1').caseId).toBeNull();
    expect(localDayStart('2026-13-01')).toBeNull();
    expect(localDayStart('')).toBeNull();
  });
});

describe('runSearch on an in-memory index', () => {
  const docs = [
    {
      id: '1',
      caseId: 'A',
      finishedAt: at(1),
      url: 'https://annonces.example/marseille/t2-4471',
      title: 'Appartement T2 à louer – Marseille',
      text: 'Vendeur : Karim. Appelez le 06 12 34 56 78',
      tags: ['logement'],
    },
    {
      id: '2',
      caseId: 'A',
      finishedAt: at(2),
      url: 'https://m.souk.ma/ad/99',
      title: 'شقة للكراء في الدار البيضاء',
      text: 'اتصل على ٠٦١٢٣٤٥٦٧٨ سري: الدفع نقدًا فقط',
      tags: ['عاجل'],
    },
    {
      id: '3',
      caseId: 'B',
      finishedAt: at(3),
      url: 'https://annonces.example/lyon/studio',
      title: 'Studio Lyon',
      text: 'Réseau de location meublée',
      tags: [],
    },
  ];
  const index = createCaptureIndex();
  index.addAll(
    docs.map((d) =>
      captureDocument(
        {
          ...d,
          startedAt: d.finishedAt,
          sequence: 1,
          captureJson: { sha256: '', sha512: '', bytes: 0 },
          artifacts: [],
          limitations: [],
          status: 'stored',
        },
        d.text,
        d.id === '3' ? ['Propriétaire contacté par téléphone'] : [],
      ),
    ),
  );
  const ids = (q: Parameters<typeof runSearch>[1]) => runSearch(index, q).map((h) => h.id);

  test('title, URL, text, notes and tags, accent- and case-folded, prefix as you type', () => {
    expect(ids({ text: 'marseille' })).toEqual(['1']);
    expect(ids({ text: 'mars' })).toEqual(['1']);
    expect(ids({ text: 't2' })).toEqual(['1']);
    expect(ids({ text: 'reseau' })).toEqual(['3']);
    expect(ids({ text: 'proprietaire' })).toEqual(['3']);
    expect(ids({ text: 'logement' })).toEqual(['1']);
    expect(ids({ text: 'عاجل' })).toEqual(['2']);
    expect(ids({ text: 'الدار' })).toEqual(['2']);
    expect(ids({ text: '0612345678' })).toEqual(['2']);
  });

  test('each word narrows (AND); a typo in a long word is forgiven', () => {
    expect(ids({ text: 'annonces' }).sort()).toEqual(['1', '3']);
    expect(ids({ text: 'annonces lyon' })).toEqual(['3']);
    expect(ids({ text: 'appartemant' })).toEqual(['1']);
  });

  test('filters: case, dates, domain (with subdomains), tag; filters alone list newest first', () => {
    expect(ids({ text: 'annonces', caseId: 'A' })).toEqual(['1']);
    expect(ids({ text: '', domain: 'souk.ma' })).toEqual(['2']);
    expect(ids({ text: '', domain: 'annonces.example' })).toEqual(['3', '1']);
    expect(ids({ text: '', from: Date.parse(at(2)), to: Date.parse(at(2)) })).toEqual(['2']);
    expect(ids({ text: '', tag: 'logement' })).toEqual(['1']);
    expect(ids({ text: 'annonces', tag: 'عاجل' })).toEqual([]);
  });
});

describe('CaptureSearch: persisted, caught up from the captures table', () => {
  let db: HashmarkDb;
  let k = 0;
  beforeEach(async () => {
    db = createDb(`search-${++k}`);
    await db.open();
    await seedCase(db, 'c1');
  });
  afterEach(async () => {
    db.close();
    await db.delete();
  });
  const hits = (s: CaptureSearch, text: string) => s.search({ text }).map((h) => h.id);

  test('indexes what is stored, saves, and reopens without re-indexing', async () => {
    const a = await seedCapture(db, {
      caseId: 'c1',
      url: 'https://a.example/',
      title: 'Villa Agadir',
      text: 'piscine vue mer',
      minute: 1,
    });
    const s = await CaptureSearch.open(db);
    const progress: number[] = [];
    expect(await s.catchUp((d) => progress.push(d))).toEqual({ added: 1, updated: 0, removed: 0 });
    expect(progress).toEqual([1]);
    expect(hits(s, 'piscine')).toEqual([a.id]);
    await s.save((rec) => putSearchIndex(db, rec));
    expect(await db.searchIndex.get(SEARCH_INDEX_ID)).toBeDefined();

    const again = await CaptureSearch.open(db);
    expect(again.size).toBe(1);
    expect(await again.catchUp()).toEqual({ added: 0, updated: 0, removed: 0 });
    expect(hits(again, 'agadir')).toEqual([a.id]);
  });

  test('captures, tags, notes and deletions made while the dashboard was closed are caught up on open', async () => {
    const a = await seedCapture(db, {
      caseId: 'c1',
      url: 'https://a.example/',
      title: 'Villa Agadir',
      text: 'piscine',
      minute: 1,
    });
    const s = await CaptureSearch.open(db);
    await s.catchUp();
    await s.save((rec) => putSearchIndex(db, rec));

    // "Dashboard closed": the worker stores a capture, the popup tags and notes, a capture is deleted.
    const b = await seedCapture(db, {
      caseId: 'c1',
      url: 'https://b.example/',
      title: 'Riad Fès',
      text: 'terrasse',
      minute: 2,
    });
    const c = await seedCapture(db, {
      caseId: 'c1',
      url: 'https://c.example/',
      title: 'Studio Rabat',
      text: 'meublé',
      minute: 3,
    });
    await addTags(db, { captureIds: [a.id], tags: ['prioritaire'], at: at(4) });
    await addNote(db, { id: 'n1', caseId: 'c1', captureId: b.id, text: 'même numéro que la villa', at: at(5) });
    await deleteCapture(db, { captureId: c.id, reason: 'doublon', at: at(6) });

    const reopened = await CaptureSearch.open(db);
    const r = await reopened.catchUp();
    expect(r).toEqual({ added: 1, updated: 1, removed: 0 });
    expect(hits(reopened, 'prioritaire')).toEqual([a.id]);
    expect(hits(reopened, 'numero villa')).toEqual([b.id]);
    expect(hits(reopened, 'studio')).toEqual([]);
    expect(reopened.domains().sort()).toEqual(['a.example', 'b.example']);

    // A deletion after indexing removes it; a second catch-up has nothing to do.
    await deleteCapture(db, { captureId: b.id, reason: 'hors sujet', at: at(7) });
    expect(await reopened.catchUp()).toEqual({ added: 0, updated: 0, removed: 1 });
    expect(hits(reopened, 'terrasse')).toEqual([]);
    expect(await reopened.catchUp()).toEqual({ added: 0, updated: 0, removed: 0 });
  });

  test('selectors found in a capture are searchable in the forms people type', async () => {
    const a = await seedCapture(db, {
      caseId: 'c1',
      url: 'https://a.example/',
      title: 'Annonce',
      text: 'Appelez le 06 12 34 56 78',
      minute: 1,
    });
    await db.selectors.bulkAdd([
      { caseId: 'c1', captureId: a.id, kind: 'phone', value: '+33612345678', raw: ['06 12 34 56 78'] },
      { caseId: 'c1', captureId: a.id, kind: 'email', value: 'karim.loc@example.com', raw: ['Karim.Loc@example.com'] },
    ]);
    const s = await CaptureSearch.open(db);
    await s.catchUp();
    expect(hits(s, '0612345678')).toEqual([a.id]);
    expect(hits(s, '+33612345678')).toEqual([a.id]);
    expect(hits(s, '336123')).toEqual([a.id]);
    expect(hits(s, 'karim.loc@example.com')).toEqual([a.id]);
  });

  test('an index of an older format is rebuilt', async () => {
    const a = await seedCapture(db, { caseId: 'c1', url: 'https://a.example/', title: 'Villa', text: 'x', minute: 1 });
    await db.searchIndex.put({
      id: SEARCH_INDEX_ID,
      json: JSON.stringify({ format: 1, watermark: '', revisions: { [a.id]: '' }, index: {} }),
      updatedAt: at(2),
    });
    const s = await CaptureSearch.open(db);
    expect((await s.catchUp()).added).toBe(1);
  });

  test('a damaged stored index is rebuilt rather than trusted', async () => {
    const a = await seedCapture(db, { caseId: 'c1', url: 'https://a.example/', title: 'Villa', text: 'x', minute: 1 });
    await db.searchIndex.put({ id: SEARCH_INDEX_ID, json: '{"format":1,"index":', updatedAt: at(2) });
    const s = await CaptureSearch.open(db);
    expect(s.size).toBe(0);
    expect((await s.catchUp()).added).toBe(1);
    expect(hits(s, 'villa')).toEqual([a.id]);
  });
});
