import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  addNote,
  addTags,
  allCaptures,
  captureCustody,
  captureNotes,
  caseNotes,
  createDb,
  custodyLines,
  deleteCapture,
  getSettings,
  listCaptures,
  normalizeTag,
  removeTags,
  renameCase,
  setCaseStatus,
  storageStatus,
  updateSettings,
  type HashmarkDb,
} from '@/utils/db';
import { verifyCustodyChain } from '@/utils/evidence/custody-log';
import { caseSummaries, listCaptureIds, tagsInUse } from '@/utils/search/capture-list';
import { at, seedCapture, seedCase } from '../search-seed';

/** The dashboard's database actions: each one transaction, each change a custody event, nothing erased. */
let db: HashmarkDb;
let k = 0;
beforeEach(async () => {
  db = createDb(`dash-${++k}`);
  await db.open();
});
afterEach(async () => {
  db.close();
  await db.delete();
});

const details = (line: string) => JSON.parse(line).details as Record<string, unknown>;
async function chainOk(caseId: string) {
  const lines = await custodyLines(db, caseId);
  return verifyCustodyChain(lines.map((l) => l.line + '\n').join(''));
}

async function twoCaptures() {
  await seedCase(db, 'c1');
  const a = await seedCapture(db, { caseId: 'c1', url: 'https://a.example/1', title: 'A', text: 'alpha', minute: 1 });
  const b = await seedCapture(db, { caseId: 'c1', url: 'https://b.example/2', title: 'B', text: 'beta', minute: 2 });
  return { a, b };
}

describe('tags', () => {
  test('bulk add: one tag.added per capture that gained a tag, naming only what it gained', async () => {
    const { a, b } = await twoCaptures();
    await addTags(db, { captureIds: [a.id], tags: ['vu'], at: at(3) });
    const changed = await addTags(db, { captureIds: [a.id, b.id], tags: [' vu ', 'Marseille  nord'], at: at(4) });
    expect(changed).toBe(2);
    expect((await db.captures.get(a.id))!.tags).toEqual(['vu', 'Marseille nord']);
    expect((await db.captures.get(b.id))!.tags).toEqual(['vu', 'Marseille nord']);
    const ev = (await custodyLines(db, 'c1')).filter((l) => l.type === 'tag.added');
    expect(ev.map((e) => [e.captureId, details(e.line).tags])).toEqual([
      [a.id, ['vu']],
      [a.id, ['Marseille nord']],
      [b.id, ['vu', 'Marseille nord']],
    ]);
    expect((await db.captures.get(a.id))!.revisedAt).toBe(at(4));
    expect(await tagsInUse(db, 'fr')).toEqual(['Marseille nord', 'vu']);
    expect((await chainOk('c1')).ok).toBe(true);
  });

  test('remove logs tag.removed only where the tag was', async () => {
    const { a, b } = await twoCaptures();
    await addTags(db, { captureIds: [a.id], tags: ['x'], at: at(3) });
    expect(await removeTags(db, { captureIds: [a.id, b.id], tags: ['x'], at: at(4) })).toBe(1);
    expect((await db.captures.get(a.id))!.tags).toEqual([]);
    const removed = (await custodyLines(db, 'c1')).filter((l) => l.type === 'tag.removed');
    expect(removed.map((e) => e.captureId)).toEqual([a.id]);
  });

  test('bad tags are refused with a sentence, and a failing bulk change writes nothing', async () => {
    const { a } = await twoCaptures();
    expect(() => normalizeTag('   ')).toThrow(/empty/);
    expect(() => normalizeTag('x'.repeat(65))).toThrow(/at most 64/);
    expect(() => normalizeTag('a\u202eb')).toThrow(/control/);
    expect(normalizeTag('Cafe\u0301')).toBe('Café');
    const before = (await custodyLines(db, 'c1')).length;
    await expect(addTags(db, { captureIds: [a.id, 'missing'], tags: ['t'], at: at(3) })).rejects.toThrow(/No capture/);
    expect((await db.captures.get(a.id))!.tags).toEqual([]);
    expect((await custodyLines(db, 'c1')).length).toBe(before);
  });
});

