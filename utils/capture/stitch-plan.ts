/**
 * Where each screenshot tile goes in the stitched full-page image, and how the page is cut into
 * parts when it is taller than a canvas can hold. Pure arithmetic, unit-tested; the pixels are
 * moved by the stitcher.
 */

/** Browser canvas limits (Chromium): 32,767 px per side and 268,435,456 px in area. */
export const MAX_CANVAS_SIDE = 32_767;
export const MAX_CANVAS_AREA = 268_435_456;

export interface TileShot {
  /** Scroll position (CSS px) the tile was taken at, as the page reported it. */
  scrollY: number;
  /** Tile height in CSS px (the viewport height). */
  cssHeight: number;
}

export interface TileCopy {
  tile: number;
  /** Source rows in the tile image (device px). */
  srcY: number;
  height: number;
  /** Destination row in the part (device px). */
  destY: number;
}

export interface StitchPart {
  /** Rows of the whole page (device px) this part covers. */
  top: number;
  height: number;
  copies: TileCopy[];
}

/**
 * @param tiles tiles in the order taken (scrollY ascending)
 * @param scale device px per CSS px (tile image height / viewport height)
 * @param pageCssHeight full page height covered by the tiles (CSS px)
 * @param widthPx image width in device px
 */
export function planStitch(tiles: TileShot[], scale: number, pageCssHeight: number, widthPx: number): StitchPart[] {
  if (!tiles.length) return [];
  const totalPx = Math.round(pageCssHeight * scale);
  // Each page row comes from the first tile that shows it (later tiles overlap at the end).
  const spans: { tile: number; from: number; to: number }[] = [];
  let covered = 0;
  tiles.forEach((t, i) => {
    const top = Math.round(t.scrollY * scale);
    const bottom = Math.min(totalPx, Math.round((t.scrollY + t.cssHeight) * scale));
    const from = Math.max(top, covered);
    if (bottom > from) {
      spans.push({ tile: i, from, to: bottom });
      covered = bottom;
    }
  });
  const maxRows = rowsPerPart(widthPx);
  const parts: StitchPart[] = [];
  for (let top = 0; top < covered; top += maxRows) {
    const end = Math.min(covered, top + maxRows);
    const copies: TileCopy[] = [];
    for (const s of spans) {
      const from = Math.max(s.from, top);
      const to = Math.min(s.to, end);
      if (to <= from) continue;
      const tileTop = Math.round(tiles[s.tile]!.scrollY * scale);
      copies.push({ tile: s.tile, srcY: from - tileTop, height: to - from, destY: from - top });
    }
    parts.push({ top, height: end - top, copies });
  }
  return parts;
}

/** Most rows of one stitched part (device px) for an image `widthPx` wide: the canvas limits. */
export function rowsPerPart(widthPx: number): number {
  return Math.max(1, Math.min(MAX_CANVAS_SIDE, Math.floor(MAX_CANVAS_AREA / Math.max(1, widthPx))));
}

/** One copy of a tile into a part, drawn as soon as the tile is shot (see TileStitcher). */
export interface PartCopy {
  part: number;
  copy: TileCopy;
}

/** The copies of tile `tile` in a plan: what to draw when that tile arrives. */
export function copiesOfTile(plan: StitchPart[], tile: number): PartCopy[] {
  return plan.flatMap((p, part) => p.copies.filter((c) => c.tile === tile).map((copy) => ({ part, copy })));
}

/**
 * Whether copies drawn tile by tile while shooting (each from the plan of the tiles shot so far)
 * made exactly the part the final plan describes. They usually do: a tile's rows do not depend
 * on the tiles after it. They do not when the page shrank while it was shot (the final height
 * cuts rows an earlier plan gave a tile): drawn rows past the part's final height are cut off,
 * and any other difference means the part must be drawn again from the tiles.
 */
export function drawnMatches(drawn: TileCopy[], part: StitchPart): boolean {
  const cut = drawn
    .map((c) => ({ ...c, height: Math.min(c.height, part.height - c.destY) }))
    .filter((c) => c.height > 0)
    .sort((a, b) => a.destY - b.destY);
  const want = [...part.copies].sort((a, b) => a.destY - b.destY);
  return (
    cut.length === want.length &&
    cut.every((c, i) => {
      const w = want[i]!;
      return c.tile === w.tile && c.srcY === w.srcY && c.height === w.height && c.destY === w.destY;
    })
  );
}
