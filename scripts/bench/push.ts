/**
 * Bench stage push-throughput (issue 18): MiB/s of the extension's push of a 256 MiB part to a local
 * Ceph (scripts/ceph-s3-local.sh), as an investigator's push runs: the part is queued in the extension's
 * IndexedDB the way the export page queues a saved part, and the background's queue round
 * (`store.push`) uploads it (multipart, a signed SHA-256 per part), reads it back (HEAD) and logs it;
 * timed from the message to the round's answer. Memory: the peak PSS of the browser's process tree
 * during the push minus its idle PSS just before (scripts/bench/memory.ts), target part size / 4.
 *
 * Baseline, the same file to the same store in the same run, interleaved with the pushes: a plain
 * signed curl PUT (`curl --aws-sigv4`) whose `x-amz-content-sha256` is the file's real SHA-256
 * (`sha256sum` timed with it), so that, as for the push, the client hashes the bytes and radosgw
 * checks them. The same PUT with UNSIGNED-PAYLOAD (nothing hashed on either side) is in the note.
 * Where the CPU went (per process kind and thread, from /proc) is in the note too.
 *
 * The part is queued as an export queues it (issue 18, third pass): written first through the export
 * writer's spool, which takes the part digests (one SHA-256 per 8 MiB part) the push signs without
 * reading the part. That write is outside the timed push; what the digests cost there (the spool with
 * and without them, and the digests alone: WebCrypto as the spool takes them, against a second
 * hash-wasm SHA-256) is in the note, in wall time and the browser's CPU.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import type { HashmarkBrowser } from '../../cli/chromium/launch';
import type { ChromiumDriver } from '../../cli/chromium/driver';
import { startStore, stopStore, type LocalStore } from '../../tests/support/ceph-store';
import { createLockedBucket, retainUntilDate, type StoreTarget } from '../../utils/store';
import { cpuSnapshot, cpuSpent, cpuText } from './cpu';
import { startSampler, treeMemory } from './memory';
import type * as PagePush from './page-push';
import { inject } from './page-bundle';
import { failure, meets, unmeasured, type Metric } from './report';
import { round, summarize } from './stats';

const run = promisify(execFile);
const MiB = 1024 * 1024;
const PUSH = '__hashmarkPush';
const TARGET = '>= 0.8';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load1 = () => loadavg()[0]!.toFixed(1);

type PushApi = typeof PagePush;
type Api = Record<string, Record<string, (...a: unknown[]) => unknown>>;

/** A function of page-push.ts in `page` (arguments and result cross the DevTools protocol as JSON). */
function pp<K extends keyof PushApi>(
  page: Page,
  name: K,
  ...args: Parameters<PushApi[K]>
): Promise<Awaited<ReturnType<PushApi[K]>>> {
  return page.evaluate(([g, n, a]) => (globalThis as unknown as Api)[g]![n]!(...a), [
    PUSH,
    name,
    args as unknown[],
  ] as const) as never;
}

export interface PushStageOptions {
  partBytes: number;
  runs: number;
  /** page-push.ts bundled (page-bundle.ts bundle()). */
  pushCode: string;
  browserPid: number;
  workDir: string;
  log: (s: string) => void;
  /** Also push from an extension page with other part sizes and parts in flight (logged, and in the note). */
  sweep?: boolean;
}

