import { beforeAll, describe, expect, it } from 'vitest';
import { sha256HexSync, utf8 } from '@/utils/evidence/hash';
import { requestTimestamp } from '@/utils/evidence/rfc3161';
import { SIGNATURE_TOKEN_PATH } from '@/utils/package/layout';
import { formatReport, verifyPackage, type VerifyReport } from '@/utils/package/verify';
import { nameProblem } from '@/utils/package/verify/zip-names';
import { readFile } from 'node:fs/promises';
import { startTsa, TSA_FIXTURES } from '../../../support/tsa-server';
import { BAG_NAME, custodyLog, makeBag, retag, samplePayload } from '../../helpers/bag-fixture';
import { chainEvent } from '@/utils/evidence/custody-log';
import { createTestSigner, type TestSigner } from '../../helpers/signer';
import { buildZip, takeApart, unicodePathExtra, type RawEntry } from './hostile-zip';

/**
 * Issue 14: one regression test per finding of the hostile-package review. Each package starts
 * from a genuine one (the test fixtures' signed bag), changes one thing, and must not pass.
 */

const P = `${BAG_NAME}/`;
const REPORT = `${P}data/report.html`;
const failures = (r: VerifyReport): string[] => r.checks.filter((c) => !c.ok).map((c) => `${c.id}: ${c.message}`);

