import { mkdir, open, readFile, type FileHandle } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { LANGS, type Lang } from '@/utils/i18n';
import { resolveCeiling, type PartCeiling } from '@/utils/package/split';
import { formatReport, verifyGroup, verifyPackage, type GroupMember, type VerifyReport } from '@/utils/package/verify';
import { HARVEST_LIMITS_MAX } from '@/utils/db/settings-rules';
import { SetupError, type HarvestOptions } from './driver';
import { exportCaseTo } from './export-out';
import { record, RECORD_USAGE } from './record';
import { nodeHashing } from './verify-hashing';
import { push, PUSH_USAGE } from './push';
import { storeCheck, STORE_CHECK_USAGE } from './store-check';
import { pull, PULL_USAGE } from './pull';
import { causeText, probeUnreachable } from './unreachable';
import type { HarvestStatus } from '@/utils/harvest/status';

/**
 * The command line: parses the arguments and runs `capture` (through the one driver interface
 * of cli/driver.ts, in Chromium or Firefox) or `verify` (pure package checks, no browser; kept
 * in its own function below).
 */

const USAGE = `hashmark: capture web pages as signed evidence packages, and verify packages

  hashmark capture <url...> --case <name> --out <dir> [--profile <dir>] [--reference <ref>]
                   [--max-part-bytes <n>] [--max-part-entries <n>] [--lang en|fr|ar]
                   [--browser chromium|firefox] [--region <ISO>] [--tsa <url>] [--media]
                   [--no-full-page] [--no-page-copy] [--no-mhtml] [--fast] [--stop-on-error]
                   [--record-unreachable]
                   [--harvest feed|thread|auto [--max-items <n>] [--max-minutes <m>]]
      Captures each URL in headless Chromium (or Firefox) with the Hashmark extension, exports the case
      as a signed ZIP into <dir>, and prints its path and SHA-256. A case larger than
      --max-part-bytes (default 1 GiB) or --max-part-entries (default 50000) is split into
      several complete packages (parts); each part's path and SHA-256 is printed.
      --lang sets the language of data/report.html (default: the extension's).
      --region sets the country national phone numbers are read in (default: the site's
      country domain, else the browser's locale). --tsa asks an RFC 3161 timestamp authority
      for a trusted time on every capture (a TSA failure is logged, never loses a capture).
      --media also fetches the page's images and videos at full resolution (media/<sha256>.<ext>).
      --no-full-page, --no-page-copy, --no-mhtml leave out the full-page screenshot, the
      self-contained page copy (page.html) or the MHTML archive (all three are on by default).
      --fast takes full pages in fast mode (Chromium's debugger, a few shots instead of one per
      screen); the profile's fast-mode setting follows the flag on every run.
      --harvest makes each capture a harvest (a feed, thread or profile that scrolls away):
      the page is scrolled step by step (feed: down; thread: up to the start of the
      conversation; auto: as the site definition says, else down), truncated text and
      collapsed comments inside items are expanded, and every post, comment or message is kept
      once as it is seen (items.jsonl, items/, a screenshot per step in steps/). Progress goes
      to stderr; the end line says why it stopped and whether it is complete or partial, then
      what may be missing. --max-items (1 to 100000) and --max-minutes (1 to 1440) stop it
      earlier (a partial harvest is still kept, and says so).
      Every URL is tried; a failure is reported per URL and the case is exported with the
      captures that succeeded. Exit 0 when all were captured, 4 when some failed (the package
      holds the others), 1 when none could be captured or on any other error.
      --stop-on-error stops at the first failure instead (exit 1, nothing exported).
      --record-unreachable: a site that does not answer (no such domain, connection refused,
      timed out) is recorded as a capture of kind "unreachable" (the browser's error page, the
      address, the network error and its time), printed as "unreachable #N"; it still counts as
      not captured for the exit code (4), but the package holds it, even when no URL answered.
${RECORD_USAGE}
${PUSH_USAGE}
${STORE_CHECK_USAGE}
${PULL_USAGE}
  hashmark verify <zip...> [--key-fingerprint <hex>] [--tsa-root <pem>]
      Checks a package: a strict reading of the ZIP, manifests, tag manifests, Payload-Oxum,
      signature, key fingerprint, capture files, custody chain, timestamps. Given all the parts
      of a split export, also checks that none is missing. Exit 0 (PASSED) only when every
      claim is verified; 3 when the package is intact but a claim stands unverified (no
      --key-fingerprint, tokens not checked up to a --tsa-root, tokens missing); 1 when a
      check fails.

Environment: CHROME_PATH (a Chromium or Chrome for Testing binary), FIREFOX_PATH (a Firefox binary).`;

