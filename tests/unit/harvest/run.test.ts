/** The harvest loop (issue 15) with a scripted driver: limits, stop reasons, batches, the report. */
import { describe, expect, it } from 'vitest';
import { runHarvest, type HarvestBatch, type HarvestDriver } from '../../../utils/harvest/run';
import { facebook } from '../../../utils/harvest/sites/facebook';
import { generic } from '../../../utils/harvest/sites/generic';
import type { HarvestStepArgs, HarvestStepResult, PageItem } from '../../../utils/harvest/step-types';
import { pageItem } from './page-item';

/** A page of `total` items showing a window of `size`, moving `move` items per step (by direction). */
function scripted(total: number, o: { size?: number; move?: number; wallAt?: number; failAt?: number } = {}) {
  const size = o.size ?? 5,
    move = o.move ?? 3;
  let start = 0;
  let t = 1_000_000;
  const calls: HarvestStepArgs[] = [];
  const driver: HarvestDriver<string> = {
    async step(args) {
      calls.push(args);
      if (o.failAt !== undefined && calls.length > o.failAt) throw new Error('tab closed');
      const before = start;
      if (args.scroll) start = Math.min(Math.max(0, total - size), start + move);
      const keys = Array.from({ length: Math.min(size, total) }, (_, i) => `k${start + i}`);
      const seen = new Set(args.seen);
      const items: PageItem[] = keys.filter((k) => !seen.has(k)).map((k) => pageItem(k));
      const r: HarvestStepResult = {
        items,
        keys,
        visible: [],
        mounted: keys.length,
        clicks: 0,
        refused: [],
        settled: true,
        elapsedMs: 1,
        matched: { definition: args.def.id, version: args.def.version, selector: 'x', generic: false },
        scroll: { pane: 'window', before, after: start, height: 1000, viewport: 100 },
        atEdge: args.scroll && before === start,
        blocked:
          o.wallAt !== undefined && start >= o.wallAt ? { kind: 'login-wall', text: 'Log in to see more' } : null,
      };
      return r;
    },
    screenshot: async () => `shot${calls.length}`,
    now: () => (t += 1000),
  };
  return { driver, calls };
}

async function run(d: ReturnType<typeof scripted>, extra: Partial<Parameters<typeof runHarvest<string>>[1]> = {}) {
  const batches: HarvestBatch<string>[] = [];
  const report = await runHarvest(d.driver, {
    definition: facebook,
    fallback: generic,
    sink: async (b) => void batches.push(b),
    ...extra,
  });
  return { report, batches, keys: batches.flatMap((b) => b.items.map((c) => c.item.key)) };
}

describe('runHarvest', () => {
  it('collects every item once to the end, in batches with their screenshot; the harvest is complete', async () => {
    const d = scripted(20);
    const { report, batches, keys } = await run(d);
    expect(keys).toEqual(Array.from({ length: 20 }, (_, i) => `k${i}`));
    expect(report).toMatchObject({ stopReason: 'end-of-feed', complete: true, items: 20, mayBeMissing: [] });
    expect(report.definition).toMatchObject({ id: 'facebook', version: facebook.version, matched: true });
    expect(batches[0]?.screenshot).toBe('shot1');
    expect(d.calls[0]?.scroll).toBe(false); // the first step reads where the user left the page
    expect(d.calls[1]?.scroll).toBe(true);
    expect(batches.flatMap((b) => b.items.map((c) => c.item.seq))).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('stops at the item limit', async () => {
    const { report, keys } = await run(scripted(50), { maxItems: 12 });
    expect(keys).toHaveLength(12);
    expect(report.stopReason).toBe('max-items');
    expect(report.mayBeMissing[0]).toMatch(/item limit/);
  });

  it('stops at the time limit (the driver clock), keeping what was collected', async () => {
    const { report, keys } = await run(scripted(500), { maxMinutes: 0.2 });
    expect(report.stopReason).toBe('max-time');
    expect(keys.length).toBeGreaterThan(0);
    expect(report.items).toBe(keys.length);
  });

  it('Stop (abort signal) keeps the batches already handed over', async () => {
    const stop = new AbortController();
    const { report, keys } = await run(scripted(500), {
      signal: stop.signal,
      sink: async (b) => {
        if (b.step === 3) stop.abort();
      },
    });
    expect(report.stopReason).toBe('stopped');
    expect(keys).toEqual([]); // the override sink kept nothing; the loop stopped right after step 3
    expect(report.steps).toBe(4);
    expect(report.items).toBe(5 + 3 * 3);
  });

  it('a login wall stops the harvest with its text, after storing the items in view', async () => {
    const { report, keys } = await run(scripted(100), { maxItems: 1000 });
    expect(report.stopReason).toBe('end-of-feed');
    const walled = await run(scripted(100, { wallAt: 9 }));
    expect(walled.report).toMatchObject({ stopReason: 'login-wall', detail: 'Log in to see more', complete: false });
    expect(walled.keys.at(-1)).toBe('k13');
    expect(keys.length).toBe(100);
  });

  it('no new items for N steps is "no progress", not the end', async () => {
    const { report } = await run(scripted(30, { move: 0 }), { noProgressSteps: 4, edgeSteps: 100 });
    expect(report.stopReason).toBe('no-progress');
    expect(report.steps).toBe(5);
  });

  it('an error ends the harvest as partial with the message', async () => {
    const { report, keys } = await run(scripted(100, { failAt: 3 }));
    expect(report).toMatchObject({ stopReason: 'error', detail: 'tab closed', complete: false });
    expect(keys.length).toBe(5 + 2 * 3);
  });

  it('an item the page leaves for later (shown but not returned) is not treated as seen, and comes back', async () => {
    const d = scripted(20, { move: 1 }); // k2 stays mounted for the next step
    const step = d.driver.step.bind(d.driver);
    let held = false;
    d.driver.step = async (args) => {
      const r = await step(args);
      if (!held && r.items.some((i) => i.key === 'k2')) {
        held = true;
        return { ...r, items: r.items.filter((i) => i.key !== 'k2') };
      }
      return r;
    };
    const { keys, report } = await run(d);
    expect(held).toBe(true);
    expect([...keys].sort()).toEqual(Array.from({ length: 20 }, (_, i) => `k${i}`).sort());
    expect(report.stopReason).toBe('end-of-feed');
  });

  it('passes only recent keys to the page (a bounded window, not the whole harvest)', async () => {
    const d = scripted(200);
    await run(d);
    expect(Math.max(...d.calls.map((c) => c.seen.length))).toBeLessThanOrEqual(15);
  });

  it('each batch carries the report as it would read if the harvest ended there (interrupted)', async () => {
    const { report, batches } = await run(scripted(20, { wallAt: 9 }));
    expect(batches.length).toBeGreaterThan(2);
    let items = 0;
    for (const b of batches) {
      items += b.items.length;
      expect(b.soFar).toMatchObject({ stopReason: 'interrupted', complete: false, items, steps: b.step + 1 });
      expect(b.soFar.mayBeMissing[0]).toMatch(/stopped during the harvest.*kept/);
    }
    // The last batch's counters are the end report's, only the reason differs.
    const last = batches.at(-1)!.soFar;
    expect({ ...last, stopReason: report.stopReason, detail: report.detail }).toMatchObject({
      ...report,
      complete: false,
      mayBeMissing: expect.any(Array),
      endedAt: expect.any(String),
      elapsedMs: expect.any(Number),
    });
    expect(report.stopReason).toBe('login-wall');
  });
});
