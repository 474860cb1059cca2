/**
 * `hashmark push` (issue 18): uploads exported ZIPs to the team store under S3 Object Lock COMPLIANCE,
 * keyed as the extension keys its pushes (`<prefix>/<case id>/<export id>/<ZIP name>`),
 * reads each back, and prints where it is and until when it is kept. The file is read as a file-backed
 * Blob (never whole in memory); its SHA-256 and MD5 are computed natively first, and the SHA-256 is
 * signed so the store refuses different bytes.
 */
import { createHash } from 'node:crypto';
import { createReadStream, openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import { packageIds } from '@/utils/package/read-bag-files';
import { blobSource } from '@/utils/package/verify/zip';
import { packageKey, pushPackage, retainUntilDate } from '@/utils/store';
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

async function fileHashes(path: string): Promise<{ sha256: string; md5: string }> {
  const s = createHash('sha256');
  const m = createHash('md5');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    s.update(chunk as Buffer);
    m.update(chunk as Buffer);
  }
  return { sha256: s.digest('hex'), md5: m.digest('base64') };
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
      const { sha256, md5 } = await fileHashes(file);
      const retainUntil = retainUntilDate(new Date(), days);
      const r = await pushPackage(loc.target, fetch, { key, zip, sha256, md5Base64: md5, retainUntil });
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
