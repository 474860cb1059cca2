import { drawnMatches, rowsPerPart, type PartCopy, type StitchPart, type TileCopy } from './stitch-plan';

const decode = (bytes: Uint8Array) => createImageBitmap(new Blob([bytes as BlobPart], { type: 'image/png' }));

function canvas2d(width: number, height: number): { canvas: OffscreenCanvas; ctx: OffscreenCanvasRenderingContext2D } {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('The browser could not create a canvas to stitch the full-page screenshot.');
  // Copies are 1:1 at whole pixels; no smoothing, so a row is the tile's row, bit for bit.
  ctx.imageSmoothingEnabled = false;
  return { canvas, ctx };
}

async function encode(canvas: OffscreenCanvas): Promise<Uint8Array> {
  // Always PNG: lossless, never WebP or JPEG for evidence.
  const blob = await canvas.convertToBlob({ type: 'image/png' });
  return new Uint8Array(await blob.arrayBuffer());
}

/** One part drawn from the tiles, every copy of the plan in order (what the rebuild in capture.json describes). */
async function drawPart(part: StitchPart, tiles: Uint8Array[], widthPx: number): Promise<OffscreenCanvas> {
  const { canvas, ctx } = canvas2d(widthPx, part.height);
  for (const c of part.copies) {
    const bmp = await decode(tiles[c.tile]!);
    try {
      ctx.drawImage(bmp, 0, c.srcY, widthPx, c.height, 0, c.destY, widthPx, c.height);
    } finally {
      bmp.close();
    }
  }
  return canvas;
}

/**
 * Draws the tiles into one PNG per part with OffscreenCanvas (available in the service worker).
 * Tiles are decoded per part and released after, so memory follows the part, not the page.
 */
export async function stitchParts(parts: StitchPart[], tiles: Uint8Array[], widthPx: number): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (const part of parts) out.push(await encode(await drawPart(part, tiles, widthPx)));
  return out;
}

/**
 * Stitching tile by tile while the page is being shot (full-page.ts): each tile is decoded and
 * drawn as soon as it is shot, during the wait for the next shot (the captureVisibleTab quota, or
 * the browser encoding the next rectangle), so only the encoding of the stitched image is left
 * after the last tile. Memory holds the parts' canvases, never the decoded tiles.
 */
export interface TileStitcher {
  /**
   * Draws `copies` of a tile just shot, in the background (returns at once). `estimatedRows`: the
   * page's height in device px as last measured, to size a part's canvas before its last tile.
   */
  add(tile: number, bytes: Uint8Array, copies: PartCopy[], estimatedRows: number): void;
  /**
   * The stitched parts of the final plan, encoded. A part whose drawn copies are not exactly the
   * plan's (the page shrank while shot) or whose drawing failed is drawn again from `tiles`.
   */
  finish(parts: StitchPart[], tiles: Uint8Array[]): Promise<Uint8Array[]>;
}

interface DrawnPart {
  canvas: OffscreenCanvas;
  ctx: OffscreenCanvasRenderingContext2D;
  drawn: TileCopy[];
}

export function openStitcher(widthPx: number): TileStitcher {
  const maxRows = rowsPerPart(widthPx);
  const parts = new Map<number, DrawnPart>();
  const broken = new Set<number>();
  let queue: Promise<void> = Promise.resolve();

  // The part's canvas, at least `rows` tall: sized to the page as measured, grown (copied into a
  // taller canvas) when the page grew while it was shot.
  const partFor = (part: number, rows: number, estimatedRows: number): DrawnPart => {
    const want = Math.max(rows, Math.min(maxRows, estimatedRows - part * maxRows));
    const had = parts.get(part);
    if (had && had.canvas.height >= rows) return had;
    const next = { ...canvas2d(widthPx, want), drawn: had?.drawn ?? [] };
    if (had) next.ctx.drawImage(had.canvas, 0, 0);
    parts.set(part, next);
    return next;
  };

  return {
    add(tile, bytes, copies, estimatedRows) {
      // Decoding starts now (off the worker's thread); drawing keeps the order of the tiles.
      const bitmap = decode(bytes);
      // Its failure is handled in the queue; until then it must not count as unhandled.
      bitmap.catch(() => undefined);
      queue = queue.then(async () => {
        let bmp: ImageBitmap | null = null;
        try {
          bmp = await bitmap;
          for (const { part, copy } of copies) {
            const p = partFor(part, copy.destY + copy.height, estimatedRows);
            p.ctx.drawImage(bmp, 0, copy.srcY, widthPx, copy.height, 0, copy.destY, widthPx, copy.height);
            p.drawn.push(copy);
          }
        } catch {
          // Drawn again from the tiles in finish(): a failure here costs time, never pixels.
          for (const { part } of copies) broken.add(part);
        } finally {
          bmp?.close();
        }
      });
    },
    async finish(plan, tiles) {
      await queue;
      const out: Uint8Array[] = [];
      for (const [i, part] of plan.entries()) {
        const drawn = parts.get(i);
        parts.delete(i);
        let canvas: OffscreenCanvas;
        if (drawn && !broken.has(i) && drawnMatches(drawn.drawn, part)) {
          canvas = drawn.canvas;
          if (canvas.height !== part.height) {
            const exact = canvas2d(widthPx, part.height);
            exact.ctx.drawImage(canvas, 0, 0);
            canvas = exact.canvas;
          }
        } else {
          canvas = await drawPart(part, tiles, widthPx);
        }
        out.push(await encode(canvas));
      }
      parts.clear();
      return out;
    },
  };
}