describe('hostile packages (issue 14)', () => {
  let t: TestSigner;
  let genuine: Uint8Array;
  let entries: RawEntry[];
  const verify = (zip: Uint8Array) => verifyPackage(zip, { keyFingerprint: t.fingerprint });
  const rebuilt = (edit: (e: RawEntry[]) => RawEntry[]) => buildZip(edit(entries.map((e) => ({ ...e }))));

  beforeAll(async () => {
    t = await createTestSigner();
    genuine = (await makeBag(t.signer)).zip;
    entries = await takeApart(genuine);
  });

  it('a genuine package, taken apart and rebuilt byte by byte, still passes (sanity of the builder)', async () => {
    const r = await verify(rebuilt((e) => e));
    expect(failures(r)).toEqual([]);
    expect(r.verdict).toBe('passed');
  });

  it('finding 1: a file added with the MS-DOS directory attribute is refused', async () => {
    const r = await verify(
      rebuilt((e) => [...e, { name: `${P}data/planted.html`, data: utf8('<p>forged</p>'), external: 0x10 }]),
    );
    expect(r.verdict).toBe('failed');
    expect(failures(r)).toContain(
      `zip-entries: ZIP entry "${P}data/planted.html" is a file marked as a folder (some tools skip it, others extract it).`,
    );
  });

  it('finding 1: a local header naming another file than the central record is refused', async () => {
    // unzip and Python extract by the local name: a forged report.html, while the central
    // directory (and JSZip's names) say the genuine one is elsewhere.
    const r = await verify(
      rebuilt((e) => e.map((x) => (x.name === REPORT ? { ...x, localName: `${P}data/report.htmx` } : x))),
    );
    expect(r.verdict).toBe('failed');
    expect(failures(r)).toEqual([
      `zip: ZIP entry "${REPORT}": its local header gives a different name than the central directory (two readings of one file).`,
    ]);
  });

  it('finding 1: an Info-ZIP Unicode Path extra field (a second name) is refused', async () => {
    const r = await verify(
      rebuilt((e) => [
        ...e,
        {
          name: `${P}data/xreport.html`,
          data: utf8('<p>forged</p>'),
          centralExtra: unicodePathExtra(`${BAG_NAME}/data/report.html`, `${P}data/xreport.html`),
        },
      ]),
    );
    expect(r.verdict).toBe('failed');
    expect(failures(r)[0]).toMatch(/Info-ZIP Unicode Path field, which renames the entry for some tools \(0x7075\)/);
  });

  it('finding 1: an end record whose entry count differs from the records is refused', async () => {
    const zip = buildZip(entries, { eocdCount: entries.length - 1 });
    expect(failures(await verify(zip))[0]).toMatch(
      /^zip: The central directory holds more records .* than the \d+ its end record declares/,
    );
  });

  it('finding 2: more entries than the exporter can write are refused from the end record alone', async () => {
    const r = await verify(buildZip(entries, { zip64: true, eocdCount: 150_001 }));
    expect(failures(r)).toEqual([
      'zip: The ZIP declares 150001 entries; a Hashmark package holds at most 150000 (the exporter splits larger cases into parts).',
    ]);
    const real = await verify(buildZip(entries, { zip64: true }));
    expect(real.verdict).toBe('passed'); // a ZIP64 end record alone is read, not refused
  });

  it('reads a File by slices through the read-ahead window with the same verdict', async () => {
    const zip = rebuilt((e) => e);
    let reads = 0;
    const blob = new Blob([zip as BlobPart]);
    const src = {
      size: blob.size,
      read: async (o: number, n: number) => (reads++, new Uint8Array(await blob.slice(o, o + n).arrayBuffer())),
    };
    const r = await verifyPackage(src, { keyFingerprint: t.fingerprint });
    expect(r.verdict).toBe('passed');
    expect(reads).toBeLessThan(10);
  });

  it.each([
    ['before the first entry', { prefix: utf8('MZ-hidden') }, /There are 9 bytes before ZIP entry/],
    ['between two entries', { gapAfter: { index: 3, bytes: utf8('hidden') } }, /There are 6 bytes before ZIP entry/],
    ['after the end record', { trailing: utf8('hidden') }, /does not end with its end-of-archive record/],
  ])('finding 1: bytes %s that belong to no entry are refused', async (_where, opts, message) => {
    const r = await verify(buildZip(entries, opts));
    expect(r.verdict).toBe('failed');
    expect(failures(r)[0]).toMatch(message);
  });

  it('finding 2 (quick form): an entry that inflates beyond its declared size is stopped there', async () => {
    const big = new Uint8Array(4 * 1024 * 1024); // zeros: about 4 KiB deflated
    const r = await verify(rebuilt((e) => [...e, { name: `${P}data/bomb.txt`, data: big, declaredSize: 100_000 }]));
    expect(failures(r)).toContain(
      `zip: ZIP entry "${P}data/bomb.txt" inflates to more than its declared 100000 bytes.`,
    );
  });

  it('finding 2: an entry declaring 2.5 GiB is refused up front with its size and the ratio cap, not as "damaged"', async () => {
    const r = await verify(
      rebuilt((e) => [...e, { name: `${P}data/huge.bin`, data: new Uint8Array(1000), declaredSize: 2.5 * 1024 ** 3 }]),
    );
    const message = failures(r)[0] ?? '';
    expect(message).toMatch(/would inflate .* into 2\.5 GiB, a ratio above the 250:1 cap/);
    expect(message).not.toMatch(/damaged/);
  });

  it('finding 3: a token from a TSA whose root was not given is not PASSED; with the root it is; with another root it fails', async () => {
    const tsa = await startTsa('normal');
    try {
      const zip = (
        await makeBag(t.signer, {
          afterSign: async (sig) => {
            const r = await requestTimestamp({
              url: tsa.url,
              digest: Uint8Array.from(Buffer.from(sha256HexSync(sig), 'hex')),
            });
            return [{ path: SIGNATURE_TOKEN_PATH, bytes: r.tsr }];
          },
        })
      ).zip;
      const unrooted = await verify(zip);
      expect(unrooted.verdict).toBe('unverified');
      expect(unrooted.unverified.join('\n')).toMatch(
        /^Trusted time of the signature: signature\/tagmanifest-sha256\.txt\.sig\.tsr was not checked up to a timestamp authority's root/m,
      );
      expect(formatReport(unrooted)).toMatch(/^VERDICT: INTACT, NOT FULLY VERIFIED/m);
      // A package using trusted time without a token over its capture: that claim is missing.
      expect(unrooted.unverified.join('\n')).toMatch(
        /1 item\(s\) have no timestamp token \(data\/captures\/0001-cap-1\)/,
      );
      const root = await readFile(TSA_FIXTURES.root, 'utf8');
      const rooted = await verifyPackage(zip, { keyFingerprint: t.fingerprint, tsaRootsPem: root });
      expect(failures(rooted)).toEqual([]);
      expect(rooted.unverified).toHaveLength(1); // only the capture token stays missing
      const other = await verifyPackage(zip, {
        keyFingerprint: t.fingerprint,
        tsaRootsPem: await readFile(TSA_FIXTURES.otherRoot, 'utf8'),
      });
      expect(other.verdict).toBe('failed');
      expect(failures(other)[0]).toMatch(/^timestamps: signature\/tagmanifest-sha256\.txt\.sig\.tsr: /);
    } finally {
      await tsa.close();
    }
  });

  it('finding 3: a capture token dated after the export started (or before the capture) is refused', async () => {
    const tsa = await startTsa('normal');
    try {
      // The fixture's capture and export are dated 2025-01-02; the test TSA signs with today's time.
      const payload = samplePayload(t.fingerprint);
      const cj = payload.find((f) => f.path.endsWith('/capture.json'))!;
      const r = await requestTimestamp({
        url: tsa.url,
        digest: Uint8Array.from(Buffer.from(sha256HexSync(cj.bytes), 'hex')),
      });
      payload.push({ path: 'data/captures/0001-cap-1/capture.json.tsr', bytes: r.tsr });
      const report = await verifyPackage((await makeBag(t.signer, { payload })).zip, {
        keyFingerprint: t.fingerprint,
        tsaRootsPem: await readFile(TSA_FIXTURES.root, 'utf8'),
      });
      expect(report.verdict).toBe('failed');
      expect(failures(report)[0]).toMatch(
        /^timestamps: data\/captures\/0001-cap-1\/capture\.json\.tsr: it is dated .*, after 2025-01-02T03:04:03\.000Z, when the export had already started\.$/,
      );
    } finally {
      await tsa.close();
    }
  });

  it('finding 3: a custody log that used a TSA but a package without tokens says the tokens are missing', async () => {
    const lines = custodyLog(4, t.fingerprint).trimEnd().split('\n');
    const last = JSON.parse(lines.pop()!) as { details: Record<string, unknown> };
    let prev = { seq: lines.length, line: lines.at(-1)! };
    let log = `${lines.join('\n')}\n`;
    for (const ev of [
      { type: 'timestamp.obtained', captureId: 'cap-1', details: { genTime: '2025-01-02T03:04:02.500Z' } },
      { type: 'export.started', details: last.details },
    ]) {
      const { event, line } = chainEvent(prev, {
        at: '2025-01-02T03:04:03.000Z',
        caseId: 'case-1',
        actor: 'DC Example',
        ...ev,
      });
      log += `${line}\n`;
      prev = { seq: event.seq, line };
    }
    const payload = samplePayload(t.fingerprint).map((f) =>
      f.path === 'data/custody/events.jsonl' ? { ...f, bytes: utf8(log) } : f,
    );
    const r = await verify((await makeBag(t.signer, { payload })).zip);
    expect(failures(r)).toEqual([]);
    expect(r.verdict).toBe('unverified');
    expect(r.unverified[0]).toMatch(
      /^Trusted time: 2 item\(s\) have no timestamp token \(data\/captures\/0001-cap-1, signature\)/,
    );
  });

  it('finding 4: a file added to a capture folder and re-signed is refused: capture.json does not list it', async () => {
    const payload = [
      ...samplePayload(t.fingerprint),
      { path: 'data/captures/0001-cap-1/page.html', bytes: utf8('<p>planted</p>') },
    ];
    const r = await verify((await makeBag(t.signer, { payload })).zip);
    expect(failures(r)).toEqual([
      'capture-artifacts: data/captures/0001-cap-1/page.html: this file is not listed in its capture.json.',
    ]);
  });

  it('finding 4: a deeply nested capture.json is refused without being parsed', async () => {
    const deep = `{"schema":"hashmark.capture/1","x":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    const payload = samplePayload(t.fingerprint).map((f) =>
      f.path.endsWith('/capture.json') ? { ...f, bytes: utf8(deep) } : f,
    );
    const r = await verify((await makeBag(t.signer, { payload })).zip);
    expect(failures(r)).toContain(
      'capture-artifacts: data/captures/0001-cap-1/capture.json nests deeper than 64 levels.',
    );
  });

  it('finding 5: a package signed by another key than case.json and the custody log name fails, even unpinned', async () => {
    const mallory = await createTestSigner();
    const r = await verifyPackage((await makeBag(mallory.signer, { payload: samplePayload(t.fingerprint) })).zip);
    expect(r.verdict).toBe('failed');
    expect(failures(r)).toEqual([
      `signer: data/case.json names signing key ${t.fingerprint}, but the package was signed with ${mallory.fingerprint}.`,
      `signer: The custody log says this export was started with key ${t.fingerprint} (event 4), but the package was signed with ${mallory.fingerprint}.`,
    ]);
  });

  it('finding 5: unpinned, a genuine package is "intact, but" with who signed it listed as unverified', async () => {
    const r = await verifyPackage(genuine);
    expect(r.verdict).toBe('unverified');
    expect(formatReport(r)).toMatch(/^ {2}- Who signed: the signing key fingerprint [0-9a-f]{64} was not compared/m);
  });

  it('finding 7: a symbolic link entry is refused', async () => {
    const link = {
      name: `${P}data/link.html`,
      data: utf8('/etc/passwd'),
      madeBy: 0x0314,
      external: (0o120777 << 16) >>> 0,
    };
    const r = await verify(rebuilt((e) => [...e, link]));
    expect(failures(r)).toContain(
      `zip-entries: ZIP entry "${P}data/link.html" is a symbolic link, not a regular file.`,
    );
  });

  it('finding 7: a device entry is refused', async () => {
    const dev = { name: `${P}data/dev.bin`, data: new Uint8Array(), madeBy: 0x0314, external: (0o020644 << 16) >>> 0 };
    const r = await verify(rebuilt((e) => [...e, dev]));
    expect(failures(r)).toContain(
      `zip-entries: ZIP entry "${P}data/dev.bin" is a device or other special file, not a regular file.`,
    );
  });

  it.each([
    ['CON', /Windows device name "CON"/],
    ['aux.txt', /Windows device name "aux.txt"/],
    ['x:y', /character the exporter never writes/],
    ['report.', /ending in "\."/],
    ['caf\u00e9.txt', /character the exporter never writes/],
  ])('finding 7: the Windows-unsafe name %s is refused', async (name, message) => {
    expect(nameProblem(`${P}data/${name}`)).toMatch(message);
    const r = await verify(rebuilt((e) => [...e, { name: `${P}data/${name}`, data: utf8('x') }]));
    expect(r.verdict).toBe('failed');
    expect(failures(r).join('\n')).toMatch(message);
  });

  it('finding 7: a byte-order mark at the start of a manifest is refused, not stripped', async () => {
    const zip = await retag(genuine, t.signer, (m) => {
      const name = `${P}manifest-sha256.txt`;
      m.set(name, Uint8Array.from([0xef, 0xbb, 0xbf, ...m.get(name)!]));
    });
    const r = await verify(zip);
    expect(failures(r)).toEqual([
      'manifest-sha256: manifest-sha256.txt starts with a byte-order mark (tools such as sha256sum -c would misread its first line).',
    ]);
  });

  it('finding 7: an encrypted entry and an unknown compression method are refused in words', async () => {
    const enc = await verify(rebuilt((e) => [...e, { name: `${P}data/x.txt`, data: utf8('x'), flags: 1 }]));
    expect(failures(enc)).toEqual([`zip: ZIP entry "${P}data/x.txt" is encrypted.`]);
    const bz = await verify(rebuilt((e) => [...e, { name: `${P}data/x.txt`, data: utf8('x'), method: 12 as 8 }]));
    expect(failures(bz)[0]).toMatch(/uses compression method 12; only stored \(0\) and deflated \(8\) are read/);
  });
});
