import 'fake-indexeddb/auto';
import JSZip from 'jszip';
import { describe, expect, test } from 'vitest';
import {
  addWatch,
  attachReportThumbnail,
  custodyLines,
  logCustody,
  recordWatchHit,
  removeWatch,
  type CaptureRecord,
  type HashmarkDb,
  type KeyRecord,
} from '@/utils/db';
import { digestBoth, sha256Hex, utf8 } from '@/utils/evidence/hash';
import { makeThumbnail, toBase64 } from '@/utils/image/thumbnail';
import { verifyDer } from '@/utils/evidence/signing';
import { cacheStoredThumbnail } from '@/utils/services/capture-commit';
import { VIEWPORT_SCREENSHOT } from '@/utils/evidence/types';
import { IntegrityError, captureFolder, partBagName, type PackagePart } from '@/utils/package/export-case';
import { beginExport, buildCasePackage, type ExportJobOptions as ExportOptions } from '@/utils/services/export-job';
import { verifyGroup, verifyPackage } from '@/utils/package/verify';
import {
  at,
  EXPORT_SOFTWARE as SOFTWARE,
  makePng,
  noise,
  noisyPng,
  seedCase,
  storeCapture,
} from '../helpers/export-fixture';
import { withSigningKey } from '../helpers/signing-fixture';
import { withBytes, type BagBytes } from '../helpers/bag-fixture';

type Part = BagBytes<PackagePart>;

/**
 * The real export function over a real (fake-indexeddb) database: what the export page runs,
 * minus the downloads API. Captures are stored through the database module as the pipeline does.
 */
let db: HashmarkDb;
let key: KeyRecord;
withSigningKey('export', (d, k) => {
  db = d;
  key = k;
});

const NOW = new Date(at(1000));
const EXPORT_ID = '6a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d';

function options(exportId: string, extra: Partial<ExportOptions> = {}): ExportOptions {
  return { db, key, now: NOW, exportId, software: SOFTWARE, ...extra };
}

/** beginExport (export.started) then every part, as the export page does (minus saving). */
async function exportAll(
  caseId: string,
  begin: Pick<Parameters<typeof beginExport>[1], 'ceiling' | 'lang'> = {},
): Promise<Part[]> {
  const { exportId } = await beginExport(caseId, { db, key, now: NOW, ...begin });
  const parts: Part[] = [];
  for await (const p of buildCasePackage(caseId, options(exportId))) parts.push(await withBytes(p));
  return parts;
}

async function files(zip: Uint8Array): Promise<Map<string, Uint8Array>> {
  const z = await JSZip.loadAsync(zip);
  const out = new Map<string, Uint8Array>();
  for (const f of Object.values(z.files))
    if (!f.dir) out.set(f.name.slice(f.name.indexOf('/') + 1), await f.async('uint8array'));
  return out;
}
// ignoreBOM: keep the CSV files' byte order mark in the decoded text.
const text = (b: Uint8Array | undefined): string => new TextDecoder('utf-8', { ignoreBOM: true }).decode(b);
const failures = (r: Awaited<ReturnType<typeof verifyPackage>>) =>
  r.checks.filter((c) => !c.ok).map((c) => `${c.id}: ${c.message}`);

async function seedCaptures(
  count: number,
  spec: (i: number) => Parameters<typeof storeCapture>[2] = () => ({}),
): Promise<{ caseId: string; captures: CaptureRecord[] }> {
  const caseId = await seedCase(db);
  const captures: CaptureRecord[] = [];
  for (let i = 0; i < count; i++) captures.push(await storeCapture(db, caseId, spec(i), 10 + i * 10));
  return { caseId, captures };
}

