/**
 * A harvest as a capture job (issue 15): the page as it is when the investigator asks (DOM, text,
 * viewport screenshot, MHTML, page copy, as a click capture takes them), then the harvest loop
 * (utils/harvest/run.ts) scrolling the feed or thread, each step's new items and screenshot stored
 * in IndexedDB as they come (memory stays flat), then one commit that files items.jsonl, every
 * item's HTML fragment, the step screenshots and capture.json with the completeness report.
 *
 * A harvest that stops early (Stop, a limit, a login wall, the tab navigating away or closing) is
 * still committed: a partial harvest is evidence, and capture.json says what it may be missing.
 * Only a failure before the harvest starts (page not capturable) or at the commit fails the job,
 * and then its staged rows go with it (failCaptureJob).
 */
import {
  eachHarvestItem,
  harvestSteps,
  interruptedHarvests,
  stageHarvestBlobs,
  storeHarvestBatch,
  type BlobRecord,
  type HarvestItemRecord,
  type HashmarkDb,
  type JobRecord,
  type SelectorRecord,
} from '@/utils/db';
import { artifactEntry, digestBoth, utf8, type DigestPair } from '@/utils/evidence/hash';
import type { ArtifactEntry } from '@/utils/evidence/types';
import { extractSelectors, type ExtractedSelector } from '@/utils/selectors/extract';
import { chooseRegion } from '@/utils/selectors/region';
import { limitationsFor } from '@/utils/capture/limitations';
import { dataUrlToBytes } from '@/utils/capture/data-url';
import { harvestStep } from '@/utils/capture/in-page/harvest-step';
import {
  buildCaptureJson,
  collectFiles,
  makeShooter,
  readPage,
  readPageContext,
  type CaptureEnv,
  type CaptureResult,
  type CaptureTrigger,
  type TabInfo,
  type Timings,
} from '@/utils/capture/pipeline';
import type { HarvestDirection, SiteDefinition } from '@/utils/harvest/definition';
import type { HarvestResume } from '@/utils/harvest/resume';
import { ITEM_FORMAT } from '@/utils/harvest/items';
import type { CompletenessReport } from '@/utils/harvest/report';
import { runHarvest, type HarvestBatch, type HarvestDriver } from '@/utils/harvest/run';
import { definitionFor, generic } from '@/utils/harvest/sites';
import { harvestStepPath, itemFragmentPath, ITEMS_JSONL } from '@/utils/package/layout';
import { cacheReportThumbnail, commitCaptureJson } from './capture-commit';
import { failJob, openCaptureJob, type OpenedJob } from './capture-job';

/** What a harvest request asks for (the popup, the context menu, the CLI). */
export interface HarvestRequest {
  tabId?: number;
  trigger: CaptureTrigger;
  /** feed: scroll down; thread: scroll up to the start; auto: the site definition's way. */
  mode: 'auto' | 'feed' | 'thread';
  maxItems?: number;
  maxMinutes?: number;
}

/** What the popup and the CLI poll while the harvest runs. */
interface HarvestProgress {
  items: number;
  steps: number;
  startedAt: string;
}

interface HarvestResult extends CaptureResult {
  report: CompletenessReport;
}

/** A running harvest: stop it, read its progress, wait for its end. */
export interface HarvestHandle {
  jobId: string;
  captureId: string;
  caseId: string;
  sequence: number;
  tabId: number;
  stop(): void;
  progress(): HarvestProgress;
  /** Resolves with the stored capture; rejects with a CaptureError when nothing could be stored. */
  done: Promise<HarvestResult>;
}

/**
 * Opens the job and starts the harvest; resolves as soon as it runs (a harvest lasts minutes: the
 * caller polls progress() and waits on done).
 */
export async function startHarvest(db: HashmarkDb, env: CaptureEnv, req: HarvestRequest): Promise<HarvestHandle> {
  const t0 = performance.now();
  const opened = await openCaptureJob(db, env, {
    trigger: req.trigger,
    ...(req.tabId !== undefined ? { tabId: req.tabId } : {}),
  });
  const controller = new AbortController();
  const progress: HarvestProgress = { items: 0, steps: 0, startedAt: opened.startedAt.toISOString() };
  const done = harvestInJob(db, env, { ...opened, req, t0, signal: controller.signal, progress }).catch(
    async (e: unknown) => {
      throw await failJob(db, env, opened.job.id, e);
    },
  );
  return {
    jobId: opened.job.id,
    captureId: opened.job.captureId,
    caseId: opened.job.caseId,
    sequence: opened.job.sequence,
    tabId: opened.tab.id,
    stop: () => controller.abort(),
    progress: () => ({ ...progress }),
    done,
  };
}

type HarvestJob = OpenedJob & { req: HarvestRequest; t0: number; signal: AbortSignal; progress: HarvestProgress };

