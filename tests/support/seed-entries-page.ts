/**
 * Runs inside an extension page of the automation build (bundled with esbuild and evaluated there
 * by tests/e2e/export-zip64-entries.test.ts), so it writes the extension's own IndexedDB through
 * the real utils/db functions: beginCaptureJob + commitCapture, so the case, its sequence numbers
 * and its custody log (capture.started, capture.stored) are what real captures leave.
 *
 * Why not capture pages: a part of more than 65,535 entries through the UI is some 11,000
 * captures (hours at the screenshot quota). What the test checks is the export of that many
 * entries, so a few captures hold many small files each (like a harvest's or a recording's).
 */
import { beginCaptureJob, commitCapture, createCase, openExtensionDb, type StoredArtifact } from '@/utils/db';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { artifactEntry, digestBoth, toHex, utf8 } from '@/utils/evidence/hash';

const db = openExtensionDb();

/** Seeds a case of `captures` captures of `filesPerCapture` small text files each; returns its id. */
export async function seedManyEntries(o: { captures: number; filesPerCapture: number }): Promise<{ caseId: string }> {
  const caseId = crypto.randomUUID();
  const at = new Date(Date.UTC(2026, 11, 1, 12)).toISOString();
  await createCase(db, { id: caseId, name: 'ZIP64 entries', at });
  for (let k = 1; k <= o.captures; k++) {
    const id = crypto.randomUUID();
    const files = Array.from({ length: o.filesPerCapture }, (_, i) => ({
      // A name the verifier accepts in a capture folder (evidence-package-v1.md: media/<hex>.<ext>).
      path: `media/${String(i).padStart(8, '0')}.txt`,
      bytes: utf8(`capture ${k} file ${i}\n`),
    }));
    // Tiny files: hashed synchronously (132,000 WebCrypto calls took most of the seeding's time).
    const digests = files.map((f) => ({ sha256: toHex(sha256(f.bytes)), sha512: toHex(sha512(f.bytes)) }));
    const artifacts: StoredArtifact[] = files.map((f, i) =>
      artifactEntry(
        { path: f.path, mediaType: 'text/plain; charset=utf-8', bytes: f.bytes, method: 'synthetic', role: 'original' },
        digests[i]!,
      ),
    );
    const url = `http://127.0.0.1/many/${k}`;
    const captureJson = utf8(
      `${JSON.stringify(
        {
          schema: 'hashmark.capture/1',
          captureId: id,
          caseId,
          sequence: k,
          trigger: 'cli',
          startedAt: at,
          finishedAt: at,
          clock: { timeZone: 'UTC', utcOffsetMinutes: 0, serverDateSkewMs: null, tsaSkewMs: null },
          url: { start: url, end: url },
          title: { start: `Many files ${k}`, end: `Many files ${k}` },
          software: { name: 'Hashmark', version: 'test', build: 'synthetic' },
          artifacts,
          selectors: [],
          limitations: ['Synthetic capture written by a test, not taken from a page.'],
          tags: [],
          notes: [],
        },
        null,
        2,
      )}\n`,
    );
    const cj = await digestBoth(captureJson);
    await db.transaction('rw', db.tables, async () => {
      await beginCaptureJob(db, { jobId: id, captureId: id, caseId, tabId: 1, nonce: id, at, trigger: 'cli', url });
      await commitCapture(db, {
        jobId: id,
        at,
        record: {
          id,
          caseId,
          sequence: k,
          startedAt: at,
          finishedAt: at,
          url,
          title: `Many files ${k}`,
          captureJson: { sha256: cj.sha256, sha512: cj.sha512, bytes: captureJson.byteLength },
          artifacts,
          limitations: ['Synthetic capture written by a test, not taken from a page.'],
          tags: [],
          status: 'stored',
        },
        blobs: [
          ...files.map((f, i) => ({ sha256: digests[i]!.sha256, data: f.bytes, size: f.bytes.byteLength })),
          { sha256: cj.sha256, data: captureJson, size: captureJson.byteLength },
        ],
      });
    });
  }
  return { caseId };
}
