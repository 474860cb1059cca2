import { beforeAll, describe, expect, it } from 'vitest';
import { chainEvent } from '@/utils/evidence/custody-log';
import { sha256HexSync, utf8 } from '@/utils/evidence/hash';
import { formatReport, verifyGroup, verifyPackage, type VerifyReport } from '@/utils/package/verify';
import {
  BAG_NAME,
  EXPORT_ID,
  bagInput,
  captureJson,
  caseJson,
  custodyLog,
  makeBag,
  samplePayload,
} from './helpers/bag-fixture';
import { createTestSigner, type TestSigner } from './helpers/signer';

/**
 * What the verifier checks beyond manifests and signature: case.json against the captures it
 * holds, the custody log against case.json (same case, ends with this export's start, every
 * capture stored and none left out), and bag groups. Each package here is validly signed by
 * the honest key, so only these checks can catch the problem.
 */
const failures = (r: VerifyReport): string[] => r.checks.filter((c) => !c.ok).map((c) => `${c.id}: ${c.message}`);
const CJ = sha256HexSync(captureJson());
/** The test signer's fingerprint (case.json and the log's export.started name it). */
let fp = '';

/** The sample payload with some files replaced (text). */
function payloadWith(files: Record<string, string>) {
  return samplePayload(fp).map((f) => (f.path in files ? { ...f, bytes: utf8(files[f.path]!) } : f));
}

