// Why (issue 18, third pass): with the export writer's part digests the push must sign exactly them
// and never read the part (the store then checks the queued bytes against what was written), and a
// digest list that cannot be the part's must stop the push before any request. A fake store stands in
// for radosgw (the real one: tests/e2e/store.test.ts); the part is a Blob that throws when read.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { pushPackage, STORE_PART_BYTES, type StoreTarget } from '@/utils/store';

const target: StoreTarget = {
  endpoint: 'http://127.0.0.1:7480',
  bucket: 'evidence',
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
};
const RETAIN = '2027-01-01T00:00:00Z';

/** A Blob whose bytes cannot be read: any read of it or of a slice of it throws. */
class NoReadBlob extends Blob {
  override arrayBuffer(): Promise<ArrayBuffer> {
    throw new Error('the part was read (arrayBuffer)');
  }
  override stream(): ReadableStream<Uint8Array<ArrayBuffer>> {
    throw new Error('the part was read (stream)');
  }
  override text(): Promise<string> {
    throw new Error('the part was read (text)');
  }
  override bytes(): Promise<Uint8Array<ArrayBuffer>> {
    throw new Error('the part was read (bytes)');
  }
  override slice(start?: number, end?: number, type?: string): Blob {
    return new NoReadBlob([super.slice(start, end, type)]);
  }
}

interface Sent {
  method: string;
  url: URL;
  payloadHash: string | null;
  body: unknown;
}

/** A fake S3 that accepts a multipart upload and answers HEAD as a locked version of `size` bytes. */
function fakeStore(size: number, sha256: string) {
  const sent: Sent[] = [];
  const fetcher = async (url: string, init?: RequestInit): Promise<Response> => {
    const u = new URL(url);
    const method = init?.method ?? 'GET';
    sent.push({
      method,
      url: u,
      payloadHash: new Headers(init?.headers).get('x-amz-content-sha256'),
      body: init?.body,
    });
    if (method === 'POST' && u.searchParams.has('uploads')) {
      return new Response('<InitiateMultipartUploadResult><UploadId>up-1</UploadId></InitiateMultipartUploadResult>');
    }
    if (method === 'PUT' && u.searchParams.has('partNumber')) {
      return new Response(null, { headers: { etag: `"e${u.searchParams.get('partNumber')}"` } });
    }
    if (method === 'POST') {
      return new Response('<CompleteMultipartUploadResult/>', { headers: { 'x-amz-version-id': 'v1' } });
    }
    if (method === 'HEAD') {
      return new Response(null, {
        headers: {
          'content-length': String(size),
          'x-amz-version-id': 'v1',
          etag: '"m-3"',
          'x-amz-object-lock-mode': 'COMPLIANCE',
          'x-amz-object-lock-retain-until-date': RETAIN,
          'x-amz-meta-sha256': sha256,
        },
      });
    }
    return new Response(null, { status: 204 });
  };
  return { sent, fetcher };
}

const hex = (s: string) => createHash('sha256').update(s).digest('hex');

describe('push with the export writer’s part digests', () => {
  // Two whole parts and a short last one.
  const size = 2 * STORE_PART_BYTES + 1000;
  const zip = new NoReadBlob([new Uint8Array(size)], { type: 'application/zip' });
  // Not the bytes' digests: a push that hashed what it read would sign others.
  const digests = ['part one', 'part two', 'part three'].map(hex);
  const sha256 = hex('whole');

  it('signs each part with its digest, sends the Blob slices and never reads the part', async () => {
    const store = fakeStore(size, sha256);
    const r = await pushPackage(target, store.fetcher, {
      key: 'c/e/p.zip',
      zip,
      sha256,
      retainUntil: RETAIN,
      multipartOver: STORE_PART_BYTES,
      partSha256s: digests,
      partSha256Bytes: STORE_PART_BYTES,
    });
    expect(r).toMatchObject({ multipart: true, versionId: 'v1', bytes: size, mode: 'COMPLIANCE' });
    const parts = store.sent.filter((s) => s.url.searchParams.has('partNumber'));
    const byNumber = new Map(parts.map((p) => [Number(p.url.searchParams.get('partNumber')), p]));
    expect([...byNumber.keys()].sort()).toEqual([1, 2, 3]);
    expect([1, 2, 3].map((n) => byNumber.get(n)!.payloadHash)).toEqual(digests);
    expect([1, 2, 3].map((n) => (byNumber.get(n)!.body as Blob).size)).toEqual([
      STORE_PART_BYTES,
      STORE_PART_BYTES,
      1000,
    ]);
    expect(store.sent.some((s) => s.method === 'DELETE')).toBe(false);
  });

  it('refuses a digest list that is not one per part, before any request', async () => {
    for (const [partSha256s, why] of [
      [digests.slice(0, 2), /2 part digests.*3 parts/],
      [[...digests, hex('extra')], /4 part digests.*3 parts/],
      [['A'.repeat(64), ...digests.slice(1)], /64 lowercase hex/],
    ] as const) {
      const store = fakeStore(size, sha256);
      const push = pushPackage(target, store.fetcher, {
        key: 'c/e/p.zip',
        zip,
        sha256,
        retainUntil: RETAIN,
        multipartOver: STORE_PART_BYTES,
        partSha256s,
        partSha256Bytes: STORE_PART_BYTES,
      });
      await expect(push).rejects.toThrow(why);
      expect(store.sent).toEqual([]);
    }
    // Digests of other segments than the parts: refused too.
    const store = fakeStore(size, sha256);
    await expect(
      pushPackage(target, store.fetcher, {
        key: 'c/e/p.zip',
        zip,
        sha256,
        retainUntil: RETAIN,
        partBytes: 16 * 1024 * 1024,
        partSha256s: digests,
        partSha256Bytes: STORE_PART_BYTES,
      }),
    ).rejects.toThrow(/segments, not of/);
    expect(store.sent).toEqual([]);
  });

  it('without digests (a part queued by an older version) reads and hashes each part', async () => {
    const bytes = new Uint8Array(size).map((_, i) => i % 251);
    const store = fakeStore(size, sha256);
    await pushPackage(target, store.fetcher, {
      key: 'c/e/p.zip',
      zip: new Blob([bytes]),
      sha256,
      retainUntil: RETAIN,
      multipartOver: STORE_PART_BYTES,
    });
    const parts = store.sent.filter((s) => s.url.searchParams.has('partNumber'));
    const want = [0, 1, 2].map((k) =>
      createHash('sha256')
        .update(bytes.subarray(k * STORE_PART_BYTES, (k + 1) * STORE_PART_BYTES))
        .digest('hex'),
    );
    expect(parts.map((p) => [Number(p.url.searchParams.get('partNumber')), p.payloadHash]).sort()).toEqual(
      want.map((h, k) => [k + 1, h]),
    );
  });
});