describe('notes', () => {
  test('a note on a capture is stored and logged as note.added with its full text', async () => {
    const { a } = await twoCaptures();
    await updateSettings(db, { investigatorName: 'Brigadière Martin', investigatorUnit: 'OCRTEH' });
    const note = await addNote(db, {
      id: 'n1',
      caseId: 'c1',
      captureId: a.id,
      text: '  Numéro vu aussi\r\nsur ad-ar  ',
      at: at(5),
    });
    expect(note.text).toBe('Numéro vu aussi\nsur ad-ar');
    expect(note.author).toBe('Brigadière Martin, OCRTEH');
    expect((await captureNotes(db, a.id)).map((n) => n.id)).toEqual(['n1']);
    const ev = (await captureCustody(db, a.id)).at(-1)!;
    expect(ev.type).toBe('note.added');
    expect(details(ev.line)).toEqual({ noteId: 'n1', sequence: a.sequence, text: 'Numéro vu aussi\nsur ad-ar' });
    expect(JSON.parse(ev.line).actor).toBe('Brigadière Martin, OCRTEH');
    expect((await db.captures.get(a.id))!.revisedAt).toBe(at(5));
    expect((await chainOk('c1')).ok).toBe(true);
  });

  test('case notes; empty notes and notes on another case’s capture are refused', async () => {
    const { a } = await twoCaptures();
    await seedCase(db, 'c2');
    await addNote(db, { id: 'n0', caseId: 'c1', captureId: null, text: 'Suspect network', at: at(6) });
    expect((await caseNotes(db, 'c1')).map((n) => n.text)).toEqual(['Suspect network']);
    await expect(addNote(db, { id: 'n2', caseId: 'c1', captureId: a.id, text: ' \n ', at: at(6) })).rejects.toThrow(
      /cannot be empty/,
    );
    await expect(addNote(db, { id: 'n3', caseId: 'c2', captureId: a.id, text: 'x', at: at(6) })).rejects.toThrow(
      /another case/,
    );
    expect(await db.notes.count()).toBe(1);
  });
});

describe('soft delete', () => {
  test('the capture leaves lists and exports; the log keeps capture.deleted with the reason; bytes stay', async () => {
    const { a, b } = await twoCaptures();
    const blobs = await db.blobs.count();
    await deleteCapture(db, { captureId: a.id, reason: 'Capturée dans la mauvaise affaire', at: at(7) });
    expect((await listCaptures(db, 'c1', 50)).map((c) => c.id)).toEqual([b.id]);
    expect((await allCaptures(db, 'c1')).map((c) => c.id)).toEqual([b.id]);
    expect(await listCaptureIds(db, 'c1')).toEqual([b.id]);
    expect(await listCaptureIds(db, null)).toEqual([b.id]);
    expect((await caseSummaries(db)).get('c1')!.captures).toBe(1);
    expect(await db.blobs.count()).toBe(blobs);
    const rec = (await db.captures.get(a.id))!;
    expect(rec.deleteReason).toBe('Capturée dans la mauvaise affaire');
    const ev = (await custodyLines(db, 'c1')).at(-1)!;
    expect(ev.type).toBe('capture.deleted');
    expect(details(ev.line)).toMatchObject({
      sequence: a.sequence,
      reason: 'Capturée dans la mauvaise affaire',
      captureJsonSha256: a.captureJson.sha256,
    });
    // Every earlier event is still there and the chain still verifies.
    expect((await custodyLines(db, 'c1')).map((l) => l.type).filter((t) => t === 'capture.stored')).toHaveLength(2);
    expect((await chainOk('c1')).ok).toBe(true);
  });

  test('the newest-N list counts only live captures (the limit applies after leaving deleted ones out)', async () => {
    const { a, b } = await twoCaptures();
    await deleteCapture(db, { captureId: b.id, reason: 'doublon', at: at(7) });
    expect((await listCaptures(db, 'c1', 1)).map((c) => c.id)).toEqual([a.id]);
  });

  test('a reason is required; a deleted capture cannot be deleted, tagged or noted again', async () => {
    const { a } = await twoCaptures();
    await expect(deleteCapture(db, { captureId: a.id, reason: '  ', at: at(7) })).rejects.toThrow(
      /reason cannot be empty/i,
    );
    await deleteCapture(db, { captureId: a.id, reason: 'doublon', at: at(7) });
    await expect(deleteCapture(db, { captureId: a.id, reason: 'again', at: at(8) })).rejects.toThrow(/was deleted/);
    await expect(addTags(db, { captureIds: [a.id], tags: ['x'], at: at(8) })).rejects.toThrow(/was deleted/);
    await expect(addNote(db, { id: 'n', caseId: 'c1', captureId: a.id, text: 'x', at: at(8) })).rejects.toThrow(
      /was deleted/,
    );
  });
});

