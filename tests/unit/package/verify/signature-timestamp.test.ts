import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { sha256HexSync, utf8 } from '@/utils/evidence/hash';
import { chainEvent } from '@/utils/evidence/custody-log';
import { requestTimestamp } from '@/utils/evidence/rfc3161';
import { SIGNATURE_TOKEN_PATH, TSA_CHAIN_PATH } from '@/utils/package/layout';
import { formatReport, verifyPackage, type VerifyReport } from '@/utils/package/verify';
import { startTsa, TSA_FIXTURES, type TestTsa } from '../../../support/tsa-server';
import { BAG_NAME, custodyLog, makeBag, samplePayload } from '../../helpers/bag-fixture';
import { createTestSigner, type TestSigner } from '../../helpers/signer';
import type { BagInput } from '@/utils/package/bag-writer';
import { buildZip, takeApart } from './hostile-zip';

/**
 * Issue 14 finding 3, the files under signature/ that no manifest and no signature cover: the
 * token over the signature (made after it, so it cannot be inside what it times) and the TSA's
 * certificates. Each must prove itself claim by claim, and a claim the verifier could not check
 * must be listed as unverified, never PASSED. Hostile packages are built here, signed with a
 * test key and timestamped by the local test TSA (127.0.0.1, openssl).
 */

const failures = (r: VerifyReport): string[] => r.checks.filter((c) => !c.ok).map((c) => `${c.id}: ${c.message}`);
type BagFile = BagInput['payload'][number];
const passes = (r: VerifyReport, id: string): string[] =>
  r.checks.filter((c) => c.ok && c.id === id).map((c) => c.message);

