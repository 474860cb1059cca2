/**
 * `hashmark store check` (issue 18): lists every package version under the prefix and checks, for each,
 * that it is locked in COMPLIANCE mode until a date still to come, that its bytes hash to the SHA-256
 * recorded at push, and that the package passes the verifier. This is what an auditor runs on the store.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { verifyPackage, type VerifyReport } from '@/utils/package/verify';
import { getObject, headObject, listVersions, type ObjectVersionInfo, type StoreTarget } from '@/utils/store';
import { fingerprintArg, storeTargetArgs, type StoreLocation } from './store-env';
import { nodeHashing } from './verify-hashing';

export const STORE_CHECK_USAGE = `  hashmark store check --store s3://<bucket>[/<prefix>] [--endpoint <url>] [--region <r>]
                       [--key-fingerprint <hex>] [--no-verify]
      Lists every version of every .zip under the prefix. For each: COMPLIANCE mode, retained until
      a future date, its bytes' SHA-256 equal to the one recorded at push, and the verifier's verdict
      (--no-verify checks the lock only, without downloading). One line per version:
        OK|UNVERIFIED|FAIL <key> version <id> <mode> until <date> [sha256 <hex>] [<reason>]
      Exit 0 when every version is locked, intact and PASSED; 3 when all are locked and intact but
      some verifier claim is unverified (e.g. no --key-fingerprint); 1 when any is not locked, expired,
      altered, failed or could not be read, or nothing is under the prefix; 2 on a usage error.`;

type Verdict = 'ok' | 'unverified' | 'fail';

export async function download(t: StoreTarget, v: ObjectVersionInfo, path: string): Promise<string> {
  const body = await getObject(t, fetch, v.key, v.versionId);
  const hash = createHash('sha256');
  const src = Readable.fromWeb(body as NodeReadableStream<Uint8Array>);
  src.on('data', (c: Buffer) => hash.update(c));
  await pipeline(src, createWriteStream(path));
  return hash.digest('hex');
}

export async function verifyFile(path: string, keyFingerprint: string | undefined): Promise<VerifyReport> {
  const handle = await open(path, 'r');
  try {
    const size = (await handle.stat()).size;
    const source = {
      size,
      async read(offset: number, length: number): Promise<Uint8Array> {
        const buf = new Uint8Array(Math.max(0, Math.min(length, size - offset)));
        const { bytesRead } = await handle.read(buf, 0, buf.length, offset);
        return buf.subarray(0, bytesRead);
      },
    };
    return await verifyPackage(source, { hashing: nodeHashing, ...(keyFingerprint ? { keyFingerprint } : {}) });
  } finally {
    await handle.close();
  }
}

async function checkVersion(
  t: StoreTarget,
  v: ObjectVersionInfo,
  o: { dir: string; verify: boolean; keyFingerprint?: string; now: number },
): Promise<{ verdict: Verdict; line: string }> {
  const head = await headObject(t, fetch, v.key, v.versionId);
  const until = head.retainUntil ? new Date(Date.parse(head.retainUntil)).toISOString() : 'never';
  let line = `${v.key} version ${v.versionId} ${head.mode ?? 'UNLOCKED'} until ${until}`;
  if (head.mode !== 'COMPLIANCE') return { verdict: 'fail', line: `${line} not under COMPLIANCE retention` };
  if (!head.retainUntil || Date.parse(head.retainUntil) <= o.now)
    return { verdict: 'fail', line: `${line} retention over` };
  if (!o.verify) return { verdict: 'ok', line };
  const path = join(o.dir, 'package.zip');
  const sha256 = await download(t, v, path);
  line += ` sha256 ${sha256}`;
  if (head.meta.sha256 && head.meta.sha256 !== sha256) {
    return { verdict: 'fail', line: `${line} differs from the SHA-256 recorded at push (${head.meta.sha256})` };
  }
  const report = await verifyFile(path, o.keyFingerprint);
  await rm(path, { force: true });
  if (report.verdict === 'failed') return { verdict: 'fail', line: `${line} verifier FAILED` };
  return report.verdict === 'passed'
    ? { verdict: 'ok', line }
    : { verdict: 'unverified', line: `${line} some claims unverified` };
}

export async function storeCheck(args: string[], fail: (msg: string) => number): Promise<number> {
  let a: { loc: StoreLocation; verify: boolean; keyFingerprint: string | undefined };
  try {
    const { loc, values } = storeTargetArgs(args, {
      'key-fingerprint': { type: 'string' },
      'no-verify': { type: 'boolean' },
    });
    a = { loc, verify: !values['no-verify'], keyFingerprint: fingerprintArg(values['key-fingerprint']) };
  } catch (e) {
    fail((e as Error).message);
    return 2;
  }
  const { loc } = a;
  const versions = (await listVersions(loc.target, fetch, loc.prefix ? `${loc.prefix}/` : '')).filter((v) =>
    v.key.endsWith('.zip'),
  );
  if (versions.length === 0) return fail(`no package under s3://${loc.target.bucket}/${loc.prefix}`);
  const dir = await mkdtemp(join(tmpdir(), 'hashmark-store-check-'));
  const counts: Record<Verdict, number> = { ok: 0, unverified: 0, fail: 0 };
  try {
    for (const v of versions) {
      let r: { verdict: Verdict; line: string };
      try {
        r = await checkVersion(loc.target, v, {
          dir,
          verify: a.verify,
          now: Date.now(),
          ...(a.keyFingerprint ? { keyFingerprint: a.keyFingerprint } : {}),
        });
      } catch (e) {
        r = { verdict: 'fail', line: `${v.key} version ${v.versionId} ${(e as Error).message}` };
      }
      counts[r.verdict]++;
      process.stdout.write(
        `${r.verdict === 'ok' ? 'OK' : r.verdict === 'unverified' ? 'UNVERIFIED' : 'FAIL'} ${r.line}\n`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  process.stdout.write(
    `${versions.length} versions: ${counts.ok} OK, ${counts.unverified} unverified, ${counts.fail} failed\n`,
  );
  return counts.fail ? 1 : counts.unverified ? 3 : 0;
}
