import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { findChromium } from '../../cli/chromium/launch';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { run, opensslVerifyBag } from '../support/harness';
import { runCli } from '../support/cli';

/**
 * A case captured in real Chromium through the CLI and exported as a group of parts: every part
 * must pass sha256sum -c, openssl dgst -verify and the Hashmark verifier on its own, the parts
 * together must be a complete set, and report.html must open with JavaScript off.
 *
 * Run 1 sets --max-part-bytes 1: every capture is larger than that, so each goes alone in its
 * part (3 parts). Run 2 adds a capture to the same case (same profile) and sets an entry ceiling
 * computed from run 1's parts so that exactly two captures fit the first part: packing, not just
 * one-per-part, in a real export.
 */
let site: FixtureServer;
let tmp: string;

beforeAll(async () => {
  site = await startFixtureServer();
  tmp = await mkdtemp(join(tmpdir(), 'hashmark-parts-'));
});
afterAll(async () => {
  await site?.close();
  await rm(tmp, { recursive: true, force: true });
});

const cli = (args: string[]) => runCli(args, { maxBuffer: 32 << 20 });

/** `package <path>` / `sha256 <hex>` pairs printed by `hashmark capture`. */
function printedParts(stdout: string): { path: string; sha256: string }[] {
  const lines = stdout.split('\n');
  const out: { path: string; sha256: string }[] = [];
  lines.forEach((l, i) => {
    if (l.startsWith('package '))
      out.push({ path: l.slice('package '.length), sha256: (lines[i + 1] ?? '').replace(/^sha256 /, '') });
  });
  return out;
}

/** Unzips a part and runs the third-party checks VERIFY.txt gives; returns the bag folder. */
async function thirdPartyChecks(zipPath: string, sha256: string): Promise<string> {
  expect((await run('sha256sum', [zipPath])).stdout.split(' ')[0]).toBe(sha256);
  const dir = await mkdtemp(join(tmp, 'unzip-'));
  await run('unzip', ['-q', zipPath, '-d', dir]);
  const [bagName] = await readdir(dir);
  const bag = join(dir, bagName!);
  for (const [tool, manifest] of [
    ['sha256sum', 'manifest-sha256.txt'],
    ['sha256sum', 'tagmanifest-sha256.txt'],
    ['sha512sum', 'manifest-sha512.txt'],
  ] as const) {
    const out = (await run(tool, ['-c', '--strict', manifest], { cwd: bag })).stdout;
    expect(
      out
        .trim()
        .split('\n')
        .every((l) => l.endsWith(': OK')),
    ).toBe(true);
  }
  expect(await opensslVerifyBag(bag)).toBe('Verified OK');
  return bag;
}

interface PartInfo {
  path: string;
  sha256: string;
  bag: string;
  bagInfo: string;
  caseJson: {
    export: { id: string; part: number; parts: number };
    captures: { captureId: string; part: number; folder: string }[];
  };
  entries: number;
  /** ZIP entries of each capture folder held (folder and everything under it). */
  captureEntries: Map<string, number>;
}

async function inspect(p: { path: string; sha256: string }): Promise<PartInfo> {
  const bag = await thirdPartyChecks(p.path, p.sha256);
  const zip = await JSZip.loadAsync(await readFile(p.path));
  const names = Object.keys(zip.files);
  const captureEntries = new Map<string, number>();
  for (const n of names) {
    const m = /^[^/]+\/data\/captures\/([^/]+)\//.exec(n);
    if (m?.[1]) captureEntries.set(m[1], (captureEntries.get(m[1]) ?? 0) + 1);
  }
  return {
    ...p,
    bag,
    bagInfo: await readFile(join(bag, 'bag-info.txt'), 'utf8'),
    caseJson: JSON.parse(await readFile(join(bag, 'data', 'case.json'), 'utf8')),
    entries: names.length,
    captureEntries,
  };
}

