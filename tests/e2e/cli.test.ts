import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import JSZip from 'jszip';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { parseItemsJsonl } from '@/utils/harvest/items';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { harvestRoutes } from '../support/harvest-data';
import { runCli } from '../support/cli';

/** The CLI as a user runs it: a child process, real Chromium, real files. */
let site: FixtureServer;
let tmp: string;

beforeAll(async () => {
  site = await startFixtureServer(undefined, {
    // An ad taken down: the site answers 404 with its own page.
    '/removed-ad': () => ({
      status: 404,
      contentType: 'text/html; charset=utf-8',
      body: '<!doctype html><title>Annonce introuvable</title><h1>Cette annonce a été supprimée</h1>',
    }),
  });
  tmp = await mkdtemp(join(tmpdir(), 'hashmark-cli-'));
});
afterAll(async () => {
  await site?.close();
  await rm(tmp, { recursive: true, force: true });
});

const cli = (args: string[]) => runCli(args);

// Each test runs its own CLI processes (own browser, own temporary profile): two at a time
// (maxConcurrency of the e2e project), so one's browser start, page loads and paced screenshots
// overlap the other's. The tampering test reads the first test's package: it is declared last,
// so it never holds a slot while that package is being made.
let packaged!: (zipPath: string) => void;
let notPackaged!: (e: Error) => void;
const firstPackage = new Promise<string>((resolve, reject) => ([packaged, notPackaged] = [resolve, reject]));
firstPackage.catch(() => undefined); // awaited (and reported) by the tampering test

test.concurrent('capture several pages into a case, export, verify', async () => {
  try {
    await captureSeveral();
  } finally {
    notPackaged(new Error('the first test made no package')); // no-op once it has
  }
});

async function captureSeveral() {
  const out = join(tmp, 'out');
  const r = await cli([
    'capture',
    site.url('ad-fr.html'),
    site.url('ad-ar.html'),
    site.url('poison.html'),
    '--case',
    'قضية تهريب 7',
    '--out',
    out,
  ]);
  expect(r.code, r.stderr).toBe(0);
  const files = await readdir(out);
  expect(files).toHaveLength(1);
  // The case name is Arabic: the bag name falls back to an ASCII slug from the case id.
  expect(files[0]).toMatch(/^case-[0-9a-f]{8}-\d{8}T\d{6}Z\.zip$/);
  const zipPath = join(out, files[0]!);
  expect(r.stdout).toContain(`package ${zipPath}`);
  packaged(zipPath);

  // Unpinned: intact, but who signed it stands unverified (exit 3, issue 14).
  const v = await cli(['verify', zipPath]);
  expect(v.code, v.stdout).toBe(3);
  expect(v.stdout).toMatch(/PASS/);
  expect(v.stdout).toContain('VERDICT: INTACT, NOT FULLY VERIFIED');

  const zip = await JSZip.loadAsync(await readFile(zipPath));
  const names = Object.keys(zip.files);
  const caps = names.filter((n) => n.endsWith('/capture.json')).sort();
  expect(caps).toHaveLength(3);
  const read = async (suffix: string) => zip.file(names.find((n) => n.endsWith(suffix))!)!.async('string');

  // Arabic page: closed shadow root reached (Chromium lets extensions open it), RTL text intact.
  const arDir = caps[1]!.replace(/capture\.json$/, '');
  const arDom = await zip.file(arDir + 'dom.html')!.async('string');
  expect(arDom).toContain('shadowrootmode="closed"');
  expect(arDom).toContain('سري: الدفع نقدًا فقط');
  expect(await zip.file(arDir + 'text.txt')!.async('string')).toContain('٠٦١٢٣٤٥٦٧٨');

  // Hostile page: its overrides of JSON.stringify, document.URL, title and Array.prototype.map
  // do not reach the capture; its canonical/og/base claims stay under pageAsserted.
  const pDir = caps[2]!.replace(/capture\.json$/, '');
  const pj = JSON.parse(await zip.file(pDir + 'capture.json')!.async('string'));
  expect(pj.url.start).toBe(site.url('poison.html'));
  expect(pj.title.start).toBe('../../etc/passwd <script> CON.zip');
  expect(pj.pageAsserted.documentUrl).toBe(site.url('poison.html'));
  expect(pj.pageAsserted.canonical).toBe('https://trusted-news.example/fake-article');
  expect(pj.pageAsserted.baseHref).toBe('https://evil.example/');
  expect(await zip.file(pDir + 'dom.html')!.async('string')).toContain('Genuine text of the poisoned page.');
  expect(pDir).toMatch(/\/data\/captures\/0003-[0-9a-f-]{36}\/$/);
  expect(await read('case.json')).toContain('"name": "قضية تهريب 7"');
}

