/**
 * `hashmark pull` (issue 18): downloads every package version of one case from the team store into a
 * folder and verifies each with the project's verifier. File names come from the store key's last part
 * (the export's own ZIP name) only when it is a plain package name; nothing already in the folder is
 * overwritten. Read-only on the store: it needs s3:ListBucketVersions and s3:GetObjectVersion.
 */
import { constants } from 'node:fs';
import { access, mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { listVersions } from '@/utils/store';
import { fingerprintArg, storeTargetArgs, UsageError } from './store-env';
import { download, verifyFile } from './store-check';

export const PULL_USAGE = `  hashmark pull --store s3://<bucket>[/<prefix>] --case <case id> --out <dir> [--endpoint <url>]
                [--region <r>] [--key-fingerprint <hex>]
      Downloads every version of every package of the case (keys <prefix>/<case id>/...), the latest
      of each key as its own name, earlier versions as <name>.version-<id>.zip, never overwriting a
      file, and verifies each. One line per version:
        PASSED|UNVERIFIED|FAILED <path> version <id> sha256 <hex>
      Exit 0 when every package PASSED; 3 when none failed but some claim is unverified (e.g. no
      --key-fingerprint); 1 when any failed, could not be written, or the case has no package; 2 on a
      usage error.`;

const exists = (p: string) =>
  access(p, constants.F_OK).then(
    () => true,
    () => false,
  );

/** The pull's options, checked (a UsageError names what is wrong). */
function pullArgs(args: string[]) {
  const { loc, values } = storeTargetArgs(args, {
    case: { type: 'string' },
    out: { type: 'string' },
    'key-fingerprint': { type: 'string' },
  });
  const caseId = values.case;
  if (!caseId || !/^[A-Za-z0-9._-]{1,200}$/.test(caseId)) throw new UsageError('--case <case id> is required');
  if (!values.out) throw new UsageError('--out <dir> is required');
  return { loc, caseId, out: values.out, keyFingerprint: fingerprintArg(values['key-fingerprint']) };
}

export async function pull(args: string[], fail: (msg: string) => number): Promise<number> {
  let a: ReturnType<typeof pullArgs>;
  try {
    a = pullArgs(args);
  } catch (e) {
    fail((e as Error).message);
    return 2;
  }
  const { loc, out } = a;
  const prefix = `${loc.prefix ? `${loc.prefix}/` : ''}${a.caseId}/`;
  const versions = (await listVersions(loc.target, fetch, prefix)).filter((v) => v.key.endsWith('.zip'));
  if (versions.length === 0) return fail(`no package of case ${a.caseId} under s3://${loc.target.bucket}/${prefix}`);
  await mkdir(out, { recursive: true });
  const counts = { passed: 0, unverified: 0, failed: 0 };
  for (const v of versions) {
    const base = v.key.slice(v.key.lastIndexOf('/') + 1);
    const name = /^[A-Za-z0-9._-]{1,200}\.zip$/.test(base) ? base : 'package.zip';
    const file = join(
      out,
      v.isLatest ? name : `${name.slice(0, -4)}.version-${v.versionId.replace(/[^A-Za-z0-9._-]/g, '_')}.zip`,
    );
    const part = `${file}.part`;
    try {
      if (await exists(file)) throw new Error(`${file} already exists (not overwritten)`);
      const sha256 = await download(loc.target, v, part);
      await rename(part, file);
      const report = await verifyFile(file, a.keyFingerprint);
      const verdict =
        report.verdict === 'passed' ? 'PASSED' : report.verdict === 'unverified' ? 'UNVERIFIED' : 'FAILED';
      counts[report.verdict]++;
      process.stdout.write(`${verdict} ${file} version ${v.versionId} sha256 ${sha256}\n`);
    } catch (e) {
      await rm(part, { force: true });
      counts.failed++;
      process.stdout.write(`FAILED ${file} version ${v.versionId} ${(e as Error).message}\n`);
    }
  }
  process.stdout.write(
    `${versions.length} versions: ${counts.passed} passed, ${counts.unverified} unverified, ${counts.failed} failed\n`,
  );
  return counts.failed ? 1 : counts.unverified ? 3 : 0;
}
