import { describe, expect, test } from 'vitest';
import { MAX_CANVAS_SIDE, planStitch } from '@/utils/capture/stitch-plan';

describe('planStitch', () => {
  test('tiles that fit exactly are copied whole, end to end', () => {
    const parts = planStitch(
      [
        { scrollY: 0, cssHeight: 800 },
        { scrollY: 800, cssHeight: 800 },
      ],
      1,
      1600,
      1280,
    );
    expect(parts).toEqual([
      {
        top: 0,
        height: 1600,
        copies: [
          { tile: 0, srcY: 0, height: 800, destY: 0 },
          { tile: 1, srcY: 0, height: 800, destY: 800 },
        ],
      },
    ]);
  });

  test('the last tile, clamped by the browser, contributes only its new rows', () => {
    // page 2000 px, viewport 800: tiles at 0, 800 and (clamped) 1200
    const parts = planStitch(
      [
        { scrollY: 0, cssHeight: 800 },
        { scrollY: 800, cssHeight: 800 },
        { scrollY: 1200, cssHeight: 800 },
      ],
      2,
      2000,
      2560,
    );
    expect(parts).toHaveLength(1);
    expect(parts[0]!.height).toBe(4000);
    expect(parts[0]!.copies.at(-1)).toEqual({ tile: 2, srcY: 800, height: 800, destY: 3200 });
    const rows = parts[0]!.copies.reduce((n, c) => n + c.height, 0);
    expect(rows).toBe(4000);
  });

  test('a page taller than the canvas limit gives several parts, each within it, covering every row once', () => {
    const tiles = Array.from({ length: 60 }, (_, i) => ({ scrollY: i * 1000, cssHeight: 1000 }));
    const parts = planStitch(tiles, 1, 60_000, 1280);
    expect(parts.length).toBe(2);
    for (const p of parts) {
      expect(p.height).toBeLessThanOrEqual(MAX_CANVAS_SIDE);
      expect(p.copies.reduce((n, c) => n + c.height, 0)).toBe(p.height);
      for (const c of p.copies) expect(c.destY + c.height).toBeLessThanOrEqual(p.height);
    }
    expect(parts.reduce((n, p) => n + p.height, 0)).toBe(60_000);
  });

  test('a wide page is cut by area, not only by side', () => {
    const parts = planStitch([{ scrollY: 0, cssHeight: 20_000 }], 1, 20_000, 20_000);
    for (const p of parts) expect(p.height * 20_000).toBeLessThanOrEqual(268_435_456);
    expect(parts.length).toBe(2);
  });
});
