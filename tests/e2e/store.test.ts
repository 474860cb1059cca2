// Why: the team store (issue 18) is only as good as what the real engine accepts and keeps. Against a
// throwaway single-node Ceph (radosgw, S3 Object Lock), this checks the CLI push and the extension's
// push service: COMPLIANCE retention to the expected date, the same bytes, DELETE of that version
// refused (403), an overwrite makes a new version and the old stays, `store check` verdicts, and a store
// that goes down mid-queue: the part stays queued (store.failed) and is pushed after it is back.
import 'fake-indexeddb/auto';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, custodyLines, saveStoreConfig, type HashmarkDb } from '@/utils/db';
import {
  createLockedBucket,
  deleteVersion,
  getObject,
  headObject,
  listVersions,
  S3Error,
  type StoreTarget,
} from '@/utils/store';
import { ensureSigningKey } from '@/utils/services/signing-keys';
import { beginExport, buildCasePackage } from '@/utils/services/export-job';
import { credentialsOf, queueExportPart, runStorePushes } from '@/utils/services/store-push';
import type { PackagePart } from '@/utils/package/export-case';
import { at, seedCase, storeCapture } from '../unit/helpers/export-fixture';
import { startStore, stopGateway, stopStore, type LocalStore } from '../support/ceph-store';

const run = promisify(execFile);
const CLI = resolve('cli/hashmark.mjs');
let store: LocalStore;
let target: StoreTarget;
let dir: string;

beforeAll(async () => {
  store = await startStore();
  target = {
    endpoint: store.endpoint,
    bucket: 'evidence',
    region: store.region,
    credentials: { accessKeyId: store.accessKeyId, secretAccessKey: store.secretAccessKey },
  };
  await createLockedBucket(target, fetch);
  dir = mkdtempSync(join(tmpdir(), 'hashmark-store-test-'));
}, 240_000);
afterAll(async () => {
  if (store) await stopStore(store);
});

/** A real signed package of a one-capture case, from the export pipeline over a fresh database. */
async function exportPackage(db: HashmarkDb, caseId: string): Promise<PackagePart> {
  const key = await ensureSigningKey(db, () => new Date(at(0)));
  await seedCase(db, { id: caseId });
  await storeCapture(db, caseId, { title: 'Annonce +33 6 12 34 56 78' }, 1);
  const now = new Date(at(100));
  const { exportId } = await beginExport(caseId, { db, key, now });
  const software = { name: 'Hashmark', version: '0.1.0', browser: 'test' };
  for await (const p of buildCasePackage(caseId, { db, key, now, exportId, software })) return p;
  throw new Error('no part');
}

