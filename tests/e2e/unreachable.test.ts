/**
 * The site did not answer (issue 21 item 5), in each browser: a DNS failure (`.invalid` never
 * resolves, RFC 6761) and a refused connection (a port of 127.0.0.1 just closed). Without
 * recording, the failure says its cause in plain words; recorded, the browser's error page is a
 * capture of kind `unreachable` with the network error and its time, exported and verified like
 * any capture (report row, captures.csv `network_error`).
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import { beforeAll, describe, expect, test } from 'vitest';
import type { BrowserName } from '../../cli/driver';
import { verifyPackage } from '@/utils/package/verify';
import { canRun, suiteTitle } from '../support/session';
import { captureSessionPerFile, storedText } from '../support/capture-session';
import { closedPort } from '../support/raw-hosts';
import { runCli } from '../support/cli';

const BROWSERS: readonly BrowserName[] = ['chromium', 'firefox'];
const DNS = /NAME_NOT_RESOLVED|UNKNOWN_HOST/;
const REFUSED = /CONNECTION_REFUSED/;

// The two browsers side by side (each its own session and fixture server; their waits overlap),
// each browser's tests one after the other (tests/e2e/recording-each-browser.test.ts does the same).
describe.concurrent.each(BROWSERS)('%s', (browser) => {
  describe.skipIf(!canRun(browser))(suiteTitle(browser, 'unreachable sites'), { concurrent: false }, () => {
    const h = captureSessionPerFile(browser, `Unreachable – ${browser}`);
    let refusedUrl = '';

    beforeAll(async () => {
      refusedUrl = `http://127.0.0.1:${await closedPort()}/annonce/4471`;
    });

    test('a refused connection fails in plain words unless asked to record it', async () => {
      const tab = await h.s.driver.openTab(refusedUrl, 300);
      const err = await h.s.driver.capture(tab, { fullPage: false }).then(
        () => null,
        (e: unknown) => e as Error,
      );
      expect(err?.message).toMatch(/The site did not answer: the server refused the connection/);
      expect(err?.message).toMatch(REFUSED);
      const r = await h.s.driver.capture(tab, { fullPage: false }, true);
      expect(r.unreachable?.error).toMatch(REFUSED);
      const cj = JSON.parse(await storedText(h.s.driver, r.captureJsonSha256));
      expect(cj.kind).toBe('unreachable');
      expect(cj.unreachable.url).toBe(refusedUrl);
      expect(Date.parse(cj.unreachable.failedAt)).toBeLessThanOrEqual(Date.parse(cj.startedAt));
      await h.s.driver.closeTab(tab);
    });

    test('a DNS failure is recorded with its error, a screenshot of the error page, and exports', async () => {
      const url = 'http://annonces-disparues.invalid/post/1';
      const tab = await h.s.driver.openTab(url, 300);
      const r = await h.s.driver.capture(tab, { fullPage: false }, true);
      expect(r.unreachable?.error).toMatch(DNS);
      const cj = JSON.parse(await storedText(h.s.driver, r.captureJsonSha256));
      expect(cj).toMatchObject({ schema: 'hashmark.capture/1', kind: 'unreachable', network: null });
      expect(cj.url.start).toBe(url);
      expect(cj.unreachable).toMatchObject({ url, observedBy: 'webRequest.onErrorOccurred' });
      expect(cj.unreachable.description).toMatch(/does not resolve/);
      expect(cj.limitations[0]).toMatch(/The site did not answer: the address does not resolve/);
      // Both browsers let captureVisibleTab shoot their own error page (measured 2026-12-02).
      expect(cj.artifacts.map((a: { path: string }) => a.path)).toEqual(['screenshot-viewport.png']);
      await h.s.driver.closeTab(tab);

      const exported = await h.s.driver.exportCase(h.caseId);
      const zipBytes = new Uint8Array(await readFile(exported.path));
      const report = await verifyPackage(zipBytes);
      expect(report.checks.filter((c) => !c.ok)).toEqual([]);
      const zip = await JSZip.loadAsync(zipBytes);
      const csv = await zip.file(/data\/captures\.csv$/)[0]!.async('string');
      const [head, ...rows] = csv
        .replace(/^\ufeff/, '')
        .trim()
        .split('\r\n');
      const col = head!.split(',').indexOf('network_error');
      expect(col).toBeGreaterThan(0);
      const errors = rows.map((l) => l.split(',')[col]);
      expect(errors.some((e) => REFUSED.test(e ?? ''))).toBe(true);
      expect(errors.some((e) => DNS.test(e ?? ''))).toBe(true);
      const html = await zip.file(/data\/report\.html$/)[0]!.async('string');
      expect(html).toContain('the site did not answer');
    });
  });
});

test('CLI --record-unreachable: the only URL does not answer, the package holds its record (exit 4)', async () => {
  const out = await mkdtemp(join(tmpdir(), 'hashmark-unreachable-'));
  try {
    const url = 'http://annonce-retiree.invalid/4471';
    const r = await runCli(['capture', url, '--case', 'Gone', '--out', out, '--record-unreachable']);
    expect(r.code, r.stderr).toBe(4);
    expect(r.stdout).toMatch(
      new RegExp(`unreachable #1 ${url.replace(/\./g, '\\.')}: the site did not answer: the address does not resolve`),
    );
    const [file] = await readdir(out);
    const zip = await JSZip.loadAsync(await readFile(join(out, file!)));
    const cjs = zip.file(/capture\.json$/);
    expect(cjs).toHaveLength(1);
    expect(JSON.parse(await cjs[0]!.async('string'))).toMatchObject({ kind: 'unreachable', trigger: 'cli' });
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});