/** Appends events (canonical, chained) to a custody log text. */
function appendEvents(
  log: string,
  events: { type: string; captureId?: string; details: Record<string, unknown> }[],
): string {
  const lines = log.trimEnd().split('\n');
  let prev = { seq: lines.length, line: lines.at(-1)! };
  let out = log;
  for (const e of events) {
    const { event, line } = chainEvent(prev, {
      at: '2025-01-02T04:00:00.000Z',
      caseId: 'case-1',
      actor: 'DC Example',
      ...e,
    });
    out += `${line}\n`;
    prev = { seq: event.seq, line };
  }
  return out;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a forger edits any field of case.json, typed or not
function editedCase(edit: (c: Record<string, any>) => void): string {
  const c = JSON.parse(caseJson(fp));
  edit(c);
  return `${JSON.stringify(c, null, 2)}\n`;
}

describe('verifyPackage: case.json, custody log and captures agree', () => {
  let t: TestSigner;
  beforeAll(async () => {
    t = await createTestSigner();
    fp = t.fingerprint;
  });
  const check = async (files: Record<string, string>, info = {}) =>
    verifyPackage(
      (await makeBag(t.signer, { payload: payloadWith(files), info: { ...bagInput(t.signer).info, ...info } })).zip,
    );

  it('a custody log of another case is refused', async () => {
    const other = custodyLog(4, fp).replaceAll('"caseId":"case-1"', '"caseId":"case-2"');
    // Re-chain it so that only the case mismatch is wrong.
    let prev: { seq: number; line: string } | null = null;
    let log = '';
    for (const line of other.trimEnd().split('\n')) {
      const { seq: _s, prev: _p, ...ev } = JSON.parse(line);
      const c = chainEvent(prev, ev);
      log += `${c.line}\n`;
      prev = { seq: c.event.seq, line: c.line };
    }
    const r = await check({ 'data/custody/events.jsonl': log });
    expect(failures(r)).toEqual([
      'custody-case: data/custody/events.jsonl is the log of case "case-2", but data/case.json describes case "case-1".',
    ]);
  });

  it('events after the start of this export are unexplained and refused', async () => {
    const log = appendEvents(custodyLog(4, fp), [
      { type: 'note.added', details: { text: 'x' } },
      { type: 'export.completed', details: { exportId: EXPORT_ID } },
    ]);
    expect(failures(await check({ 'data/custody/events.jsonl': log }))).toEqual([
      "custody-export: data/custody/events.jsonl: 2 event(s) (note.added, export.completed) come after the start of this export (event 4); a package's custody log must end with the start of its own export.",
    ]);
  });

  it('a log that ends with the start of another export is refused', async () => {
    const log = custodyLog(4, fp).replace(EXPORT_ID, '00000000-0000-4000-8000-000000000999');
    const r = await check({ 'data/custody/events.jsonl': log });
    // The edit broke nothing but the last line, which the chain cannot see: only this check can.
    expect(failures(r)).toEqual([
      `custody-export: data/custody/events.jsonl has no export.started event for this export (${EXPORT_ID}): the log does not show this export being made.`,
    ]);
  });

  it('a package without a custody log is refused', async () => {
    const payload = samplePayload(fp).filter((f) => f.path !== 'data/custody/events.jsonl');
    const r = await verifyPackage((await makeBag(t.signer, { payload })).zip);
    expect(failures(r)).toEqual([
      "custody: data/custody/events.jsonl is missing: every package carries its case's custody log.",
    ]);
  });

  it('a capture folder that case.json does not list, or lists for another part, is refused', async () => {
    const payload = [...samplePayload(fp), { path: 'data/captures/0002-cap-2/capture.json', bytes: utf8('{}') }];
    const r = await verifyPackage((await makeBag(t.signer, { payload })).zip);
    expect(failures(r)).toEqual([
      'captures: data/captures/0002-cap-2/: this capture folder is not listed in data/case.json.',
      'capture-artifacts: data/captures/0002-cap-2/capture.json is not a Hashmark capture description (schema "hashmark.capture/1").',
      'custody-captures: data/captures/0002-cap-2/: the custody log has no capture.stored event for capture cap-2.',
    ]);
  });

  it('a capture.json that differs from case.json and from the logged hash is refused, naming it', async () => {
    const r = await check({ 'data/captures/0001-cap-1/capture.json': '{"forged":true}\n' });
    expect(failures(r)).toEqual([
      'captures: data/captures/0001-cap-1/capture.json: its SHA-256 differs from the one data/case.json gives for capture 1.',
      'capture-artifacts: data/captures/0001-cap-1/capture.json is not a Hashmark capture description (schema "hashmark.capture/1").',
      'custody-captures: data/captures/0001-cap-1/capture.json: its SHA-256 differs from the one logged when the capture was stored (event 3).',
    ]);
  });

  it('a stored capture left out of the export without a deletion event is refused; with one it passes', async () => {
    const log = (deleted: boolean) => {
      const lines = custodyLog(4, fp).trimEnd().split('\n');
      const last = JSON.parse(lines.pop()!);
      let text = `${lines.join('\n')}\n`;
      text = appendEvents(text, [{ type: 'capture.started', captureId: 'cap-9', details: { sequence: 2 } }]);
      text = appendEvents(text, [
        { type: 'capture.stored', captureId: 'cap-9', details: { sequence: 2, captureJsonSha256: CJ } },
      ]);
      if (deleted)
        text = appendEvents(text, [{ type: 'capture.deleted', captureId: 'cap-9', details: { reason: 'duplicate' } }]);
      return appendEvents(text, [{ type: 'export.started', details: last.details }]);
    };
    expect(failures(await check({ 'data/custody/events.jsonl': log(false) }))).toEqual([
      'custody-captures: Capture cap-9 was stored (custody event 5) but is neither in this export nor deleted in the log: it was left out without explanation.',
    ]);
    expect(failures(await check({ 'data/custody/events.jsonl': log(true) }))).toEqual([]);
  });

  it('a case.json that is not a Hashmark case description is reported, not trusted', async () => {
    expect(failures(await check({ 'data/case.json': '[1,2]' }))).toEqual([
      'case-json: data/case.json is not a Hashmark case description (schema "hashmark.case/1").',
    ]);
    expect(failures(await check({ 'data/case.json': editedCase((c) => delete c.export) }))).toEqual([
      'case-json: data/case.json does not identify its export (export.id, a UUID).',
    ]);
    const r = await verifyPackage(
      (await makeBag(t.signer, { payload: samplePayload(fp).filter((f) => f.path !== 'data/case.json') })).zip,
    );
    expect(failures(r)).toEqual(['case-json: data/case.json is missing.']);
  });

  describe('bag groups', () => {
    const partCase = (part: number, parts: number) =>
      editedCase((c) => {
        c.export = {
          id: EXPORT_ID,
          part,
          parts,
          bagNames: Array.from({ length: parts }, (_, i) => `${BAG_NAME}-part${i + 1}of${parts}`),
        };
        c.captures[0].part = part;
      });

    it('reports Bag-Count and Bag-Group-Identifier of a part that agrees with case.json', async () => {
      const r = await check(
        { 'data/case.json': partCase(2, 3) },
        { bagGroupIdentifier: EXPORT_ID, bagCount: '2 of 3' },
      );
      expect(failures(r)).toEqual([]);
      expect(r.group).toEqual({
        identifier: EXPORT_ID,
        part: 2,
        parts: 3,
        bagNames: [1, 2, 3].map((k) => `${BAG_NAME}-part${k}of3`),
      });
      expect(r.checks.find((c) => c.id === 'bag-group')?.message).toBe(
        `This package is part 2 of 3 of export ${EXPORT_ID} (Bag-Group-Identifier). Verify the other part(s) too: ${BAG_NAME}-part1of3.zip, ${BAG_NAME}-part3of3.zip.`,
      );
      expect(formatReport(r)).toContain(`Part:        2 of 3 (Bag-Group-Identifier ${EXPORT_ID})`);
    });

    it('refuses a Bag-Count or group identifier that disagrees with case.json, or a missing one', async () => {
      expect(
        failures(
          await check({ 'data/case.json': partCase(2, 3) }, { bagGroupIdentifier: EXPORT_ID, bagCount: '1 of 3' }),
        ),
      ).toEqual(['bag-group: bag-info.txt gives Bag-Count "1 of 3", but data/case.json says part 2 of 3.']);
      const otherId = '11111111-2222-4333-8444-555555555555';
      expect(
        failures(
          await check({ 'data/case.json': partCase(2, 3) }, { bagGroupIdentifier: otherId, bagCount: '2 of 3' }),
        ),
      ).toEqual([
        `bag-group: bag-info.txt gives Bag-Group-Identifier ${otherId}, but data/case.json names export ${EXPORT_ID}.`,
      ]);
      expect(failures(await check({ 'data/case.json': partCase(2, 3) }))).toEqual([
        'bag-group: bag-info.txt must give both Bag-Group-Identifier and Bag-Count for one part of a split export (data/case.json says part 2 of 3).',
      ]);
    });
  });
});

describe('verifyGroup', () => {
  const report = (over: Partial<VerifyReport> & { part?: number; parts?: number; id?: string }): VerifyReport => ({
    ok: true,
    verdict: 'passed',
    unverified: [],
    bagName: 'b',
    fingerprint: 'f'.repeat(64),
    payloadFiles: 1,
    payloadBytes: 1,
    caseId: 'case-1',
    exportId: over.id ?? EXPORT_ID,
    profile: 'case',
    captures: 1,
    custodySha256: 'c'.repeat(64),
    checks: [],
    group: {
      identifier: over.id ?? EXPORT_ID,
      part: over.part ?? 1,
      parts: over.parts ?? 3,
      bagNames: ['p1', 'p2', 'p3'],
    },
    ...over,
  });
  const messages = (members: { name: string; report: VerifyReport }[]) =>
    verifyGroup(members)
      .filter((c) => !c.ok)
      .map((c) => c.message);

  it('passes a complete set in any order', () => {
    const checks = verifyGroup([3, 1, 2].map((part) => ({ name: `p${part}.zip`, report: report({ part }) })));
    expect(checks).toEqual([
      {
        id: 'group',
        ok: true,
        message: `All 3 parts of export ${EXPORT_ID} are here, from the same case, key and custody log.`,
      },
    ]);
  });

  it('names missing and duplicated parts, foreign parts and different custody logs', () => {
    expect(
      messages([
        { name: 'a.zip', report: report({ part: 1 }) },
        { name: 'b.zip', report: report({ part: 1 }) },
      ]),
    ).toEqual(['b.zip and a.zip are both part 1.', 'Part(s) 2, 3 of 3 are missing: p2.zip, p3.zip.']);
    expect(
      messages([
        { name: 'a.zip', report: report({ part: 1 }) },
        { name: 'b.zip', report: report({ part: 2, custodySha256: 'd'.repeat(64) }) },
        { name: 'c.zip', report: report({ part: 3, id: '11111111-2222-4333-8444-555555555555' }) },
      ]),
    ).toEqual([
      'b.zip holds a different custody log than a.zip; the parts of one export hold the same log.',
      `c.zip belongs to export 11111111-2222-4333-8444-555555555555, not ${EXPORT_ID} (the export of a.zip).`,
      'Part(s) 3 of 3 are missing: p3.zip.',
    ]);
    expect(messages([{ name: 'single.zip', report: report({ group: null }) }])[0]).toMatch(
      /^single\.zip is not one part of a split export/,
    );
  });
});
