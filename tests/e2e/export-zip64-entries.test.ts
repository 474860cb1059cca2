import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bundle } from '../../scripts/bench/page-bundle';
import type * as SeedPage from '../support/seed-entries-page';
import { openSession, run, type Session, opensslVerifyBag } from '../support/harness';

/**
 * Issue 17's done-when in a real browser: a case exported by the real export page in Chromium
 * as ONE part of more than 65,535 ZIP entries (ZIP64 end records), which every reader a
 * recipient may use takes whole: `unzip -t`, `sha256sum -c` / `sha512sum -c` over the unpacked
 * bag, `openssl dgst -verify` of the signature, `hashmark verify` (the CLI) and Python's zipfile.
 *
 * The case is seeded in the extension's own IndexedDB through utils/db (6 captures of 11,000
 * small files each: tests/support/seed-entries-page.ts), not captured: 11,000 UI captures would
 * take hours. The part entry ceiling is raised above the default 50,000 for this export (the CLI's
 * --max-part-entries), as an investigator who wants one file would.
 */
const CAPTURES = 6;
const FILES_PER_CAPTURE = 11_000;
const SEED = '__hashmarkSeedEntries';

/**
 * Run only when asked (`HASHMARK_E2E_LONG=1 npx vitest run tests/e2e/export-zip64-entries.test.ts`).
 * Skipped in `npm test` since 2026-12-02: it took 330–440 s on the shared 2-core machine (seeding
 * 86 s, export 118 s, the five readers 126 s), which would take `npm test` past its 30-minute
 * budget; the writer's and reader's ZIP64 paths stay in `npm test` as unit tests (zip64-entries,
 * zip-writer). It passed at its last run (2026-12-02, issue 17), and again on a quiet machine
 * (2026-12-02 16:34 UTC, load 1.5–1.7) in 118 s: seeding 50 s, export 42 s, the readers 26 s.
 */
const LONG = process.env.HASHMARK_E2E_LONG === '1';

let s: Session;
let tmp: string;

beforeAll(async () => {
  if (!LONG) return;
  s = await openSession();
  tmp = await mkdtemp(join(tmpdir(), 'hashmark-zip64-e2e-'));
}, 60_000);
afterAll(async () => {
  await s?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe.skipIf(!LONG)('Chromium: an export of more than 65,535 entries in one part (HASHMARK_E2E_LONG=1)', () => {
  test('is written with ZIP64 by the export page and read whole by unzip, sha256sum, openssl, hashmark verify and Python', async () => {
    const t0 = performance.now();
    // Where the time goes (the suite's budget): printed per step.
    const log = (what: string) =>
      console.log(`zip64 e2e: ${what} at ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    // Seeded from an extension page that reads nothing (export.html without a case stops at once):
    // the popup would re-read its capture list at every commit.
    const page = await s.hm.context.newPage();
    await page.goto(`chrome-extension://${s.hm.extensionId}/export.html`);
    const code = await bundle(resolve('tests/support/seed-entries-page.ts'), resolve('.'));
    await page.evaluate(`(() => { ${code}\n; globalThis[${JSON.stringify(SEED)}] = __hashmarkBenchModule; })()`);
    const { caseId } = await page.evaluate(
      ([g, o]) => (globalThis as unknown as Record<string, typeof SeedPage>)[g]!.seedManyEntries(o),
      [SEED, { captures: CAPTURES, filesPerCapture: FILES_PER_CAPTURE }] as const,
    );
    await page.close();
    log('seeded');
    const exp = await s.driver.exportCase(caseId, { ceiling: { maxPartEntries: 100_000 } }, 600_000);
    log('exported');
    expect(exp.parts).toHaveLength(1);
    expect((await run('sha256sum', [exp.path])).stdout.split(' ')[0]).toBe(exp.zipSha256);

    // Python's zipfile: every entry listed from the ZIP64 central directory, and every 500th entry
    // and the tag files read (CRC checked by zipfile); unzip -t below checks every CRC.
    const py = await run('python3', [
      '-c',
      [
        'import zipfile,sys',
        'z=zipfile.ZipFile(sys.argv[1]);e=z.infolist()',
        'n=sum(len(z.read(i)) for k,i in enumerate(e) if k%500==0 or (i.filename.count("/")==1 and not i.is_dir()))',
        'print(len(e),n)',
      ].join('\n'),
      exp.path,
    ]);
    const [count, read] = py.stdout.trim().split(' ');
    expect(Number(count)).toBeGreaterThan(65_535);
    expect(Number(read)).toBeGreaterThan(0);
    // The plain end record holds the ZIP64 marker: the count is only in the ZIP64 end record.
    const tail = (
      await run('python3', ['-c', 'import sys;d=open(sys.argv[1],"rb").read();print(d[-22:].hex())', exp.path])
    ).stdout.trim();
    expect(tail.slice(16, 20)).toBe('ffff');

    log('python zipfile');
    const unzipT = await run('unzip', ['-tq', exp.path], { maxBuffer: 64 << 20 });
    expect(unzipT.stdout).toMatch(/^No errors detected/m);

    const out = join(tmp, 'unzipped');
    await run('unzip', ['-q', exp.path, '-d', out], { maxBuffer: 64 << 20 });
    log('unzip -t and unzip');
    const [bagName] = await readdir(out);
    const bag = join(out, bagName!);
    for (const [tool, manifest, lines] of [
      ['sha256sum', 'manifest-sha256.txt', CAPTURES * (FILES_PER_CAPTURE + 1)],
      ['sha512sum', 'manifest-sha512.txt', CAPTURES * (FILES_PER_CAPTURE + 1)],
      ['sha256sum', 'tagmanifest-sha256.txt', 5],
    ] as const) {
      const r = await run(tool, ['-c', '--strict', '--quiet', manifest], { cwd: bag, maxBuffer: 64 << 20 });
      expect(r.stdout.trim()).toBe(''); // --quiet: only failures are printed
      const listed = (await run('wc', ['-l', manifest], { cwd: bag })).stdout.trim().split(' ')[0];
      expect(Number(listed)).toBeGreaterThanOrEqual(lines);
    }
    expect(await opensslVerifyBag(bag)).toBe('Verified OK');

    log('sha256sum, sha512sum, openssl');
    // The CLI verifier, told the key to expect (the SHA-256 of the public key's DER): exit 0, PASSED.
    const der = await run('openssl', ['pkey', '-pubin', '-in', 'signature/signing-key.pem', '-outform', 'DER'], {
      cwd: bag,
      encoding: 'buffer',
    });
    const fingerprint = createHash('sha256').update(der.stdout).digest('hex');
    const hv = await run('node', ['cli/hashmark.mjs', 'verify', exp.path, '--key-fingerprint', fingerprint], {
      maxBuffer: 64 << 20,
    }).catch((e: { code: number; stdout: string; stderr: string }) => e);
    expect(hv.stdout, hv.stderr).toContain('VERDICT: PASSED.');
    log('hashmark verify');
  }, 900_000);
});
