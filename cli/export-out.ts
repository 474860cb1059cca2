import { createHash } from 'node:crypto';
import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Lang } from '@/utils/i18n';
import type { PartCeiling } from '@/utils/package/split';
import type { CaptureDriver } from './driver';

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
    process.stdout.write(`package ${dest}\nsha256 ${sha256}\n`);
  }
  return null;
}
