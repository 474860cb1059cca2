/**
 * A signed bag of more than 65,535 entries (issue 17): the package writer goes to ZIP64 for the
 * count, and every reader the recipient may use takes it whole: the verifier's strict reader and
 * its manifest parsing (their caps raised with the writer's ceiling), Python's zipfile, Info-ZIP's
 * `unzip -t`, and `sha256sum -c` / `sha512sum -c` over the unpacked bag. One test, because the bag
 * takes most of a minute to write and read on a loaded machine.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { utf8 } from '@/utils/evidence/hash';
import { writeBag } from '@/utils/package/bag-writer';
import { TEXT_CAPS, parseManifest } from '@/utils/package/verify/bag';
import { bytesSource, readZipDirectory, streamEntry } from '@/utils/package/verify/zip';
import { BAG_NAME, bagInput, samplePayload } from '../helpers/bag-fixture';
import { createTestSigner } from '../helpers/signer';

/** A command's standard output; rejects when it exits non-zero. */
async function run(cmd: string, args: string[], o: { cwd?: string } = {}): Promise<string> {
  return (await promisify(execFile)(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...o })).stdout;
}

const dir = mkdtempSync(join(tmpdir(), 'hashmark-zip64-entries-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Extra payload files: 66,000 small ones in 66 folders (the sample bag brings its own). */
const EXTRA = 66_000;

describe('a bag of more than 65,535 entries', () => {
  it('is written with ZIP64 and read whole by the strict reader, Python, unzip and sha256sum/sha512sum', async () => {
    const t = await createTestSigner();
    const extra = Array.from({ length: EXTRA }, (_, i) => ({
      path: `data/extra/d${String(Math.floor(i / 1000)).padStart(2, '0')}/f${String(i).padStart(5, '0')}.txt`,
      bytes: utf8(`${i}\n`),
    }));
    const out = await writeBag(bagInput(t.signer, { payload: [...samplePayload(t.fingerprint), ...extra] }));
    const zip = new Uint8Array(await out.zip.arrayBuffer());
    // The plain end record says 0xFFFF; the count is in the ZIP64 end record.
    expect(new DataView(zip.buffer).getUint16(zip.length - 22 + 10, true)).toBe(0xffff);
    const d = await readZipDirectory(bytesSource(zip));
    expect(d.problems).toEqual([]);
    expect(d.entries.length).toBeGreaterThan(EXTRA);

    // The manifests fit the verifier's cap on them (raised with the entry cap) and parse whole.
    for (const [name, hex] of [
      ['manifest-sha256.txt', 64],
      ['manifest-sha512.txt', 128],
    ] as const) {
      const e = d.entries.find((x) => x.name === `${BAG_NAME}/${name}`)!;
      expect(e.size).toBeLessThanOrEqual(TEXT_CAPS.manifest);
      const parts: Uint8Array[] = [];
      await streamEntry(bytesSource(zip), e, e.offset, (c) => void parts.push(c.slice()));
      const parsed = parseManifest(name, Buffer.concat(parts).toString('utf8'), hex);
      expect(parsed.problems).toEqual([]);
      expect(parsed.entries.size).toBe(EXTRA + samplePayload(t.fingerprint).length);
    }

    const path = join(dir, `${BAG_NAME}.zip`);
    writeFileSync(path, zip);
    // The external readers run side by side (each reads all 66,000 entries; one after the other
    // they were most of this test's time).
    const bag = join(dir, BAG_NAME);
    const [py, unzipT] = await Promise.all([
      run('python3', [
        '-c',
        'import zipfile,sys;z=zipfile.ZipFile(sys.argv[1]);print(len(z.infolist()),z.testzip())',
        path,
      ]),
      run('unzip', ['-t', '-q', path]),
      (async () => {
        await run('unzip', ['-q', path, '-d', dir]);
        expect(readFileSync(join(bag, 'manifest-sha256.txt'), 'utf8').split('\n').length).toBeGreaterThan(EXTRA);
        await Promise.all(
          [
            ['sha256sum', 'manifest-sha256.txt'],
            ['sha512sum', 'manifest-sha512.txt'],
          ].map(async ([tool, manifest]) => {
            // --quiet prints only failures; a failure also exits non-zero and rejects
            expect(await run(tool!, ['-c', '--quiet', manifest!], { cwd: bag })).toBe('');
          }),
        );
      })(),
    ]);
    expect(py.trim()).toBe(`${d.entries.length} None`);
    expect(unzipT).toMatch(/No errors detected/);
  }, 300_000);
});
