// @vitest-environment happy-dom
import { describe, expect, test } from 'vitest';
import { DEFAULT_SNAPSHOT_LIMITS, snapshotPage } from '@/utils/capture/page-snapshot';
import { isPageSnapshot } from '@/utils/capture/snapshot-shape';
import { limitationsFor } from '@/utils/capture/limitations';

/**
 * The size and time budgets of the page snapshot, on a happy-dom document with a controlled
 * clock. The real-browser proofs (a huge page gives a partial result, not a hang) are in
 * tests/e2e/security.test.ts.
 */
function page(rows: number): Document {
  document.documentElement.innerHTML =
    '<head><title>Ad</title></head><body>' +
    Array.from(
      { length: rows },
      (_, i) =>
        `<div><img src="/p${i}.jpg"><a href="tel:+3361234${String(i).padStart(4, '0')}">call</a> Annonce ${i}</div>`,
    ).join('') +
    '</body>';
  return document;
}

const COV = { fullPage: 'done', pageCopy: 'done', mhtml: 'done', network: 'done' } as const;

describe('snapshot budgets', () => {
  test('within budget: whole, nothing cut, passes the shape check', () => {
    const s = snapshotPage('n', page(50), window, null);
    expect(s.budget.cut).toEqual([]);
    expect(s.budget.domTruncatedFrom).toBeNull();
    expect(s.textMethod).toBe('innerText');
    expect(s.media.length).toBe(50);
    expect(s.links.length).toBe(50);
    expect(isPageSnapshot(s)).toBe(true);
    expect(limitationsFor(s, COV).join(' ')).not.toMatch(/budget|truncated/);
  });

  test('a clock that runs out mid-walk stops the walks, reads text the cheap way and says so', () => {
    // Each reading of the clock advances it by 1 s; the budget is 5 s.
    let t = 0;
    const now = () => (t += 1000);
    const s = snapshotPage('n', page(3000), window, null, now, { ...DEFAULT_SNAPSHOT_LIMITS, budgetMs: 5000 });
    expect(s.budget.cut).toEqual(expect.arrayContaining(['shadow-roots', 'visible-text', 'media', 'links']));
    expect(s.textMethod).toBe('textContent');
    expect(s.media.length).toBeLessThan(3000);
    expect(s.mediaTruncated).toBe(3000 - s.media.length);
    expect(s.links.length).toBeLessThan(3000);
    expect(s.domHtml).toContain('Annonce 2999'); // serialising is not cut: dom.html stays whole
    expect(isPageSnapshot(s)).toBe(true);
    const lim = limitationsFor(s, COV).join('\n');
    expect(lim).toMatch(/time budget/);
    expect(lim).toMatch(/textContent/);
    expect(lim).toMatch(/link targets/);
  });

  test('dom.html and text.txt beyond their caps are truncated, with the full length in the limitation', () => {
    const s = snapshotPage('n', page(400), window, null, Date.now, {
      budgetMs: 60_000,
      maxDomChars: 5000,
      maxTextChars: 1000,
    });
    expect(s.domHtml.length).toBe(5000);
    expect(s.text.length).toBe(1000);
    expect(s.budget.domTruncatedFrom).toBeGreaterThan(5000);
    expect(s.budget.textTruncatedFrom).toBeGreaterThan(1000);
    const lim = limitationsFor(s, COV).join('\n');
    expect(lim).toMatch(/dom\.html is truncated/);
    expect(lim).toMatch(/text\.txt is truncated/);
  });

  test('a cap never splits a surrogate pair', () => {
    document.documentElement.innerHTML = '<body>' + 'x' + '📞'.repeat(100) + '</body>';
    const s = snapshotPage('n', document, window, null, Date.now, {
      budgetMs: 60_000,
      maxDomChars: 1_000_000,
      maxTextChars: 10,
    });
    expect(s.text).toBe('x' + '📞'.repeat(4)); // 9 code units: the 10th would be half an emoji
  });

  test('the shape check refuses a snapshot without its budget report or with an unknown step', () => {
    const s = snapshotPage('n', page(2), window, null);
    expect(isPageSnapshot({ ...s, budget: undefined })).toBe(false);
    expect(isPageSnapshot({ ...s, budget: { ...s.budget, cut: ['everything'] } })).toBe(false);
    expect(isPageSnapshot({ ...s, textMethod: 'outerText' })).toBe(false);
  });
});
