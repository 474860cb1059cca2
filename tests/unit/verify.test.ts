import JSZip from 'jszip';
import { beforeAll, describe, expect, it } from 'vitest';
import { utf8 } from '@/utils/evidence/hash';
import type { Signer } from '@/utils/package/bag-writer';
import { formatReport, verifyPackage, type VerifyReport } from '@/utils/package/verify';
import {
  BAG_NAME,
  EXPORT_ID,
  FIXED_DATE,
  custodyLog,
  makeBag,
  patchAscii,
  retag,
  rezip,
  samplePayload,
  unzipFiles,
} from './helpers/bag-fixture';
import { createTestSigner, type TestSigner } from './helpers/signer';

const P = `${BAG_NAME}/`;
const DOM = 'data/captures/0001-cap-1/dom.html';

const failures = (r: VerifyReport): string[] => r.checks.filter((c) => !c.ok).map((c) => `${c.id}: ${c.message}`);
const failedIds = (r: VerifyReport): string[] => [...new Set(r.checks.filter((c) => !c.ok).map((c) => c.id))].sort();

describe('verifyPackage', () => {
  let t: TestSigner;
  let clean: Uint8Array;

  beforeAll(async () => {
    t = await createTestSigner();
    clean = (await makeBag(t.signer)).zip;
  });

  it('passes a clean package and reports its facts', async () => {
    const r = await verifyPackage(clean);
    expect(failures(r)).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.bagName).toBe(BAG_NAME);
    expect(r.fingerprint).toBe(t.fingerprint);
    const payload = samplePayload(t.fingerprint);
    expect(r.payloadFiles).toBe(payload.length);
    expect(r.payloadBytes).toBe(payload.reduce((n, f) => n + f.bytes.length, 0));
    expect(r.checks.map((c) => c.id)).toEqual([
      'zip-entries',
      'layout',
      'zip',
      'bagit',
      'bag-info',
      'manifest-sha256',
      'manifest-sha512',
      'tagmanifest-sha256',
      'tagmanifest-sha512',
      'unexpected-files',
      'payload-oxum',
      'signature',
      'key-fingerprint',
      'case-json',
      'custody',
      'custody-order',
      'signer',
      'captures',
      'capture-artifacts',
      'custody-case',
      'custody-export',
      'custody-captures',
    ]);
    // Intact, but who signed it was not checked: not PASSED.
    expect(r.verdict).toBe('unverified');
    expect(r.unverified).toHaveLength(1);
    expect(r.unverified[0]).toMatch(/^Who signed: the signing key fingerprint [0-9a-f]{64} was not compared/);
    expect(r.caseId).toBe('case-1');
    expect(r.exportId).toBe(EXPORT_ID);
    expect(r.group).toBeNull();
    expect(r.captures).toBe(1);
  });

  it('passes with the right pinned key, in any letter case', async () => {
    const r = await verifyPackage(clean, { keyFingerprint: t.fingerprint.toUpperCase() });
    expect(r.ok).toBe(true);
    expect(r.verdict).toBe('passed');
    expect(r.unverified).toEqual([]);
    expect(r.checks.find((c) => c.id === 'pinned-key')?.ok).toBe(true);
  });

  it('detects a changed payload file (re-zipped, so ZIP CRCs are valid)', async () => {
    const zip = await rezip(clean, (files) => {
      const dom = files.get(P + DOM) ?? new Uint8Array();
      const flipped = dom.slice();
      flipped[10] = (flipped[10] ?? 0) ^ 0x01;
      files.set(P + DOM, flipped);
    });
    const r = await verifyPackage(zip);
    expect(r.ok).toBe(false);
    expect(failures(r)).toEqual([
      `manifest-sha256: ${DOM}: SHA-256 does not match the manifest.`,
      `manifest-sha512: ${DOM}: SHA-512 does not match the manifest.`,
      `capture-artifacts: ${DOM}: its SHA-256 or SHA-512 differs from capture.json.`,
    ]);
  });

  it('detects a byte flipped inside the ZIP itself (damaged entry)', async () => {
    // The screenshot is STOREd, so its bytes sit in the ZIP as they are.
    const zip = clean.slice();
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47]);
    const at = zip.findIndex((_, i) => png.every((b, j) => zip[i + j] === b));
    expect(at).toBeGreaterThan(0);
    zip[at + 100] = (zip[at + 100] ?? 0) ^ 0xff;
    const r = await verifyPackage(zip);
    expect(r.ok).toBe(false);
    // The strict reader stops at the damaged entry: nothing after it is trusted.
    expect(failures(r)).toEqual([
      `zip: ZIP entry "${P}data/captures/0001-cap-1/screenshot-viewport.png" is damaged: its CRC-32 does not match.`,
    ]);
    expect(r.verdict).toBe('failed');
  });

  it('detects a missing payload file', async () => {
    const zip = await rezip(clean, (files) => files.delete(P + DOM));
    const r = await verifyPackage(zip);
    expect(failedIds(r)).toEqual(['capture-artifacts', 'manifest-sha256', 'manifest-sha512', 'payload-oxum']);
    expect(failures(r)).toContain(
      `manifest-sha256: ${DOM}: listed in manifest-sha256.txt but missing from the package.`,
    );
  });

  it('detects an extra payload file', async () => {
    const zip = await rezip(clean, (files) => files.set(`${P}data/planted.txt`, utf8('planted')));
    const r = await verifyPackage(zip);
    expect(failedIds(r)).toEqual(['manifest-sha256', 'manifest-sha512', 'payload-oxum', 'unexpected-files']);
    expect(failures(r)).toContain(
      'manifest-sha256: data/planted.txt: this file is not listed in manifest-sha256.txt (it was added to the package).',
    );
  });

  it('detects an extra file at the top level of the ZIP', async () => {
    const zip = await rezip(clean, (files) => files.set('README.txt', utf8('hello')));
    const r = await verifyPackage(zip);
    expect(failures(r)).toEqual([`layout: README.txt: this entry is outside the bag folder ${BAG_NAME}.`]);
  });

  it('detects an extra tag or signature file inside the bag', async () => {
    const zip = await rezip(clean, (files) => {
      files.set(`${P}notes.txt`, utf8('x'));
      files.set(`${P}signature/other.sig`, utf8('x'));
    });
    const r = await verifyPackage(zip);
    expect(failedIds(r)).toEqual(['unexpected-files']);
    expect(failures(r)).toContain(
      'unexpected-files: notes.txt: this entry is not a file the exporter writes (only the names listed in evidence-package-v1.md are accepted).',
    );
  });

  it('detects an edited bag-info.txt', async () => {
    const zip = await rezip(clean, (files) => {
      const info = new TextDecoder().decode(files.get(`${P}bag-info.txt`));
      files.set(`${P}bag-info.txt`, utf8(info.replace('Contact-Name: DC Example', 'Contact-Name: DC Other')));
    });
    const r = await verifyPackage(zip);
    expect(failures(r)).toEqual([
      'tagmanifest-sha256: bag-info.txt: SHA-256 does not match tagmanifest-sha256.txt (the file was changed after the package was made).',
      'tagmanifest-sha512: bag-info.txt: SHA-512 does not match tagmanifest-sha512.txt (the file was changed after the package was made).',
    ]);
  });

  it('detects a forged re-bag: payload changed, manifests regenerated, old signature kept', async () => {
    const files = await unzipFiles(clean);
    const oldSig = files.get(`${P}signature/tagmanifest-sha256.txt.sig`) ?? new Uint8Array();
    const replay: Signer = { ...t.signer, sign: () => Promise.resolve(oldSig) };
    const payload = samplePayload(t.fingerprint).map((f) =>
      f.path === DOM ? { ...f, bytes: utf8('<html>forged</html>') } : f,
    );
    // writeBag itself refuses to emit a signature that does not verify, so build the forgery by hand:
    const honest = await makeBag(t.signer, { payload });
    const forged = await rezip(honest.zip, (m) => m.set(`${P}signature/tagmanifest-sha256.txt.sig`, oldSig));
    await expect(makeBag(replay, { payload })).rejects.toThrow('does not verify');
    const r = await verifyPackage(forged);
    expect(failures(r)).toEqual([
      `signature: The signature in signature/tagmanifest-sha256.txt.sig does not match tagmanifest-sha256.txt and signature/signing-key.pem: the package was changed after it was signed, or the key was swapped.`,
      `capture-artifacts: ${DOM}: holds 19 bytes; capture.json says 3026.`,
    ]);
  });

  it('a full re-sign with another key is never PASSED unpinned, and fails against the pinned original key', async () => {
    const mallory = await createTestSigner();
    // Re-signed as is: case.json and the custody log still name the investigator's key.
    const lazy = await verifyPackage((await makeBag(mallory.signer, { payload: samplePayload(t.fingerprint) })).zip);
    expect(failedIds(lazy)).toEqual(['signer']);
    // A thorough forger rewrites them too: intact, but who signed stands unverified.
    const resigned = (await makeBag(mallory.signer, { payload: samplePayload(mallory.fingerprint) })).zip;
    const unpinned = await verifyPackage(resigned);
    expect(unpinned.ok).toBe(true);
    expect(unpinned.verdict).toBe('unverified');
    expect(unpinned.fingerprint).toBe(mallory.fingerprint);
    const pinned = await verifyPackage(resigned, { keyFingerprint: t.fingerprint });
    expect(pinned.ok).toBe(false);
    expect(failures(pinned)).toEqual([
      `pinned-key: Pinned key check failed: the package was signed with key ${mallory.fingerprint}, not the expected key ${t.fingerprint}.`,
    ]);
  });

  it('detects a swapped signing key with the old bag-info fingerprint', async () => {
    const mallory = await createTestSigner();
    const files = await unzipFiles((await makeBag(mallory.signer)).zip);
    const zip = await rezip(clean, (m) => {
      m.set(`${P}signature/signing-key.pem`, files.get(`${P}signature/signing-key.pem`) ?? new Uint8Array());
      m.set(
        `${P}signature/tagmanifest-sha256.txt.sig`,
        files.get(`${P}signature/tagmanifest-sha256.txt.sig`) ?? new Uint8Array(),
      );
    });
    const r = await verifyPackage(zip);
    expect(failedIds(r)).toEqual(['key-fingerprint', 'signature', 'signer']);
  });

  it('reports a malformed signature and a malformed key in words', async () => {
    const badSig = await rezip(clean, (m) => m.set(`${P}signature/tagmanifest-sha256.txt.sig`, utf8('not der')));
    expect(failures(await verifyPackage(badSig))).toEqual([
      'signature: signature/tagmanifest-sha256.txt.sig is not a valid DER ECDSA P-384 signature (DER signature: does not start with a SEQUENCE).',
    ]);
    const badKey = await rezip(clean, (m) => m.set(`${P}signature/signing-key.pem`, utf8('garbage')));
    const r = await verifyPackage(badKey);
    expect(failedIds(r)).toEqual(['key-fingerprint', 'signature']);
    expect(failures(r)[0]).toMatch(/^signature: signature\/signing-key.pem is not a readable public key \(PEM: /);
    const noSig = await rezip(clean, (m) => m.delete(`${P}signature/tagmanifest-sha256.txt.sig`));
    expect(failures(await verifyPackage(noSig))).toEqual([
      'signature: signature/tagmanifest-sha256.txt.sig is missing: the package is not signed.',
    ]);
  });

  it.each([
    ['empty', new Uint8Array()],
    ['text', utf8('this is not a zip file')],
    ['random bytes', crypto.getRandomValues(new Uint8Array(4096))],
    ['a truncated package', new Uint8Array(0)],
  ])('returns ok:false without throwing for %s', async (_name, bytes) => {
    const input = _name === 'a truncated package' ? clean.slice(0, Math.floor(clean.length / 2)) : bytes;
    const r = await verifyPackage(input);
    expect(r.ok).toBe(false);
    expect(r.checks[0]?.id).toBe('zip');
    expect(r.verdict).toBe('failed');
    expect(r.checks[0]?.message).toMatch(
      /^The (file is too short to be a ZIP|ZIP does not end with its end-of-archive record)/,
    );
    expect(formatReport(r)).toContain('VERDICT: FAILED');
  });

  it('rejects a ZIP that is not a bag', async () => {
    const z = new JSZip();
    z.file('hello.txt', 'hi', { date: FIXED_DATE });
    const r = await verifyPackage(await z.generateAsync({ type: 'uint8array' }));
    expect(failures(r)).toEqual([
      'layout: No bag folder was found: the ZIP must hold one folder containing bagit.txt.',
    ]);
  });

  it('detects a broken custody chain (regenerated manifests, so only the chain says so)', async () => {
    const lines = custodyLog(4, t.fingerprint).split('\n');
    lines.splice(1, 1); // remove the second event
    const payload = samplePayload(t.fingerprint).map((f) =>
      f.path === 'data/custody/events.jsonl' ? { ...f, bytes: utf8(lines.join('\n')) } : f,
    );
    const r = await verifyPackage((await makeBag(t.signer, { payload })).zip);
    expect(failedIds(r)).toEqual(['custody', 'custody-order']);
    expect(failures(r)).toContain('custody: data/custody/events.jsonl line 2: seq is 3, expected 2.');
  });

  it('detects two ZIP entries with the same name (unzip would keep only one)', async () => {
    const withDecoy = await rezip(clean, (m) => m.set(`${P}data/case.jsoN`, utf8('{"decoy":true}\n')));
    const dup = patchAscii(withDecoy, 'data/case.jsoN', 'data/case.json');
    const r = await verifyPackage(dup);
    expect(r.ok).toBe(false);
    expect(failures(r)).toContain(
      `zip-entries: The ZIP holds two entries named ${P}data/case.json; unzip tools would keep only one of them.`,
    );
  });

  it('detects an entry name that climbs out of the folder', async () => {
    const withEvil = await rezip(clean, (m) => m.set(`${P}data/xx/evil.txt`, utf8('x')));
    const r = await verifyPackage(patchAscii(withEvil, 'data/xx/evil.txt', 'data/../evil.txt'));
    expect(r.ok).toBe(false);
    expect(failures(r)[0]).toMatch(
      /^zip-entries: ZIP entry ".*data\/\.\.\/evil\.txt" has an empty, "\." or "\.\." part/,
    );
  });

  it('flags a Payload-Oxum that disagrees with data/ even when the package is validly signed', async () => {
    // A writer bug, not a forgery: bag-info.txt is wrong but the tag manifests and signature match it.
    const zip = await retag(clean, t.signer, (m) => {
      const info = new TextDecoder().decode(m.get(`${P}bag-info.txt`));
      m.set(`${P}bag-info.txt`, utf8(info.replace(/Payload-Oxum: (\d+)\.9/, 'Payload-Oxum: $1.10')));
    });
    const r = await verifyPackage(zip);
    expect(failedIds(r)).toEqual(['payload-oxum']);
    expect(failures(r)[0]).toMatch(
      /^payload-oxum: Payload-Oxum in bag-info.txt is \d+\.10 \(bytes.files\), but data\/ holds \d+\.9:/,
    );
  });

  it('passes a package whose tag manifests were rebuilt and re-signed by the same key (sanity check of retag)', async () => {
    expect((await verifyPackage(await retag(clean, t.signer, () => undefined))).ok).toBe(true);
  });

  it('a pinned key that is not a fingerprint is reported, not ignored', async () => {
    const r = await verifyPackage(clean, { keyFingerprint: 'abc' });
    expect(failures(r)).toEqual([
      'pinned-key: The expected (pinned) key fingerprint given to the verifier is not 64 hex digits.',
    ]);
  });

  it('formatReport prints one PASS/FAIL line per check and a verdict', async () => {
    const good = formatReport(await verifyPackage(clean));
    expect(good).toContain(`Package:     ${BAG_NAME}`);
    expect(good).toContain(`Signing key: ${t.fingerprint}`);
    expect(good.match(/^PASS {2}/gm)).toHaveLength(22);
    expect(good).toMatch(/^VERDICT: INTACT, NOT FULLY VERIFIED\. None of the 22 checks failed/m);
    expect(good).toMatch(
      /^ {2}- Who signed: the signing key fingerprint [0-9a-f]{64} was not compared with one obtained/m,
    );
    expect(good).toContain(`Export:      ${EXPORT_ID}`);
    const pinned = formatReport(await verifyPackage(clean, { keyFingerprint: t.fingerprint }));
    expect(pinned).toMatch(/^VERDICT: PASSED\. All 23 checks passed and every claim is verified/m);
    const bad = formatReport(await verifyPackage(await rezip(clean, (m) => m.delete(P + DOM))));
    expect(bad).toMatch(/^FAIL {2}data\/captures\/0001-cap-1\/dom\.html: listed in manifest-sha256\.txt but missing/m);
    expect(bad).toMatch(/^VERDICT: FAILED\. 4 of 22 checks failed\./m);
    expect(/^[\x20-\x7e\n]*$/.test(bad)).toBe(true);
  });
});
