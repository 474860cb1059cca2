/**
 * Team view (issue 18), the dashboard's half of an import: the package version is downloaded from a
 * presigned GET (the background signs it; the secret key never reaches the page) into a spool file
 * (OPFS, never one Blob in the service worker), verified there with the project's one verifier (read
 * by slices), and, when it is not refused, the tables it imports and the signed chain over them are
 * handed to the background (`store.commit`), which re-checks them and writes the read-only rows.
 */
import { toBase64 } from '@/utils/image/thumbnail';
import { IMPORT_FILES } from '@/utils/package/layout';
import { readBagFiles } from '@/utils/package/read-bag-files';
import { sha256OfBlob, verifyPackage, type VerifyReport } from '@/utils/package/verify';
import { blobSource } from '@/utils/package/verify/zip';
import type { DownloadSpool } from '@/utils/platform/download-spool';
import type { ImportCommit } from './store-import';

export interface DownloadDeps {
  spool: DownloadSpool;
  fetcher?: (url: string) => Promise<Response>;
}

/** What the page verified: the report it shows, and the commit it sends (null when refused). */
export interface VerifiedDownload {
  report: VerifyReport;
  zipSha256: string;
  commit: ImportCommit | null;
  /** Why it is refused, in the verifier's words. */
  refused: string | null;
}

/** Downloads the version from `url`, verifies it, and prepares its commit; the spool file is always removed. */
export async function downloadAndVerify(
  d: DownloadDeps,
  v: { key: string; versionId: string; size: number },
  url: string,
): Promise<VerifiedDownload> {
  const res = await (d.fetcher ?? fetch)(url);
  if (!res.ok || !res.body) throw new Error(`The store answered ${res.status} for ${v.key}.`);
  const spooled = await d.spool.save(res.body);
  try {
    const zip = spooled.file;
    if (zip.size !== v.size) throw new Error(`${v.key}: ${zip.size} bytes arrived, the store lists ${v.size}.`);
    const report = await verifyPackage(zip);
    const zipSha256 = await sha256OfBlob(zip);
    if (report.verdict === 'failed' || !report.fingerprint) {
      const why = report.checks.find((c) => !c.ok)?.message ?? 'no signing key';
      return { report, zipSha256, commit: null, refused: why };
    }
    const files: Record<string, string> = {};
    for (const [p, b] of await readBagFiles(blobSource(zip), IMPORT_FILES)) files[p] = toBase64(b);
    const commit: ImportCommit = {
      key: v.key,
      versionId: v.versionId,
      size: zip.size,
      zipSha256,
      verdict: report.verdict,
      fingerprint: report.fingerprint,
      files,
    };
    return { report, zipSha256, commit, refused: null };
  } finally {
    await spooled.discard();
  }
}
