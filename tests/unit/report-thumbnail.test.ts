import { inflateSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { THUMBNAIL_MAX_BYTES, ThumbnailError, makeThumbnail, toBase64 } from '@/utils/image/thumbnail';
import { makePng, noisyPng } from './helpers/export-fixture';

/**
 * Thumbnails for report.html, in plain JavaScript: the PNGs are made with Node's zlib (not the
 * code under test), and the thumbnails are read back with Node's zlib too.
 */

/** Decodes an 8-bit RGB, non-interlaced PNG (what makeThumbnail writes) with Node's zlib. */
function readRgb(png: Uint8Array): {
  width: number;
  height: number;
  px: (x: number, y: number) => [number, number, number];
} {
  const b = Buffer.from(png);
  expect(b.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const width = b.readUInt32BE(16);
  const height = b.readUInt32BE(20);
  expect([b[24], b[25], b[28]]).toEqual([8, 2, 0]);
  const idat: Buffer[] = [];
  for (let p = 8; p < b.length;) {
    const len = b.readUInt32BE(p);
    if (b.toString('latin1', p + 4, p + 8) === 'IDAT') idat.push(b.subarray(p + 8, p + 8 + len));
    p += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 3;
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)]!;
    for (let i = 0; i < stride; i++) {
      const x = raw[y * (stride + 1) + 1 + i]!;
      const a = i >= 3 ? out[y * stride + i - 3]! : 0;
      const up = y > 0 ? out[(y - 1) * stride + i]! : 0;
      const c = y > 0 && i >= 3 ? out[(y - 1) * stride + i - 3]! : 0;
      const p = a + up - c;
      const pr =
        Math.abs(p - a) <= Math.abs(p - up) && Math.abs(p - a) <= Math.abs(p - c)
          ? a
          : Math.abs(p - up) <= Math.abs(p - c)
            ? up
            : c;
      out[y * stride + i] = (x + [0, a, up, (a + up) >> 1, pr][f]!) & 0xff;
    }
  }
  return {
    width,
    height,
    px: (x, y) => [out[(y * width + x) * 3]!, out[(y * width + x) * 3 + 1]!, out[(y * width + x) * 3 + 2]!],
  };
}

/** Left half red, right half blue: averages must keep the halves apart. */
const halves =
  (width: number) =>
  (x: number): [number, number, number, number] =>
    x < width / 2 ? [255, 0, 0, 255] : [0, 0, 255, 255];

describe('makeThumbnail', () => {
  test('shrinks a screenshot to at most 320 px and keeps its colours (RGBA, all five row filters)', async () => {
    const png = makePng({ width: 1280, height: 800, colorType: 6, cycleFilters: true, pixel: (x) => halves(1280)(x) });
    const t = await makeThumbnail(png);
    expect([t.width, t.height]).toEqual([320, 200]);
    const img = readRgb(t.png);
    expect([img.width, img.height]).toEqual([320, 200]);
    expect(img.px(10, 10)).toEqual([255, 0, 0]);
    expect(img.px(310, 190)).toEqual([0, 0, 255]);
    expect(t.png.length).toBeLessThan(THUMBNAIL_MAX_BYTES);
  });

  test.each([
    [
      'grey',
      { colorType: 0 as const, pixel: () => [200, 0, 0, 255] as [number, number, number, number] },
      [200, 200, 200],
    ],
    [
      'grey + alpha (transparent on white)',
      { colorType: 4 as const, pixel: () => [0, 0, 0, 0] as [number, number, number, number] },
      [255, 255, 255],
    ],
    [
      'RGB',
      { colorType: 2 as const, pixel: () => [10, 20, 30, 255] as [number, number, number, number] },
      [10, 20, 30],
    ],
    [
      'RGBA half transparent black',
      { colorType: 6 as const, pixel: () => [0, 0, 0, 128] as [number, number, number, number] },
      [127, 127, 127],
    ],
    [
      '16-bit RGB',
      {
        colorType: 2 as const,
        bitDepth: 16 as const,
        pixel: () => [10, 20, 30, 255] as [number, number, number, number],
      },
      [10, 20, 30],
    ],
    [
      'palette',
      {
        colorType: 3 as const,
        palette: [
          [0, 0, 0],
          [1, 200, 3],
        ] as [number, number, number][],
        pixel: () => [1, 0, 0, 255] as [number, number, number, number],
      },
      [1, 200, 3],
    ],
  ])('reads %s PNGs', async (_name, spec, rgb) => {
    const t = await makeThumbnail(makePng({ width: 700, height: 90, cycleFilters: true, ...spec }));
    expect([t.width, t.height]).toEqual([234, 30]); // factor 3, edges rounded up
    expect(readRgb(t.png).px(100, 10)).toEqual(rgb);
  });

  test('small images are kept at their size; tall ones are bounded by their height', async () => {
    expect(await makeThumbnail(makePng({ width: 40, height: 30, pixel: () => [1, 2, 3, 255] }))).toMatchObject({
      width: 40,
      height: 30,
    });
    expect(await makeThumbnail(makePng({ width: 400, height: 2000, pixel: () => [1, 2, 3, 255] }))).toMatchObject({
      width: 58,
      height: 286,
    });
  });

  test('the same input gives the same bytes (the export is reproducible)', async () => {
    const png = noisyPng(640, 400, 3);
    expect(Buffer.from((await makeThumbnail(png)).png).equals(Buffer.from((await makeThumbnail(png)).png))).toBe(true);
  });

  test('noise that does not fit the byte budget is shrunk further until it does', async () => {
    const t = await makeThumbnail(noisyPng(640, 640, 5), { maxBytes: 20_000 });
    expect(t.png.length).toBeLessThanOrEqual(20_000);
    expect(t.width).toBeLessThan(320);
  });

  test.each([
    ['not a PNG', new TextEncoder().encode('GIF89a...')],
    ['a truncated PNG', makePng({ width: 10, height: 10, pixel: () => [0, 0, 0, 255] }).slice(0, 40)],
    ['an interlaced PNG', makePng({ width: 10, height: 10, interlace: true, pixel: () => [0, 0, 0, 255] })],
    [
      'damaged image data',
      (() => {
        const p = makePng({ width: 50, height: 50, pixel: (x) => [x, 0, 0, 255] });
        p[60] = p[60]! ^ 0xff;
        return p;
      })(),
    ],
  ])('refuses %s with a ThumbnailError (the report then links the file)', async (_name, bytes) => {
    await expect(makeThumbnail(bytes)).rejects.toThrow(ThumbnailError);
  });

  test('toBase64 is standard padded base64', () => {
    for (const n of [0, 1, 2, 3, 4, 5, 100]) {
      const b = Uint8Array.from({ length: n }, (_, i) => (i * 37) & 0xff);
      expect(toBase64(b)).toBe(Buffer.from(b).toString('base64'));
    }
  });
});