/** `capture`: some URLs failed, the package holds the others (1: none could be captured, or another error). */
const SOME_FAILED = 4;

function fail(msg: string): number {
  process.stderr.write(`hashmark: ${msg.split('\n')[0]}\n`);
  return 1;
}

async function capture(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      case: { type: 'string' },
      out: { type: 'string' },
      profile: { type: 'string' },
      reference: { type: 'string' },
      'max-part-bytes': { type: 'string' },
      'max-part-entries': { type: 'string' },
      lang: { type: 'string' },
      browser: { type: 'string' },
      region: { type: 'string' },
      tsa: { type: 'string' },
      media: { type: 'boolean' },
      'no-full-page': { type: 'boolean' },
      'no-page-copy': { type: 'boolean' },
      'no-mhtml': { type: 'boolean' },
      fast: { type: 'boolean' },
      'stop-on-error': { type: 'boolean' },
      'record-unreachable': { type: 'boolean' },
      harvest: { type: 'string' },
      'max-items': { type: 'string' },
      'max-minutes': { type: 'string' },
    },
  });
  if (!positionals.length) return fail('capture needs at least one URL');
  const harvest = harvestOptions(values);
  if (typeof harvest === 'string') return fail(harvest);
  // Only what a flag asks for: the rest follows the profile's settings (all on by default).
  const options = {
    ...(values.media ? { media: true } : {}),
    ...(values['no-full-page'] ? { fullPage: false } : {}),
    ...(values['no-page-copy'] ? { pageCopy: false } : {}),
    ...(values['no-mhtml'] ? { mhtml: false } : {}),
  };
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
  const ceiling: Partial<PartCeiling> = {};
  for (const [flag, field] of [
    ['max-part-bytes', 'maxPartBytes'],
    ['max-part-entries', 'maxPartEntries'],
  ] as const) {
    const raw = values[flag];
    if (raw === undefined) continue;
    if (!/^[1-9]\d*$/.test(raw)) return fail(`--${flag} must be a whole number greater than 0`);
    ceiling[field] = Number(raw);
  }
  try {
    resolveCeiling(ceiling);
  } catch (e) {
    return fail((e as Error).message);
  }
  const lang = values.lang ?? null;
  if (lang !== null && !(LANGS as readonly string[]).includes(lang))
    return fail(`--lang must be one of ${LANGS.join(', ')}`);
  const region = values.region?.toUpperCase();
  if (region !== undefined && !/^[A-Z]{2}$/.test(region))
    return fail('--region must be a two-letter country code (ISO 3166-1), e.g. FR, MA, DZ');
  const tsa = values.tsa;
  if (tsa !== undefined && !/^https?:\/\/\S+$/i.test(tsa))
    return fail('--tsa must be the http(s) address of an RFC 3161 timestamp authority');
  const browserName = values.browser ?? 'chromium';
  if (browserName !== 'chromium' && browserName !== 'firefox') return fail('--browser must be chromium or firefox');
  const outDir = resolve(values.out);
  await mkdir(outDir, { recursive: true });
  const profile = values.profile ? { profileDir: resolve(values.profile) } : {};
  // Loaded here, not at the top: `verify` needs no browser library (Playwright alone is ~150 MB of memory).
  const { openDriver } = await import('./browsers');
  const session = await openDriver(browserName, profile);
  try {
    const { driver } = session;
    const kase = await driver.ensureCase(values.case, values.reference);
    // Settings kept in the profile (as the dashboard would set them): phone region, TSA, and
    // fast mode, set on every run so a kept profile does what this command line says. (Where the
    // browser has no debugger, Firefox, each capture says fast mode was not used.)
    await driver.send('settings.update', {
      ...(region !== undefined ? { defaultRegion: region } : {}),
      ...(tsa !== undefined ? { tsaUrl: tsa } : {}),
      fastScreenshots: values.fast === true,
    });
    // Every URL is tried (issue 21): a link that died, turned into a PDF or timed out must not
    // cost the investigator the others. Each failure is said here and, once a capture job had
    // started, logged in the custody log (capture.failed).
    const failed: string[] = [];
    // Unreachable sites recorded as such (--record-unreachable): not captured, but in the package.
    let recorded = 0;
    for (const url of positionals) {
      let tabId: number | null = null;
      try {
        tabId = await driver.openTab(url);
        if (harvest) {
          const end = await driver.harvest(tabId, harvest, harvestProgress());
          process.stdout.write(harvestEndText(url, end));
          continue;
        }
        const r = await driver.capture(
          tabId,
          Object.keys(options).length ? options : undefined,
          values['record-unreachable'] === true,
        );
        if (r.unreachable) {
          process.stdout.write(
            `unreachable #${r.sequence} ${url}: the site did not answer: ${r.unreachable.description}; the browser's error page is recorded (capture.json SHA-256 ${r.captureJsonSha256})\n`,
          );
          failed.push(url);
          recorded++;
          if (values['stop-on-error']) return 1;
          continue;
        }
        process.stdout.write(
          `captured #${r.sequence} ${r.url} (capture.json SHA-256 ${r.captureJsonSha256}, ${r.elapsedMs} ms)\n`,
        );
        if (r.httpStatus !== null && r.httpStatus >= 400)
          process.stdout.write(
            `warning: #${r.sequence} ${r.url} answered HTTP ${r.httpStatus}: the capture shows the server's error page (see its limitations)\n`,
          );
      } catch (e) {
        const why = (e as Error).message.split('\n')[0] ?? '';
        // The browser says the same for every network failure: tell DNS, refusal and timeout apart.
        const cause = /site did not answer/i.test(why) ? ` (${causeText(await probeUnreachable(url))})` : '';
        process.stderr.write(`hashmark: capture of ${url} failed: ${why}${cause}\n`);
        failed.push(url);
        if (values['stop-on-error']) return 1;
      } finally {
        if (tabId !== null) await driver.closeTab(tabId).catch(() => undefined);
      }
    }
    if (failed.length === positionals.length && recorded === 0)
      return fail('no URL could be captured; nothing was exported');
    if (tsa !== undefined) {
      // Tokens are requested after each capture without blocking it; give pending ones a last
      // chance before exporting. A TSA failure never loses a capture: it is said and logged.
      const ts = await driver.send('timestamps.process', {});
      if (ts.pending > 0)
        process.stdout.write(
          `warning: ${ts.pending} capture(s) without a trusted timestamp (the TSA did not answer; see timestamp.failed in the custody log)\n`,
        );
    }
    const problem = await exportCaseTo(driver, kase.id, outDir, { ceiling, lang: lang as Lang | null });
    if (problem) return fail(problem);
    if (failed.length) {
      process.stderr.write(
        `hashmark: ${failed.length} of ${positionals.length} URL(s) failed (listed above); the package holds the others\n`,
      );
      return SOME_FAILED;
    }
    return 0;
  } finally {
    await session.close();
  }
}

