import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { CustodyRecord, JobRecord } from '@/utils/db/schema';
import { LANGS, type Lang } from '@/utils/i18n';
import { ignoreEntryProblem } from '@/utils/recording/ignore';
import type { CaptureDriver } from './driver';
import { exportCaseTo } from './export-out';

/**
 * `hashmark record` (issue 16 item 9): scripted browsing with recording mode on. One tab, the
 * recording started in it through the same message as the popup's Record button, each URL loaded
 * in that tab one after the other (as typed), then stop and export. What is captured is decided
 * by the extension's recording, exactly as for a person browsing: nothing is captured here.
 */

export const RECORD_USAGE = `  hashmark record <url...> --case <name> --out <dir> [--ignore <host>]... [--dwell <ms>] [--full]
                  [--profile <dir>] [--reference <ref>] [--browser chromium|firefox] [--lang en|fr|ar]
      Opens one tab, starts recording in it, visits each URL in order as a person typing it
      would (staying --dwell ms on each, default 5000), stops recording, exports the case and
      prints the ZIP path and SHA-256 like capture. Captures are light (viewport, DOM, text,
      MHTML) unless --full (the profile's capture settings). --ignore (repeatable) adds a host or
      host/path to the ignore list for this recording: its pages are never touched or logged.`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until no capture job runs (the last page view's capture), at most `maxMs`. */
async function captureJobsDone(driver: CaptureDriver, maxMs = 60_000): Promise<void> {
  const end = Date.now() + maxMs;
  while (Date.now() < end) {
    const running = (await driver.readStore<JobRecord>('jobs')).filter((j) => j.state === 'running');
    if (running.length === 0) return;
    await sleep(250);
  }
}

const details = (e: CustodyRecord): Record<string, unknown> =>
  (JSON.parse(e.line) as { details?: Record<string, unknown> }).details ?? {};

/**
 * What became of the page views, from the case's custody events since the recording started:
 * captured (with their page), recorded without their page (capture.stored of kind page-view: the
 * page was left before its capture was done), missed (not even that record could be written),
 * seen again; and the capture attempts that failed (a page left during its capture is one of
 * them, and is then recorded without its page too).
 */
function summary(log: readonly CustodyRecord[], recordingId: string): string {
  const sorted = [...log].sort((a, b) => a.seq - b.seq);
  const from = sorted.findIndex((e) => e.type === 'recording.started' && details(e).recordingId === recordingId);
  const mine = sorted.slice(Math.max(0, from));
  const count = (type: string) => mine.filter((e) => e.type === type).length;
  const pageOnly = mine.filter((e) => e.type === 'capture.stored' && details(e).kind === 'page-view').length;
  return (
    `${count('capture.stored') - pageOnly} captured, ${pageOnly} recorded without their page, ` +
    `${count('recording.missed')} missed, ${count('recording.seen-again')} seen again, ` +
    `${count('capture.failed')} capture attempts failed`
  );
}

export async function record(args: string[], fail: (msg: string) => number): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      case: { type: 'string' },
      out: { type: 'string' },
      dwell: { type: 'string' },
      full: { type: 'boolean' },
      profile: { type: 'string' },
      reference: { type: 'string' },
      browser: { type: 'string' },
      lang: { type: 'string' },
      ignore: { type: 'string', multiple: true },
    },
  });
  if (!positionals.length) return fail('record needs at least one URL');
  if (!values.case) return fail('record needs --case <name>');
  if (!values.out) return fail('record needs --out <dir>');
  for (const u of positionals) {
    if (!/^https?:\/\/\S+$/i.test(u)) return fail(`only http and https pages are recorded: ${u}`);
  }
  const ignore = values.ignore ?? [];
  for (const e of ignore) {
    const problem = ignoreEntryProblem(e);
    if (problem) return fail(`--ignore: ${problem}`);
  }
  const dwellRaw = values.dwell ?? '5000';
  if (!/^\d+$/.test(dwellRaw)) return fail('--dwell must be a whole number of milliseconds');
  const dwell = Number(dwellRaw);
  const lang = values.lang ?? null;
  if (lang !== null && !(LANGS as readonly string[]).includes(lang))
    return fail(`--lang must be one of ${LANGS.join(', ')}`);
  const browserName = values.browser ?? 'chromium';
  if (browserName !== 'chromium' && browserName !== 'firefox') return fail('--browser must be chromium or firefox');
  const outDir = resolve(values.out);
  await mkdir(outDir, { recursive: true });
  const { openDriver } = await import('./browsers');
  const session = await openDriver(browserName, values.profile ? { profileDir: resolve(values.profile) } : {});
  try {
    const { driver } = session;
    const kase = await driver.ensureCase(values.case, values.reference);
    const tabId = await driver.openTab(positionals[0]!);
    const st = await driver.send('recording.start', {
      tabId,
      scope: 'tab',
      full: values.full === true,
      ...(ignore.length ? { ignore } : {}),
    });
    if (st.state !== 'active') return fail('the recording did not start');
    try {
      await sleep(dwell);
      for (const url of positionals.slice(1)) {
        await driver.navigate(tabId, url);
        await sleep(dwell);
      }
      await captureJobsDone(driver);
    } finally {
      await driver.send('recording.stop', {});
    }
    await captureJobsDone(driver);
    const log = (await driver.readStore<CustodyRecord>('custody')).filter((e) => e.caseId === kase.id);
    process.stdout.write(`recording ${st.recordingId} stopped: ${summary(log, st.recordingId)}\n`);
    const problem = await exportCaseTo(driver, kase.id, outDir, { ceiling: {}, lang: lang as Lang | null });
    return problem ? fail(problem) : 0;
  } finally {
    await session.close();
  }
}
