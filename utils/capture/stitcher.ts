import type { StitchPart } from './stitch-plan';

/**
 * Draws the tiles into one PNG per part with OffscreenCanvas (available in the service worker).
 * Tiles are decoded per part and released after, so memory follows the part, not the page.
 * Always PNG: lossless, never WebP or JPEG for evidence.
 */
export async function stitchParts(parts: StitchPart[], tiles: Uint8Array[], widthPx: number): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (const part of parts) {
    const canvas = new OffscreenCanvas(widthPx, part.height);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('The browser could not create a canvas to stitch the full-page screenshot.');
    for (const c of part.copies) {
      const bmp = await createImageBitmap(new Blob([tiles[c.tile] as BlobPart], { type: 'image/png' }));
      try {
        ctx.drawImage(bmp, 0, c.srcY, widthPx, c.height, 0, c.destY, widthPx, c.height);
      } finally {
        bmp.close();
      }
    }
    const blob = await canvas.convertToBlob({ type: 'image/png' });
    out.push(new Uint8Array(await blob.arrayBuffer()));
  }
  return out;
}
