import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createDeflateRaw } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utf8 } from '@/utils/evidence/hash';
import { BAG_NAME, makeBag } from '../../helpers/bag-fixture';
import { createTestSigner } from '../../helpers/signer';
import { buildZip, takeApart, type RawEntry } from './hostile-zip';

/**
 * Issue 14, finding 2: a decompression bomb and an entry flood are refused in seconds with a peak
 * resident memory under 256 MB, measured in a child process (verify-child.ts) that reads the
 * package from disk as the CLI does. The packages are built here, on the fly, never committed.
 */

const run = promisify(execFile);
const P = `${BAG_NAME}/`;
const PEAK_MB = 256;

/** Raw DEFLATE of `mib` MiB of zeros, made in chunks (never held whole). */
async function deflatedZeros(mib: number): Promise<Uint8Array> {
  const z = createDeflateRaw({ level: 9 });
  const parts: Buffer[] = [];
  z.on('data', (c: Buffer) => parts.push(c));
  const done = new Promise((resolve) => z.on('end', resolve));
  const chunk = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < mib; i++) if (!z.write(chunk)) await new Promise((r) => z.once('drain', r));
  z.end();
  await done;
  return new Uint8Array(Buffer.concat(parts));
}

interface ChildResult {
  verdict: string;
  failures: string[];
  ms: number;
  maxRssMb: number;
}

describe('bombs and floods cost seconds and < 256 MB (child process)', () => {
  let dir: string;
  let entries: RawEntry[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hashmark-bomb-'));
    const t = await createTestSigner();
    entries = await takeApart((await makeBag(t.signer)).zip);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function verifyInChild(name: string, zip: Uint8Array): Promise<ChildResult> {
    const file = join(dir, name);
    await writeFile(file, zip);
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'tests/unit/package/verify/verify-child.ts', file],
      {
        timeout: 60_000,
        // The runner's own loader options would be measured too: the child gets a plain Node.
        env: { ...process.env, NODE_OPTIONS: '' },
      },
    );
    return JSON.parse(stdout) as ChildResult;
  }

  it('a 1.9 GiB entry in a package of about 2 MB is refused up front', async () => {
    // 300 MiB of zeros deflate to about 300 KB; declared as 1.9 GiB, as in the review's bomb.
    const bomb = await deflatedZeros(300);
    const zip = buildZip([
      ...entries,
      { name: `${P}data/bomb.html`, data: new Uint8Array(), compressed: bomb, declaredSize: 1900 * 1024 ** 2 },
    ]);
    expect(zip.length).toBeLessThan(3 * 1024 ** 2);
    const r = await verifyInChild('bomb.zip', zip);
    expect(r.verdict).toBe('failed');
    expect(r.failures.join('\n')).toMatch(/would inflate .* into 1\.9 GiB, a ratio above the 250:1 cap/);
    expect(r.ms).toBeLessThan(5_000);
    expect(r.maxRssMb).toBeLessThan(PEAK_MB);
  }, 90_000);

  it('an entry that lies about its size under the ratio cap is stopped at the declared size, in bounded memory', async () => {
    // 400 MiB of zeros deflate to about 0.4 MB; declared as 80 MiB the ratio stays under the cap,
    // so the entry is streamed and must be cut off where its declared size ends.
    const bomb = await deflatedZeros(400);
    const declared = 80 * 1024 ** 2;
    expect(declared / bomb.length).toBeLessThan(250);
    const zip = buildZip([
      ...entries,
      { name: `${P}data/bomb.html`, data: new Uint8Array(), compressed: bomb, declaredSize: declared },
    ]);
    const r = await verifyInChild('liar.zip', zip);
    expect(r.verdict).toBe('failed');
    expect(r.failures).toContain(`zip: ZIP entry "${P}data/bomb.html" inflates to more than its declared 80.0 MiB.`);
    expect(r.ms).toBeLessThan(30_000);
    expect(r.maxRssMb).toBeLessThan(PEAK_MB);
  }, 90_000);

  it('200,000 tiny entries are refused before the central directory is read', async () => {
    const flood: RawEntry[] = [...entries];
    for (let i = 0; flood.length < 200_000; i++) flood.push({ name: `${P}data/f${i}.txt`, data: utf8('x'), method: 0 });
    const zip = buildZip(flood, { zip64: true });
    const r = await verifyInChild('flood.zip', zip);
    expect(r.verdict).toBe('failed');
    expect(r.failures).toEqual([
      'zip: The ZIP declares 200000 entries; a Hashmark package holds at most 150000 (the exporter splits larger cases into parts).',
    ]);
    expect(r.ms).toBeLessThan(5_000);
    expect(r.maxRssMb).toBeLessThan(PEAK_MB);
  }, 90_000);
});