describe('a case split into parts, through the CLI', () => {
  const profile = () => join(tmp, 'profile');
  let run1: PartInfo[] = [];

  test('run 1: --max-part-bytes 1 puts each capture alone in its part; every part passes sha256sum, openssl and the verifier', async () => {
    const out = join(tmp, 'out1');
    const pages = ['ad-fr.html', 'ad-ar.html', 'poison.html'].map((p) => site.url(p));
    const r = await cli([
      'capture',
      ...pages,
      '--case',
      'Réseau – parts',
      '--reference',
      'PARTS-1',
      '--out',
      out,
      '--profile',
      profile(),
      '--max-part-bytes',
      '1',
      '--lang',
      'fr',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('parts 3 (the case was split; each part is a complete package)');
    const printed = printedParts(r.stdout);
    expect(printed).toHaveLength(3);
    expect((await readdir(out)).sort()).toEqual(printed.map((p) => p.path.split('/').pop()).sort());
    run1 = [];
    for (const p of printed) run1.push(await inspect(p));

    const exportId = run1[0]!.caseJson.export.id;
    run1.forEach((part, i) => {
      expect(part.path).toMatch(new RegExp(`-part${i + 1}of3\\.zip$`));
      expect(part.bagInfo).toContain(`Bag-Group-Identifier: ${exportId}\n`);
      expect(part.bagInfo).toContain(`Bag-Count: ${i + 1} of 3\n`);
      expect(part.caseJson.export).toMatchObject({ id: exportId, part: i + 1, parts: 3 });
      expect(part.caseJson.captures.map((c) => c.part)).toEqual([1, 2, 3]);
      expect(part.captureEntries.size).toBe(1);
    });

    // The Hashmark verifier on each part alone, then on the set (complete, one export).
    for (const part of run1) {
      // Unpinned: intact, but who signed it stands unverified (exit 3, issue 14).
      const v = await cli(['verify', part.path]);
      expect(v.code, v.stdout).toBe(3);
      expect(v.stdout).toContain(`Part:        ${run1.indexOf(part) + 1} of 3 (Bag-Group-Identifier ${exportId})`);
    }
    const all = await cli(['verify', ...run1.map((p) => p.path)]);
    expect(all.code, all.stdout).toBe(3);
    expect(all.stdout).toContain(
      `PASS  All 3 parts of export ${exportId} are here, from the same case, key and custody log.`,
    );
    const missing = await cli(['verify', run1[0]!.path, run1[2]!.path]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/FAIL {2}Part\(s\) 2 of 3 are missing: .*-part2of3\.zip\./);
  });

  test('report.html of a part opens with JavaScript off, shows its text, runs and loads nothing', async () => {
    const poisonPart = run1[2]!;
    const reportPath = join(poisonPart.bag, 'data', 'report.html');
    const html = await readFile(reportPath, 'utf8');
    expect(html).not.toMatch(/<script/i);
    const browser = await chromium.launch({
      executablePath: findChromium(),
      headless: true,
      args: ['--no-sandbox', '--disable-gpu'],
    });
    try {
      const context = await browser.newContext({ javaScriptEnabled: false });
      const page = await context.newPage();
      const requests: string[] = [];
      page.on('request', (req) => requests.push(req.url()));
      await page.goto(`file://${reportPath}`);
      expect(await page.locator('html').getAttribute('lang')).toBe('fr');
      await expect.poll(() => page.locator('h1').textContent()).toBe('Rapport des preuves numériques');
      expect(await page.getByText('Réseau – parts', { exact: true }).first().isVisible()).toBe(true);
      // The hostile page's title is shown as text, and it made no element.
      expect(await page.getByText('../../etc/passwd <script> CON.zip').first().isVisible()).toBe(true);
      expect(await page.locator('script').count()).toBe(0);
      expect(await page.getByText('Ce paquet est la partie 3 sur 3').first().isVisible()).toBe(true);
      // The thumbnail is a data: URI the browser decoded.
      const img = page.locator('section.capture figure img');
      expect(await img.count()).toBe(1);
      expect(await img.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth > 0)).toBe(true);
      expect(requests).toEqual([`file://${reportPath}`]);
    } finally {
      await browser.close();
    }
  });

  test('run 2: same case, one more capture, an entry ceiling that fits exactly two captures: parts pack, verify, and log the earlier export', async () => {
    // Entries the planner counts for a part with captures i and j: the fixed entries (those of a
    // run-1 part minus its capture), its 2 reserved signature/ entries, and both captures'.
    const [p1, p2] = run1 as [PartInfo, PartInfo];
    const e1 = [...p1.captureEntries.values()][0]!;
    const e2 = [...p2.captureEntries.values()][0]!;
    const ceiling = p1.entries + e2 + 2;
    expect(p1.entries - e1).toBe(p2.entries - e2); // same fixed entries in every part

    const out = join(tmp, 'out2');
    const r = await cli([
      'capture',
      site.url('next.html'),
      '--case',
      'Réseau – parts',
      '--out',
      out,
      '--profile',
      profile(),
      '--max-part-entries',
      String(ceiling),
      '--max-part-bytes',
      String(64 * 1024 * 1024),
    ]);
    expect(r.code, r.stderr).toBe(0);
    const printed = printedParts(r.stdout);
    expect(printed.length).toBeGreaterThanOrEqual(2);
    const parts: PartInfo[] = [];
    for (const p of printed) parts.push(await inspect(p));
    expect([...parts[0]!.captureEntries.keys()]).toEqual([...p1.captureEntries.keys(), ...p2.captureEntries.keys()]);
    expect(parts[0]!.entries).toBeLessThanOrEqual(ceiling);
    expect(parts.flatMap((p) => [...p.captureEntries.keys()])).toHaveLength(4);
    for (const p of parts) expect(p.entries).toBeLessThanOrEqual(ceiling);

    const all = await cli(['verify', ...parts.map((p) => p.path)]);
    expect(all.code, all.stdout).toBe(3);

    // The custody log in the new parts holds run 1's export: started once, completed per part
    // with the SHA-256 the CLI printed, then this export's start last.
    const events = (await readFile(join(parts[0]!.bag, 'data', 'custody', 'events.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; details: Record<string, unknown> });
    const completed = events.filter((e) => e.type === 'export.completed');
    expect(completed.map((e) => e.details.zipSha256)).toEqual(run1.map((p) => p.sha256));
    expect(completed.map((e) => e.details.part)).toEqual([1, 2, 3]);
    expect(events.at(-1)).toMatchObject({
      type: 'export.started',
      details: { exportId: parts[0]!.caseJson.export.id },
    });
  });

  test('a ceiling the CLI cannot honour is refused in one line before Chromium starts', async () => {
    for (const [flag, value, reason] of [
      ['--max-part-bytes', '5000000000', /the verifier reads packages under 4 GiB/],
      ['--max-part-bytes', '12MB', /--max-part-bytes must be a whole number greater than 0/],
      ['--max-part-entries', '200000', /the verifier reads packages under 150,000 entries/],
      ['--lang', 'de', /--lang must be one of en, fr, ar/],
    ] as const) {
      const r = await cli(['capture', site.url('next.html'), '--case', 'x', '--out', join(tmp, 'never'), flag, value]);
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(reason);
    }
  });
});