/** The page as it is at the start, as a click capture takes it (no full page: a feed's is spacers). */
async function captureStartState(
  db: HashmarkDb,
  env: CaptureEnv,
  j: HarvestJob & { definition: SiteDefinition },
  region: HarvestResume['region'],
  timings: Timings,
) {
  const snap = await readPage(env, j.tab, j.nonce);
  const c = await collectFiles(env, j.tab, snap, {
    opts: { ...j.opts, fullPage: false },
    fast: false,
    nonce: j.nonce,
    timings,
  });
  const context = await readPageContext(env, j.tab, j.tab, c);
  const digests = await Promise.all(c.files.map((f) => Promise.resolve(c.known.get(f.bytes) ?? digestBoth(f.bytes))));
  const artifacts = c.files.map((f, i) => artifactEntry(f, digests[i]!));
  const viewport = c.files[2]!.bytes;
  const limitations = limitationsFor(snap, c.coverage, c.extraLimits);
  const fetched = c.fetchLog.section();
  const pageSelectors = extractSelectors({ text: snap.text, links: snap.links, region: region.region });
  // The DOM and text are staged as dom.html and text.txt: the resume record keeps only the facts.
  const facts = { ...snap, domHtml: '', text: '' };
  const { id, version, name, verified } = j.definition;
  const resume: HarvestResume = {
    trigger: j.req.trigger,
    tab: j.tab,
    operator: {
      name: j.settings.investigatorName,
      unit: j.settings.investigatorUnit,
      organization: j.settings.organization,
    },
    site: { id, version, name, verified },
    region,
    start: { snap: facts, pageSelectors, context, artifacts, limitations, mediaFiles: c.mediaFiles, fetched, timings },
  };
  // Stored now, so the worker does not hold a page copy or an MHTML for the whole harvest; with the
  // resume record that names them, so a failure later sweeps what only this harvest refers to.
  await stageHarvestBlobs(db, {
    jobId: j.job.id,
    blobs: c.files.map((f, i) => ({ sha256: digests[i]!.sha256, data: f.bytes, size: f.bytes.byteLength })),
    resume,
  });
  c.files.length = 0;
  return { resume, viewport };
}

/** The loop's view of the browser: the in-page step (refused once the document changed) and the paced shot. */
function browserDriver(env: CaptureEnv, tab: TabInfo, nonce: string): HarvestDriver<Uint8Array> {
  const shoot = makeShooter(env);
  return {
    step: async (args) => {
      // The nonce lives in the harvested document's isolated world: gone = a new document.
      const still = await env.readNonce(tab.id).catch(() => null);
      if (still !== nonce) {
        throw new Error('the page changed to a new document (navigation, reload or closed tab) during the harvest');
      }
      return env.inPage(tab.id, harvestStep, [args]);
    },
    screenshot: async () => dataUrlToBytes(await shoot(tab.windowId)).bytes,
    now: () => env.now().getTime(),
  };
}

/** Stores one step: the screenshot, the new items' fragments and records, in one transaction. */
async function storeBatch(
  db: HashmarkDb,
  env: CaptureEnv,
  j: HarvestJob,
  region: string,
  batch: HarvestBatch<Uint8Array>,
): Promise<void> {
  const blobs: BlobRecord[] = [];
  const add = (bytes: Uint8Array, d: DigestPair) =>
    blobs.push({ sha256: d.sha256, data: bytes, size: bytes.byteLength });
  let screenshot: ArtifactEntry | null = null;
  if (batch.screenshot) {
    const d = await digestBoth(batch.screenshot);
    add(batch.screenshot, d);
    const file = { path: harvestStepPath(batch.step), mediaType: 'image/png', bytes: batch.screenshot };
    screenshot = artifactEntry({ ...file, method: 'captureVisibleTab', role: 'original' }, d);
  }
  const items: HarvestItemRecord[] = [];
  for (const ci of batch.items) {
    const bytes = utf8(ci.html);
    const d = await digestBoth(bytes);
    add(bytes, d);
    const it = ci.item;
    const file = { path: itemFragmentPath(it.seq), mediaType: 'text/html; charset=utf-8', bytes };
    items.push({
      captureId: j.job.captureId,
      caseId: j.job.caseId,
      seq: it.seq,
      position: it.position,
      step: batch.step,
      line: ci.line,
      lineSha256: ci.lineSha256,
      html: artifactEntry({ ...file, method: 'harvest:outerHTML', role: 'original' }, d),
      author: it.author.name,
      timeShown: it.time.shown,
      timeMachine: it.time.machine,
      text: it.text,
      // A phone in a comment belongs to that comment (and its author), not only to the page.
      selectors: extractSelectors({ text: it.text, links: it.links, region }).map(selectorOf),
    });
  }
  const step = { captureId: j.job.captureId, step: batch.step, at: batch.at, screenshot, scroll: batch.scroll };
  await storeHarvestBatch(db, { jobId: j.job.id, step, items, blobs, soFar: batch.soFar });
  j.progress.items += items.length;
  j.progress.steps = batch.step + 1;
  env.progress?.(String(j.progress.items));
}