async function writeRandom(path: string, bytes: number): Promise<{ sha256: string; md5: string }> {
  const out = createWriteStream(path);
  const s = createHash('sha256');
  const m = createHash('md5');
  for (let left = bytes; left > 0; left -= MiB) {
    const chunk = randomBytes(Math.min(left, MiB));
    s.update(chunk);
    m.update(chunk);
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((ok, fail) => out.end((e?: Error | null) => (e ? fail(e) : ok())));
  return { sha256: s.digest('hex'), md5: m.digest('base64') };
}

/** Serves one file on 127.0.0.1 (the extension page loads the part from it). */
async function serveFile(path: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/zip', 'access-control-allow-origin': '*' });
    createReadStream(path).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/part.zip`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

function daemonPids(store: LocalStore): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [kind, name] of [
    ['radosgw', 'rgw'],
    ['ceph-osd', 'osd'],
    ['ceph-mon', 'mon'],
  ] as const) {
    try {
      out[kind] = Number(readFileSync(join(store.dir, 'run', `${name}.pid`), 'utf8').trim());
    } catch {
      // not recorded: its CPU is left out of the note
    }
  }
  return out;
}

interface Curl {
  ms: number;
  hashMs: number;
  opensslMs: number;
  cpu: string;
}

/**
 * One signed curl PUT of the file with the push's lock headers. `signed`: sha256sum first (timed),
 * its hash as `x-amz-content-sha256` (radosgw checks it); otherwise UNSIGNED-PAYLOAD.
 */
async function curlPut(
  store: LocalStore,
  o: { file: string; md5: string; key: string; signed: boolean; retainUntil: string; daemons: Record<string, number> },
): Promise<Curl> {
  const t0 = performance.now();
  const payload = o.signed ? (await run('sha256sum', [o.file])).stdout.slice(0, 64) : 'UNSIGNED-PAYLOAD';
  const hashMs = performance.now() - t0;
  // The same hash by OpenSSL (SHA-NI where the CPU has it), for the note: how much the tool matters.
  const o0 = performance.now();
  if (o.signed) await run('openssl', ['dgst', '-sha256', o.file]);
  const opensslMs = performance.now() - o0;
  const t1 = performance.now();
  const before = cpuSnapshot({ pids: o.daemons });
  const args = [
    '-sSf',
    '-o',
    '/dev/null',
    '--aws-sigv4',
    `aws:amz:${store.region}:s3`,
    '--user',
    `${store.accessKeyId}:${store.secretAccessKey}`,
    '-H',
    `x-amz-content-sha256: ${payload}`,
    '-H',
    `Content-MD5: ${o.md5}`,
    '-H',
    'x-amz-object-lock-mode: COMPLIANCE',
    '-H',
    `x-amz-object-lock-retain-until-date: ${o.retainUntil}`,
    '-T',
    o.file,
    `${store.endpoint}/bench/${o.key}`,
  ];
  // bash's `time` gives curl's own CPU (user and system seconds) on the last line of stderr.
  const { stderr } = await run('bash', ['-c', 'TIMEFORMAT="%U %S"; time curl "$@"', 'curl', ...args], {
    timeout: 600_000,
  });
  const ms = hashMs + performance.now() - t1;
  const [user, sys] = stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
  const spent = cpuSpent(before, cpuSnapshot({ pids: o.daemons }));
  spent.push(['curl: curl', ((user ?? 0) + (sys ?? 0)) * 1000]);
  spent.sort((a, b) => b[1] - a[1]);
  return { ms, hashMs, opensslMs, cpu: cpuText(spent, 3, 1) };
}

interface Push {
  ms: number;
  peakPss: number;
  peakRss: number;
  cpu: string;
}

/** Queues the part and runs the background's queue round; times the round, samples memory and CPU. */
async function workerPush(
  driver: ChromiumDriver,
  page: Page,
  o: { caseId: string; exportId: string; sha256: string; browserPid: number; daemons: Record<string, number> },
): Promise<Push> {
  // Wakes the service worker first: a worker started by the push message itself would run its start-up
  // round on the queued part, and the message would find nothing left to push.
  await driver.send('case.setActive', { caseId: o.caseId });
  await pp(page, 'enqueue', { caseId: o.caseId, exportId: o.exportId, sha256: o.sha256, prefix: 'bench' });
  await sleep(1500);
  const idle: number[] = [];
  for (let i = 0; i < 8; i++) {
    idle.push(treeMemory(o.browserPid).pss);
    await sleep(150);
  }
  const idleRss = treeMemory(o.browserPid).rss;
  const before = cpuSnapshot({ tree: { root: o.browserPid, kind: 'browser' }, pids: o.daemons });
  const sampler = startSampler(o.browserPid, 100);
  const t = performance.now();
  // A push that never ends is a failure to report, not a bench that hangs (seen once: a lane stuck).
  const res = await Promise.race([
    driver.send('store.push', { all: true }),
    sleep(300_000).then(() => Promise.reject(new Error('the push did not end within 5 minutes'))),
  ]);
  const ms = performance.now() - t;
  const peak = sampler.stop();
  const spent = cpuSpent(before, cpuSnapshot({ tree: { root: o.browserPid, kind: 'browser' }, pids: o.daemons }));
  const row = (await driver.readStore<{ id: string; state: string; lastError?: string }>('storeQueue')).find(
    (r) => r.id === `${o.exportId}:1`,
  );
  if (res.pushed !== 1 || row?.state !== 'pushed') {
    throw new Error(`the queued part was not pushed (${JSON.stringify(res)}; ${row?.lastError ?? row?.state})`);
  }
  return {
    ms,
    peakPss: peak.peakPss - summarize(idle).p50,
    peakRss: peak.peakRss - idleRss,
    cpu: cpuText(spent, 5, 4),
  };
}

/** Pushes from an extension page with other part sizes / parts in flight, and times reading and hashing. */
async function sweep(
  page: Page,
  t: StoreTarget,
  o: { sha256: string; partBytes: number; browserPid: number; log: (s: string) => void },
) {
  const out: string[] = [];
  const retainUntil = retainUntilDate(new Date(), 1);
  for (const [mib, inFlight] of [
    [8, 2],
    [8, 3],
    [16, 2],
    [32, 2],
    [8, 4],
    [16, 1],
  ] as const) {
    await sleep(1000);
    const idle = treeMemory(o.browserPid).pss;
    const sampler = startSampler(o.browserPid, 100);
    const ms = await pp(page, 'pushHere', {
      target: t,
      key: `sweep/${mib}-${inFlight}-${Date.now()}.zip`,
      sha256: o.sha256,
      retainUntil,
      partBytes: mib * MiB,
      concurrency: inFlight,
    });
    const peak = (sampler.stop().peakPss - idle) / MiB;
    const s = `${mib} MiB x${inFlight} ${(o.partBytes / MiB / (ms / 1000)).toFixed(0)} (+${peak.toFixed(0)} MiB PSS)`;
    o.log(`push sweep (page): ${s} MiB/s, load ${load1()}`);
    out.push(s);
  }
  for (const mib of [8, 16, 32]) {
    const r = await pp(page, 'readAndHash', mib * MiB);
    const s = `${mib} MiB slices: read ${Math.round(r.readMs)} ms, read+SHA-256 ${Math.round(r.readHashMs)} ms`;
    o.log(`push sweep (page): ${s}`);
    out.push(s);
  }
  return out.join('; ');
}

interface Rounds {
  unsigned: Curl[];
  signed: Curl[];
  pushes: Push[];
}

/** `runs` rounds of: curl UNSIGNED-PAYLOAD, curl signed, the extension's push (order rotated each round). */
async function rounds(
  driver: ChromiumDriver,
  page: Page,
  store: LocalStore,
  o: PushStageOptions & { file: string; sha256: string; md5: string; caseId: string },
): Promise<Rounds> {
  const out: Rounds = { unsigned: [], signed: [], pushes: [] };
  const daemons = daemonPids(store);
  const retainUntil = retainUntilDate(new Date(), 1);
  const steps = [
    async (r: number) => {
      out.unsigned.push(await curlPut(store, { ...o, key: `curl-u-${r}.zip`, signed: false, retainUntil, daemons }));
      o.log(`push: curl UNSIGNED-PAYLOAD ${(out.unsigned.at(-1)!.ms / 1000).toFixed(1)} s, load ${load1()}`);
    },
    async (r: number) => {
      out.signed.push(await curlPut(store, { ...o, key: `curl-s-${r}.zip`, signed: true, retainUntil, daemons }));
      const c = out.signed.at(-1)!;
      o.log(`push: sha256sum + signed curl ${(c.ms / 1000).toFixed(1)} s (hash ${c.hashMs.toFixed(0)} ms)`);
    },
    async (r: number) => {
      out.pushes.push(await workerPush(driver, page, { ...o, exportId: `bench-push-${r}`, daemons }));
      const p = out.pushes.at(-1)!;
      o.log(
        `push: extension ${(p.ms / 1000).toFixed(1)} s, peak +${(p.peakPss / MiB).toFixed(0)} MiB PSS; CPU ${p.cpu}`,
      );
    },
  ];
  for (let r = 0; r < o.runs; r++) {
    for (let k = 0; k < steps.length; k++) await steps[(k + r) % steps.length]!(r);
  }
  return out;
}

/** `f`'s wall time and the browser tree's CPU time (ms) while it ran. */
async function withCpu<T>(browserPid: number, f: () => Promise<T>): Promise<{ out: T; cpuMs: number }> {
  const before = cpuSnapshot({ tree: { root: browserPid, kind: 'browser' } });
  const out = await f();
  const spent = cpuSpent(before, cpuSnapshot({ tree: { root: browserPid, kind: 'browser' } }));
  return { out, cpuMs: spent.reduce((n, [, ms]) => n + ms, 0) };
}

/**
 * Spools the part as an export writes it, without then with the part digests (the second is what is
 * queued), and times the digests alone (`rounds` passes over the part); the note's text.
 */
async function spoolWithDigests(page: Page, o: { browserPid: number; sha256: string; partBytes: number }) {
  const plain = await withCpu(o.browserPid, () => pp(page, 'spoolPart', false));
  const spooled = await withCpu(o.browserPid, () => pp(page, 'spoolPart', true));
  if (spooled.out.sha256 !== o.sha256 || plain.out.sha256 !== o.sha256) {
    throw new Error('the spool took another SHA-256 of the part than the file has');
  }
  const rounds = 4;
  const pass: string[] = [];
  for (const how of ['read', 'webcrypto', 'hash-wasm'] as const) {
    const r = await withCpu(o.browserPid, () => pp(page, 'digestPass', how, rounds));
    pass.push(`${how} ${(r.out / 1000).toFixed(2)} s wall, ${(r.cpuMs / 1000).toFixed(2)} s CPU`);
  }
  const gib = (rounds * o.partBytes) / 1024 ** 3;
  const s = (ms: number) => (ms / 1000).toFixed(2);
  return (
    `; the part spooled (OPFS, as an export part) without digests ${s(plain.out.ms)} s wall / ${s(plain.cpuMs)} s CPU, ` +
    `with the ${spooled.out.parts} part digests ${s(spooled.out.ms)} s / ${s(spooled.cpuMs)} s (load ${load1()}); ` +
    `${gib.toFixed(2)} GiB read in the writer's chunks alone and with the part digests: ${pass.join('; ')}`
  );
}

