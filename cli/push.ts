/**
 * `hashmark push` (issue 18): uploads exported ZIPs to the team store under S3 Object Lock COMPLIANCE,
 * keyed as the extension keys its pushes (`<prefix>/<case id>/<export id>/<ZIP name>`),
 * reads each back, and prints where it is and until when it is kept. The file is read as a file-backed
 * Blob (never whole in memory); its SHA-256, its MD5 and the SHA-256 of each multipart part are
 * computed natively in one read first, and signed (the whole ZIP's for a single PUT, each part's for a
 * multipart upload) so the store refuses different bytes; the push then never reads the file to hash it.
 */
import { createHash } from 'node:crypto';
import { createReadStream, openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import { packageIds } from '@/utils/package/read-bag-files';
import { blobSource } from '@/utils/package/verify/zip';
import { packageKey, pushPackage, retainUntilDate, STORE_PART_BYTES } from '@/utils/store';
import { storeTargetArgs, UsageError, type StoreLocation } from './store-env';

export const PUSH_USAGE = `  hashmark push <zip...> --store s3://<bucket>[/<prefix>] --retain-days <n> [--endpoint <url>]
                [--region <r>]
      Uploads each ZIP to <prefix>/<case id>/<export id>/<file name> (a capture bag to
      <prefix>/<case id>/captures/<capture id>/<file name>; the ids from its data/case.json: the
      extension's key layout, so pull --case finds both) with x-amz-object-lock-mode COMPLIANCE
      until now + <n> days (required: a COMPLIANCE date can never be shortened, so none is chosen),
      Content-MD5 and the ZIP's SHA-256 as the signed payload hash (the store checks both), then
      reads the version back (HEAD: size, mode, date). Prints one line per ZIP:
        pushed <file> s3://<bucket>/<key> version <id> COMPLIANCE until <date> sha256 <hex>
      Credentials: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (AWS_SESSION_TOKEN); endpoint also from
      AWS_ENDPOINT_URL; https required except on 127.0.0.1. Exit 0 when every ZIP was pushed and read
      back; 1 when one failed (the others are still pushed and printed); 2 on a usage error.`;

/** The file's SHA-256 and MD5, and the SHA-256 of each consecutive STORE_PART_BYTES (the push's parts). */
async function fileHashes(path: string): Promise<{ sha256: string; md5: string; partSha256s: string[] }> {
  const s = createHash('sha256');
  const m = createHash('md5');
  const partSha256s: string[] = [];
  let p = createHash('sha256');
  let fill = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const c = chunk as Buffer;
    s.update(c);
    m.update(c);
    for (let at = 0; at < c.length;) {
      const n = Math.min(c.length - at, STORE_PART_BYTES - fill);
      p.update(c.subarray(at, at + n));
      fill += n;
      at += n;
      if (fill < STORE_PART_BYTES) continue;
      partSha256s.push(p.digest('hex'));
      p = createHash('sha256');
      fill = 0;
    }
  }
  if (fill > 0 || partSha256s.length === 0) partSha256s.push(p.digest('hex'));
  return { sha256: s.digest('hex'), md5: m.digest('base64'), partSha256s };
}

export async function push(args: string[], fail: (msg: string) => number): Promise<number> {
  let a: { loc: StoreLocation; days: number; files: string[] };
  try {
    const { loc, values, positionals } = storeTargetArgs(
      args,
      { 'retain-days': { type: 'string' } },
      { positionals: true },
    );
    if (positionals.length === 0) throw new UsageError('push needs at least one ZIP file');
    const days = Number(values['retain-days']);
    if (!values['retain-days'] || !Number.isInteger(days) || days < 1 || days > 36500) {
      throw new UsageError('--retain-days <1..36500> is required');
    }
    a = { loc, days, files: positionals };
  } catch (e) {
    fail((e as Error).message);
    return 2;
  }
  const { loc, days } = a;
  let failed = 0;
  for (const file of a.files) {
    try {
      const zip = await openAsBlob(file, { type: 'application/zip' });
      // The extension's layout, <prefix>/<case id>/<export id>/<ZIP name>, so `pull --case` finds both.
      const { caseId, exportId, captureId } = await packageIds(blobSource(zip));
      // A capture bag (issue 18) goes where auto-push puts it: <prefix>/<case id>/captures/<capture id>/<ZIP name>.
      const key = captureId
        ? packageKey(loc.prefix, caseId, 'captures', captureId, basename(file))
        : packageKey(loc.prefix, caseId, exportId, basename(file));
      const { sha256, md5, partSha256s } = await fileHashes(file);
      const retainUntil = retainUntilDate(new Date(), days);
      const r = await pushPackage(loc.target, fetch, {
        key,
        zip,
        sha256,
        md5Base64: md5,
        retainUntil,
        partSha256s,
        partSha256Bytes: STORE_PART_BYTES,
      });
      process.stdout.write(
        `pushed ${file} s3://${loc.target.bucket}/${r.key} version ${r.versionId} ${r.mode} until ` +
          `${new Date(Date.parse(r.retainUntil)).toISOString()} sha256 ${sha256}\n`,
      );
    } catch (e) {
      failed++;
      fail(`${file}: ${(e as Error).message}`);
    }
  }
  return failed ? 1 : 0;
}
