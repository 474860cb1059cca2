import { describe, expect, test } from 'vitest';
import { copiesOfTile, drawnMatches, MAX_CANVAS_SIDE, planStitch, rowsPerPart } from '@/utils/capture/stitch-plan';

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

describe('stitching tile by tile (issue 22)', () => {
  const shots = [0, 800, 1600, 1700].map((scrollY) => ({ scrollY, cssHeight: 800 }));

  test("each tile's copies from the plan of the tiles shot so far are the final plan's, tile by tile", () => {
    const final = planStitch(shots, 1, 2500, 1280);
    const drawn = shots.flatMap((_, i) =>
      copiesOfTile(planStitch(shots.slice(0, i + 1), 1, shots[i]!.scrollY + 800, 1280), i).map((c) => c.copy),
    );
    expect(drawnMatches(drawn, final[0]!)).toBe(true);
    expect(copiesOfTile(final, 3)).toEqual([{ part: 0, copy: { tile: 3, srcY: 700, height: 100, destY: 2400 } }]);
  });

  test('rows drawn past the final height are cut off; any other difference is refused', () => {
    const final = planStitch(shots.slice(0, 2), 1, 1500, 1280)[0]!; // the page shrank to 1,500 px
    const drawn = [
      { tile: 0, srcY: 0, height: 800, destY: 0 },
      { tile: 1, srcY: 0, height: 800, destY: 800 },
    ];
    expect(drawnMatches(drawn, final)).toBe(true);
    expect(drawnMatches(drawn.slice(0, 1), final)).toBe(false);
    expect(drawnMatches([drawn[0]!, { ...drawn[1]!, srcY: 10 }], final)).toBe(false);
  });

  test('a copy across a part boundary is drawn into both parts', () => {
    const wide = 20_000; // 13,421 rows per part
    const rows = rowsPerPart(wide);
    const plan = planStitch(
      [0, 10_000].map((scrollY) => ({ scrollY, cssHeight: 10_000 })),
      1,
      20_000,
      wide,
    );
    expect(copiesOfTile(plan, 1).map((c) => [c.part, c.copy.destY, c.copy.height])).toEqual([
      [0, 10_000, rows - 10_000],
      [1, 0, 20_000 - rows],
    ]);
  });
});