describe('cases', () => {
  test('rename and close/reopen are custody events; a no-op logs nothing', async () => {
    await seedCase(db, 'c1', 'Old name');
    await renameCase(db, { caseId: 'c1', name: '  Réseau Nord ', at: at(2) });
    await renameCase(db, { caseId: 'c1', name: 'Réseau Nord', at: at(3) });
    await setCaseStatus(db, { caseId: 'c1', status: 'closed', at: at(4) });
    await setCaseStatus(db, { caseId: 'c1', status: 'closed', at: at(5) });
    await setCaseStatus(db, { caseId: 'c1', status: 'open', at: at(6) });
    const lines = await custodyLines(db, 'c1');
    expect(lines.map((l) => l.type)).toEqual(['case.created', 'case.renamed', 'case.closed', 'case.reopened']);
    expect(details(lines[1]!.line)).toEqual({ from: 'Old name', to: 'Réseau Nord' });
    expect((await db.cases.get('c1'))!).toMatchObject({ name: 'Réseau Nord', status: 'open', updatedAt: at(6) });
    await expect(renameCase(db, { caseId: 'c1', name: ' ', at: at(7) })).rejects.toThrow(/needs a name/);
  });

  test('summaries count live captures and their bytes; ids list newest first', async () => {
    const { a, b } = await twoCaptures();
    const s = (await caseSummaries(db)).get('c1')!;
    const bytes = (c: typeof a) => c.captureJson.bytes + c.artifacts.reduce((n, x) => n + x.bytes, 0);
    expect(s).toEqual({ captures: 2, bytes: bytes(a) + bytes(b), lastCapture: b.finishedAt });
    expect(await listCaptureIds(db, 'c1')).toEqual([b.id, a.id]);
  });
});

describe('settings and storage', () => {
  test('new settings fields have defaults, also for a record saved before they existed', async () => {
    await db.settings.put({
      id: 'profile',
      activeCaseId: null,
      investigatorName: 'X',
      investigatorUnit: '',
      organization: '',
    } as never);
    const s = await getSettings(db);
    expect(s).toMatchObject({
      investigatorName: 'X',
      tsaUrl: '',
      language: 'auto',
      defaultRegion: '',
      fastScreenshots: false,
    });
    await updateSettings(db, { language: 'ar' });
    expect((await getSettings(db)).language).toBe('ar');
  });

  test('storageStatus reports what the browser says, and null where it says nothing', async () => {
    expect(
      await storageStatus({ estimate: async () => ({ usage: 10, quota: 100 }), persisted: async () => true }),
    ).toEqual({ usage: 10, quota: 100, persisted: true });
    expect(
      await storageStatus({ estimate: () => Promise.reject(new Error('x')), persisted: async () => false }),
    ).toEqual({ usage: null, quota: null, persisted: false });
    expect(await storageStatus(undefined)).toEqual({ usage: null, quota: null, persisted: null });
  });
});