function metrics(o: PushStageOptions, r: Rounds, extra: string): Metric[] {
  const mibps = (ms: number) => o.partBytes / MiB / (ms / 1000);
  const push = summarize(r.pushes.map((p) => mibps(p.ms)));
  const signed = summarize(r.signed.map((c) => mibps(c.ms)));
  const unsigned = summarize(r.unsigned.map((c) => mibps(c.ms)));
  const perRound = r.pushes.map((p, k) => r.signed[k]!.ms / p.ms);
  const ratio = push.p50 / signed.p50;
  const part = o.partBytes / MiB;
  const memTarget = `<= ${(part / 4).toFixed(0)} MiB`;
  const mem = summarize(r.pushes.map((p) => p.peakPss / MiB));
  const note =
    `background queue round of a ${part} MiB part queued in IndexedDB with the export writer's part digests (multipart, each part signed with its digest and never read, HEAD read-back); ` +
    `baseline sha256sum + curl --aws-sigv4 PUT with that x-amz-content-sha256 (sha256sum p50 ${summarize(r.signed.map((c) => c.hashMs)).p50.toFixed(0)} ms; openssl dgst -sha256 p50 ${summarize(r.signed.map((c) => c.opensslMs)).p50.toFixed(0)} ms, not in the baseline); ` +
    `per-round ratios ${Math.min(...perRound).toFixed(2)}–${Math.max(...perRound).toFixed(2)}; ` +
    `curl UNSIGNED-PAYLOAD p50 ${unsigned.p50.toFixed(1)} MiB/s (push / it ${(push.p50 / unsigned.p50).toFixed(2)}); ` +
    `CPU of the last push: ${r.pushes.at(-1)!.cpu}; of the last signed curl: ${r.signed.at(-1)!.cpu}; ` +
    `of the last unsigned curl: ${r.unsigned.at(-1)!.cpu}` +
    extra;
  return [
    {
      metric: 'push-throughput',
      value: round(push.p50, 1),
      unit: 'MiB/s',
      baseline: round(signed.p50, 1),
      ratio: round(ratio),
      target: TARGET,
      pass: meets(TARGET, ratio),
      spread: { min: round(push.min, 1), max: round(push.max, 1) },
      runs: push.n,
      note,
    },
    {
      metric: 'push-peak-memory',
      value: round(mem.p50, 0),
      unit: 'MiB',
      baseline: round(part, 0),
      ratio: round(mem.p50 / part),
      target: memTarget,
      pass: meets(memTarget, mem.p50),
      spread: { min: round(mem.min, 0), max: round(mem.max, 0) },
      runs: mem.n,
      note:
        `peak PSS of the browser's process tree during the push (sampled every 100 ms) minus idle just before; ` +
        `RSS peak minus idle p50 ${Math.round(summarize(r.pushes.map((p) => p.peakRss)).p50 / MiB)} MiB`,
    },
  ];
}