describe('buildCasePackage: one package', () => {
  test('exports a signed package that verifies, with case.json, report, tables and the custody log ending at export.started', async () => {
    const { caseId, captures } = await seedCaptures(3, (i) =>
      i === 1
        ? {
            title: 'Studio – 06 12 34 56 78',
            tags: ['=HYPERLINK("x")', 'annonce'],
            selectors: [{ kind: 'phone', value: '+33612345678', raw: ['06 12 34 56 78'] }],
          }
        : {},
    );
    const parts = await exportAll(caseId);
    expect(parts).toHaveLength(1);
    const [p] = parts as [Part];
    expect(p.parts).toBe(1);
    expect(p.bagCount).toBeNull();
    expect(p.zipName).toBe(`reseau-marseille-annonces-20261127T121640Z.zip`);
    expect(p.captureIds).toEqual(captures.map((c) => c.id));
    const r = await verifyPackage(p.zip, { keyFingerprint: key.fingerprint });
    expect(failures(r)).toEqual([]);
    expect(r.group).toBeNull();
    expect(r.captures).toBe(3);

    const f = await files(p.zip);
    const caseJson = JSON.parse(text(f.get('data/case.json')));
    expect(caseJson.export).toMatchObject({ part: 1, parts: 1, bagNames: [p.bagName] });
    expect(caseJson.export.id).toBe(p.exportId);
    expect(caseJson.captures.map((c: { part: number }) => c.part)).toEqual([1, 1, 1]);
    expect(caseJson.exported).toBe(NOW.toISOString());

    const events = text(f.get('data/custody/events.jsonl'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events.at(-1)).toMatchObject({ type: 'export.started', details: { exportId: p.exportId } });

    const report = text(f.get('data/report.html'));
    expect(report).not.toMatch(/<script/i);
    expect(report).toContain('Studio – 06 12 34 56 78');
    expect(report).toContain(key.fingerprint);
    expect(report.match(/<img src="data:image\/png;base64,/g)).toHaveLength(3);
    for (const c of captures) expect(report).toContain(c.captureJson.sha256);

    const csv = text(f.get('data/captures.csv'));
    expect(csv.startsWith('\ufeffsequence,capture_id,')).toBe(true);
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(4);
    // Then the network columns (issue 21), empty: these captures recorded no network facts.
    expect(csv).toContain(`,"'=HYPERLINK(""x""); annonce",PV-2026-118-0002,,,,,,,,,,,,\r\n`);
    const sel = text(f.get('data/selectors.csv'));
    expect(sel).toBe(
      `\ufeffvalue,kind,normalised,raw_forms,capture_ids\r\n+33612345678,phone,+33612345678,"[""06 12 34 56 78""]","[""${captures[1]!.id}""]"\r\n`,
    );
    expect(text(f.get('VERIFY.txt'))).toContain('data/report.html');
    expect(text(f.get('VERIFY.txt'))).not.toContain('PART 1 OF');
  });

  test('an empty case exports one package with the table headers and a report', async () => {
    const caseId = await seedCase(db);
    const [p] = await exportAll(caseId);
    const f = await files(p!.zip);
    expect(text(f.get('data/selectors.csv'))).toBe('\ufeffvalue,kind,normalised,raw_forms,capture_ids\r\n');
    expect(text(f.get('data/captures.csv')).split('\r\n')).toHaveLength(2);
    expect(text(f.get('data/report.html'))).toContain('This case has no captures.');
    expect(failures(await verifyPackage(p!.zip))).toEqual([]);
  });

  test('watch-list events (added, a sighting, removed) go into the package custody log, which verifies', async () => {
    const { caseId } = await seedCaptures(1);
    await addWatch(db, { id: 'w1', caseId, kind: 'phone', value: '+33612345678', typed: '06 12 34 56 78', at: at(20) });
    const details = {
      watchId: 'w1',
      kind: 'phone' as const,
      value: '+33612345678',
      matched: '+33612345678',
      matchedKind: 'phone',
      url: 'https://annonces.example/7',
      tabId: 3,
      loadId: 'l1',
    };
    expect(await recordWatchHit(db, { details, at: at(21) })).not.toBeNull();
    await removeWatch(db, { watchId: 'w1', at: at(22) });
    const [p] = await exportAll(caseId);
    expect(failures(await verifyPackage(p!.zip, { keyFingerprint: key.fingerprint }))).toEqual([]);
    const events = text((await files(p!.zip)).get('data/custody/events.jsonl'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['watch.added', 'watch.hit', 'watch.removed']));
    expect(events.find((e) => e.type === 'watch.hit').details).toEqual(details);
  });
});

describe('reproducible export', () => {
  test('the same stored case with the same export id and clock gives byte-identical payload and manifests; only the signature differs', async () => {
    const { caseId } = await seedCaptures(3, (i) => ({ tags: [`t${i}`] }));
    const { exportId } = await beginExport(caseId, { db, key, now: NOW, lang: 'fr' });
    const build = async (): Promise<Part[]> => {
      const out: Part[] = [];
      for await (const p of buildCasePackage(caseId, options(exportId))) out.push(await withBytes(p));
      return out;
    };
    const [a] = await build();
    // Activity after the export started is not part of it: the second build must not see it.
    await logCustody(db, { caseId, type: 'note.added', at: at(2000), details: { text: 'later' } });
    const [b] = await build();
    const fa = await files(a!.zip);
    const fb = await files(b!.zip);
    expect([...fb.keys()]).toEqual([...fa.keys()]);
    const differing = [...fa.keys()].filter((k) => !Buffer.from(fa.get(k)!).equals(Buffer.from(fb.get(k)!)));
    // ECDSA signatures are randomised (WebCrypto offers no deterministic RFC 6979 signing).
    expect(differing).toEqual(['signature/tagmanifest-sha256.txt.sig']);
    expect(b!.tagManifestSha256).toBe(a!.tagManifestSha256);
    expect(b!.payloadOxum).toBe(a!.payloadOxum);
    for (const x of [a!, b!]) {
      const f = await files(x.zip);
      expect(
        await verifyDer(key.spkiDer, f.get('signature/tagmanifest-sha256.txt.sig')!, f.get('tagmanifest-sha256.txt')!),
      ).toBe(true);
    }
  });
});

describe('report thumbnails kept at capture time', () => {
  test('an export uses the kept thumbnail when it was made from the same screenshot, and remakes it when the kept one is damaged', async () => {
    const { caseId, captures } = await seedCaptures(1, () => ({ screenshot: noisyPng(400, 300, 7) }));
    const c = captures[0]!;
    const shot = c.artifacts.find((a) => a.path === 'screenshot-viewport.png')!;
    const made = await makeThumbnail(noisyPng(400, 300, 7));
    const reportOf = async () => text((await files((await exportAll(caseId))[0]!.zip)).get('data/report.html'));
    const withoutCache = await reportOf();
    expect(withoutCache).toContain(toBase64(made.png));

    // A kept thumbnail is what the report shows (a recognisable stand-in proves it is read).
    const standIn = (await makeThumbnail(noisyPng(40, 30, 99))).png;
    await attachReportThumbnail(db, {
      captureId: c.id,
      png: standIn,
      thumbnail: { sha256: await sha256Hex(standIn), width: 40, height: 30, source: shot.sha256 },
    });
    expect(await reportOf()).toContain(toBase64(standIn));

    // Kept for another screenshot: ignored.
    await attachReportThumbnail(db, {
      captureId: c.id,
      png: standIn,
      thumbnail: { sha256: await sha256Hex(standIn), width: 40, height: 30, source: 'f'.repeat(64) },
    });
    expect(await reportOf()).toContain(toBase64(made.png));

    // Damaged in storage: remade from the screenshot, never shown damaged, the export goes on.
    await attachReportThumbnail(db, {
      captureId: c.id,
      png: standIn,
      thumbnail: { sha256: await sha256Hex(standIn), width: 40, height: 30, source: shot.sha256 },
    });
    const stored = (await db.blobs.get(await sha256Hex(standIn)))!;
    const flipped = new Uint8Array(stored.data);
    flipped[flipped.length - 5]! ^= 0xff;
    await db.blobs.put({ ...stored, data: flipped });
    expect(await reportOf()).toContain(toBase64(made.png));
  });

  test('a thumbnail made later from the stored screenshot (recording) is the same; never from damaged bytes', async () => {
    const { captures } = await seedCaptures(2, (i) => ({ screenshot: noisyPng(300, 200, 7 + i) }));
    const [good, bad] = captures.map((c) => ({ c, shot: c.artifacts.find((a) => a.path === VIEWPORT_SCREENSHOT)! }));
    await cacheStoredThumbnail(db, good!.c.id);
    const kept = (await db.captures.get(good!.c.id))!.reportThumbnail!;
    const expected = await makeThumbnail((await db.blobs.get(good!.shot.sha256))!.data);
    expect(kept).toMatchObject({ source: good!.shot.sha256, sha256: await sha256Hex(expected.png) });
    expect((await db.blobs.get(kept.sha256))!.data).toEqual(expected.png);

    // Another valid image under the screenshot's hash: it would make a thumbnail, of the wrong picture.
    const stored = (await db.blobs.get(bad!.shot.sha256))!;
    await db.blobs.put({ ...stored, data: noisyPng(300, 200, 99) });
    await cacheStoredThumbnail(db, bad!.c.id);
    expect((await db.captures.get(bad!.c.id))!.reportThumbnail).toBeUndefined();
  });

  test('the kept thumbnail is the one the export would make: the report is byte-identical either way', async () => {
    const { caseId, captures } = await seedCaptures(2, (i) => ({ screenshot: noisyPng(320 + i * 100, 200, i) }));
    const { exportId } = await beginExport(caseId, { db, key, now: NOW });
    const report = async () => {
      const parts: Part[] = [];
      for await (const p of buildCasePackage(caseId, options(exportId))) parts.push(await withBytes(p));
      return text((await files(parts[0]!.zip)).get('data/report.html'));
    };
    const before = await report();
    for (const c of captures) {
      const shot = c.artifacts.find((a) => a.path === 'screenshot-viewport.png')!;
      const png = (await db.blobs.get(shot.sha256))!.data;
      const t = await makeThumbnail(png);
      await attachReportThumbnail(db, {
        captureId: c.id,
        png: t.png,
        thumbnail: { sha256: await sha256Hex(t.png), width: t.width, height: t.height, source: shot.sha256 },
      });
    }
    expect((await db.captures.toArray()).every((c) => c.reportThumbnail)).toBe(true);
    expect(await report()).toBe(before);
  });
});

describe('integrity', () => {
  test('a flipped byte in a stored blob stops the export and names the file in the package', async () => {
    const { caseId, captures } = await seedCaptures(2);
    const victim = captures[1]!;
    const dom = victim.artifacts.find((a) => a.path === 'dom.html')!;
    const blob = (await db.blobs.get(dom.sha256))!;
    const bytes = blob.data.slice();
    bytes[5] = bytes[5]! ^ 0x01;
    await db.blobs.put({ ...blob, data: bytes });
    const { exportId } = await beginExport(caseId, { db, key, now: NOW });
    const run = async () => {
      for await (const _ of buildCasePackage(caseId, options(exportId))) void _;
    };
    const error = await run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IntegrityError);
    expect((error as Error).message).toContain(`${captureFolder(victim)}/dom.html`);
    expect((error as Error).message).toMatch(
      /^data\/captures\/0002-[0-9a-f-]{36}\/dom\.html: the stored bytes no longer match/,
    );
    // What the export page needs to say it in the investigator's language.
    expect(error).toMatchObject({ kind: 'mismatch', path: `${captureFolder(victim)}/dom.html` });
  });

  test('a missing blob stops the export naming the file too', async () => {
    const { caseId, captures } = await seedCaptures(1);
    const shot = captures[0]!.artifacts.find((a) => a.path === 'screenshot-viewport.png')!;
    await db.blobs.delete(shot.sha256);
    const { exportId } = await beginExport(caseId, { db, key, now: NOW });
    const gen = buildCasePackage(caseId, options(exportId));
    await expect(gen.next()).rejects.toThrow(
      `${captureFolder(captures[0]!)}/screenshot-viewport.png: the stored bytes are missing`,
    );
  });
});

describe('scope: the case as of export.started', () => {
  test('refuses to build without an export.started event for this export id', async () => {
    const { caseId } = await seedCaptures(1);
    await expect(buildCasePackage(caseId, options(EXPORT_ID)).next()).rejects.toThrow(
      /no export\.started event for export/,
    );
  });

  test('captures stored after the export started are left out; deleted captures are left out and their event kept', async () => {
    const { caseId, captures } = await seedCaptures(3);
    await logCustody(db, {
      caseId,
      captureId: captures[1]!.id,
      type: 'capture.deleted',
      at: at(500),
      details: { reason: 'duplicate' },
    });
    await db.captures.update(captures[1]!.id, { deletedAt: at(500) });
    const { exportId } = await beginExport(caseId, { db, key, now: NOW });
    const late = await storeCapture(db, caseId, {}, 1500);
    const parts: Part[] = [];
    for await (const p of buildCasePackage(caseId, options(exportId))) parts.push(await withBytes(p));
    expect(parts[0]!.captureIds).toEqual([captures[0]!.id, captures[2]!.id]);
    const f = await files(parts[0]!.zip);
    const log = text(f.get('data/custody/events.jsonl'));
    expect(log).toContain('"capture.deleted"');
    expect(log).not.toContain(late.id);
    expect(failures(await verifyPackage(parts[0]!.zip))).toEqual([]);
    // The database log goes on: export.started is not its last event any more.
    expect((await custodyLines(db, caseId)).at(-1)!.type).toBe('capture.stored');
  });
});

describe('bag groups', () => {
  // Screenshots of noise (incompressible, STOREd) of a known size and text of noise (DEFLATE's
  // worst case): the size model must hold where compression cannot help.
  const heavy = (i: number) => ({
    screenshot: noisyPng(100, 100, i + 1),
    dom: text(noise(20_000, i + 7)),
    title: `Annonce ${i} <script>alert(${i})</script>`,
  });

  test('a case over the ceiling is split into complete parts that each verify, share the group and hold every capture once', async () => {
    // The same phone number in the first and the last capture: they end up in different parts.
    const phone = { kind: 'phone' as const, value: '+212612345678', raw: ['06 12 34 56 78'] };
    const { caseId, captures } = await seedCaptures(7, (i) => ({
      ...heavy(i),
      ...(i === 0 || i === 6 ? { selectors: [phone] } : {}),
    }));
    const ceiling = { maxPartBytes: 400_000 };
    const parts = await exportAll(caseId, { ceiling });
    expect(parts.length).toBeGreaterThanOrEqual(2);
    const exportId = parts[0]!.exportId;
    const n = parts.length;
    const seen: string[] = [];
    const custody = new Set<string>();
    for (const p of parts) {
      expect(p.zip.byteLength).toBeLessThanOrEqual(ceiling.maxPartBytes);
      expect(p.zip.byteLength).toBeLessThanOrEqual(p.plannedBytes);
      expect(p.oversize).toBe(false);
      expect(p.bagCount).toBe(`${p.part} of ${n}`);
      expect(p.bagName).toBe(partBagName(p.bagName.replace(/-part\d+of\d+$/, ''), p.part, n));
      const r = await verifyPackage(p.zip, { keyFingerprint: key.fingerprint });
      expect(failures(r)).toEqual([]);
      expect(r.group).toMatchObject({ identifier: exportId, part: p.part, parts: n });
      const f = await files(p.zip);
      const info = text(f.get('bag-info.txt'));
      expect(info).toContain(`Bag-Group-Identifier: ${exportId}\n`);
      expect(info).toContain(`Bag-Count: ${p.part} of ${n}\n`);
      const caseJson = JSON.parse(text(f.get('data/case.json')));
      expect(caseJson.captures).toHaveLength(7);
      expect(caseJson.export).toMatchObject({
        id: exportId,
        part: p.part,
        parts: n,
        bagNames: parts.map((x) => x.bagName),
      });
      const folders = [...f.keys()].filter((k) => k.endsWith('/capture.json')).map((k) => k.split('/')[2]);
      expect(folders).toHaveLength(p.captureIds.length);
      expect(text(f.get('data/captures.csv')).split('\r\n').filter(Boolean)).toHaveLength(p.captureIds.length + 1);
      const report = text(f.get('data/report.html'));
      expect(report).not.toMatch(/<script/i);
      expect(report).toContain(`This package is part ${p.part} of ${n} of one export`);
      expect(report.match(/<section class="capture"/g)).toHaveLength(p.captureIds.length);
      expect(text(f.get('VERIFY.txt'))).toContain(`THIS PACKAGE IS PART ${p.part} OF ${n}`);
      custody.add(text(f.get('data/custody/events.jsonl')));
      // Tables describe the captures this part holds: selectors.csv names only those.
      const sel = text(f.get('data/selectors.csv'));
      const withPhone = [captures[0]!.id, captures[6]!.id].filter((id) => p.captureIds.includes(id));
      expect(sel).toBe(
        '\ufeffvalue,kind,normalised,raw_forms,capture_ids\r\n' +
          (withPhone.length
            ? `+212612345678,phone,+212612345678,"[""06 12 34 56 78""]","[${withPhone.map((id) => `""${id}""`).join(',')}]"\r\n`
            : ''),
      );
      seen.push(...p.captureIds);
    }
    expect(seen).toEqual(captures.map((c) => c.id));
    expect(custody.size).toBe(1);
    // Each export.completed is the page's job; the log here ends with export.started.
    expect((await custodyLines(db, caseId)).at(-1)!.type).toBe('export.started');

    const reports = await Promise.all(
      parts.map(async (p) => ({ name: p.zipName, report: await verifyPackage(p.zip) })),
    );
    expect(verifyGroup(reports).filter((c) => !c.ok)).toEqual([]);
    const missing = verifyGroup(reports.slice(1));
    expect(missing.filter((c) => !c.ok).map((c) => c.message)).toEqual([
      `Part(s) 1 of ${n} are missing: ${parts[0]!.zipName}.`,
    ]);
  });

  test('a capture larger than the ceiling goes alone in its part, over the ceiling, and still verifies', async () => {
    const { caseId, captures } = await seedCaptures(4, (i) =>
      i === 2 ? { screenshot: noisyPng(300, 300, 99) } : heavy(i),
    );
    const parts = await exportAll(caseId, { ceiling: { maxPartBytes: 300_000 } });
    const big = parts.find((p) => p.captureIds.includes(captures[2]!.id))!;
    expect(big.captureIds).toEqual([captures[2]!.id]);
    expect(big.oversize).toBe(true);
    expect(big.zip.byteLength).toBeGreaterThan(300_000);
    for (const p of parts) {
      if (p !== big) expect(p.zip.byteLength).toBeLessThanOrEqual(300_000);
      expect(failures(await verifyPackage(p.zip))).toEqual([]);
    }
  });

  test('the entry ceiling splits too', async () => {
    const { caseId } = await seedCaptures(5, (i) => ({
      extra: [
        {
          path: `screenshot-tiles/00${i}.png`,
          bytes: makePng({ width: 4, height: 4, pixel: () => [i, i, i, 255] }),
          mediaType: 'image/png',
        },
      ],
    }));
    const parts = await exportAll(caseId, { ceiling: { maxPartEntries: 40 } });
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) {
      const z = await JSZip.loadAsync(p.zip);
      expect(Object.keys(z.files).length).toBeLessThanOrEqual(40);
    }
  });

  test('parts are built one at a time: a later part is read from the database only when asked for', async () => {
    const { caseId, captures } = await seedCaptures(6, heavy);
    const { exportId } = await beginExport(caseId, { db, key, now: NOW, ceiling: { maxPartBytes: 400_000 } });
    const gen = buildCasePackage(caseId, options(exportId));
    const first = await gen.next();
    expect(first.done).toBe(false);
    const part1 = first.value as PackagePart;
    expect(part1.parts).toBeGreaterThan(1);
    // Corrupt a file of a capture in a later part only now: if that part had been read already,
    // the export would not notice.
    const later = captures.find((c) => !part1.captureIds.includes(c.id))!;
    const dom = later.artifacts.find((a) => a.path === 'dom.html')!;
    const blob = (await db.blobs.get(dom.sha256))!;
    await db.blobs.put({ ...blob, data: utf8('tampered') });
    await expect(gen.next()).rejects.toThrow(`${captureFolder(later)}/dom.html`);
  });

  test('ceilings out of range are refused with a sentence before anything is logged', async () => {
    const { caseId } = await seedCaptures(1);
    const before = (await custodyLines(db, caseId)).length;
    await expect(beginExport(caseId, { db, key, now: NOW, ceiling: { maxPartBytes: 5 * 1024 ** 3 } })).rejects.toThrow(
      /4 GiB/,
    );
    await expect(beginExport(caseId, { db, key, now: NOW, ceiling: { maxPartEntries: 200_000 } })).rejects.toThrow(
      /150,000 entries/,
    );
    await expect(beginExport(caseId, { db, key, now: NOW, ceiling: { maxPartBytes: 1.5 } })).rejects.toThrow(
      /whole number/,
    );
    expect((await custodyLines(db, caseId)).length).toBe(before);
  });
});

describe('RFC 3161 tokens over capture.json', () => {
  /** Stores a token as the timestamp queue does: the blob, then timestamp.obtained in the log. */
  async function storeToken(caseId: string, c: CaptureRecord, bytes: Uint8Array): Promise<string> {
    const sha256 = (await digestBoth(bytes)).sha256;
    await db.blobs.put({ sha256, data: bytes, size: bytes.length });
    await logCustody(db, {
      caseId,
      captureId: c.id,
      type: 'timestamp.obtained',
      at: at(600),
      details: { subject: 'capture.json', tokenSha256: sha256, genTime: at(599), skewMs: -250 },
    });
    return sha256;
  }

  test('a token obtained before the export is packed beside capture.json; VERIFY.txt and the report say how to check it', async () => {
    const { caseId, captures } = await seedCaptures(2);
    const token = utf8('DER TimeStampResp stand-in');
    await storeToken(caseId, captures[0]!, token);
    const [p] = await exportAll(caseId);
    const f = await files(p!.zip);
    expect(f.get(`${captureFolder(captures[0]!)}/capture.json.tsr`)).toEqual(token);
    expect(f.has(`${captureFolder(captures[1]!)}/capture.json.tsr`)).toBe(false);
    expect(text(f.get('VERIFY.txt'))).toContain('openssl ts -verify -data data/captures/<folder>/capture.json');
    expect(text(f.get('data/report.html'))).toContain('Trusted timestamp of capture.json (RFC 3161)');
    // The skew the queue measured (custody timestamp.obtained) reaches the report beside the token.
    expect(text(f.get('data/report.html'))).toMatch(/clock\): <code>-250 ms<\/code>/);
    // The stand-in is no RFC 3161 answer: the verifier checks every .tsr and says so (real
    // tokens are verified in tests/e2e/timestamps.test.ts and tests/unit/rfc3161.test.ts).
    const problems = failures(await verifyPackage(p!.zip));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^timestamps: data\/captures\/.*capture\.json\.tsr: /);
  });

  test('a token whose stored bytes changed stops the export naming it', async () => {
    const { caseId, captures } = await seedCaptures(1);
    const sha = await storeToken(caseId, captures[0]!, utf8('token'));
    await db.blobs.put({ sha256: sha, data: utf8('tokeN'), size: 5 });
    await expect(exportAll(caseId)).rejects.toThrow(
      `${captureFolder(captures[0]!)}/capture.json.tsr: the stored bytes no longer match`,
    );
  });
});

describe('report content from the stored case', () => {
  test('no screenshot and an unreadable screenshot still export; the report says why there is no image', async () => {
    const { caseId } = await seedCaptures(2, (i) =>
      i === 0 ? { screenshot: null } : { screenshot: utf8('not a png at all') },
    );
    const [p] = await exportAll(caseId, { lang: 'ar' });
    const report = text((await files(p!.zip)).get('data/report.html'));
    expect(report).toContain('<html lang="ar" dir="rtl">');
    expect(report).toContain('لا يتضمن هذا الالتقاط لقطة شاشة');
    expect(report).toContain('تعذّر إعداد نسخة مصغّرة');
    expect(report).not.toContain('<img');
    expect(failures(await verifyPackage(p!.zip))).toEqual([]);
  });
});
