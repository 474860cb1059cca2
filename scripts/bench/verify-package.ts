/**
 * Builds the genuine signed package the verify stages measure, in a process of its own, without a
 * browser: captures are stored through the database module (tests/unit/helpers/export-fixture.ts)
 * in a fake-indexeddb database, then exported by the real exporter (beginExport and
 * buildCasePackage, utils/services/export-job.ts), as the export page does minus the downloads
 * API. A child process keeps fake-indexeddb out of the bench's own globals and gives the memory
 * the build takes (the case in the database, then the ZIP as a Blob) back when it exits.
 *
 * `node --import tsx scripts/bench/verify-package.ts <zip> <total bytes> <bytes per artifact>`
 * writes the package to <zip> and prints one JSON line (VerifyPackageBuilt).
 */
import 'fake-indexeddb/auto';
import { randomBytes } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { createDb } from '@/utils/db';
import { beginExport, buildCasePackage } from '@/utils/services/export-job';
import { ensureSigningKey } from '@/utils/services/signing-keys';
import { at, seedCase, storeCapture } from '../../tests/unit/helpers/export-fixture';

export interface VerifyPackageBuilt {
  zipBytes: number;
  zipSha256: string;
  /** SHA-256 of the signing public key: `hashmark verify --key-fingerprint`, so the verdict can be PASSED. */
  keyFingerprint: string;
  captures: number;
  artifacts: number;
  ms: number;
  /** Peak resident memory of the builder (VmHWM; the case in fake-indexeddb, then the ZIP as a Blob), MB. */
  peakMb: number | null;
}

async function build(file: string, totalBytes: number, perArtifact: number): Promise<VerifyPackageBuilt> {
  const started = performance.now();
  const db = createDb('hashmark-bench-verify');
  await db.open();
  const key = await ensureSigningKey(db, () => new Date(at(0)));
  const caseId = await seedCase(db, { name: 'Bench: verify' });
  // Random bytes do not compress: the ZIP is as big as the payload, and the verifier inflates nothing
  // it could skip. Four large files per capture, as a capture with a recording or big media would hold.
  const artifacts = Math.max(1, Math.ceil(totalBytes / perArtifact));
  const perCapture = 4;
  let stored = 0;
  for (let c = 0; stored < artifacts; c++) {
    const extra = [];
    for (let i = 0; i < perCapture && stored < artifacts; i++, stored++)
      // media/<hex>.<ext> is a name the exporter writes (utils/package/layout.ts); others are refused.
      extra.push({
        path: `media/${stored.toString(16).padStart(8, '0')}.bin`,
        bytes: new Uint8Array(randomBytes(perArtifact)),
      });
    await storeCapture(db, caseId, { extra }, 10 + c * 10);
  }
  const captures = Math.ceil(artifacts / perCapture);
  const now = new Date(at(100_000));
  // One part: the ceiling is set above the payload (the default 1 GiB would split a package of more).
  const maxPartBytes = Math.min(4 * 1024 ** 3 - 1, Math.ceil(totalBytes * 1.1) + 64 * 1024 ** 2);
  const { exportId } = await beginExport(caseId, { db, key, now, ceiling: { maxPartBytes } });
  const software = { name: 'Hashmark', version: 'bench', browser: 'none (bench)' };
  let out: Omit<VerifyPackageBuilt, 'ms' | 'peakMb'> | null = null;
  for await (const part of buildCasePackage(caseId, { db, key, now, exportId, software })) {
    if (out) throw new Error('the bench package was split into parts; raise its ceiling');
    // Written chunk by chunk from the Blob's stream, never joined into one buffer.
    const handle = await open(file, 'w');
    try {
      const reader = part.zip.stream().getReader();
      for (let r = await reader.read(); !r.done; r = await reader.read()) await handle.write(r.value);
    } finally {
      await handle.close();
    }
    out = {
      zipBytes: part.zipBytes,
      zipSha256: part.zipSha256,
      keyFingerprint: key.fingerprint,
      captures,
      artifacts,
    };
  }
  db.close();
  if (!out) throw new Error('the exporter wrote no package');
  const hwm = /^VmHWM:\s+(\d+) kB/m.exec(await readFile('/proc/self/status', 'utf8').catch(() => ''));
  return {
    ...out,
    ms: Math.round(performance.now() - started),
    peakMb: hwm ? Math.round(Number(hwm[1]) / 1024) : null,
  };
}

const [file, total, per] = process.argv.slice(2);
if (!file || !Number(total) || !Number(per)) {
  throw new Error('usage: verify-package.ts <zip> <total bytes> <bytes per artifact>');
}
process.stdout.write(`${JSON.stringify(await build(file, Number(total), Number(per)))}\n`);
