/**
 * Real pages (issue 21) through the CLI as a user runs it (a child process, real Chromium): no
 * temporary downloads folder left behind (item 7), the status and server of a 404 in the CLI's
 * output, captures.csv and the report (item 6). Pages are served from 127.0.0.1 only.
 */
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { runCli } from '../support/cli';

let site: FixtureServer;
let tmp: string;

beforeAll(async () => {
  site = await startFixtureServer(undefined, {
    '/gone': () => ({
      status: 404,
      contentType: 'text/html; charset=utf-8',
      body: '<!doctype html><title>Annonce introuvable</title><h1>Cette annonce a été supprimée</h1>',
    }),
  });
  tmp = await mkdtemp(join(tmpdir(), 'hashmark-real-cli-'));
});
afterAll(async () => {
  await site?.close();
  await rm(tmp, { recursive: true, force: true });
});

/** The CLI with its own TMPDIR, so what it leaves there can be seen. */
async function cli(args: string[], tmpDir: string) {
  return runCli(args, { env: { ...process.env, TMPDIR: tmpDir } });
}

const LIGHT = ['--no-full-page', '--no-page-copy', '--no-mhtml'];

test('item 7: no hashmark folder is left in the temporary directory, and a kept profile keeps no copy of the ZIP', async () => {
  const sysTmp = join(tmp, 'sys-tmp');
  await mkdir(sysTmp);
  const out = join(tmp, 'out-1');
  const r = await cli(
    ['capture', site.url('ad-fr.html'), site.url('gone'), '--case', 'Temp', '--out', out, ...LIGHT],
    sysTmp,
  );
  expect(r.code, r.stderr).toBe(0);
  const zips = await readdir(out);
  expect(zips).toHaveLength(1);
  expect((await readdir(sysTmp)).filter((n) => n.startsWith('hashmark-'))).toEqual([]);

  // Item 6: the 404 is said on the command line, in captures.csv and in the report.
  expect(r.stdout).toMatch(/^warning: #2 .*\/gone answered HTTP 404/m);
  const zip = await JSZip.loadAsync(await readFile(join(out, zips[0]!)));
  const csvName = Object.keys(zip.files).find((n) => n.endsWith('/data/captures.csv'))!;
  const csv = (await zip.file(csvName)!.async('string')).replace(/^\ufeff/, '').split('\r\n');
  const head = csv[0]!.split(',');
  const cell = (line: string, name: string) => line.split(',')[head.indexOf(name)];
  expect(cell(csv[1]!, 'http_status')).toBe('200');
  expect(cell(csv[2]!, 'http_status')).toBe('404');
  expect(cell(csv[2]!, 'server_ip')).toBe('127.0.0.1');
  const report = await zip.file(Object.keys(zip.files).find((n) => n.endsWith('/data/report.html'))!)!.async('string');
  expect(report).toMatch(/class="status-error">.*404/);

  // A profile kept from an older version points its downloads at a folder in the temporary directory.
  const profile = join(tmp, 'profile');
  const old = join(sysTmp, 'hashmark-downloads-old');
  await mkdir(join(profile, 'Default'), { recursive: true });
  await mkdir(old);
  await writeFile(
    join(profile, 'Default', 'Preferences'),
    JSON.stringify({ download: { default_directory: old, prompt_for_download: false } }),
  );
  for (const n of [2]) {
    const o = join(tmp, `out-${n}`);
    const k = await cli(
      ['capture', site.url('ad-fr.html'), '--case', 'Kept', '--out', o, '--profile', profile, ...LIGHT],
      sysTmp,
    );
    expect(k.code, k.stderr).toBe(0);
    expect(await readdir(o)).toHaveLength(1);
  }
  expect(await readdir(old)).toEqual([]);
  expect(await readdir(join(profile, 'hashmark-downloads'))).toEqual([]);
  const prefs = JSON.parse(await readFile(join(profile, 'Default', 'Preferences'), 'utf8'));
  expect(prefs.download.default_directory).toBe(join(profile, 'hashmark-downloads'));
  expect((await readdir(sysTmp)).filter((n) => n.startsWith('hashmark-') && n !== 'hashmark-downloads-old')).toEqual(
    [],
  );
}, 360_000);