describe('timestamp files under signature/ (issue 14 finding 3)', () => {
  let t: TestSigner;
  let tsa: TestTsa;
  let root: string;

  beforeAll(async () => {
    t = await createTestSigner();
    tsa = await startTsa('normal');
    root = await readFile(TSA_FIXTURES.root, 'utf8');
  });
  afterAll(async () => {
    await tsa.close();
  });

  /** A signed package whose signature is timestamped by the test TSA; `extra` adds signature/ files. */
  async function timestamped(opts: { chain?: string | null; payload?: BagFile[] } = {}): Promise<Uint8Array> {
    return (
      await makeBag(t.signer, {
        ...(opts.payload ? { payload: opts.payload } : {}),
        afterSign: async (sig) => {
          const r = await requestTimestamp({
            url: tsa.url,
            digest: Uint8Array.from(Buffer.from(sha256HexSync(sig), 'hex')),
          });
          const chain = opts.chain === undefined ? r.certificatesPem : opts.chain;
          return [
            { path: SIGNATURE_TOKEN_PATH, bytes: r.tsr },
            ...(chain === null ? [] : [{ path: TSA_CHAIN_PATH as typeof TSA_CHAIN_PATH, bytes: utf8(chain) }]),
          ];
        },
      })
    ).zip;
  }

  it('says which claims of the signature token it verified, one by one, and lists the chain as unverified without a root', async () => {
    const zip = await timestamped();
    const r = await verifyPackage(zip, { keyFingerprint: t.fingerprint });
    expect(failures(r)).toEqual([]);
    expect(r.verdict).toBe('unverified');
    const mine = passes(r, 'timestamps').filter((m) => m.startsWith(`${SIGNATURE_TOKEN_PATH}: verified: `));
    expect(mine).toHaveLength(3);
    expect(mine[0]).toMatch(/its message imprint equals the SHA-256 of signature\/tagmanifest-sha256\.txt\.sig\.$/);
    expect(mine[1]).toMatch(
      /its CMS signature is valid, by the timestamping certificate it carries \(CN=Hashmark Test TSA/,
    );
    expect(mine[2]).toMatch(
      /its time \S+ is not before the export and every capture started \(2025-01-02T03:04:03\.000Z\), not in the future\.$/,
    );
    expect(r.checks.some((c) => /chains to the given TSA root/.test(c.message))).toBe(false);
    const open = r.unverified.join('\n');
    expect(open).toMatch(
      /^Trusted time of the signature: signature\/tagmanifest-sha256\.txt\.sig\.tsr was not checked up/m,
    );
    expect(open).toMatch(/^signature\/tsa-chain\.pem: its 2 certificate\(s\): .* were not checked against a TSA root/m);
    expect(formatReport(r)).toMatch(/^VERDICT: INTACT, NOT FULLY VERIFIED/m);
  });

  it('with the TSA root, the chain claim is verified too, and tsa-chain.pem is said to be candidates only', async () => {
    const r = await verifyPackage(await timestamped(), { keyFingerprint: t.fingerprint, tsaRootsPem: root });
    expect(failures(r)).toEqual([]);
    expect(passes(r, 'timestamps')).toContain(
      `${SIGNATURE_TOKEN_PATH}: verified: that certificate chains to the given TSA root at the token's time.`,
    );
    expect(passes(r, 'timestamps').find((m) => m.startsWith(TSA_CHAIN_PATH))).toMatch(
      /were offered only as candidates for the chain to the given TSA root/,
    );
    expect(r.unverified.join('\n')).not.toMatch(/signature\/|tsa-chain/);
  });

  it('a tsa-chain.pem holding the genuine root does not make another root trust the token', async () => {
    const r = await verifyPackage(await timestamped({ chain: root }), {
      keyFingerprint: t.fingerprint,
      tsaRootsPem: await readFile(TSA_FIXTURES.otherRoot, 'utf8'),
    });
    expect(r.verdict).toBe('failed');
    expect(failures(r)[0]).toMatch(
      /^timestamps: signature\/tagmanifest-sha256\.txt\.sig\.tsr: its TSA certificate does not chain to the given TSA root: /,
    );
  });

  it('a tsa-chain.pem that is not certificates, or without the token it goes with, is refused', async () => {
    const garbage = await verifyPackage(await timestamped({ chain: 'not a certificate\n' }), {
      keyFingerprint: t.fingerprint,
    });
    expect(garbage.verdict).toBe('failed');
    expect(failures(garbage)).toEqual(['timestamps: signature/tsa-chain.pem holds no certificate.']);

    const alone = (
      await makeBag(t.signer, {
        afterSign: () => Promise.resolve([{ path: TSA_CHAIN_PATH, bytes: utf8(root) }]),
      })
    ).zip;
    const r = await verifyPackage(alone, { keyFingerprint: t.fingerprint, tsaRootsPem: root });
    expect(r.verdict).toBe('failed');
    expect(failures(r)).toEqual([
      'timestamps: signature/tsa-chain.pem is present without signature/tagmanifest-sha256.txt.sig.tsr; the exporter writes it only beside that token.',
    ]);
  });

  it('a signature token dated in the future of the verification is refused', async () => {
    const r = await verifyPackage(await timestamped(), {
      keyFingerprint: t.fingerprint,
      tsaRootsPem: root,
      now: new Date('2025-06-01T00:00:00Z'),
    });
    expect(r.verdict).toBe('failed');
    expect(failures(r)).toEqual([
      expect.stringMatching(
        /^timestamps: signature\/tagmanifest-sha256\.txt\.sig\.tsr: it is dated \S+, in the future of this verification \(2025-06-01T00:00:00\.000Z\)\.$/,
      ),
    ]);
  });

  it('a signature token dated before the export started is refused', async () => {
    // The same log, but this export starts in 2099: a token of today cannot be over its signature.
    const lines = custodyLog(4, t.fingerprint).trimEnd().split('\n');
    const last = JSON.parse(lines.pop()!) as { details: Record<string, unknown> };
    const { line } = chainEvent(
      { seq: lines.length, line: lines.at(-1)! },
      {
        at: '2099-01-01T00:00:00.000Z',
        caseId: 'case-1',
        actor: 'DC Example',
        type: 'export.started',
        details: last.details,
      },
    );
    const payload = samplePayload(t.fingerprint).map((f) =>
      f.path === 'data/custody/events.jsonl' ? { ...f, bytes: utf8(`${lines.join('\n')}\n${line}\n`) } : f,
    );
    const r = await verifyPackage(await timestamped({ payload }), { keyFingerprint: t.fingerprint, tsaRootsPem: root });
    expect(failures(r)).toEqual([
      expect.stringMatching(
        /^timestamps: signature\/tagmanifest-sha256\.txt\.sig\.tsr: it is dated \S+, before 2099-01-01T00:00:00\.000Z, when what it certifies did not yet exist\.$/,
      ),
    ]);
  });

  it('any other file under signature/ stays refused, token-like or not', async () => {
    for (const path of [
      'signature/tagmanifest-sha512.txt.sig.tsr',
      'signature/signing-key.pem.tsr',
      'signature/tsa-root.pem',
    ]) {
      // The writer refuses such names, so the file is added to the ZIP afterwards, as an adversary would.
      const entries = await takeApart(await timestamped());
      entries.push({ name: `${BAG_NAME}/${path}`, data: utf8(root) });
      const r = await verifyPackage(buildZip(entries), {
        keyFingerprint: t.fingerprint,
        tsaRootsPem: root,
      });
      expect(r.verdict).toBe('failed');
      expect(failures(r)).toContain(
        `unexpected-files: ${path}: this entry is not a file the exporter writes (only the names listed in evidence-package-v1.md are accepted).`,
      );
    }
  });
});
