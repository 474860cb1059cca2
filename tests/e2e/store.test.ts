// Why: the team store (issue 18) is only as good as what the real engine accepts and keeps. Against a
// throwaway single-node Ceph (radosgw, S3 Object Lock), this checks the CLI push and the extension's
// push service: COMPLIANCE retention to the expected date, the same bytes, DELETE of that version
// refused (403), an overwrite makes a new version and the old stays, `store check` verdicts, and a store
// that goes down mid-queue: the part stays queued (store.failed) and is pushed after it is back.
import 'fake-indexeddb/auto';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, openAsBlob, readFileSync, writeFileSync } from 'node:fs';
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
  pushPackage,
  retainUntilDate,
  S3Error,
  sealSecret,
  STORE_PART_BYTES,
  type StoreTarget,
} from '@/utils/store';
import { s3Send } from '@/utils/store/s3';
import { openSpool } from '@/utils/package/zip-spool';
import type { SealedSecret } from '@/utils/store/credentials';
import { ensureSigningKey } from '@/utils/services/signing-keys';
import { beginExport, buildCasePackage } from '@/utils/services/export-job';
import { credentialsOf, queueExportPart, runStorePushes } from '@/utils/services/store-push';
import type { PackagePart } from '@/utils/package/export-case';
import { at, seedCase, storeCapture } from '../unit/helpers/export-fixture';
import { startStore, stopGateway, stopStore, type LocalStore } from '../support/ceph-store';
import type { BrowserName, CaptureDriver } from '../../cli/driver';
import type { ChromiumDriver } from '../../cli/chromium/driver';
import type { CustodyRecord, StoreQueueRecord } from '@/utils/db/schema';
import { exportPageQuery } from '@/utils/package/export-params';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { canRun, openSession, suiteTitle, type Session } from '../support/session';
import { bundle } from '../../scripts/bench/page-bundle';
import type * as PushPage from '../support/push-page';
import type * as DigestsPage from './store-digests-page';

