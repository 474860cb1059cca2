/**
 * Bench stage push-throughput (issue 18): MB/s of the team-store push (utils/store pushPackage, the code
 * the extension's background runs, here in Node over a file-backed Blob) of a >= 256 MB part to a local
 * Ceph, against a plain signed curl PUT of the same file to the same store in the same run (target ratio
 * >= 0.8), and the push's peak memory growth (target <= part size / 4). The store is started and stopped
 * here (scripts/ceph-s3-local.sh); without Ceph installed the metrics are reported unmeasured.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, openAsBlob } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startStore, stopStore } from '../../tests/support/ceph-store';
import { createLockedBucket, pushPackage, retainUntilDate, type StoreTarget } from '../../utils/store';
import { failure, meets, unmeasured, type Metric } from './report';

const run = promisify(execFile);
const MB = 1e6;

async function writeRandom(path: string, bytes: number): Promise<{ sha256: string; md5: string }> {
  const out = createWriteStream(path);
  const s = createHash('sha256');
  const m = createHash('md5');
  for (let left = bytes; left > 0; left -= 1 << 20) {
    const chunk = randomBytes(Math.min(left, 1 << 20));
    s.update(chunk);
    m.update(chunk);
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((ok, fail) => out.end((e?: Error | null) => (e ? fail(e) : ok())));
  return { sha256: s.digest('hex'), md5: m.digest('base64') };
}

/** Peak RSS growth over `fn` (sampled every 20 ms). */
async function peakRss<T>(fn: () => Promise<T>): Promise<{ value: T; peak: number }> {
  const base = process.memoryUsage().rss;
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss - base)), 20);
  try {
    return { value: await fn(), peak };
  } finally {
    clearInterval(timer);
  }
}

export async function pushStage(o: {
  partBytes: number;
  workDir: string;
  log: (s: string) => void;
}): Promise<Metric[]> {
  const names = { speed: 'push-throughput', mem: 'push-peak-memory' };
  const dir = join(o.workDir, 'ceph');
  mkdirSync(dir, { recursive: true });
  let store;
  try {
    store = await startStore(dir);
  } catch (e) {
    const note = `no local Ceph (${failure(e, o.log)})`;
    return [unmeasured(names.speed, 'ratio', '>= 0.8', note), unmeasured(names.mem, 'MB', '<= part/4', note)];
  }
  try {
    const t: StoreTarget = {
      endpoint: store.endpoint,
      bucket: 'bench',
      region: store.region,
      credentials: { accessKeyId: store.accessKeyId, secretAccessKey: store.secretAccessKey },
    };
    await createLockedBucket(t, fetch);
    const file = join(o.workDir, 'part.zip');
    const { sha256, md5 } = await writeRandom(file, o.partBytes);
    const retainUntil = retainUntilDate(new Date(), 1);
    o.log(`push: ${(o.partBytes / MB).toFixed(0)} MB part, curl first`);
    const c0 = Date.now();
    await run(
      'curl',
      [
        '-sf',
        '-o',
        '/dev/null',
        '--aws-sigv4',
        `aws:amz:${store.region}:s3`,
        '--user',
        `${store.accessKeyId}:${store.secretAccessKey}`,
        '-H',
        'x-amz-content-sha256: UNSIGNED-PAYLOAD',
        '-H',
        `Content-MD5: ${md5}`,
        '-H',
        'x-amz-object-lock-mode: COMPLIANCE',
        '-H',
        `x-amz-object-lock-retain-until-date: ${retainUntil}`,
        '-T',
        file,
        `${store.endpoint}/bench/curl.zip`,
      ],
      { timeout: 600_000 },
    );
    const curlMBs = o.partBytes / MB / ((Date.now() - c0) / 1000);
    const zip = await openAsBlob(file, { type: 'application/zip' });
    const p0 = Date.now();
    const { peak } = await peakRss(() =>
      pushPackage(t, fetch, { key: 'push.zip', zip, sha256, md5Base64: md5, retainUntil }),
    );
    const pushMBs = o.partBytes / MB / ((Date.now() - p0) / 1000);
    const ratio = pushMBs / curlMBs;
    const peakMB = peak / MB;
    const memTarget = `<= ${(o.partBytes / MB / 4).toFixed(0)} MB`;
    const note =
      'Node over a file-backed Blob, the same utils/store code the extension runs; curl sends UNSIGNED-PAYLOAD';
    return [
      {
        metric: names.speed,
        value: pushMBs,
        unit: 'MB/s',
        baseline: curlMBs,
        ratio,
        target: '>= 0.8',
        pass: meets('>= 0.8', ratio),
        note,
      },
      {
        metric: names.mem,
        value: peakMB,
        unit: 'MB',
        baseline: null,
        ratio: null,
        target: memTarget,
        pass: meets(memTarget, peakMB),
        note,
      },
    ];
  } catch (e) {
    const note = failure(e, o.log);
    return [unmeasured(names.speed, 'ratio', '>= 0.8', note), unmeasured(names.mem, 'MB', '<= part/4', note)];
  } finally {
    await stopStore(store).catch(() => undefined);
  }
}
