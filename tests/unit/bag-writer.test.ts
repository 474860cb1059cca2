import JSZip from 'jszip';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { derToP1363, pemToDer, spkiDerToPem, verifyDer } from '@/utils/evidence/signing';
import { digestBoth, sha256Hex, utf8 } from '@/utils/evidence/hash';
import {
  BAGIT_TXT,
  BagLimitError,
  MAX_ZIP_BYTES,
  MAX_ZIP_ENTRIES,
  compressionFor,
  writeBag,
  type Signer,
  type StreamedFile,
} from '@/utils/package/bag-writer';
import {
  BAG_NAME,
  FIXED_DATE,
  bagInput,
  compressionMethods,
  makeBag,
  samplePayload,
  unzipFiles,
} from './helpers/bag-fixture';
import { createTestSigner, type TestSigner } from './helpers/signer';

const text = (b: Uint8Array | undefined): string => new TextDecoder().decode(b);

describe('writeBag', () => {
  let t: TestSigner;
  beforeAll(async () => {
    t = await createTestSigner();
  });

  it('writes the v1 layout in one folder, entries sorted, folders explicit', async () => {
    const out = await makeBag(t.signer);
    expect(out.zipName).toBe(`${BAG_NAME}.zip`);
    expect(out.zipSha256).toBe(await sha256Hex(out.zip));
    const z = await JSZip.loadAsync(out.zip);
    const names = Object.keys(z.files);
    expect(names).toEqual([...names].sort());
    const p = `${BAG_NAME}/`;
    expect(names.filter((n) => !n.endsWith('/')).map((n) => n.slice(p.length))).toEqual([
      'VERIFY.txt',
      'bag-info.txt',
      'bagit.txt',
      'data/captures.csv',
      'data/captures/0001-cap-1/capture.json',
      'data/captures/0001-cap-1/dom.html',
      'data/captures/0001-cap-1/media/0123abcd.jpg',
      'data/captures/0001-cap-1/screenshot-viewport.png',
      'data/captures/0001-cap-1/text.txt',
      'data/case.json',
      'data/custody/events.jsonl',
      'data/report.html',
      'manifest-sha256.txt',
      'manifest-sha512.txt',
      'signature/signing-key.pem',
      'signature/tagmanifest-sha256.txt.sig',
      'tagmanifest-sha256.txt',
      'tagmanifest-sha512.txt',
    ]);
    expect(names.filter((n) => n.endsWith('/'))).toEqual([
      p,
      `${p}data/`,
      `${p}data/captures/`,
      `${p}data/captures/0001-cap-1/`,
      `${p}data/captures/0001-cap-1/media/`,
      `${p}data/custody/`,
      `${p}signature/`,
    ]);
    for (const f of Object.values(z.files)) {
      expect(f.date.getTime()).toBe(FIXED_DATE.getTime());
    }
  });

  it('writes bagit.txt and bag-info.txt exactly', async () => {
    const payload = samplePayload();
    const octets = payload.reduce((n, f) => n + f.bytes.length, 0);
    const out = await makeBag(t.signer, {
      payload,
      info: { ...bagInput(t.signer).info, bagGroupIdentifier: 'case-1-export-1', bagCount: '1 of 2', contactName: '' },
    });
    expect(out.payloadOxum).toBe(`${octets}.${payload.length}`);
    const files = await unzipFiles(out.zip);
    expect(text(files.get(`${BAG_NAME}/bagit.txt`))).toBe('BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n');
    expect(BAGIT_TXT).toBe('BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n');
    expect(text(files.get(`${BAG_NAME}/bag-info.txt`))).toBe(
      [
        'Source-Organization: Example Police',
        'Contact-Name:',
        'External-Identifier: CR/2024/0001',
        'External-Description: Burglary 2024',
        'Bagging-Date: 2025-01-02',
        `Payload-Oxum: ${octets}.${payload.length}`,
        'Bag-Software-Agent: Hashmark 0.1.0 (Chrome 131)',
        'Evidence-Signature-Algorithm: ECDSA-P384-SHA256-DER',
        `Evidence-Signing-Key-SHA256: ${t.fingerprint}`,
        'Bag-Group-Identifier: case-1-export-1',
        'Bag-Count: 1 of 2',
        '',
      ].join('\n'),
    );
  });

  it('writes manifests in sha256sum -c format, sorted by path, with correct digests', async () => {
    const payload = samplePayload();
    const out = await makeBag(t.signer, { payload: [...payload].reverse() });
    const files = await unzipFiles(out.zip);
    const sorted = [...payload].sort((a, b) => (a.path < b.path ? -1 : 1));
    const digests = await Promise.all(sorted.map((f) => digestBoth(f.bytes)));
    expect(text(files.get(`${BAG_NAME}/manifest-sha256.txt`))).toBe(
      sorted.map((f, i) => `${digests[i]?.sha256}  ${f.path}\n`).join(''),
    );
    expect(text(files.get(`${BAG_NAME}/manifest-sha512.txt`))).toBe(
      sorted.map((f, i) => `${digests[i]?.sha512}  ${f.path}\n`).join(''),
    );
  });

  it('tag manifests cover exactly the five tag files; the signature covers tagmanifest-sha256.txt', async () => {
    const out = await makeBag(t.signer);
    const files = await unzipFiles(out.zip);
    const tagFiles = ['VERIFY.txt', 'bag-info.txt', 'bagit.txt', 'manifest-sha256.txt', 'manifest-sha512.txt'];
    for (const alg of ['sha256', 'sha512'] as const) {
      const expected = await Promise.all(
        tagFiles.map(
          async (f) => `${(await digestBoth(files.get(`${BAG_NAME}/${f}`) ?? new Uint8Array()))[alg]}  ${f}\n`,
        ),
      );
      expect(text(files.get(`${BAG_NAME}/tagmanifest-${alg}.txt`))).toBe(expected.join(''));
    }
    const tagManifest = files.get(`${BAG_NAME}/tagmanifest-sha256.txt`) ?? new Uint8Array();
    expect(out.tagManifestSha256).toBe(await sha256Hex(tagManifest));
    const pem = text(files.get(`${BAG_NAME}/signature/signing-key.pem`));
    expect(pem).toBe(spkiDerToPem(t.spkiDer));
    const sig = files.get(`${BAG_NAME}/signature/tagmanifest-sha256.txt.sig`) ?? new Uint8Array();
    expect(() => derToP1363(sig)).not.toThrow();
    expect(await verifyDer(pemToDer(pem), sig, tagManifest)).toBe(true);
    expect(text(files.get(`${BAG_NAME}/VERIFY.txt`))).toBe(bagInput(t.signer).verifyText);
  });

  it('STOREs already-compressed media and DEFLATEs text', async () => {
    const out = await makeBag(t.signer);
    const methods = compressionMethods(out.zip);
    const cap = `${BAG_NAME}/data/captures/0001-cap-1`;
    expect(methods.get(`${cap}/screenshot-viewport.png`)).toBe(0);
    expect(methods.get(`${cap}/media/0123abcd.jpg`)).toBe(0);
    expect(methods.get(`${cap}/dom.html`)).toBe(8);
    expect(methods.get(`${BAG_NAME}/manifest-sha256.txt`)).toBe(8);
    expect(['a.png', 'a.JPG', 'a.jpeg', 'a.webp', 'a.gif', 'a.mp4', 'a.zip'].map(compressionFor)).toEqual(
      Array(7).fill('STORE'),
    );
    expect(['a.html', 'a.json', 'a.txt', 'a.mhtml', 'a.tsr', 'a.sig', 'png', 'x/.png'].map(compressionFor)).toEqual(
      Array(8).fill('DEFLATE'),
    );
  });

  it("with deflateText false (the exporter's choice) STOREs every file, and the ZIP still reads", async () => {
    const out = await makeBag(t.signer, { deflateText: false });
    const methods = compressionMethods(out.zip);
    expect(methods.size).toBeGreaterThan(20);
    expect(new Set(methods.values())).toEqual(new Set([0]));
    const z = await JSZip.loadAsync(out.zip);
    const dom = await z.file(`${BAG_NAME}/data/captures/0001-cap-1/dom.html`)!.async('string');
    expect(dom).toContain('<p>evidence</p>');
  });

  it('reads streamed files in ZIP order, a bounded window ahead, giving the same ZIP as bytes in memory', async () => {
    const memo = new Map<string, Uint8Array>();
    const signer: Signer = {
      ...t.signer,
      sign: async (data) => memo.get('s') ?? (memo.set('s', await t.signer.sign(data)).get('s') as Uint8Array),
    };
    const files = samplePayload(t.fingerprint);
    const log: string[] = [];
    let written = 0;
    const streamed: StreamedFile[] = files.map((f) => ({
      path: f.path,
      size: f.bytes.length,
      read: async () => {
        log.push(`read ${f.path} after ${written} written`);
        return { bytes: f.bytes, ...(await digestBoth(f.bytes)) };
      },
    }));
    const fromMemory = await makeBag(signer, { payload: files });
    const fromStore = await makeBag(signer, {
      payload: streamed,
      onProgress: (done) => void (written = done),
    });
    expect(Buffer.from(fromStore.zip).equals(Buffer.from(fromMemory.zip))).toBe(true);
    const order = [...files].map((f) => f.path).sort();
    expect(log.map((l) => l.split(' ')[1])).toEqual(order);
    // Read ahead in a window (bag-writer.ts READ_AHEAD_FILES = 64, and 8 MiB): the k-th payload
    // file (0-based) is read once the 3 tag files before data/ and k - 64 payload files are written.
    log.forEach((l, k) => expect(Number(/after (\d+)/.exec(l)![1])).toBeGreaterThanOrEqual(3 + k - 64));
  });

  it('reads large files at most 8 MiB ahead of the writer (memory stays bounded whatever the part)', async () => {
    const log: number[] = [];
    let written = 0;
    const big: StreamedFile[] = Array.from({ length: 20 }, (_, k) => {
      const bytes = new Uint8Array(1024 * 1024).fill(k);
      return {
        path: `data/big/f${String(k).padStart(2, '0')}.bin`,
        size: bytes.length,
        read: async () => {
          log.push(written);
          return { bytes, ...(await digestBoth(bytes)) };
        },
      };
    });
    await makeBag(t.signer, { payload: big, onProgress: (done) => void (written = done) });
    expect(log).toHaveLength(20);
    // 3 tag files precede data/; with 1 MiB files no more than 8 are read and not yet written.
    log.forEach((w, k) => expect(w).toBeGreaterThanOrEqual(3 + k - 8));
    expect(log.some((w, k) => w < 3 + k - 1)).toBe(true); // and it does read ahead
  });

  it("a failing streamed read abandons the bag with the reader's error; reads stay within the window", async () => {
    const files = samplePayload(t.fingerprint);
    const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : 1));
    const bad = sorted[2]!.path;
    const reads: string[] = [];
    const streamed: StreamedFile[] = files.map((f) => ({
      path: f.path,
      size: f.bytes.length,
      read: async () => {
        reads.push(f.path);
        if (f.path === bad) throw new Error(`${f.path}: the stored bytes no longer match`);
        return { bytes: f.bytes, ...(await digestBoth(f.bytes)) };
      },
    }));
    await expect(makeBag(t.signer, { payload: streamed })).rejects.toThrow(`${bad}: the stored bytes no longer match`);
    expect(reads.length).toBeLessThanOrEqual(2 + 16);
    const announced = streamed.map((f) => (f.path === sorted[0]!.path ? { ...f, size: f.size + 1 } : f));
    await expect(makeBag(t.signer, { payload: announced })).rejects.toThrow(/not the \d+ announced/);
  });

  it("stops between files when its signal is aborted, with the signal's reason", async () => {
    const ctl = new AbortController();
    const streamed: StreamedFile[] = samplePayload(t.fingerprint).map((f) => ({
      path: f.path,
      size: f.bytes.length,
      read: async () => {
        ctl.abort(new Error('cancelled by the investigator'));
        return { bytes: f.bytes, ...(await digestBoth(f.bytes)) };
      },
    }));
    await expect(makeBag(t.signer, { payload: streamed, signal: ctl.signal })).rejects.toThrow(
      'cancelled by the investigator',
    );
  });

  it('is deterministic: same input, date and signature give identical bytes', async () => {
    // ECDSA signatures are randomised (WebCrypto has no RFC 6979), so a memoising signer stands
    // in for "the same signature"; everything else must be byte-identical.
    const memo = new Map<string, Uint8Array>();
    const signer: Signer = {
      ...t.signer,
      sign: async (data) => {
        const key = await sha256Hex(data);
        const hit = memo.get(key) ?? (await t.signer.sign(data));
        memo.set(key, hit);
        return hit;
      },
    };
    const a = await makeBag(signer);
    const b = await makeBag(signer);
    expect(b.zipSha256).toBe(a.zipSha256);
    expect(Buffer.from(b.zip).equals(Buffer.from(a.zip))).toBe(true);
    const later = await makeBag(signer, { date: new Date('2026-06-07T08:09:10Z') });
    expect(later.zipSha256).not.toBe(a.zipSha256);
    expect(later.tagManifestSha256).toBe(a.tagManifestSha256);
  });

  it('reports exact progress in files and bytes, monotonic, ending at its totals', async () => {
    const calls: [number, number, number, number][] = [];
    const out = await makeBag(t.signer, {
      onProgress: (done, total, bytes) => calls.push([done, total, bytes.done, bytes.total]),
    });
    // 9 payload files + VERIFY.txt, bag-info.txt, bagit.txt + 2 manifests, 2 tag manifests, 2 signature/ files.
    expect(calls[0]?.slice(0, 3)).toEqual([0, samplePayload().length + 9, 0]);
    const last = calls.at(-1)!;
    expect(last[0]).toBe(last[1]);
    expect(last[2]).toBe(last[3]);
    // The byte total is every file's content, as unzipped.
    const z = await JSZip.loadAsync(out.zip);
    let unzipped = 0;
    for (const f of Object.values(z.files)) if (!f.dir) unzipped += (await f.async('uint8array')).length;
    expect(last[3]).toBe(unzipped);
    for (let i = 1; i < calls.length; i++) {
      expect(calls[i]![0]).toBeGreaterThanOrEqual(calls[i - 1]![0]);
      expect(calls[i]![2]).toBeGreaterThanOrEqual(calls[i - 1]![2]);
    }
  });

  it("exports the package ceilings (the verifier's reader limits)", () => {
    expect(MAX_ZIP_ENTRIES).toBe(150_000);
    expect(MAX_ZIP_BYTES).toBe(4 * 1024 * 1024 * 1024);
  });

  it('refuses at the entry limit before reading the payload (and before signing)', async () => {
    // 9 payload files + 9 tag and signature files + 7 folders = 25 entries.
    const sign = vi.fn(t.signer.sign);
    const signer = { ...t.signer, sign };
    await expect(makeBag(signer, { limits: { maxEntries: 26 } })).resolves.toBeDefined();
    sign.mockClear();
    const refusal = makeBag(signer, { limits: { maxEntries: 25 } });
    await expect(refusal).rejects.toBeInstanceOf(BagLimitError);
    await expect(refusal).rejects.toThrow(/25 ZIP entries reach the limit of 25/);
    // Payload alone over the limit: refused before hashing or signing.
    await expect(makeBag(signer, { limits: { maxEntries: 5 } })).rejects.toThrow(BagLimitError);
    // Every entry but afterSign's is known before the payload is read: neither attempt signed.
    expect(sign).toHaveBeenCalledTimes(0);
  });

  it('refuses at the byte limit, counting tag files too', async () => {
    const payload = samplePayload(t.fingerprint);
    const payloadBytes = payload.reduce((n, f) => n + f.bytes.length, 0);
    await expect(makeBag(t.signer, { limits: { maxBytes: payloadBytes } })).rejects.toThrow(
      new RegExp(`${payloadBytes} bytes reach the limit of ${payloadBytes}`),
    );
    // Payload fits, payload + tag files do not.
    await expect(makeBag(t.signer, { limits: { maxBytes: payloadBytes + 100 } })).rejects.toThrow(BagLimitError);
    await expect(makeBag(t.signer, { limits: { maxBytes: payloadBytes + 100_000 } })).resolves.toBeDefined();
  });

  it.each([
    ['case.json', 'must start with "data/"'],
    ['/data/x.txt', 'not allowed'],
    ['data/', 'not allowed'],
    ['data/x/', 'not allowed'],
    ['data//x.txt', 'not allowed'],
    ['data/../bagit.txt', 'not allowed'],
    ['data/./x.txt', 'not allowed'],
    ['data/a b.txt', 'not allowed'],
    ['data/caf\u00e9.txt', 'not allowed'],
    ['data\\x.txt', 'not allowed'],
    ['data/x.txt\n', 'not allowed'],
  ])('rejects payload path %j', async (path, message) => {
    const payload = [...samplePayload(), { path, bytes: utf8('x') }];
    const error = await makeBag(t.signer, { payload }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(JSON.stringify(path));
    expect((error as Error).message).toContain(message);
  });

  it('rejects duplicate, case-colliding and file/folder-clashing paths, naming them', async () => {
    const base = samplePayload();
    await expect(
      makeBag(t.signer, { payload: [...base, { path: 'data/case.json', bytes: utf8('') }] }),
    ).rejects.toThrow('payload path data/case.json appears twice');
    await expect(
      makeBag(t.signer, { payload: [...base, { path: 'data/Case.json', bytes: utf8('') }] }),
    ).rejects.toThrow('data/case.json and data/Case.json differ only in letter case');
    await expect(makeBag(t.signer, { payload: [...base, { path: 'data/custody', bytes: utf8('') }] })).rejects.toThrow(
      'data/custody is both a file and the folder of data/custody/events.jsonl',
    );
  });

  it.each(['bad name', '..', '.', '', 'caf\u00e9', 'a/b'])('rejects bag name %j', async (bagName) => {
    await expect(makeBag(t.signer, { bagName })).rejects.toThrow(/bag name .* must be ASCII/);
  });

  it('rejects bag-info values with line breaks and malformed dates or counts', async () => {
    const info = bagInput(t.signer).info;
    await expect(makeBag(t.signer, { info: { ...info, externalDescription: 'two\nlines' } })).rejects.toThrow(
      'External-Description contains a line break',
    );
    await expect(makeBag(t.signer, { info: { ...info, contactName: 'x\r' } })).rejects.toThrow(
      'Contact-Name contains a line break',
    );
    await expect(makeBag(t.signer, { info: { ...info, baggingDate: '2025-1-2' } })).rejects.toThrow(
      'is not YYYY-MM-DD',
    );
    await expect(makeBag(t.signer, { info: { ...info, bagCount: '3' } })).rejects.toThrow('is not "<k> of <n>"');
  });

  it('rejects a signer whose fingerprint or signature does not match its key', async () => {
    const other = await createTestSigner();
    const info = bagInput(t.signer).info;
    await expect(makeBag({ ...t.signer, fingerprint: other.fingerprint })).rejects.toThrow(
      'signer.fingerprint is not the SHA-256 of signer.spkiDer',
    );
    await expect(makeBag(t.signer, { info: { ...info, signingKeyFingerprint: other.fingerprint } })).rejects.toThrow(
      "info.signingKeyFingerprint is not the signer's key fingerprint",
    );
    await expect(makeBag({ ...t.signer, sign: other.signer.sign })).rejects.toThrow(
      'does not verify with its own public key',
    );
    // P1363 instead of DER: the mistake signDer exists to prevent.
    await expect(makeBag({ ...t.signer, sign: async (d) => derToP1363(await t.signer.sign(d)) })).rejects.toThrow(
      'does not verify with its own public key',
    );
  });

  it('writes an empty payload as Payload-Oxum 0.0 with an explicit data/ folder', async () => {
    const out = await makeBag(t.signer, { payload: [] });
    expect(out.payloadOxum).toBe('0.0');
    const z = await JSZip.loadAsync(out.zip);
    expect(z.files[`${BAG_NAME}/data/`]?.dir).toBe(true);
    expect(text(await z.file(`${BAG_NAME}/manifest-sha256.txt`)?.async('uint8array'))).toBe('');
  });

  it('rejects an invalid date', async () => {
    await expect(writeBag(bagInput(t.signer, { date: new Date('x') }))).rejects.toThrow('valid date');
    await expect(writeBag(bagInput(t.signer, { date: new Date('1970-01-01T00:00:00Z') }))).rejects.toThrow('1980');
  });

  it('adds the optional signature/ files afterSign returns for the signature, outside every manifest', async () => {
    let signed: Uint8Array | null = null;
    const out = await makeBag(t.signer, {
      afterSign: async (sig) => {
        signed = sig;
        return [
          { path: 'signature/tagmanifest-sha256.txt.sig.tsr', bytes: utf8('token') },
          { path: 'signature/tsa-chain.pem', bytes: utf8('-----BEGIN CERTIFICATE-----\n') },
        ];
      },
    });
    const files = await unzipFiles(out.zip);
    expect(files.get(`${BAG_NAME}/signature/tagmanifest-sha256.txt.sig`)).toEqual(signed);
    expect(text(files.get(`${BAG_NAME}/signature/tagmanifest-sha256.txt.sig.tsr`))).toBe('token');
    for (const m of ['manifest-sha256.txt', 'tagmanifest-sha256.txt'])
      expect(text(files.get(`${BAG_NAME}/${m}`))).not.toContain('signature/');
    await expect(
      makeBag(t.signer, {
        afterSign: async () => [{ path: 'signature/other.bin' as 'signature/tsa-chain.pem', bytes: utf8('x') }],
      }),
    ).rejects.toThrow('"signature/other.bin" is not an optional signature/ file');
  });
});
