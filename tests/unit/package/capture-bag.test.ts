import 'fake-indexeddb/auto';
import { describe, expect, test } from 'vitest';
import {
  custodyLines,
  deleteCapture,
  enqueueStorePush,
  markStorePushed,
  setCaseAutoPush,
  type HashmarkDb,
  type KeyRecord,
} from '@/utils/db';
import { sha256HexSync, utf8 } from '@/utils/evidence/hash';
import { writeBag, type BagInfo } from '@/utils/package/bag-writer';
import { CaptureGoneError, signerFor, type PackagePart } from '@/utils/package/export-case';
import { verifyPackage, type VerifyReport } from '@/utils/package/verify';
import { verifyInstructions } from '@/utils/package/verify-text';
import { packageIds } from '@/utils/package/read-bag-files';
import { bytesSource } from '@/utils/package/verify/zip';
import { beginExport, buildCasePackage } from '@/utils/services/export-job';
import { sealCapture } from '@/utils/services/capture-seal';
import { at, EXPORT_SOFTWARE as SOFTWARE, seedCase, storeCapture } from '../helpers/export-fixture';
import { withSigningKey } from '../helpers/signing-fixture';
import { unzipFiles, withBytes, type BagBytes } from '../helpers/bag-fixture';

/**
 * The capture bag profile (issue 18, evidence-package-v1.md "Capture bag"): a stored capture sealed
 * alone by the one package writer, checked strictly by the one verifier. The forgeries are re-signed
 * with the honest key (a forger holding it), so only the profile's own checks can catch them.
 */
let db: HashmarkDb;
let key: KeyRecord;
withSigningKey('capture-bag', (d, k) => {
  db = d;
  key = k;
});

const BAG_ID = '0b1c2d3e-4f50-4a61-8b72-93a4b5c6d7e8';
const failures = (r: VerifyReport) => r.checks.filter((c) => !c.ok).map((c) => `${c.id}: ${c.message}`);
const text = (b: Uint8Array | undefined) => new TextDecoder('utf-8', { ignoreBOM: true }).decode(b);

async function seal(caseId: string, captureId: string): Promise<BagBytes<PackagePart>> {
  const deps = { db, software: SOFTWARE, now: () => new Date(at(500)), newId: () => BAG_ID };
  return withBytes(await sealCapture(deps, caseId, captureId));
}

/** The bag's files by path inside the bag (`data/case.json`…). */
async function inside(zip: Uint8Array): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for (const [name, bytes] of await unzipFiles(zip)) out.set(name.slice(name.indexOf('/') + 1), bytes);
  return out;
}