test.concurrent(
  'every URL is tried: one unreachable, one 404 with a warning, the package holds the others (exit 4)',
  { timeout: 300_000 },
  async () => {
    const out = join(tmp, 'out-partial');
    const unreachable = 'http://127.0.0.1:9/gone';
    const args = ['--case', 'Partiel', '--out', out, '--no-full-page', '--no-page-copy', '--no-mhtml'];
    const r = await cli(['capture', site.url('ad-fr.html'), unreachable, site.url('removed-ad'), ...args]);
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toContain(`capture of ${unreachable} failed: The site did not answer`);
    expect(r.stderr).toContain('1 of 3 URL(s) failed');
    expect(r.stdout).toMatch(/warning: #\d+ \S+removed-ad answered HTTP 404/);
    const files = await readdir(out);
    expect(files).toHaveLength(1);
    const zip = await JSZip.loadAsync(await readFile(join(out, files[0]!)));
    const caps = Object.keys(zip.files).filter((n) => n.endsWith('/capture.json'));
    expect(caps).toHaveLength(2);
    const cjs = await Promise.all(caps.map(async (n) => JSON.parse(await zip.file(n)!.async('string'))));
    const removed = cjs.find((c) => c.url.start === site.url('removed-ad'));
    expect(removed.network.statusCode).toBe(404);
    expect(removed.limitations.join(' ')).toMatch(/status 404/);
    const events = await zip.file(/events\.jsonl$/)[0]!.async('string');
    expect(events).toContain('"capture.failed"');
    expect((await cli(['verify', join(out, files[0]!)])).code).toBe(3);

    // --stop-on-error: the old behaviour, stop at the first failure and export nothing.
    const stopArgs = [...args, '--out', join(tmp, 'out-stop'), '--stop-on-error'];
    const stop = await cli(['capture', unreachable, site.url('ad-fr.html'), ...stopArgs]);
    expect(stop.code).toBe(1);
    expect(stop.stdout).not.toContain('captured #');
  },
);

test.concurrent('bad arguments give a one-line reason and a non-zero exit', async () => {
  const r = await cli(['capture', 'chrome://settings', '--case', 'x', '--out', join(tmp, 'o2')]);
  expect(r.code).toBe(1);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(/only http, https and file URLs/);
});

test.concurrent(
  '--no-full-page, --no-page-copy and --no-mhtml leave those artifacts out and the capture says so',
  async () => {
    const out = join(tmp, 'out-lean');
    const r = await cli([
      'capture',
      site.url('ad-fr.html'),
      '--case',
      'lean',
      '--out',
      out,
      '--no-full-page',
      '--no-page-copy',
      '--no-mhtml',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const [file] = await readdir(out);
    const zip = await JSZip.loadAsync(await readFile(join(out, file!)));
    const names = Object.keys(zip.files);
    const cj = JSON.parse(await zip.file(names.find((n) => n.endsWith('/capture.json'))!)!.async('string')) as {
      artifacts: { path: string }[];
      limitations: string[];
    };
    expect(cj.artifacts.map((a) => a.path).sort()).toEqual(['dom.html', 'screenshot-viewport.png', 'text.txt']);
    const lim = cj.limitations.join('\n');
    expect(lim).toMatch(/Full-page screenshot not taken \(turned off/);
    expect(lim).toMatch(/No self-contained page copy \(page\.html\): turned off/);
    expect(lim).toMatch(/No MHTML archive: turned off/);
  },
);

test.concurrent(
  '--fast takes the full page in fast mode (debugger tiles), and a later run without it does not',
  async () => {
    const profile = join(tmp, 'fast-profile');
    const methods = async (out: string) => {
      const files = await readdir(out);
      const zip = await JSZip.loadAsync(await readFile(join(out, files[0]!)));
      const caps = Object.keys(zip.files)
        .filter((n) => n.endsWith('/capture.json'))
        .sort();
      const cj = JSON.parse(await zip.file(caps.at(-1)!)!.async('string'));
      return [
        ...new Set(
          cj.artifacts
            .filter((a: { path: string }) => a.path.startsWith('screenshot-tiles/'))
            .map((a: { method: string }) => a.method),
        ),
      ];
    };
    const fast = await cli([
      'capture',
      site.url('tall.html'),
      '--case',
      'Fast',
      '--out',
      join(tmp, 'fast'),
      '--profile',
      profile,
      '--fast',
    ]);
    expect(fast.code, fast.stderr).toBe(0);
    expect(await methods(join(tmp, 'fast'))).toEqual(['debugger:Page.captureScreenshot']);
    // The kept profile follows the command line: no --fast, the usual way.
    const usual = await cli([
      'capture',
      site.url('tall.html'),
      '--case',
      'Fast',
      '--out',
      join(tmp, 'usual'),
      '--profile',
      profile,
    ]);
    expect(usual.code, usual.stderr).toBe(0);
    expect(await methods(join(tmp, 'usual'))).toEqual(['captureVisibleTab']);
  },
);

test.concurrent('--harvest with a bad mode or a bad limit is refused before any browser starts', async () => {
  const base = ['capture', 'http://127.0.0.1:9/x', '--case', 'x', '--out', join(tmp, 'o3')];
  const bad = await cli([...base, '--harvest', 'sideways']);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toMatch(/--harvest must be feed, thread or auto/);
  const zero = await cli([...base, '--harvest', 'feed', '--max-items', '0']);
  expect(zero.stderr).toMatch(/--max-items must be a whole number from 1 to 100000/);
  const alone = await cli([...base, '--max-minutes', '5']);
  expect(alone.stderr).toMatch(/only apply to a harvest/);
});

test.concurrent(
  '--harvest thread --max-items 30: a partial harvest, said so, in a package that verifies',
  async () => {
    const harvestSite = await startFixtureServer(resolve('tests/fixtures/harvest'), harvestRoutes());
    try {
      const out = join(tmp, 'harvest');
      const url = harvestSite.url('thread.html');
      const r = await cli(['capture', url, '--case', 'Fil', '--out', out, '--harvest', 'thread', '--max-items', '30']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/^harvest: \d+ items, \d+ steps$/m);
      expect(r.stdout).toMatch(
        new RegExp(`^harvested #1 ${url.replace(/[.?]/g, '\\$&')}: 30 items, \\d+ steps, `, 'm'),
      );
      expect(r.stdout).toMatch(/stopped: max-items \(partial; capture\.json SHA-256 [0-9a-f]{64}/);
      expect(r.stdout).toContain('  may be missing: The item limit (30) was reached');
      const [file] = await readdir(out);
      const zipFile = join(out, file!);
      const v = await cli(['verify', zipFile]);
      expect(v.code, v.stdout).toBe(3);
      expect(v.stdout).not.toMatch(/^FAIL/m);
      const zip = await JSZip.loadAsync(await readFile(zipFile));
      const names = Object.keys(zip.files);
      const jsonl = await zip.file(names.find((n) => n.endsWith('/items.jsonl'))!)!.async('string');
      expect(jsonl.split('\n').slice(0, -1)).toHaveLength(30);
      const items = parseItemsJsonl(jsonl);
      const csv = await zip.file(names.find((n) => n.endsWith('data/items.csv'))!)!.async('string');
      const rows = csv.slice(1).split('\r\n').slice(0, -1);
      expect(rows[0]).toMatch(/^capture_sequence,capture_id,item_seq,/);
      expect(rows).toHaveLength(31);
      // Thread order: oldest first, as in items.jsonl.
      expect(rows[1]).toMatch(new RegExp(`^1,[0-9a-f-]{36},${items[0]!.seq},${items[0]!.position},`));
      expect(rows[1]).toContain(`,${csvKey(items[0]!.key)},`);
      const report = await zip.file(names.find((n) => n.endsWith('data/report.html'))!)!.async('string');
      expect(report).toContain('items.jsonl');
      expect(report).toMatch(/max-items/);
    } finally {
      await harvestSite.close();
    }
  },
  400_000,
);

test.concurrent('verify fails on a flipped byte and on a wrong pinned key, with a non-zero exit', async () => {
  const zipPath = await firstPackage;
  const zip = await JSZip.loadAsync(await readFile(zipPath));
  const name = Object.keys(zip.files).find((n) => n.endsWith('/text.txt'))!;
  const text = await zip.file(name)!.async('uint8array');
  text[0] = text[0]! ^ 1;
  zip.file(name, text);
  const bad = join(tmp, 'tampered.zip');
  await writeFile(bad, await zip.generateAsync({ type: 'uint8array' }));
  const v = await cli(['verify', bad]);
  expect(v.code).toBe(1);
  expect(v.stdout).toContain(name.split('/').slice(1).join('/'));

  const pinned = await cli(['verify', zipPath, '--key-fingerprint', 'ab'.repeat(32)]);
  expect(pinned.code).toBe(1);
  expect(pinned.stdout).toMatch(/FAIL/);
});

/** A key as its CSV cell (quoted when it holds a comma or a quote). */
const csvKey = (k: string) => (/[",\r\n]/.test(k) ? `"${k.replace(/"/g, '""')}"` : k);
