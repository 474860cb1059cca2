import { crcUpdate } from '@/utils/evidence/crc32';
import { digestBoth } from '@/utils/evidence/hash';
import type { DigestReply, DigestRequest } from './file-digests';

/**
 * The export page's digest worker (issue 17; file-digests.ts): SHA-256, SHA-512 (WebCrypto) and
 * CRC-32 of a file, off the page's thread; the bytes go back to the page (transferred, no copy).
 * Messages come only from the page that created the worker.
 */
addEventListener('message', (e: MessageEvent<DigestRequest>) => {
  const { id, data } = e.data;
  const digests = digestBoth(data);
  let crc32 = 0;
  let failed: string | null = null;
  try {
    crc32 = crcUpdate(0, data);
  } catch (err) {
    failed = err instanceof Error ? err.message : String(err);
  }
  void digests.then(
    (d) => {
      const m: DigestReply = failed ? { id, data, error: failed } : { id, data, ...d, crc32 };
      postMessage(m, { transfer: [data.buffer as ArrayBuffer] });
    },
    (err: unknown) =>
      postMessage({ id, data, error: String(err) } satisfies DigestReply, { transfer: [data.buffer as ArrayBuffer] }),
  );
});