/** A forger's bag: the payload edited, then manifests, tag manifests and signature made anew with the honest key. */
async function reseal(
  bag: BagBytes<PackagePart>,
  edit: (payload: Map<string, Uint8Array>) => void,
  info: Partial<BagInfo> = {},
): Promise<Uint8Array> {
  const files = await inside(bag.zip);
  const payload = new Map([...files].filter(([p]) => p.startsWith('data/')));
  edit(payload);
  const out = await writeBag({
    bagName: bag.bagName,
    payload: [...payload].map(([path, bytes]) => ({ path, bytes })),
    info: {
      sourceOrganization: 'Police nationale',
      contactName: 'Insp. Leila Benali, OCRTEH',
      externalIdentifier: 'PV-2026-118',
      externalDescription: 'Réseau Marseille – annonces',
      baggingDate: '2026-11-27',
      bagSoftwareAgent: 'Hashmark 0.1.0 (Chromium 150)',
      signingKeyFingerprint: key.fingerprint,
      ...info,
    },
    verifyText: verifyInstructions({
      bagName: bag.bagName,
      zipName: bag.zipName,
      fingerprint: key.fingerprint,
      hasTimestamps: false,
    }),
    signer: signerFor(key),
    date: new Date(at(500)),
  });
  return (await withBytes(out)).zip;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a forger edits any field of case.json, typed or not
type Json = Record<string, any>;
const editJson = (payload: Map<string, Uint8Array>, path: string, f: (j: Json) => void) => {
  const j = JSON.parse(text(payload.get(path))) as Json;
  f(j);
  payload.set(path, utf8(`${JSON.stringify(j, null, 2)}\n`));
};

async function threeCaptures() {
  const caseId = await seedCase(db);
  const caps = [];
  for (let i = 0; i < 3; i++) caps.push(await storeCapture(db, caseId, {}, 10 + i * 10));
  return { caseId, caps };
}

describe('capture bag: written by the package writer', () => {
  test('holds its capture alone, the log up to its storage, and passes the verifier with the pinned key', async () => {
    const { caseId, caps } = await threeCaptures();
    const bag = await seal(caseId, caps[1]!.id);
    expect(bag.zipName).toMatch(/-capture0002-20261127T120820Z\.zip$/);
    expect(bag.parts).toBe(1);
    const files = await inside(bag.zip);
    const folders = [...files.keys()].filter((p) => p.endsWith('/capture.json'));
    expect(folders).toEqual([`data/captures/0002-${caps[1]!.id}/capture.json`]);
    const kase = JSON.parse(text(files.get('data/case.json')));
    expect(kase.profile).toBe('capture');
    expect(kase.export).toMatchObject({ id: BAG_ID, part: 1, parts: 1 });
    expect(kase.captures.map((c: { captureId: string }) => c.captureId)).toEqual([caps[1]!.id]);
    // The case's log as it stood when the capture was stored: nothing altered, nothing after.
    const all = (await custodyLines(db, caseId)).map((e) => e.line);
    const log = text(files.get('data/custody/events.jsonl')).trimEnd().split('\n');
    const end = all.findIndex((l) => l.includes('"capture.stored"') && l.includes(caps[1]!.id));
    expect(log).toEqual(all.slice(0, end + 1));
    expect(text(files.get('bag-info.txt'))).not.toMatch(/Bag-Count|Bag-Group-Identifier/);
    expect(text(files.get('data/report.html'))).toContain('capture bag');

    const r = await verifyPackage(bag.zip, { keyFingerprint: key.fingerprint });
    expect(failures(r)).toEqual([]);
    expect(r.verdict).toBe('passed');
    expect(r.profile).toBe('capture');
    expect(r.captures).toBe(1);
    expect(r.checks.find((c) => c.id === 'custody-export')?.message).toContain('capture bag');
    // `hashmark push` keys it as auto-push does: <case>/captures/<capture>/<zip>.
    expect(await packageIds(bytesSource(bag.zip))).toEqual({ caseId, exportId: BAG_ID, captureId: caps[1]!.id });
  });

  test('a capture deleted before its seal is not sealed', async () => {
    const { caseId, caps } = await threeCaptures();
    await deleteCapture(db, { captureId: caps[0]!.id, reason: 'Duplicate.', at: at(100) });
    await expect(seal(caseId, caps[0]!.id)).rejects.toBeInstanceOf(CaptureGoneError);
  });

  test('auto-push queues the bag in the transaction that stores the capture, page views excepted', async () => {
    const caseId = await seedCase(db);
    await db.table('settings').put({ id: 'store', config: { prefix: 'unit' } });
    const before = await storeCapture(db, caseId, {}, 10);
    await setCaseAutoPush(db, { caseId, on: true, at: at(15) });
    const after = await storeCapture(db, caseId, {}, 20);
    const queued = await db.storeQueue.toArray();
    expect(queued.map((r) => r.id)).toEqual([`capture:${after.id}`]);
    expect(queued[0]).toMatchObject({ captureId: after.id, state: 'queued', key: '' });
    expect(queued[0]!.zip).toBeUndefined();
    expect(before.id).not.toBe(after.id);
    expect((await custodyLines(db, caseId)).some((e) => e.type === 'case.autoPush')).toBe(true);
  });
});

describe('capture bag: forgeries the verifier refuses', () => {
  test('events after the capture storage (the log must end with it)', async () => {
    const { caseId, caps } = await threeCaptures();
    const honest = await seal(caseId, caps[1]!.id);
    // The whole current log (capture 3 stored after) in place of the log as it stood.
    const whole = (await custodyLines(db, caseId)).map((e) => `${e.line}\n`).join('');
    const zip = await reseal(honest, (p) => p.set('data/custody/events.jsonl', utf8(whole)));
    const f = failures(await verifyPackage(zip));
    expect(f.some((x) => x.startsWith('custody-export:') && x.includes('not with the capture.stored event'))).toBe(
      true,
    );
  });

  test('a second capture folder, listed in case.json', async () => {
    const { caseId, caps } = await threeCaptures();
    const honest = await seal(caseId, caps[1]!.id);
    const other = `data/captures/0001-${caps[0]!.id}`;
    const zip = await reseal(honest, (p) => {
      p.set(`${other}/capture.json`, utf8('{}\n'));
      editJson(p, 'data/case.json', (j) =>
        j.captures.push({ ...j.captures[0], captureId: caps[0]!.id, sequence: 1, folder: other }),
      );
    });
    expect(failures(await verifyPackage(zip))).toEqual([
      'case-json: data/case.json is a capture bag but describes 2 captures in 1 parts (one capture, one part).',
    ]);
  });

  test('another capture in place of the sealed one (capture.json not the one logged at its storage)', async () => {
    const { caseId, caps } = await threeCaptures();
    const honest = await seal(caseId, caps[1]!.id);
    const folder = `data/captures/0002-${caps[1]!.id}`;
    const forged = utf8('{"schema":"hashmark.capture/1","artifacts":[]}\n');
    const zip = await reseal(honest, (p) => {
      p.set(`${folder}/capture.json`, forged);
      editJson(p, 'data/case.json', (j) => {
        j.captures[0].captureJsonSha256 = sha256HexSync(forged);
      });
    });
    const f = failures(await verifyPackage(zip));
    expect(f.some((x) => x.startsWith('custody-captures:') && x.includes('not the one logged'))).toBe(true);
  });

  test('Bag-Count and Bag-Group-Identifier on a capture bag', async () => {
    const { caseId, caps } = await threeCaptures();
    const honest = await seal(caseId, caps[1]!.id);
    const zip = await reseal(honest, () => undefined, { bagCount: '1 of 1', bagGroupIdentifier: BAG_ID });
    expect(failures(await verifyPackage(zip))).toEqual([
      'bag-group: bag-info.txt gives Bag-Count or Bag-Group-Identifier, but a capture bag is never part of a group.',
    ]);
  });

  test('the profile taken away (a capture bag passed off as a whole export)', async () => {
    const { caseId, caps } = await threeCaptures();
    const honest = await seal(caseId, caps[1]!.id);
    const zip = await reseal(honest, (p) => editJson(p, 'data/case.json', (j) => delete j.profile));
    const f = failures(await verifyPackage(zip));
    expect(f.some((x) => x.startsWith('custody-export:') && x.includes('no export.started event'))).toBe(true);
    // Capture 1 was stored before and is in neither the package nor deleted.
    expect(f.some((x) => x.startsWith('custody-captures:') && x.includes(caps[0]!.id))).toBe(true);
  });

  test('an unknown profile', async () => {
    const { caseId, caps } = await threeCaptures();
    const honest = await seal(caseId, caps[1]!.id);
    const zip = await reseal(honest, (p) => editJson(p, 'data/case.json', (j) => (j.profile = 'partial')));
    expect(failures(await verifyPackage(zip))).toContain(
      'case-json: data/case.json gives an unknown profile "partial" (only "capture" is defined).',
    );
  });
});

describe('a case export references the auto-pushed capture bags', () => {
  async function pushedCase() {
    const { caseId, caps } = await threeCaptures();
    const pushed = {
      versionId: 'v-1',
      etag: '"e"',
      mode: 'COMPLIANCE',
      retainUntil: '2033-11-27T00:00:00.000Z',
      bucket: 'b',
    };
    const zipSha256 = 'ab'.repeat(32);
    const key = `unit/${caseId}/captures/${caps[0]!.id}/x.zip`;
    await enqueueStorePush(
      db,
      {
        id: `capture:${caps[0]!.id}`,
        caseId,
        captureId: caps[0]!.id,
        exportId: BAG_ID,
        part: 1,
        parts: 1,
        zipName: 'x.zip',
        zipSha256,
        bytes: 1,
        key,
      },
      new Date(at(200)),
    );
    await markStorePushed(
      db,
      `capture:${caps[0]!.id}`,
      { ...pushed, at: at(210) },
      {
        captureId: caps[0]!.id,
        key,
        versionId: 'v-1',
        retainUntil: pushed.retainUntil,
        zipSha256,
      },
    );
    return { caseId, caps, key, zipSha256 };
  }

  test('case.json, captures.csv and the report name its key, version and retain-until date; the verifier checks them against the log', async () => {
    const { caseId, caps, key: objectKey, zipSha256 } = await pushedCase();
    const { exportId } = await beginExport(caseId, { db, key, now: new Date(at(300)) });
    const parts = [];
    for await (const p of buildCasePackage(caseId, { db, key, now: new Date(at(300)), exportId, software: SOFTWARE }))
      parts.push(await withBytes(p));
    const files = await inside(parts[0]!.zip);
    const kase = JSON.parse(text(files.get('data/case.json')));
    expect(kase.captures[0].store).toEqual({
      key: objectKey,
      versionId: 'v-1',
      retainUntil: '2033-11-27T00:00:00.000Z',
      zipSha256,
    });
    expect(kase.captures[1].store).toBeUndefined();
    const csv = text(files.get('data/captures.csv'));
    expect(csv.split('\r\n')[0]).toMatch(/,store_key,store_version_id,store_retain_until$/);
    expect(csv.split('\r\n')[1]).toContain(`${objectKey},v-1,2033-11-27T00:00:00.000Z`);
    expect(text(files.get('data/report.html'))).toContain(objectKey);
    const r = await verifyPackage(parts[0]!.zip, { keyFingerprint: key.fingerprint });
    expect(failures(r)).toEqual([]);
    expect(r.checks.find((c) => c.id === 'store-refs')?.ok).toBe(true);

    // Forged: a store reference no store.pushed event records.
    const forged = await reseal(parts[0]!, (p) =>
      editJson(p, 'data/case.json', (j) => (j.captures[1].store = { ...j.captures[0].store })),
    );
    expect(failures(await verifyPackage(forged))).toContain(
      `store-refs: data/case.json says capture ${caps[1]!.id} is in the team store as ${objectKey} version v-1, but no store.pushed event of the custody log records that push.`,
    );
  });
});