async function sha256Of(stream: ReadableStream<Uint8Array>): Promise<string> {
  const h = createHash('sha256');
  for await (const c of stream as unknown as AsyncIterable<Uint8Array>) h.update(c);
  return h.digest('hex');
}

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: store.accessKeyId,
    AWS_SECRET_ACCESS_KEY: store.secretAccessKey,
    AWS_ENDPOINT_URL: store.endpoint,
  };
  return run('node', [CLI, ...args], { env, timeout: 120_000 }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

describe('hashmark push and store check against Ceph', () => {
  it('pushes under COMPLIANCE to the expected date, the same bytes; delete refused; overwrite versions', async () => {
    const db = createDb('store-cli');
    const part = await exportPackage(db, 'case-cli');
    const bytes = new Uint8Array(await part.zip.arrayBuffer());
    const file = join(dir, part.zipName);
    writeFileSync(file, bytes);
    const before = Date.now();
    const first = await cli(['push', file, '--store', 's3://evidence/unit-a', '--retain-days', '2']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const m = /^pushed .* s3:\/\/evidence\/(\S+) version (\S+) COMPLIANCE until (\S+) sha256 ([0-9a-f]{64})\n$/.exec(
      first.stdout,
    );
    expect(m, first.stdout).not.toBeNull();
    const [, key, v1, until, sha] = m as unknown as [string, string, string, string, string];
    expect(key).toBe(`unit-a/${part.zipName}`);
    expect(sha).toBe(part.zipSha256);
    // Retained until push time + 2 days (whole seconds, rounded up).
    const expected = before + 2 * 86_400_000;
    expect(Date.parse(until)).toBeGreaterThanOrEqual(Math.floor(expected / 1000) * 1000);
    expect(Date.parse(until)).toBeLessThanOrEqual(Date.now() + 2 * 86_400_000 + 1000);
    const head = await headObject(target, fetch, key, v1);
    expect(head.mode).toBe('COMPLIANCE');
    expect(Date.parse(head.retainUntil ?? '')).toBe(Date.parse(until));
    expect(await sha256Of(await getObject(target, fetch, key, v1))).toBe(
      createHash('sha256').update(bytes).digest('hex'),
    );
    const refused = await deleteVersion(target, fetch, key, v1).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(S3Error);
    expect((refused as S3Error).status).toBe(403);

    const second = await cli(['push', file, '--store', 's3://evidence/unit-a', '--retain-days', '2']);
    expect(second.code).toBe(0);
    const v2 = /version (\S+)/.exec(second.stdout)?.[1];
    expect(v2).toBeTruthy();
    expect(v2).not.toBe(v1);
    const versions = (await listVersions(target, fetch, 'unit-a/')).map((v) => v.versionId).sort();
    expect(versions).toEqual([v1, v2].sort());
    expect((await headObject(target, fetch, key, v1)).size).toBe(bytes.length);

    const check = await cli(['store', 'check', '--store', 's3://evidence/unit-a']);
    // Intact and locked; the signing key's fingerprint was not given, so some claims stay unverified (3).
    expect(check.stdout).toMatch(/2 versions: 0 OK, 2 unverified, 0 failed/);
    expect(check.code).toBe(3);
    const usage = await cli(['push', file, '--store', 's3://evidence/unit-a']);
    expect(usage.code).toBe(2);
    expect(readFileSync(file)).toEqual(Buffer.from(bytes));
    db.close();
  });

  it('keeps a part queued while the store is down and pushes it once it is back, custody right', async () => {
    const db = createDb('store-service');
    const part = await exportPackage(db, 'case-svc');
    await saveStoreConfig(db, {
      endpoint: store.endpoint,
      bucket: 'evidence',
      prefix: 'unit-b',
      region: store.region,
      retentionDays: 1,
      pushExports: true,
      accessKeyId: store.accessKeyId,
      secret: { kind: 'plain', secretAccessKey: store.secretAccessKey },
    });
    const queued = await queueExportPart(db, 'case-svc', part);
    expect(queued?.state).toBe('queued');
    let clock = Date.now();
    const deps = {
      db,
      fetcher: fetch,
      credentials: async (c: Parameters<typeof credentialsOf>[0]) => credentialsOf(c, null),
      now: () => new Date(clock),
    };
    await stopGateway(store);
    const down = await runStorePushes(deps);
    expect(down).toMatchObject({ pushed: 0, failed: 1 });
    expect(Date.parse(down.nextAt ?? '')).toBe(clock + 30_000);
    // Not due yet: nothing is tried.
    expect(await runStorePushes(deps)).toMatchObject({ pushed: 0, failed: 0 });
    await startStore(store.dir, store.port);
    clock += 31_000;
    const up = await runStorePushes(deps);
    expect(up).toMatchObject({ pushed: 1, failed: 0, nextAt: null });
    const events = (await custodyLines(db, 'case-svc')).map(
      (r) => JSON.parse(r.line) as { type: string; details: Record<string, unknown> },
    );
    const store_ = events.filter((e) => e.type.startsWith('store.'));
    expect(store_.map((e) => e.type)).toEqual(['store.failed', 'store.pushed']);
    const pushed = store_[1]!.details;
    expect(pushed).toMatchObject({ zipSha256: part.zipSha256, mode: 'COMPLIANCE', bucket: 'evidence', attempt: 2 });
    expect(JSON.stringify(events)).not.toContain(store.secretAccessKey);
    const head = await headObject(target, fetch, String(pushed.key), String(pushed.versionId));
    expect(head.mode).toBe('COMPLIANCE');
    expect(Date.parse(head.retainUntil ?? '')).toBe(Date.parse(String(pushed.retainUntil)));
    expect(head.etag).toBe(pushed.etag);
    expect(head.size).toBe(part.zipBytes);
    const row = await db.storeQueue.get(queued!.id);
    expect(row?.state).toBe('pushed');
    expect(row?.zip).toBeUndefined();
    db.close();
  });
});
