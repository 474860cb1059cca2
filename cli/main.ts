import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatReport, verifyPackage } from '@/utils/package/verify';
import { launchHashmark, SetupError } from './chromium';
import { HashmarkDriver } from './driver';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The build the CLI drives: same code as the store build, plus host access (no user gesture here). */
export const AUTOMATION_BUILD = join(ROOT, '.output', 'chrome-mv3-automation');

const USAGE = `hashmark: capture web pages as signed evidence packages, and verify packages

  hashmark capture <url...> --case <name> --out <dir> [--profile <dir>] [--reference <ref>]
      Captures each URL in headless Chromium with the Hashmark extension, exports the case
      as a signed ZIP into <dir>, and prints its path and SHA-256.
  hashmark verify <zip> [--key-fingerprint <hex>]
      Checks a package: manifests, tag manifests, Payload-Oxum, signature, key fingerprint,
      custody chain. Exit 0 only when every check passes.

Environment: CHROME_PATH (a Chromium or Chrome for Testing binary).`;

function fail(msg: string): number {
  process.stderr.write(`hashmark: ${msg.split('\n')[0]}\n`);
  return 1;
}

async function capture(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { case: { type: 'string' }, out: { type: 'string' }, profile: { type: 'string' }, reference: { type: 'string' } },
  });
  if (!positionals.length) return fail('capture needs at least one URL');
  if (!values.case) return fail('capture needs --case <name>');
  if (!values.out) return fail('capture needs --out <dir>');
  for (const u of positionals) {
    let p: URL;
    try {
      p = new URL(u);
    } catch {
      return fail(`not a URL: ${u}`);
    }
    if (!/^(https?|file):$/.test(p.protocol)) return fail(`only http, https and file URLs can be captured: ${u}`);
  }
  const outDir = resolve(values.out);
  await mkdir(outDir, { recursive: true });
  const hm = await launchHashmark({ extensionDir: AUTOMATION_BUILD, ...(values.profile ? { profileDir: resolve(values.profile) } : {}) });
  try {
    const driver = await HashmarkDriver.open(hm);
    const kase = await driver.ensureCase(values.case, values.reference);
    for (const url of positionals) {
      const tabId = await driver.openTab(url);
      try {
        const r = await driver.capture(tabId);
        process.stdout.write(`captured #${r.sequence} ${r.url} (capture.json SHA-256 ${r.captureJsonSha256}, ${r.elapsedMs} ms)\n`);
      } catch (e) {
        return fail(`capture of ${url} failed: ${(e as Error).message}`);
      } finally {
        await driver.closeTab(tabId).catch(() => undefined);
      }
    }
    const exp = await driver.exportCase(kase.id);
    const dest = join(outDir, exp.zipName);
    await copyFile(exp.path, dest);
    process.stdout.write(`package ${dest}\nsha256 ${exp.zipSha256}\n`);
    return 0;
  } finally {
    await hm.close();
  }
}

async function verify(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { 'key-fingerprint': { type: 'string' } } });
  if (positionals.length !== 1) return fail('verify needs exactly one ZIP file');
  const fp = values['key-fingerprint'];
  if (fp !== undefined && !/^[0-9a-fA-F]{64}$/.test(fp)) return fail('--key-fingerprint must be 64 hex digits (SHA-256 of the public key)');
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(positionals[0]!));
  } catch (e) {
    return fail(`cannot read ${positionals[0]}: ${(e as Error).message}`);
  }
  const report = await verifyPackage(bytes, fp ? { keyFingerprint: fp } : {});
  process.stdout.write(formatReport(report) + '\n');
  return report.ok ? 0 : 1;
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    if (cmd === 'capture') return await capture(rest);
    if (cmd === 'verify') return await verify(rest);
    if (cmd === '--help' || cmd === '-h' || cmd === 'help') {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    process.stderr.write(USAGE + '\n');
    return 2;
  } catch (e) {
    if (e instanceof SetupError) return fail(e.message);
    return fail((e as Error)?.message ?? String(e));
  }
}
