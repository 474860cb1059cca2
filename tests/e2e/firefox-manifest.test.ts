import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import JSZip from 'jszip';
import { beforeAll, expect, test } from 'vitest';

/**
 * The Firefox builds (issue 7), made from the same code: the store build as AMO gets it (MV3,
 * an event page, a fixed gecko id, data_collection_permissions, no pageCapture, host access
 * optional) with its sources ZIP, and the automation build the tests and the CLI drive. Needs
 * no Firefox: it checks what the build writes.
 */
type Manifest = Record<string, unknown> & { browser_specific_settings: { gecko: Record<string, unknown> } };
let store: Manifest;
let automation: Manifest;
let zips: { ext: JSZip; sources: JSZip };

beforeAll(async () => {
  execFileSync('npx', ['wxt', 'zip', '-b', 'firefox'], { stdio: ['ignore', 'ignore', 'inherit'] });
  store = JSON.parse(readFileSync('.output/firefox-mv3/manifest.json', 'utf8'));
  // Made by the global setup when Firefox is installed; otherwise made here.
  try {
    automation = JSON.parse(readFileSync('.output/firefox-mv3-automation/manifest.json', 'utf8'));
  } catch {
    execFileSync('npx', ['wxt', 'build', '-b', 'firefox', '--mv3', '--mode', 'automation'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    automation = JSON.parse(readFileSync('.output/firefox-mv3-automation/manifest.json', 'utf8'));
  }
  const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
  zips = {
    ext: await JSZip.loadAsync(readFileSync(`.output/hashmark-${version}-firefox.zip`)),
    sources: await JSZip.loadAsync(readFileSync(`.output/hashmark-${version}-sources.zip`)),
  };
});

test('store build: MV3 with an event page (background scripts), a fixed id, data collection declared, Firefox 140 ESR or later', () => {
  expect(store.manifest_version).toBe(3);
  expect(store.background).toEqual({ scripts: ['background.js'] });
  expect(store.browser_specific_settings.gecko).toEqual({
    id: 'hashmark@hashmark.invalid',
    strict_min_version: '140.0',
    data_collection_permissions: { required: ['none'] },
  });
});

test('store build: no pageCapture or debugger, host access only optional, nothing web-accessible, strict CSP', () => {
  const perms = store.permissions as string[];
  expect(perms).not.toContain('pageCapture');
  expect(perms).not.toContain('debugger');
  expect(store.host_permissions).toBeUndefined();
  expect(store.optional_host_permissions).toEqual(['<all_urls>']);
  expect(store.optional_permissions).toEqual(['webRequest', 'notifications', 'webNavigation']);
  expect(store.web_accessible_resources).toBeUndefined();
  expect(store.content_scripts).toBeUndefined();
  expect((store.content_security_policy as { extension_pages: string }).extension_pages).toMatch(
    /^script-src 'self' 'wasm-unsafe-eval'; object-src 'none'/,
  );
});

test('the automation hook is compiled into the automation build only', () => {
  expect(readFileSync('.output/firefox-mv3/background.js', 'utf8')).not.toContain('hashmark-automation.invalid');
  expect(readFileSync('.output/firefox-mv3-automation/background.js', 'utf8')).toContain('hashmark-automation.invalid');
  expect(automation.host_permissions).toEqual(['<all_urls>']);
  expect(automation.permissions).toContain('webRequest');
  // Firefox has no debugger API: fast mode is not offered there (its full page needs no scrolling).
  expect(automation.permissions).not.toContain('debugger');
  expect(automation.browser_specific_settings.gecko.id).toBe(store.browser_specific_settings.gecko.id);
});

test('wxt zip -b firefox: the MV3 store build, and a sources ZIP with what rebuilds it and nothing local', async () => {
  const zipped = JSON.parse(await zips.ext.file('manifest.json')!.async('string'));
  expect(zipped).toEqual(store);
  const names = Object.keys(zips.sources.files);
  for (const needed of [
    'package.json',
    'package-lock.json',
    'wxt.config.ts',
    'tsconfig.json',
    'entrypoints/background/index.ts',
    'utils/capture/full-page.ts',
    'public/_locales/en/messages.json',
  ]) {
    expect(names).toContain(needed);
  }
  expect(
    names.filter((n) => /^(node_modules|\.output|\.wxt|tests|demo-output|tmp)\//.test(n) || n.endsWith('.zip')),
  ).toEqual([]);
});
