/**
 * The harvest loop (issue 15), free of browser and database: it asks a driver for one page step at
 * a time, numbers and hashes the new items as they come, hands them to a sink in batches (the
 * service stores them in IndexedDB, so memory stays flat) and decides when to stop. Everything it
 * keeps between steps is a key → position map and counters, never the items.
 */
import type { HarvestDirection, SiteDefinition } from './definition';
import { collectItem, type CollectedItem } from './items';
import { PageOrder } from './order';
import { completenessReport, type CompletenessReport, type StopReason } from './report';
import type { HarvestStepArgs, HarvestStepResult, ItemRect, ProfileMode } from './step-types';

/** What the loop needs from a browser: run the in-page step, shoot the viewport, tell the time. */
export interface HarvestDriver<Shot> {
  step(args: HarvestStepArgs): Promise<HarvestStepResult>;
  /** The viewport as it is right after the step (the item rectangles refer to it); null when not taken. */
  screenshot(): Promise<Shot | null>;
  /** Milliseconds since the epoch. */
  now(): number;
}

/** One step's harvest, handed to the sink before the next step starts. */
export interface HarvestBatch<Shot> {
  step: number;
  at: string;
  items: CollectedItem[];
  /** Where every item in the viewport was in this step's screenshot (clips are cut from it). */
  visible: { key: string; rect: ItemRect }[];
  screenshot: Shot | null;
  scroll: HarvestStepResult['scroll'];
  /**
   * The report as it would read if the harvest ended right after this step without a stop
   * ('interrupted'): kept with the staged items, so a harvest whose worker or browser stopped is
   * committed with its counters rather than lost.
   */
  soFar: CompletenessReport;
}

export interface HarvestOptions<Shot> {
  definition: SiteDefinition;
  /** Used when the definition matches nothing (a stale site definition); pass the generic one. */
  fallback: SiteDefinition | null;
  direction?: HarvestDirection;
  maxItems?: number;
  maxMinutes?: number;
  maxSteps?: number;
  /** Stop after this many steps in a row without a new item. */
  noProgressSteps?: number;
  /** Steps in a row at the edge with nothing new before calling it the end. */
  edgeSteps?: number;
  signal?: AbortSignal;
  /**
   * Read the profile header as the first item (issue 15 item 7), on the first step only: 'auto'
   * (the default) when the definition says the URL is a profile page, 'always', or 'never'.
   */
  profile?: ProfileMode;
  sink(batch: HarvestBatch<Shot>): Promise<void>;
  tuning?: Partial<HarvestTuning>;
}

/** The step arguments a caller may tune (how far to scroll, how long to wait, how much to click). */
export type HarvestTuning = Pick<
  HarvestStepArgs,
  'stepFraction' | 'settleMs' | 'maxSettleMs' | 'edgeWaitMs' | 'maxClicks' | 'maxHtmlChars'
>;

export const DEFAULT_TUNING: HarvestTuning = {
  stepFraction: 0.8,
  settleMs: 250,
  maxSettleMs: 4000,
  edgeWaitMs: 1200,
  maxClicks: 60,
  maxHtmlChars: 200_000,
};

