import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { beforeAll, expect, test } from 'vitest';

/**
 * The store build's attack surface (issue 9): least privilege, host access only optional, no
 * web-accessible resources, a strict CSP for extension pages.
 */
let manifest: Record<string, unknown>;

beforeAll(() => {
  execFileSync('npx', ['wxt', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
  manifest = JSON.parse(readFileSync('.output/chrome-mv3/manifest.json', 'utf8'));
});

test('required permissions are the least the features need', () => {
  expect([...(manifest.permissions as string[])].sort()).toEqual(
    [
      'activeTab',
      'alarms',
      'contextMenus',
      'downloads',
      'pageCapture',
      'scripting',
      'storage',
      'unlimitedStorage',
    ].sort(),
  );
  expect(manifest.host_permissions).toBeUndefined();
  expect(manifest.optional_host_permissions).toEqual(['<all_urls>']);
  // notifications: watch-list alerts, asked for when the investigator turns them on; fast mode's
  // debugger only when the investigator turns fast mode on; webNavigation when recording starts.
  expect(manifest.optional_permissions).toEqual(['webRequest', 'notifications', 'webNavigation', 'debugger']);
  expect(manifest.permissions).not.toContain('debugger');
});

test('the automation build (tests, CLI) has the debugger up front: no user gesture there to grant it', () => {
  // Built by the e2e global setup.
  const auto = JSON.parse(readFileSync('.output/chrome-mv3-automation/manifest.json', 'utf8'));
  expect(auto.permissions).toContain('debugger');
  expect(auto.optional_permissions).toBeUndefined();
});

test('no web-accessible resources and no content script that runs by itself', () => {
  expect(manifest.web_accessible_resources).toBeUndefined();
  expect(manifest.content_scripts).toBeUndefined();
  expect(manifest.externally_connectable).toBeUndefined();
});

test('extension pages run only their own scripts', () => {
  const csp = (manifest.content_security_policy as { extension_pages: string }).extension_pages;
  // WebAssembly only (hash-wasm's SHA-256 of export parts, issue 17): no JavaScript eval, no inline script.
  expect(csp).toMatch(/script-src 'self' 'wasm-unsafe-eval'(;|$)/);
  expect(csp).toContain("object-src 'none'");
  expect(csp.replace("'wasm-unsafe-eval'", '')).not.toMatch(/unsafe-(eval|inline)/);
});