const selectorOf = (x: ExtractedSelector): HarvestItemRecord['selectors'][number] => ({
  kind: x.kind,
  value: x.value,
  raw: x.raw,
  ...(x.platform ? { platform: x.platform } : {}),
});

/** The harvest proper, then the commit. */
async function harvestInJob(db: HashmarkDb, env: CaptureEnv, j: HarvestJob): Promise<HarvestResult> {
  const timings: Timings = {};
  const region = chooseRegion({ setting: j.settings.defaultRegion, url: j.tab.url, uiLanguage: env.uiLanguage });
  const definition = definitionFor(j.tab.url);
  const { resume, viewport } = await captureStartState(db, env, { ...j, definition }, region, timings);
  const direction: HarvestDirection =
    j.req.mode === 'feed' ? 'down' : j.req.mode === 'thread' ? 'up' : definition.direction;
  const report = await runHarvest(browserDriver(env, j.tab, j.nonce), {
    definition,
    fallback: definition.id === generic.id ? null : generic,
    direction,
    ...(j.req.maxItems !== undefined ? { maxItems: j.req.maxItems } : {}),
    ...(j.req.maxMinutes !== undefined ? { maxMinutes: j.req.maxMinutes } : {}),
    signal: j.signal,
    sink: (batch) => storeBatch(db, env, j, region.region, batch),
  });
  const endTab = await env.getTab(j.tab.id).catch(() => null);
  const ended = { report, endTab: endTab ?? j.tab, tabClosed: !endTab, viewport };
  return commitHarvest(db, env, { job: j.job, startedAt: j.startedAt, t0: j.t0 }, resume, ended);
}

/**
 * At a worker start: commits each harvest a previous worker or browser left running, with the
 * items it had stored and the report of its last stored step (stop reason 'interrupted'), so that
 * what was collected is kept. One that cannot be committed stays running, and the job recovery
 * (failInterruptedJobs) then fails it with its reason, as any interrupted capture.
 */
export async function commitInterruptedHarvests(
  db: HashmarkDb,
  env: CaptureEnv,
  bootedAt: string,
): Promise<HarvestResult[]> {
  const done: HarvestResult[] = [];
  for (const job of await interruptedHarvests(db, bootedAt)) {
    const resume = job.harvest!;
    const ended = { report: resume.soFar!, endTab: resume.tab, tabClosed: false };
    const j = { job, startedAt: new Date(job.startedAt), t0: performance.now() };
    try {
      done.push(await commitHarvest(db, env, j, resume, ended));
    } catch (e) {
      console.error('hashmark: an interrupted harvest could not be committed', job.id, e);
    }
  }
  return done;
}

/** What the commit needs of the job besides the resume record. */
interface CommitJob {
  job: Pick<JobRecord, 'id' | 'captureId' | 'caseId' | 'sequence'>;
  startedAt: Date;
  t0: number;
}

/** items.jsonl, the artifacts and the selectors of every stored item, read back in page order. */
async function readHarvest(db: HashmarkDb, captureId: string) {
  const lines: string[] = [];
  const fragments: ArtifactEntry[] = [];
  const found = new Map<
    string,
    { kind: string; value: string; raw: Set<string>; platform?: string; items: number[] }
  >();
  await eachHarvestItem(db, captureId, (r) => {
    lines.push(`${r.line}\n`);
    fragments.push(r.html);
    for (const x of r.selectors) {
      const key = `${x.kind}\u0000${x.value}`;
      const f = found.get(key) ?? { kind: x.kind, value: x.value, raw: new Set<string>(), items: [] };
      if (x.platform) f.platform = x.platform;
      x.raw.forEach((raw) => f.raw.add(raw));
      f.items.push(r.seq);
      found.set(key, f);
    }
  });
  fragments.sort((a, b) => a.path.localeCompare(b.path));
  const steps = (await harvestSteps(db, captureId)).flatMap((s) => (s.screenshot ? [s.screenshot] : []));
  const selectors = [...found.values()].map((f) => ({ ...f, raw: [...f.raw], items: f.items.sort((a, b) => a - b) }));
  return { jsonl: utf8(lines.join('')), count: lines.length, fragments, steps, selectors };
}

