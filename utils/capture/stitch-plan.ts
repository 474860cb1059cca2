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

interface TileCopy {
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
  const maxRows = Math.max(1, Math.min(MAX_CANVAS_SIDE, Math.floor(MAX_CANVAS_AREA / Math.max(1, widthPx))));
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
