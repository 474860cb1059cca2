// @vitest-environment happy-dom
import { describe, expect, test, vi } from 'vitest';
import { readPage, SCAN_LINKS_MAX, SCAN_TEXT_MAX, selectorsOf } from '@/utils/watch/scan';
import {
  followNavigation,
  RESCAN_DEBOUNCE_MS,
  RESCAN_MAX,
  RESCAN_WINDOW_MS,
  startScanLoop,
  type ScanLoopDeps,
} from '@/utils/watch/scan-loop';
import type { SeenSelector } from '@/utils/watch/types';

describe('reading a page', () => {
  test('visible text and absolute link targets; selectors found locally, kind and value only', () => {
    document.body.innerHTML =
      '<p>Tél / WhatsApp : +33 6.12.34.56.78 ; </p><a href="https://t.me/karim_logement13">tg </a><a href="mailto:Karim@Example.com">m</a>';
    const page = readPage(document);
    expect(page.links).toEqual(['https://t.me/karim_logement13', 'mailto:Karim@Example.com']);
    expect(selectorsOf(page, 'FR')).toEqual([
      { kind: 'phone', value: '+33612345678' },
      { kind: 'handle', value: 'telegram:karim_logement13' },
      { kind: 'email', value: 'karim@example.com' },
    ]);
  });

  test('text and links are bounded', () => {
    document.body.innerHTML = `<p>${'x'.repeat(SCAN_TEXT_MAX + 10)}</p>${Array.from({ length: SCAN_LINKS_MAX + 5 }, (_, i) => `<a href="https://a.example/${i}">a</a>`).join('')}`;
    const page = readPage(document);
    expect(page.text.length).toBe(SCAN_TEXT_MAX);
    expect(page.truncated).toBe(true);
    expect(page.links).toHaveLength(SCAN_LINKS_MAX);
  });
});

function loop(scans: SeenSelector[][], opts: { slowMs?: number } = {}) {
  vi.useFakeTimers();
  let t = 0;
  let onChange: (() => void) | null = null;
  let i = 0;
  const reports: SeenSelector[][] = [];
  const deps: ScanLoopDeps = {
    scan: () => {
      if (opts.slowMs) t += opts.slowMs;
      return scans[Math.min(i++, scans.length - 1)]!;
    },
    report: async (s) => void reports.push(s),
    observe: (f) => {
      onChange = f;
      return () => (onChange = null);
    },
    now: () => t,
    setTimeout: (f, ms) => setTimeout(f, ms),
    clearTimeout: (x) => clearTimeout(x as ReturnType<typeof setTimeout>),
  };
  const stats = startScanLoop(deps);
  return {
    stats,
    reports,
    change: () => onChange?.(),
    advance: (ms: number) => {
      t += ms;
      vi.advanceTimersByTime(ms);
    },
  };
}

const P = { kind: 'phone', value: '+33612345678' } as const;
const E = { kind: 'email', value: 'a@b.example' } as const;

describe('the scan schedule', () => {
  test('scans at start, re-scans after DOM changes (debounced), and reports only new selectors', () => {
    const l = loop([[P], [P, E], [P, E]]);
    expect(l.reports).toEqual([[P]]);
    for (let k = 0; k < 10; k++) {
      l.change();
      l.advance(100);
    }
    expect(l.stats.scans).toBe(1); // still changing: debounced
    l.advance(RESCAN_DEBOUNCE_MS);
    expect(l.stats.scans).toBe(2);
    expect(l.reports).toEqual([[P], [E]]);
    l.change();
    l.advance(RESCAN_DEBOUNCE_MS);
    expect(l.stats.scans).toBe(3);
    expect(l.reports).toHaveLength(2); // nothing new: nothing sent
    vi.useRealTimers();
  });

  test('at most RESCAN_MAX re-scans', () => {
    const l = loop([[P]]);
    for (let k = 0; k < RESCAN_MAX + 5; k++) {
      l.change();
      l.advance(RESCAN_DEBOUNCE_MS);
    }
    expect(l.stats.scans).toBe(1 + RESCAN_MAX);
    expect(l.stats.stopped).toBe(true);
    vi.useRealTimers();
  });

  test('no re-scan after the window', () => {
    const l = loop([[P]]);
    l.advance(RESCAN_WINDOW_MS + 1);
    l.change();
    l.advance(RESCAN_DEBOUNCE_MS);
    expect(l.stats.scans).toBe(1);
    expect(l.stats.stopped).toBe(true);
    vi.useRealTimers();
  });

  test('a slow first scan (huge page) is the only one', () => {
    const l = loop([[P]], { slowMs: 800 });
    l.change();
    l.advance(RESCAN_DEBOUNCE_MS);
    expect(l.stats.scans).toBe(1);
    expect(l.stats.stopped).toBe(true);
    vi.useRealTimers();
  });
});

describe('single-page sites (history.pushState)', () => {
  test('a new address starts a new loop and ends the old one; a new fragment or an unchanged address does not', () => {
    let href = 'https://ads.example/post/1';
    let onChange = () => {};
    const loops: { stopped: number }[] = [];
    const stopAll = followNavigation({
      href: () => href,
      observe: (f) => {
        onChange = f;
        return () => (onChange = () => {});
      },
      start: () => {
        const l = { stopped: 0 };
        loops.push(l);
        return { scans: 0, lastScanMs: 0, reported: 0, stopped: false, stop: () => void l.stopped++ };
      },
    });
    expect(loops).toHaveLength(1);
    onChange(); // DOM changed, same address
    href = 'https://ads.example/post/1#photo-2';
    onChange(); // same post, another photo
    expect(loops).toHaveLength(1);
    href = 'https://ads.example/post/2';
    onChange();
    expect(loops).toHaveLength(2);
    expect(loops[0]!.stopped).toBe(1);
    stopAll();
    expect(loops[1]!.stopped).toBe(1);
    href = 'https://ads.example/post/3';
    onChange(); // no longer observed
    expect(loops).toHaveLength(2);
  });
});