/** The sentences capture.json and the report add for a harvest. */
function harvestLimitations(report: CompletenessReport, tabClosed: boolean): string[] {
  return [
    'The DOM, text, viewport screenshot, MHTML and page copy show the page when the harvest started; the items collected while scrolling are in items.jsonl and items/, the screenshot of each step in steps/.',
    ...report.mayBeMissing,
    ...(tabClosed ? ['The tab was closed during the harvest: the items collected before are kept.'] : []),
    // Committed at the next start (commitInterruptedHarvests): nobody saw where the tab ended.
    ...(report.stopReason === 'interrupted'
      ? [
          'The address and title at the end of the harvest were not observed (the extension had stopped): url.end and title.end repeat those at the start.',
        ]
      : []),
  ];
}

/** One transaction files everything: the capture record, items.jsonl, capture.json, the selectors. */
async function commitHarvest(
  db: HashmarkDb,
  env: CaptureEnv,
  j: CommitJob,
  r: HarvestResume,
  h: { report: CompletenessReport; endTab: TabInfo; tabClosed: boolean; viewport?: Uint8Array },
): Promise<HarvestResult> {
  const { job } = j;
  const { start } = r;
  const read = await readHarvest(db, job.captureId);
  const jsonlDigest = await digestBoth(read.jsonl);
  const jsonlFile = { path: ITEMS_JSONL, mediaType: 'application/jsonl; charset=utf-8', bytes: read.jsonl };
  const jsonlEntry = artifactEntry(
    { ...jsonlFile, method: 'harvest', role: 'derived', derivedFrom: read.fragments.map((f) => f.path) },
    jsonlDigest,
  );
  const artifacts = [...start.artifacts, jsonlEntry, ...read.steps, ...read.fragments];
  const pageSelectors = start.pageSelectors;
  const limitations = [...start.limitations, ...harvestLimitations(h.report, h.tabClosed)];
  const finishedAt = env.now();
  const captureJson = {
    ...buildCaptureJson({
      captureId: job.captureId,
      caseId: job.caseId,
      sequence: job.sequence,
      operator: r.operator,
      trigger: r.trigger,
      startedAt: j.startedAt,
      finishedAt,
      tab: r.tab,
      endTab: h.endTab,
      snap: start.snap,
      context: start.context,
      software: env.software,
      artifacts,
      mediaFiles: start.mediaFiles,
      fetched: start.fetched,
      selectors: pageSelectors,
      region: r.region,
      limitations,
      timings: { ...start.timings, harvest: h.report.elapsedMs },
    }),
    kind: 'harvest',
    harvest: {
      itemFormat: ITEM_FORMAT,
      itemsFile: ITEMS_JSONL,
      items: read.count,
      site: r.site,
      report: h.report,
      selectors: read.selectors,
    },
  };
  const cj = await commitCaptureJson(db, {
    job,
    json: captureJson,
    startedAt: j.startedAt,
    finishedAt,
    page: h.endTab,
    artifacts,
    limitations,
    files: [{ sha256: jsonlDigest.sha256, data: read.jsonl, size: read.jsonl.byteLength }],
    selectors: mergeSelectorRows(job, pageSelectors, read.selectors),
    extra: {
      harvest: {
        items: read.count,
        steps: h.report.steps,
        stopReason: h.report.stopReason,
        complete: h.report.complete,
        definition: `${r.site.id}@${r.site.version}`,
      },
    },
    now: env.now,
    committed: env.committed,
  });
  // After a recovery the viewport's bytes are not in memory: the export makes the thumbnail then.
  if (h.viewport) void cacheReportThumbnail(db, job.captureId, h.viewport, start.artifacts[2]!.sha256);
  return {
    ok: true,
    captureId: job.captureId,
    caseId: job.caseId,
    sequence: job.sequence,
    url: h.endTab.url,
    title: h.endTab.title,
    captureJsonSha256: cj.sha256,
    screenshotSha256: start.artifacts[2]!.sha256,
    elapsedMs: Math.round(performance.now() - j.t0),
    timings: {},
    httpStatus: start.context.network?.statusCode ?? null,
    report: h.report,
  };
}

/** One selector row per value for the capture: the page's and the items' forms together. */
function mergeSelectorRows(
  job: Pick<JobRecord, 'caseId' | 'captureId'>,
  page: ExtractedSelector[],
  items: { kind: string; value: string; raw: string[]; platform?: string }[],
): SelectorRecord[] {
  const rows = new Map<string, SelectorRecord>();
  for (const x of [...page, ...items]) {
    const key = `${x.kind}\u0000${x.value}`;
    const row = rows.get(key);
    if (row) {
      row.raw = [...new Set([...row.raw, ...x.raw])];
      continue;
    }
    rows.set(key, {
      caseId: job.caseId,
      captureId: job.captureId,
      kind: x.kind as SelectorRecord['kind'],
      value: x.value,
      raw: [...x.raw],
      ...(x.platform ? { platform: x.platform } : {}),
    });
  }
  return [...rows.values()];
}