export async function pushStage(hm: HashmarkBrowser, driver: ChromiumDriver, o: PushStageOptions): Promise<Metric[]> {
  const fail = (why: string) => [
    unmeasured('push-throughput', 'MiB/s', TARGET, why),
    unmeasured('push-peak-memory', 'MiB', `<= ${(o.partBytes / MiB / 4).toFixed(0)} MiB`, why),
  ];
  const dir = join(o.workDir, 'ceph');
  mkdirSync(dir, { recursive: true });
  // memstore keeps every locked upload in the OSD's RAM: room for all of this stage's uploads.
  const uploads = o.runs * 3 + (o.sweep ? 6 : 0);
  process.env.CEPH_S3_SIZE_MB ??= String(Math.ceil((uploads * o.partBytes * 1.1) / MiB) + 512);
  let store: LocalStore;
  try {
    store = await startStore(dir);
  } catch (e) {
    return fail(`no local Ceph (${failure(e, o.log)})`);
  }
  const file = join(o.workDir, 'part.zip');
  const page = await hm.context.newPage();
  let server: Awaited<ReturnType<typeof serveFile>> | null = null;
  try {
    const t: StoreTarget = {
      endpoint: store.endpoint,
      bucket: 'bench',
      region: store.region,
      credentials: { accessKeyId: store.accessKeyId, secretAccessKey: store.secretAccessKey },
    };
    await createLockedBucket(t, fetch);
    const { sha256, md5 } = await writeRandom(file, o.partBytes);
    server = await serveFile(file);
    const caseId = (await driver.ensureCase('Bench: push')).id;
    await page.goto(`chrome-extension://${hm.extensionId}/export.html`);
    await inject(page, o.pushCode, PUSH);
    await pp(page, 'loadPart', server.url);
    await pp(page, 'configure', { target: t, prefix: 'bench' });
    const digests = await spoolWithDigests(page, { ...o, sha256 });
    o.log(`push: digests${digests}`);
    o.log(`push: ${o.partBytes / MiB} MiB part, ${o.runs} rounds, load ${load1()}`);
    const r = await rounds(driver, page, store, { ...o, file, sha256, md5, caseId });
    const extra = o.sweep ? `; sweep from an extension page (MiB/s): ${await sweep(page, t, { ...o, sha256 })}` : '';
    return metrics(o, r, digests + extra);
  } catch (e) {
    return fail(failure(e, o.log));
  } finally {
    await pp(page, 'close').catch(() => undefined);
    await page.close().catch(() => undefined);
    await server?.close();
    await stopStore(store).catch(() => undefined);
  }
}
