// Why (issue 18, third pass): the team store's push signs each multipart part with the SHA-256 the
// export writer took as it wrote the ZIP, and never reads the part; a wrong digest is a part the store
// refuses, a missing one a push that cannot start. These pin the spool worker's segment digests to the
// SHA-256 of each 8 MiB slice of the bytes it wrote (chunks straddling a boundary, a short last segment,
// an exact multiple, an empty part), and the writer's output to its own ZIP. The worker's file is a fake
// sync access handle (Node has no OPFS); the real worker runs in the export e2e tests.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSpoolHost, SegmentSha256, type SpoolReply } from '@/utils/package/zip-spool-host';
import { openSpool } from '@/utils/package/zip-spool';
import { writeBag } from '@/utils/package/bag-writer';
import { STORE_PART_BYTES } from '@/utils/store';
import { bagInput } from '../helpers/bag-fixture';
import { createTestSigner } from '../helpers/signer';

const MiB = 1024 * 1024;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const slices = (b: Uint8Array, size: number) => {
  const out: string[] = [];
  for (let a = 0; a < b.length; a += size) out.push(sha(b.subarray(a, a + size)));
  return out.length ? out : [sha(new Uint8Array(0))];
};

function bytes(n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i += 4096) b[i] = (i / 4096) & 0xff;
  for (let i = 0; i < n; i += 7919) b[i] = (b[i]! + i) & 0xff;
  return b;
}

/** Runs one part through the spool worker's logic (createSpoolHost) in chunks of `sizes` (cycled). */
async function spoolThroughHost(data: Uint8Array, sizes: number[], segmentBytes?: number) {
  const replies: SpoolReply[] = [];
  const file = new Uint8Array(data.length);
  const handle = {
    write: (b: Uint8Array, o: { at: number }) => {
      file.set(b, o.at);
      return b.length;
    },
    flush: () => undefined,
    close: () => undefined,
  };
  const dir = {
    getFileHandle: async () => ({ createSyncAccessHandle: async () => handle }),
    removeEntry: async () => undefined,
  };
  const storage = { getDirectory: async () => ({ getDirectoryHandle: async () => dir }) };
  const host = createSpoolHost((m) => replies.push(m), storage as unknown as Pick<StorageManager, 'getDirectory'>);
  await host.handle({ kind: 'open', name: 'p.zip', ...(segmentBytes ? { segmentBytes } : {}) });
  for (let a = 0, k = 0; a < data.length; k++) {
    const n = sizes[k % sizes.length]!;
    // A copy, as the page transfers its chunk to the worker.
    await host.handle({ kind: 'write', chunk: data.slice(a, a + n) });
    a += n;
  }
  await host.handle({ kind: 'finish' });
  // Compared as buffers: an element-wise toEqual of 20 MiB takes seconds.
  expect(Buffer.from(file.buffer).equals(Buffer.from(data.buffer, data.byteOffset, data.length))).toBe(true);
  const done = replies.find((r) => r.kind === 'finished');
  if (done?.kind !== 'finished') throw new Error(`no finish: ${JSON.stringify(replies.at(-1))}`);
  return done;
}

describe('the export writer’s part digests (team store push)', () => {
  it('are the SHA-256 of each 8 MiB slice, across chunk boundaries, with a short last segment', async () => {
    const data = bytes(2 * STORE_PART_BYTES + 3 * MiB + 17);
    // 3 MiB + 1 chunks straddle each 8 MiB boundary; 20 MiB ones hold whole segments.
    for (const sizes of [[3 * MiB + 1], [20 * MiB], [1, 5 * MiB, 12 * MiB - 7]]) {
      const done = await spoolThroughHost(data, sizes, STORE_PART_BYTES);
      expect(done.sha256).toBe(sha(data));
      expect(done.partSha256s).toEqual(slices(data, STORE_PART_BYTES));
      expect(done.partSha256s).toHaveLength(3);
    }
  });

  it('an exact multiple has no empty last segment; an empty part has one, empty, segment', async () => {
    const data = bytes(2 * STORE_PART_BYTES);
    expect((await spoolThroughHost(data, [MiB], STORE_PART_BYTES)).partSha256s).toEqual(slices(data, STORE_PART_BYTES));
    const empty = await spoolThroughHost(new Uint8Array(0), [1], STORE_PART_BYTES);
    expect(empty.partSha256s).toEqual([sha(new Uint8Array(0))]);
    expect(empty.bytes).toBe(0);
  });

  it('are not taken unless asked for', async () => {
    const done = await spoolThroughHost(bytes(MiB), [MiB]);
    expect(done.partSha256s).toBeUndefined();
  });

  it('SegmentSha256 refuses a segment size that is not a positive integer', () => {
    expect(() => new SegmentSha256(0)).toThrow(/positive integer/);
    expect(() => new SegmentSha256(1.5)).toThrow(/positive integer/);
  });

  it('come with the writer’s ZIP: the SHA-256 of its slices, its own SHA-256 as before', async () => {
    const { signer } = await createTestSigner();
    // A small segment so this small bag spans several.
    const segment = 4096;
    const withDigests = await writeBag(bagInput(signer, { partSha256Bytes: segment }));
    const zip = new Uint8Array(await withDigests.zip.arrayBuffer());
    expect(withDigests.zipSha256).toBe(sha(zip));
    expect(withDigests.partSha256Bytes).toBe(segment);
    expect(withDigests.partSha256s).toEqual(slices(zip, segment));
    expect(withDigests.partSha256s!.length).toBeGreaterThan(2);
    const without = await writeBag(bagInput(signer));
    expect(without.partSha256s).toBeUndefined();
    expect(without.partSha256Bytes).toBeUndefined();
  });

  it('the in-memory spool takes the same digests', async () => {
    const data = bytes(STORE_PART_BYTES + 5);
    const spool = await openSpool('memory', STORE_PART_BYTES);
    for (let a = 0; a < data.length; a += 3 * MiB) await spool.write(data.slice(a, a + 3 * MiB));
    const out = await spool.finish();
    expect(out.sha256).toBe(sha(data));
    expect(out.partSha256s).toEqual(slices(data, STORE_PART_BYTES));
  });
});
