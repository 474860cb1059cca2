/**
 * The in-page harvest step is handed to scripting.executeScript({ func }), which serialises its
 * source: it must close over nothing. Evaluate its toString() in an empty scope and run it on a
 * happy-dom page (issue 13's convention for every injected function; issue 15's step).
 */
// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { harvestStep } from '../../../utils/capture/in-page/harvest-step';
import { DEFAULT_TUNING } from '../../../utils/harvest/run';
import { generic } from '../../../utils/harvest/sites/generic';
import type { HarvestStepArgs, HarvestStepResult } from '../../../utils/harvest/step-types';

describe('harvestStep is self-contained', () => {
  it('runs from its source text alone, in an empty scope', async () => {
    const src = harvestStep.toString();
    expect(src).not.toMatch(/__name|__vite|import\(/);
    type Step = (a: HarvestStepArgs) => Promise<HarvestStepResult>;
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- rebuilding from source text is the test
    const rebuilt = new Function(`"use strict"; return (${src});`)() as Step;
    document.body.innerHTML = `<div role="feed">
      <div role="article" aria-posinset="1"><h3><a href="/u/a">A</a></h3>
        <a href="/posts/1/"><time datetime="2026-01-01T00:00:00Z">1 Jan</time></a>
        <div data-ad-preview="message" dir="auto">Hello <br>world</div></div>
      <div role="article" aria-posinset="2"><div data-ad-preview="message">\u202bمرحبا\u202c</div></div></div>`;
    const r = await rebuilt({
      ...DEFAULT_TUNING,
      settleMs: 20,
      maxSettleMs: 200,
      def: generic,
      fallback: null,
      direction: 'down',
      scroll: false,
      seen: [],
    });
    expect(r.items.map((i) => i.key)).toEqual([`url:${new URL('/posts/1/', location.href).href}`, 'pos:2']);
    expect(r.items[0]?.text).toBe('Hello \nworld');
    expect(r.items[0]?.time).toEqual({ shown: '1 Jan', machine: '2026-01-01T00:00:00Z', source: 'datetime' });
    expect(r.items[1]?.text).toBe('\u202bمرحبا\u202c');
  });
});