/**
 * --harvest, --max-items and --max-minutes as the driver's harvest options, null without
 * --harvest, or the reason they are refused (the same bounds as the extension's harvest.start).
 */
function harvestOptions(values: {
  harvest?: string | undefined;
  'max-items'?: string | undefined;
  'max-minutes'?: string | undefined;
}): HarvestOptions | null | string {
  const mode = values.harvest;
  if (mode === undefined) {
    if (values['max-items'] !== undefined || values['max-minutes'] !== undefined)
      return '--max-items and --max-minutes only apply to a harvest: add --harvest feed|thread|auto';
    return null;
  }
  if (mode !== 'feed' && mode !== 'thread' && mode !== 'auto')
    return `--harvest must be feed, thread or auto (got ${JSON.stringify(mode.slice(0, 40))})`;
  const out: HarvestOptions = { mode };
  for (const [flag, field, max] of [
    ['max-items', 'maxItems', HARVEST_LIMITS_MAX.maxItems],
    ['max-minutes', 'maxMinutes', HARVEST_LIMITS_MAX.maxMinutes],
  ] as const) {
    const raw = values[flag];
    if (raw === undefined) continue;
    if (!/^[1-9]\d{0,9}$/.test(raw) || Number(raw) > max) return `--${flag} must be a whole number from 1 to ${max}`;
    out[field] = Number(raw);
  }
  return out;
}

/** Progress lines on stderr while a harvest runs, one each time the counts move. */
function harvestProgress(): (s: HarvestStatus) => void {
  let last = '';
  return (s) => {
    const line = `harvest: ${s.items} items, ${s.steps} steps`;
    if (line === last) return;
    last = line;
    process.stderr.write(`${line}\n`);
  };
}