const run = promisify(execFile);
const CLI = resolve('cli/hashmark.mjs');
const MiB = 1024 * 1024;
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
    // The extension's key layout (case id, export id, ZIP name), so `pull --case` finds CLI pushes too.
    expect(key).toBe(`unit-a/case-cli/${part.exportId}/${part.zipName}`);
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
    const pulled = await cli([
      'pull',
      '--store',
      's3://evidence/unit-a',
      '--case',
      'case-cli',
      '--out',
      join(dir, 'cli'),
    ]);
    expect(pulled.stdout).toMatch(/^2 versions: 0 passed, 2 unverified, 0 failed$/m);
    expect(pulled.code).toBe(3);
    const usage = await cli(['push', file, '--store', 's3://evidence/unit-a']);
    expect(usage.code).toBe(2);
    // One option parser for every store command: an unknown option is a usage error, not a crash.
    const unknown = await cli(['store', 'check', '--store', 's3://evidence/unit-a', '--bucket', 'x']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--bucket/);
    expect(readFileSync(file)).toEqual(Buffer.from(bytes));
    db.close();
  });

  it('pushes multipart from Node over a file-backed Blob (the CLI’s way): parts hashed and streamed', async () => {
    const bytes = randomBytes(11 * MiB);
    const file = join(dir, 'multipart.zip');
    writeFileSync(file, bytes);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const r = await pushPackage(target, fetch, {
      key: 'multipart-node/part.zip',
      zip: await openAsBlob(file),
      sha256,
      retainUntil: retainUntilDate(new Date(), 1),
      multipartOver: 5 * MiB,
      partBytes: 5 * MiB,
    });
    expect(r).toMatchObject({ multipart: true, mode: 'COMPLIANCE', bytes: 11 * MiB });
    expect(await sha256Of(await getObject(target, fetch, r.key, r.versionId))).toBe(sha256);
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

describe('the push with the export writer’s part digests, against Ceph (issue 18, third pass)', () => {
  it('pushes each part signed with its digest; a queued part whose bytes differ is refused, nothing left', async () => {
    const t0 = Date.now();
    const db = createDb('store-digests');
    await seedCase(db, { id: 'case-dig' });
    await saveStoreConfig(db, {
      endpoint: store.endpoint,
      bucket: 'evidence',
      prefix: 'unit-dig',
      region: store.region,
      retentionDays: 1,
      pushExports: true,
      accessKeyId: store.accessKeyId,
      secret: { kind: 'plain', secretAccessKey: store.secretAccessKey },
    });
    // The part digests from the export writer's spool (the code an export runs), as it writes the part.
    const data = randomBytes(2 * STORE_PART_BYTES + MiB);
    const spool = await openSpool('memory', STORE_PART_BYTES);
    for (let a = 0; a < data.length; a += 3 * MiB + 1) await spool.write(data.subarray(a, a + 3 * MiB + 1));
    const out = await spool.finish();
    expect(out.partSha256s).toHaveLength(3);
    const part = (zip: Blob) => ({
      exportId: crypto.randomUUID(),
      part: 1,
      parts: 1,
      zipName: 'part.zip',
      zipSha256: out.sha256,
      zipBytes: data.length,
      zip,
      partSha256s: out.partSha256s!,
      partSha256Bytes: STORE_PART_BYTES,
    });
    const good = (await queueExportPart(db, 'case-dig', part(out.blob)))!;
    expect(good.partSha256s).toEqual(out.partSha256s);
    // The queued copy differs from what the writer wrote by one bit, in part 2.
    const flipped = Buffer.from(data);
    const flipAt = STORE_PART_BYTES + 12_345;
    flipped[flipAt] = flipped[flipAt]! ^ 1;
    const bad = (await queueExportPart(db, 'case-dig', part(new Blob([flipped]))))!;
    const res = await runStorePushes({
      db,
      fetcher: fetch,
      credentials: async (c) => credentialsOf(c, null),
      multipartOver: STORE_PART_BYTES,
    });
    expect(res).toMatchObject({ pushed: 1, failed: 1 });
    const ok = (await db.storeQueue.get(good.id))!;
    expect(ok.state).toBe('pushed');
    expect(ok.partSha256s).toBeUndefined();
    expect(await sha256Of(await getObject(target, fetch, ok.key, ok.pushed!.versionId))).toBe(out.sha256);

    const refused = (await db.storeQueue.get(bad.id))!;
    expect(refused).toMatchObject({ state: 'queued', attempts: 1 });
    const why =
      /Part 2 of 3 was refused: its bytes differ from the SHA-256 the export writer took.*XAmzContentSHA256Mismatch/;
    expect(refused.lastError).toMatch(why);
    // Nothing under its key: no version, and its multipart upload aborted.
    expect(await listVersions(target, fetch, refused.key)).toEqual([]);
    const uploads = await s3Send(target, fetch, { method: 'GET', query: { uploads: '', prefix: refused.key } });
    expect(await uploads.text()).not.toContain('<Upload>');
    const events = (await custodyLines(db, 'case-dig')).map(
      (r) => JSON.parse(r.line) as { type: string; details: Record<string, unknown> },
    );
    // The two were due together: pushed in the order of their ids (random UUIDs).
    const logged = events
      .filter((e) => e.type.startsWith('store.'))
      .map((e) => `${e.type} ${String(e.details.exportId)}`);
    expect(logged.sort()).toEqual([`store.failed ${bad.exportId}`, `store.pushed ${good.exportId}`]);
    expect(String(events.find((e) => e.type === 'store.failed')!.details.reason)).toMatch(why);
    db.close();
    console.log(`part digests e2e (Node): ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }, 60_000);
});

/**
 * The settings row a configured store leaves (plain secret by default: the sealed path is the settings
 * page's; `sealed` is one already sealed under a passphrase, locked until 'store.unlock').
 */
async function configureStore(driver: CaptureDriver, prefix: string, sealed?: SealedSecret): Promise<void> {
  const config = {
    endpoint: store.endpoint,
    bucket: 'evidence',
    prefix,
    region: store.region,
    retentionDays: 1,
    pushExports: true,
    accessKeyId: store.accessKeyId,
    secret: sealed ? { kind: 'sealed', sealed } : { kind: 'plain', secretAccessKey: store.secretAccessKey },
  };
  await driver.inControl(
    (c: unknown) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('hashmark');
        open.onerror = () => reject(open.error ?? new Error('indexedDB.open failed'));
        open.onsuccess = () => {
          const tx = open.result.transaction('settings', 'readwrite');
          tx.objectStore('settings').put({ id: 'store', config: c });
          tx.oncomplete = () => resolve();
          tx.onerror = () => reject(tx.error ?? new Error('settings write failed'));
        };
      }),
    config,
  );
}

type Queued = Omit<StoreQueueRecord, 'zip'>;
const queueOf = async (driver: CaptureDriver, exportId?: string): Promise<Queued[]> =>
  (await driver.readStore<Queued>('storeQueue')).filter((r) => !exportId || r.exportId === exportId);
const storeEvents = async (driver: CaptureDriver, caseId: string) =>
  (await driver.readStore<CustodyRecord>('custody'))
    .filter((e) => e.caseId === caseId && e.type.startsWith('store.'))
    .map((e) => JSON.parse(e.line) as { type: string; details: Record<string, unknown> });

/** What the store holds for a pushed part: COMPLIANCE to its date, the exported bytes, undeletable. */
async function expectLocked(r: Queued, zipPath: string, before: number): Promise<void> {
  const p = r.pushed!;
  expect(p.mode).toBe('COMPLIANCE');
  // retentionDays 1 from the push (whole seconds, rounded up).
  expect(Date.parse(p.retainUntil)).toBeGreaterThanOrEqual(Math.floor((before + 86_400_000) / 1000) * 1000);
  expect(Date.parse(p.retainUntil)).toBeLessThanOrEqual(Date.now() + 86_400_000 + 1000);
  const head = await headObject(target, fetch, r.key, p.versionId);
  expect(head).toMatchObject({ mode: 'COMPLIANCE', etag: p.etag, size: r.bytes });
  expect(Date.parse(head.retainUntil ?? '')).toBe(Date.parse(p.retainUntil));
  const saved = readFileSync(zipPath);
  expect(createHash('sha256').update(saved).digest('hex')).toBe(r.zipSha256);
  expect(await sha256Of(await getObject(target, fetch, r.key, p.versionId))).toBe(r.zipSha256);
  const refused = await deleteVersion(target, fetch, r.key, p.versionId).catch((e: unknown) => e);
  expect((refused as S3Error).status).toBe(403);
}

const BROWSERS: readonly BrowserName[] = ['chromium', 'firefox'];
/** The first package the Chromium profile pushed (imported by a second profile below). */
let pushedByA: { key: string; versionId: string; caseId: string } | null = null;

describe.each(BROWSERS)('%s', (browser) => {
  describe.skipIf(!canRun(browser))(suiteTitle(browser, 'push from the extension to the team store'), () => {
    let site: FixtureServer;
    let s: Session<CaptureDriver>;
    beforeAll(async () => {
      site = await startFixtureServer();
      s = await openSession(browser);
    }, 120_000);
    afterAll(async () => {
      await s?.close();
      await site?.close();
    });

    it('an export is queued, pushed under COMPLIANCE, read back and logged (store.pushed)', async () => {
      const caseId = (await s.driver.ensureCase(`Store – ${browser}`)).id;
      const tab = await s.driver.openTab(site.url('ad-fr-2.html'));
      await s.driver.capture(tab);
      await s.driver.closeTab(tab);
      const prefix = `unit-${browser}`;
      await configureStore(s.driver, prefix);
      const before = Date.now();
      let zipPath: string;
      let exportId: string;
      if (browser === 'chromium') {
        // The real export page, left open: its store status turns to "pushed" with what HEAD read back.
        const hm = (s.driver as unknown as ChromiumDriver).hm;
        const page = await hm.context.newPage();
        const query = exportPageQuery({ caseId, ceiling: {}, lang: null });
        await page.goto(`chrome-extension://${hm.extensionId}/export.html${query}`);
        const pushed = page.locator('[data-store-state="pushed"]');
        await pushed.waitFor({ timeout: 60_000 });
        exportId = (await page.locator('[data-export-id]').getAttribute('data-export-id')) ?? '';
        const version = await pushed.getAttribute('data-store-version');
        expect(await pushed.textContent()).toContain(version);
        zipPath = (await page.locator('[data-saved-path]').getAttribute('data-saved-path')) ?? '';
        await page.close();
      } else {
        const out = await s.driver.exportCase(caseId);
        zipPath = out.path;
        await expect
          .poll(
            async () => (await queueOf(s.driver)).filter((r) => r.caseId === caseId && r.state === 'pushed').length,
            {
              timeout: 60_000,
            },
          )
          .toBe(1);
        exportId = (await queueOf(s.driver)).find((r) => r.caseId === caseId)!.exportId;
      }
      const [r] = await queueOf(s.driver, exportId);
      expect(r).toMatchObject({ state: 'pushed', caseId, attempts: 1 });
      expect(r!.key).toBe(`${prefix}/${caseId}/${exportId}/${r!.zipName}`);
      expect((r as StoreQueueRecord).zip).toBeUndefined();
      await expectLocked(r!, zipPath, before);
      const events = await storeEvents(s.driver, caseId);
      expect(events.map((e) => e.type)).toEqual(['store.pushed']);
      expect(events[0]!.details).toMatchObject({
        versionId: r!.pushed!.versionId,
        etag: r!.pushed!.etag,
        retainUntil: r!.pushed!.retainUntil,
        mode: 'COMPLIANCE',
        zipSha256: r!.zipSha256,
      });
      expect(JSON.stringify(events)).not.toContain(store.secretAccessKey);
      if (browser === 'chromium') pushedByA = { key: r!.key, versionId: r!.pushed!.versionId, caseId };
      // An overwrite of that key makes a new version; the extension's stays, locked and whole.
      const zip = new Blob([readFileSync(zipPath)], { type: 'application/zip' });
      const again = await pushPackage(target, fetch, {
        key: r!.key,
        zip,
        sha256: r!.zipSha256,
        retainUntil: retainUntilDate(new Date(), 1),
      });
      expect(again.versionId).not.toBe(r!.pushed!.versionId);
      const versions = (await listVersions(target, fetch, `${prefix}/`)).map((v) => v.versionId).sort();
      expect(versions).toEqual([again.versionId, r!.pushed!.versionId].sort());
      expect((await headObject(target, fetch, r!.key, r!.pushed!.versionId)).mode).toBe('COMPLIANCE');

      if (browser !== 'chromium') return;
      // The store goes down: the next export's part stays queued (store.failed), and once the store is
      // back an explicit push (the settings' "push now") sends it; the custody log says both.
      await stopGateway(store);
      const second = await s.driver.exportCase(caseId);
      await expect
        .poll(async () => (await queueOf(s.driver)).find((q) => q.zipName === second.zipName)?.attempts ?? 0, {
          timeout: 60_000,
        })
        .toBe(1);
      const down = (await queueOf(s.driver)).find((q) => q.zipName === second.zipName)!;
      expect(down.state).toBe('queued');
      expect(down.lastError).toBeTruthy();
      await startStore(store.dir, store.port);
      const res = await s.driver.send('store.push', { all: true });
      expect(res).toMatchObject({ pushed: 1, failed: 0, nextAt: null });
      const up = (await queueOf(s.driver, down.exportId))[0]!;
      expect(up.state).toBe('pushed');
      await expectLocked(up, second.path, before);
      const after = (await storeEvents(s.driver, caseId)).filter((e) => e.details.exportId === down.exportId);
      expect(after.map((e) => [e.type, e.details.attempt])).toEqual([
        ['store.failed', 1],
        ['store.pushed', 2],
      ]);
    }, 240_000);

    // Auto-push (issue 18): in the same session. Declared for Chromium only: the issue asks one lean
    // real-Chromium run, and the background code it exercises is the same in Firefox (whose export
    // push is above). The store's key is sealed and this browser session has not unlocked it: the
    // capture bag is sealed and waits in the queue; unlocked, it is pushed.
    if (browser === 'chromium')
      it('auto-push: a capture is sealed as a capture bag, waits while the store is locked, then is pushed and verifies', async () => {
        const t0 = Date.now();
        const passphrase = 'correct horse battery';
        await configureStore(s.driver, 'unit-auto', await sealSecret(store.secretAccessKey, passphrase, 10_000));
        await s.driver.send('store.lock', {});
        const caseId = (await s.driver.ensureCase(`Auto-push – ${browser}`)).id;
        // The case setting, as the investigator turns it on (offered since a store is configured).
        const hm = (s.driver as unknown as ChromiumDriver).hm;
        const page = await hm.context.newPage();
        await page.goto(`chrome-extension://${hm.extensionId}/dashboard.html#/case/${encodeURIComponent(caseId)}`);
        const box = page.locator('[data-testid=auto-push]');
        // Clicked, not check(): the box follows the stored case, which changes a moment after the click.
        await box.click({ timeout: 20_000 });
        await expect
          .poll(
            async () =>
              (await s.driver.readStore<{ id: string; autoPush?: boolean }>('cases')).find((c) => c.id === caseId)
                ?.autoPush,
          )
          .toBe(true);
        await page.close();

        const tab = await s.driver.openTab(site.url('ad-fr-2.html'));
        const cap = await s.driver.capture(tab);
        await s.driver.closeTab(tab);
        const id = `capture:${cap.captureId}`;
        const row = async () => (await queueOf(s.driver)).find((q) => q.id === id);
        // Sealed in the background, queued, not pushed: the store is locked.
        await expect
          .poll(async () => (await row())?.zipName ?? '', { timeout: 60_000 })
          .toMatch(/-capture\d{4}-\d{8}T\d{6}Z\.zip$/);
        const waiting = (await row())!;
        expect(waiting.state).toBe('queued');
        expect(waiting.key).toBe(`unit-auto/${caseId}/captures/${cap.captureId}/${waiting.zipName}`);
        expect(await s.driver.send('store.push', {})).toMatchObject({ pushed: 0, waiting: 'locked' });
        expect(await storeEvents(s.driver, caseId)).toEqual([]);

        await s.driver.send('store.unlock', { passphrase });
        const before = Date.now();
        // A round already running (locked) is joined, and one more follows it: wait for the push itself.
        await s.driver.send('store.push', {});
        await expect.poll(async () => (await row())?.state, { timeout: 60_000 }).toBe('pushed');
        const done = (await row())!;
        expect(done).toMatchObject({ state: 'pushed', captureId: cap.captureId, attempts: 1 });
        const p = done.pushed!;
        const head = await headObject(target, fetch, done.key, p.versionId);
        expect(head).toMatchObject({ mode: 'COMPLIANCE', size: done.bytes });
        expect(Date.parse(head.retainUntil ?? '')).toBe(Date.parse(p.retainUntil));
        expect(Date.parse(p.retainUntil)).toBeGreaterThanOrEqual(Math.floor((before + 86_400_000) / 1000) * 1000);
        expect(Date.parse(p.retainUntil)).toBeLessThanOrEqual(Date.now() + 86_400_000 + 1000);
        const events = (await s.driver.readStore<CustodyRecord>('custody')).filter(
          (e) => e.caseId === caseId && e.type === 'store.pushed',
        );
        expect(events.map((e) => e.captureId)).toEqual([cap.captureId]);
        expect(JSON.parse(events[0]!.line).details).toMatchObject({
          key: done.key,
          versionId: p.versionId,
          zipSha256: done.zipSha256,
        });

        // The CLI: pulled by case (the new key layout), then `hashmark verify` with the profile's pinned key.
        const fp = (await s.driver.readStore<{ id: string; fingerprint: string }>('keys')).find(
          (k) => k.id === 'signing',
        )?.fingerprint;
        const out = join(dir, 'auto');
        const pulled = await cli(['pull', '--store', 's3://evidence/unit-auto', '--case', caseId, '--out', out]);
        expect(pulled.stdout).toMatch(/^1 versions: 0 passed, 1 unverified, 0 failed$/m);
        const file = join(out, done.zipName);
        const verified = await cli(['verify', file, ...(fp ? ['--key-fingerprint', fp] : [])]);
        expect(verified.stdout).toContain('Capture bag:');
        expect(verified.stdout).toMatch(/VERDICT: PASSED/);
        expect(verified.code).toBe(0);
        console.log(`auto-push e2e: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      }, 120_000);

    it('pushes multipart with the browser’s fetch: parts read, hashed and sent as Blob slices', async () => {
      // The export above is one small part (a single PUT); this runs the multipart path in this browser.
      const code = await bundle(resolve('tests/support/push-page.ts'), resolve('.'));
      const control = (s.driver as unknown as { control: { evaluate(js: string): Promise<unknown> } }).control;
      await control.evaluate(`(() => { ${code}\n; globalThis.__pushPage = __hashmarkBenchModule; })()`);
      const key = `multipart-${browser}/part.zip`;
      const r = await s.driver.inControl(
        (a: Parameters<typeof PushPage.pushMultipart>[0]) =>
          (globalThis as unknown as { __pushPage: typeof PushPage }).__pushPage.pushMultipart(a),
        { target, key, bytes: 11 * MiB, partBytes: 5 * MiB },
      );
      expect(r).toMatchObject({ multipart: true, mode: 'COMPLIANCE', bytes: 11 * MiB });
      expect(await sha256Of(await getObject(target, fetch, key, r.versionId))).toBe(r.sha256);
    }, 60_000);

    it('pushes multipart with the export writer’s part digests: parts sent as Blob slices, never read', async () => {
      const t0 = Date.now();
      const code = await bundle(resolve('tests/e2e/store-digests-page.ts'), resolve('.'));
      const control = (s.driver as unknown as { control: { evaluate(js: string): Promise<unknown> } }).control;
      await control.evaluate(`(() => { ${code}\n; globalThis.__digestsPage = __hashmarkBenchModule; })()`);
      const key = `digests-${browser}/part.zip`;
      const bytes = STORE_PART_BYTES + MiB + 3;
      const r = await s.driver.inControl(
        (a: Parameters<typeof DigestsPage.pushWithDigests>[0]) =>
          (globalThis as unknown as { __digestsPage: typeof DigestsPage }).__digestsPage.pushWithDigests(a),
        { target, key, bytes },
      );
      expect(r).toMatchObject({ multipart: true, mode: 'COMPLIANCE', bytes, parts: 2 });
      expect(await sha256Of(await getObject(target, fetch, key, r.versionId))).toBe(r.sha256);
      console.log(`part digests e2e (${browser}): ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }, 60_000);
  });
});

describe.skipIf(!canRun('chromium'))('Chromium: team view in another profile', () => {
  let site: FixtureServer;
  let b: Session<CaptureDriver>;
  beforeAll(async () => {
    site = await startFixtureServer();
    b = await openSession('chromium');
  }, 120_000);
  afterAll(async () => {
    await b?.close();
    await site?.close();
  });

  it('imports the other profile’s package read-only: the shared phone number links the two cases', async () => {
    expect(pushedByA, 'the Chromium push test ran first').not.toBeNull();
    if (!pushedByA) return;
    const own = (await b.driver.ensureCase('Profile B – own case')).id;
    const tab = await b.driver.openTab(site.url('ad-fr-2.html'));
    const mine = await b.driver.capture(tab);
    await b.driver.closeTab(tab);
    await configureStore(b.driver, 'unit-chromium');

    // The team view: list the store, verify and import profile A's package in this page (never as one
    // Blob in the service worker); the background re-checks and writes the read-only rows.
    const hm = (b.driver as unknown as ChromiumDriver).hm;
    const page = await hm.context.newPage();
    const dash = `chrome-extension://${hm.extensionId}/dashboard.html`;
    await page.goto(`${dash}#/team`);
    await page.locator('[data-testid=team-list]').click();
    const row = page.locator(`tr[data-key="${pushedByA.key}"][data-version-id="${pushedByA.versionId}"]`);
    await row.waitFor({ timeout: 30_000 });
    await row.locator('[data-testid=team-import]').click();
    const done = page.locator('[data-testid=team-imported]');
    await done.waitFor({ timeout: 60_000 });
    const importedId = (await done.getAttribute('data-case-id')) ?? '';
    const signer = (await done.getAttribute('data-signed-by')) ?? '';
    expect(signer).toMatch(/\(key [0-9a-f]{16}\)$/);
    expect(await done.getAttribute('data-captures')).toBe('1');
    expect(['passed', 'unverified']).toContain(await page.locator('.verify-report').getAttribute('data-verdict'));
    // The row now links the imported case instead of offering the import again.
    await row.locator(`[data-imported-case="${importedId}"]`).waitFor({ timeout: 10_000 });
    expect(await row.locator('[data-testid=team-import]').count()).toBe(0);
    // The spool file the page verified is gone.
    const left = await page.evaluate(async () => {
      const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('team-import', { create: true });
      const names: string[] = [];
      for await (const n of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(n);
      return names;
    });
    expect(left).toEqual([]);
    // The background re-checks what a page hands it: a size the store does not hold is refused.
    await expect(
      b.driver.send('store.commit', {
        key: pushedByA.key,
        versionId: pushedByA.versionId,
        size: 1,
        zipSha256: '0'.repeat(64),
        verdict: 'passed',
        fingerprint: '0'.repeat(64),
        files: {},
      }),
    ).rejects.toThrow(/bytes for/);

    // Profile B's own capture: the number is seen in 2 captures across 2 cases, one of them imported and
    // marked with who signed it.
    await page.goto(`${dash}#/capture/${encodeURIComponent(mine.captureId)}`);
    const seen = page.locator('[data-selector="+33612345678"] .selector-seen');
    await seen.waitFor({ timeout: 30_000 });
    expect(await seen.getAttribute('data-cases')).toBe('2');
    expect(await seen.getAttribute('data-captures')).toBe('2');
    expect(await seen.locator('[data-signed-by]').getAttribute('data-signed-by')).toBe(signer);

    // The imported case and capture are marked and offer no export, rename, tags, notes or deletion.
    await page.goto(`${dash}#/case/${encodeURIComponent(importedId)}`);
    await page.locator(`.case-header .read-only-note[data-signed-by="${signer}"]`).waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-testid=export]').count()).toBe(0);
    expect(await page.locator(`.case-row[data-case-id="${importedId}"] .case-actions`).count()).toBe(0);
    await page.locator(`.capture-card [data-signed-by="${signer}"]`).first().waitFor({ timeout: 10_000 });
    expect(await page.locator('.capture-card input.select').count()).toBe(0);
    const theirs = (await b.driver.readStore<{ id: string; caseId: string }>('captures')).find(
      (c) => c.caseId === importedId,
    )!;
    await page.goto(`${dash}#/capture/${encodeURIComponent(theirs.id)}`);
    await page.locator(`.capture-detail .read-only-note[data-signed-by="${signer}"]`).waitFor({ timeout: 10_000 });
    expect(await page.locator('.danger-zone, #detail-tags-suggestions, form.note-add').count()).toBe(0);
    await page.close();
    const imported = { caseId: importedId };

    // Read-only: no capture into it, no note, no re-export as this profile's own.
    await expect(b.driver.send('case.setActive', { caseId: imported.caseId })).rejects.toThrow(/read-only/);
    await expect(b.driver.exportCase(imported.caseId)).rejects.toThrow(/read-only/);
    const cases = await b.driver.readStore<{ id: string; status: string; imported?: { signer: string } }>('cases');
    expect(cases.find((c) => c.id === imported.caseId)).toMatchObject({ status: 'closed' });
    expect(cases.find((c) => c.id === own)?.imported).toBeUndefined();

    // The CLI pulls the same case: every version of its packages, each verified, none overwritten.
    const caseA = pushedByA.caseId;
    const pull = () =>
      cli(['pull', '--store', 's3://evidence/unit-chromium', '--case', caseA, '--out', join(dir, 'pulled')]);
    const pulled = await pull();
    expect(pulled.stdout).toMatch(/^3 versions: \d passed, \d unverified, 0 failed$/m);
    expect([0, 3]).toContain(pulled.code);
    const first = new RegExp(`^(PASSED|UNVERIFIED) (\\S+) version ${pushedByA.versionId} sha256 ([0-9a-f]{64})$`, 'm');
    const m = first.exec(pulled.stdout);
    expect(m, pulled.stdout).not.toBeNull();
    expect(createHash('sha256').update(readFileSync(m![2]!)).digest('hex')).toBe(m![3]);
    const again = await pull();
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(/already exists \(not overwritten\)/);
  }, 180_000);
});