/** Runs a harvest to its end or a limit; the items go to the sink, the report comes back. */
export async function runHarvest<Shot>(
  driver: HarvestDriver<Shot>,
  o: HarvestOptions<Shot>,
): Promise<CompletenessReport> {
  const direction = o.direction ?? o.definition.direction;
  const maxItems = o.maxItems ?? Number.POSITIVE_INFINITY;
  const maxMs = (o.maxMinutes ?? Number.POSITIVE_INFINITY) * 60_000;
  const maxSteps = o.maxSteps ?? 100_000;
  const noProgressSteps = o.noProgressSteps ?? 8;
  const edgeSteps = o.edgeSteps ?? 2;
  const started = driver.now();
  const order = new PageOrder(direction);
  const recent: string[][] = [];
  const failures: { key: string; labels: string[] }[] = [];
  const refused = new Set<string>();
  const counters = { items: 0, steps: 0, failures: 0, contentKeyed: 0, htmlTruncated: 0, unsettled: 0 };
  let matched: HarvestStepResult['matched'] = null;
  let stop: StopReason | null = null;
  let detail: string | null = null;
  let idle = 0;
  let edge = 0;

  /** The report with the counters as they are now (the end's, or a step's report so far). */
  const report = (stopReason: StopReason, why: string | null, ended: number): CompletenessReport =>
    completenessReport({
      definition: {
        id: o.definition.id,
        version: o.definition.version,
        matched: matched !== null && matched.definition === o.definition.id,
        usedId: matched?.definition ?? null,
        usedVersion: matched?.version ?? null,
        selector: matched?.selector ?? null,
      },
      direction,
      items: counters.items,
      steps: counters.steps,
      startedAt: new Date(started).toISOString(),
      endedAt: new Date(ended).toISOString(),
      elapsedMs: ended - started,
      stopReason,
      detail: why,
      expansionFailures: [...failures],
      expansionFailureCount: counters.failures,
      refusedControls: [...refused],
      contentKeyed: counters.contentKeyed,
      htmlTruncated: counters.htmlTruncated,
      unsettledSteps: counters.unsettled,
    });

  while (stop === null) {
    if (o.signal?.aborted) stop = 'stopped';
    else if (driver.now() - started >= maxMs) stop = 'max-time';
    else if (counters.steps >= maxSteps) stop = 'max-steps';
    if (stop) break;
    let r: HarvestStepResult;
    let shot: Shot | null;
    try {
      r = await driver.step({
        ...DEFAULT_TUNING,
        ...o.tuning,
        def: o.definition,
        fallback: o.fallback,
        direction,
        scroll: counters.steps > 0,
        seen: recent.flat(),
        profile: counters.steps === 0 ? (o.profile ?? 'auto') : 'never',
      });
      shot = await driver.screenshot();
    } catch (e) {
      stop = 'error';
      detail = e instanceof Error ? e.message : String(e);
      break;
    }
    const step = counters.steps++;
    matched = r.matched ?? matched;
    if (!r.settled) counters.unsettled++;
    for (const label of r.refused) refused.add(label);

    const fresh = r.items.filter((it) => !order.has(it.key));
    // At the item limit keep the fresh items next to those already collected (a thread read upwards
    // keeps the newest of the batch), so the harvest stays one contiguous stretch of the page.
    const room = Math.max(0, maxItems - counters.items);
    const kept = direction === 'down' ? fresh.slice(0, room) : fresh.slice(Math.max(0, fresh.length - room));
    const keptKeys = new Set(kept.map((it) => it.key));
    // Only kept items get a position: the DOM keys of items cut by the limit are left out.
    const positions = order.place(r.keys.filter((k) => order.has(k) || keptKeys.has(k)));
    const at = new Date(driver.now()).toISOString();
    const items: CollectedItem[] = [];
    for (const it of kept) {
      const position = positions.get(it.key);
      if (position === undefined) continue; // a key repeated in the DOM: the first copy was placed
      items.push(await collectItem(it, { seq: counters.items++, position, step, at }));
      if (it.keySource === 'content') counters.contentKeyed++;
      if (it.htmlTruncated) counters.htmlTruncated++;
      if (it.expansionFailed.length > 0) {
        counters.failures++;
        if (failures.length < 500) failures.push({ key: it.key, labels: it.expansionFailed });
      }
    }
    const soFar = report('interrupted', null, driver.now());
    await o.sink({ step, at, items, visible: r.visible, screenshot: shot, scroll: r.scroll, soFar });
    // Only stored keys count as seen: an item the page left for later (not expanded yet) must come back.
    recent.push(r.keys.filter((k) => order.has(k)));
    if (recent.length > 3) recent.shift();

    if (o.signal?.aborted) stop = 'stopped';
    else if (r.blocked) {
      stop = r.blocked.kind === 'login-wall' ? 'login-wall' : 'content-unavailable';
      detail = r.blocked.text;
    } else if (kept.length < fresh.length || counters.items >= maxItems) stop = 'max-items';
    else if (r.mounted === 0 && counters.items === 0 && step >= noProgressSteps - 1) stop = 'no-items';
    else {
      idle = items.length === 0 ? idle + 1 : 0;
      edge = r.atEdge && items.length === 0 ? edge + 1 : 0;
      if (edge >= edgeSteps) stop = direction === 'down' ? 'end-of-feed' : 'start-of-thread';
      else if (idle >= noProgressSteps) stop = 'no-progress';
    }
  }

  return report(stop ?? 'error', detail, driver.now());
}