/** The end of one harvest on stdout: why it stopped, complete or partial, and what may be missing. */
function harvestEndText(url: string, s: HarvestStatus): string {
  const r = s.report;
  const state = r ? (r.complete ? 'complete' : 'partial') : 'no report';
  const head =
    `harvested #${s.sequence} ${url}: ${s.items} items, ${s.steps} steps, stopped: ${r?.stopReason ?? 'unknown'}` +
    ` (${state}; capture.json SHA-256 ${s.captureJsonSha256 ?? 'unknown'}` +
    (r ? `, ${r.elapsedMs} ms)` : ')');
  // Page text can reach these sentences (a login wall's words): one line each, no control characters.
  const missing = (r?.mayBeMissing ?? []).map((m) => `  may be missing: ${m.replace(/[\u0000-\u001f\u007f]/g, ' ')}`);
  return [head, ...missing].join('\n') + '\n';
}

async function verify(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { 'key-fingerprint': { type: 'string' }, 'tsa-root': { type: 'string' } },
  });
  let tsaRootsPem: string | undefined;
  if (values['tsa-root'] !== undefined) {
    try {
      tsaRootsPem = await readFile(values['tsa-root'], 'utf8');
    } catch (e) {
      return fail(`cannot read ${values['tsa-root']}: ${(e as Error).message}`);
    }
  }
  if (positionals.length === 0) return fail('verify needs a ZIP file (or every part of a split export)');
  const fp = values['key-fingerprint'];
  if (fp !== undefined && !/^[0-9a-fA-F]{64}$/.test(fp))
    return fail('--key-fingerprint must be 64 hex digits (SHA-256 of the public key)');
  const members: GroupMember[] = [];
  for (const file of positionals) {
    // Read by ranges from the open file: a package can be gigabytes, and a hostile one is
    // refused from its directory before its content is read.
    let handle: FileHandle;
    let size: number;
    try {
      handle = await open(file, 'r');
      size = (await handle.stat()).size;
    } catch (e) {
      return fail(`cannot read ${file}: ${(e as Error).message}`);
    }
    const source = {
      size,
      async read(offset: number, length: number): Promise<Uint8Array> {
        const buf = new Uint8Array(Math.max(0, Math.min(length, size - offset)));
        let done = 0;
        while (done < buf.length) {
          const { bytesRead } = await handle.read(buf, done, buf.length - done, offset + done);
          if (bytesRead === 0) break;
          done += bytesRead;
        }
        return buf.subarray(0, done);
      },
    };
    let report: VerifyReport;
    try {
      report = await verifyPackage(source, {
        hashing: nodeHashing,
        ...(fp ? { keyFingerprint: fp } : {}),
        ...(tsaRootsPem ? { tsaRootsPem } : {}),
      });
    } finally {
      await handle.close();
    }
    if (positionals.length > 1) process.stdout.write(`== ${file}\n`);
    process.stdout.write(formatReport(report) + '\n');
    members.push({ name: basename(file), report });
  }
  // Exit codes (README): 0 PASSED, 1 FAILED, 3 intact but some claims unverified.
  const code = (v: VerifyReport['verdict']): number => (v === 'passed' ? 0 : v === 'unverified' ? 3 : 1);
  if (members.length === 1) return code(members[0]!.report.verdict);
  const group = verifyGroup(members);
  process.stdout.write(
    `== The ${members.length} packages as one export\n${group.map((c) => `${c.ok ? 'PASS' : 'FAIL'}  ${c.message}`.replace(/[^\x20-\x7e]/g, '?')).join('\n')}\n`,
  );
  const failed = members.some((m) => m.report.verdict === 'failed') || group.some((c) => !c.ok);
  const unverified = members.some((m) => m.report.verdict === 'unverified');
  process.stdout.write(
    failed
      ? 'VERDICT: FAILED. See the failures above.\n'
      : unverified
        ? `VERDICT: INTACT, NOT FULLY VERIFIED for all ${members.length} packages (see the unverified claims above).\n`
        : `VERDICT: PASSED for all ${members.length} packages.\n`,
  );
  return failed ? 1 : unverified ? 3 : 0;
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    if (cmd === 'capture') return await capture(rest);
    if (cmd === 'verify') return await verify(rest);
    if (cmd === 'record') return await record(rest, fail);
    if (cmd === 'push') return await push(rest, fail);
    if (cmd === 'pull') return await pull(rest, fail);
    if (cmd === 'store' && rest[0] === 'check') return await storeCheck(rest.slice(1), fail);
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
