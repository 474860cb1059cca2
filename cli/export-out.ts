import { createHash } from 'node:crypto';
import { copyFile, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Lang } from '@/utils/i18n';
import type { PartCeiling } from '@/utils/package/split';
import type { CaptureDriver } from './driver';

/**
 * The folder inside the browser profile where the export page's downloads land (issue 21 item 7):
 * never a folder of its own in the system's temporary directory, which nothing would remove.
 */
export const PROFILE_DOWNLOADS = 'hashmark-downloads';

/**
 * The end of `capture` and `record`: export the case through the extension's export page, copy
 * each part into the output folder, re-hash the copy and print its path and SHA-256. Returns an
 * error line, or null when every part was written and matches the hash logged at export.
 */
export async function exportCaseTo(
  driver: CaptureDriver,
  caseId: string,
  outDir: string,
  o: { ceiling: Partial<PartCeiling>; lang: Lang | null },
): Promise<string | null> {
  const exp = await driver.exportCase(caseId, { ceiling: o.ceiling, lang: o.lang });
  if (exp.parts.length > 1)
    process.stdout.write(`parts ${exp.parts.length} (the case was split; each part is a complete package)\n`);
  for (const part of exp.parts) {
    const dest = join(outDir, part.zipName);
    await copyFile(part.path, dest);
    // Re-hash the copy: what is printed is what is in <dir>, not what the page said it wrote.
    const sha256 = createHash('sha256')
      .update(await readFile(dest))
      .digest('hex');
    if (sha256 !== part.zipSha256)
      return `${dest}: SHA-256 ${sha256} differs from the ${part.zipSha256} logged at export`;
    // A move: the browser's copy is removed once the one in <dir> is checked, so a kept profile
    // does not pile up a copy of every package it ever exported.
    if (resolve(part.path) !== resolve(dest)) await rm(part.path, { force: true });
    process.stdout.write(`package ${dest}\nsha256 ${sha256}\n`);
  }
  return null;
}
