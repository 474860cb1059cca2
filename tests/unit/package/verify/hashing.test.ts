import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeHashing } from '@/cli/verify-hashing';
import { browserHashing, verifyPackage, type HashingProvider } from '@/utils/package/verify';
import { crcUpdate } from '@/utils/evidence/crc32';
import { makeBag, samplePayload } from '../../helpers/bag-fixture';
import { createTestSigner, type TestSigner } from '../../helpers/signer';

/**
 * The verifier's injected hashing (issue 14, throughput): the CLI's native provider and the
 * dashboard's browser-safe one must give the same CRC-32 and digests for any chunking, and the
 * same verdict; files above the one-shot size, kept or not, must hash the same as small ones.
 */

const bytes = (n: number, seed = 1): Uint8Array => {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
};

/** Feeds `data` to a provider in chunks of `size` bytes. */
function run(p: HashingProvider, data: Uint8Array, size: number): { crc: number; sha256: string; sha512: string } {
  const a = p.sha256();
  const b = p.sha512();
  let crc = 0;
  for (let o = 0; o < data.length; o += size) {
    const c = data.subarray(o, o + size);
    a.update(c);
    b.update(c);
    crc = p.crc32(crc, c);
  }
  return { crc, sha256: a.digestHex(), sha512: b.digestHex() };
}

describe('hashing providers', () => {
  it('the slice-by-8 CRC-32 equals zlib for every length and chunking', () => {
    const data = bytes(70_001);
    for (const n of [0, 1, 7, 8, 9, 15, 16, 17, 1000, 70_001]) {
      expect(crcUpdate(0, data.subarray(0, n))).toBe(zlib.crc32(data.subarray(0, n)));
    }
    let c = 0;
    for (let o = 0; o < data.length; o += 4093) c = crcUpdate(c, data.subarray(o, o + 4093));
    expect(c).toBe(zlib.crc32(data));
  });

  it('node and browser providers agree with each other and with node:crypto, chunk by chunk', () => {
    const data = bytes(300_007, 7);
    const expected = {
      crc: zlib.crc32(data),
      sha256: createHash('sha256').update(data).digest('hex'),
      sha512: createHash('sha512').update(data).digest('hex'),
    };
    for (const size of [1, 63, 4096, 300_007]) {
      expect(run(nodeHashing, data, size)).toEqual(expected);
      expect(run(browserHashing, data, size)).toEqual(expected);
    }
  });
});

describe('the verifier with each provider', () => {
  let t: TestSigner;
  let zip: Uint8Array;

  beforeAll(async () => {
    t = await createTestSigner();
    zip = (await makeBag(t.signer, { payload: samplePayload(t.fingerprint) })).zip;
  });

  it('gives the same verdict and digests with native and browser hashing', async () => {
    const native = await verifyPackage(zip, { keyFingerprint: t.fingerprint, hashing: nodeHashing });
    const browser = await verifyPackage(zip, { keyFingerprint: t.fingerprint, hashing: browserHashing });
    expect(native.checks.filter((c) => !c.ok)).toEqual([]);
    expect(native.verdict).toBe('passed');
    expect(browser).toEqual(native);
  });

  it('keeps files larger than the one-shot size whole (a custody log over 8 MiB was lost before)', async () => {
    // A one-shot size of 64 bytes: case.json, the custody log and the manifests stream and are kept.
    const small: HashingProvider = { ...browserHashing, oneShotMaxBytes: 64 };
    const r = await verifyPackage(zip, { keyFingerprint: t.fingerprint, hashing: small });
    expect(r.checks.filter((c) => !c.ok)).toEqual([]);
    expect(r.verdict).toBe('passed');
  });
});
