import { describe, expect, test } from 'vitest';
import { utf8 } from '@/utils/evidence/hash';
import type { BagFile } from '@/utils/evidence/types';
import { MAX_ZIP_BYTES, MAX_ZIP_ENTRIES, writeBag } from '@/utils/package/bag-writer';
import {
  DEFAULT_MAX_PART_BYTES,
  DEFAULT_MAX_PART_ENTRIES,
  DEFLATE_FILE_CONSTANT,
  ZIP_END_BYTES,
  deflatePieceBound,
  planParts,
  resolveCeiling,
  zipDataBound,
  zipEntryOverhead,
  type Cost,
} from '@/utils/package/split';
import { bagInput, withBytes } from './helpers/bag-fixture';
import { noise } from './helpers/export-fixture';
import { createTestSigner } from './helpers/signer';

/** The part planner and the ZIP size model it relies on. */

describe('resolveCeiling', () => {
  test('defaults: 1 GiB and 50,000 entries, under the ZIP limits', () => {
    expect(resolveCeiling()).toEqual({
      maxPartBytes: DEFAULT_MAX_PART_BYTES,
      maxPartEntries: DEFAULT_MAX_PART_ENTRIES,
    });
    expect(DEFAULT_MAX_PART_BYTES).toBe(1024 ** 3);
    expect(DEFAULT_MAX_PART_ENTRIES).toBe(50_000);
  });

  test.each([
    [{ maxPartBytes: 0 }, /whole number of bytes/],
    [{ maxPartBytes: -5 }, /whole number of bytes/],
    [{ maxPartBytes: 2.5 }, /whole number of bytes/],
    [{ maxPartBytes: MAX_ZIP_BYTES }, /4 GiB/],
    [{ maxPartEntries: MAX_ZIP_ENTRIES }, /150,000 entries/],
    [{ maxPartEntries: 0 }, /whole number/],
  ])('refuses %j', (given, message) => {
    expect(() => resolveCeiling(given)).toThrow(message);
  });

  test('accepts the largest values below the ZIP limits', () => {
    expect(resolveCeiling({ maxPartBytes: MAX_ZIP_BYTES - 1, maxPartEntries: MAX_ZIP_ENTRIES - 1 })).toEqual({
      maxPartBytes: MAX_ZIP_BYTES - 1,
      maxPartEntries: MAX_ZIP_ENTRIES - 1,
    });
  });
});

describe('planParts', () => {
  const cost = (bytes: number, entries = 1): Cost => ({ bytes, entries });
  const sizes = (plan: { items: number[] }[]) => plan.map((p) => p.items);

  test('packs in order, starting a new part when the next item would cross the ceiling', () => {
    const plan = planParts(
      [40, 30, 20, 50, 10],
      (b) => cost(b),
      () => cost(10),
      { maxPartBytes: 100, maxPartEntries: 100 },
    );
    expect(sizes(plan)).toEqual([
      [40, 30, 20],
      [50, 10],
    ]);
    expect(plan.map((p) => p.cost.bytes)).toEqual([100, 70]);
    expect(plan.every((p) => !p.oversize)).toBe(true);
  });

  test('an item over the ceiling alone goes alone, flagged oversize; its neighbours are not dragged in', () => {
    const plan = planParts(
      [10, 500, 10, 10],
      (b) => cost(b),
      () => cost(10),
      { maxPartBytes: 100, maxPartEntries: 100 },
    );
    expect(sizes(plan)).toEqual([[10], [500], [10, 10]]);
    expect(plan.map((p) => p.oversize)).toEqual([false, true, false]);
  });

  test('the entry ceiling splits too', () => {
    const plan = planParts(
      [1, 1, 1, 1, 1],
      () => cost(1, 4),
      () => cost(0, 5),
      { maxPartBytes: 1e9, maxPartEntries: 13 },
    );
    expect(plan.map((p) => p.items.length)).toEqual([2, 2, 1]);
  });

  test('no items: one empty part', () => {
    expect(
      sizes(
        planParts(
          [],
          () => cost(1),
          () => cost(10),
          { maxPartBytes: 100, maxPartEntries: 100 },
        ),
      ),
    ).toEqual([[]]);
  });

  test('a fixed cost that grows with the number of parts settles on a consistent plan', () => {
    // Each part lists every part (like case.json): 20 bytes per part.
    const fixed = (n: number) => cost(20 * n);
    const plan = planParts(Array(10).fill(30), (b) => cost(b), fixed, { maxPartBytes: 200, maxPartEntries: 100 });
    const n = plan.length;
    for (const p of plan) {
      expect(p.cost.bytes).toBeLessThanOrEqual(200);
      expect(p.cost.bytes).toBe(20 * n + 30 * p.items.length); // charged for the final n
    }
    expect(plan.flatMap((p) => p.items)).toHaveLength(10);
  });
});

describe('ZIP size model (what the planner assumes about the writer)', () => {
  test('bounds real writeBag output for incompressible, compressible and stored files', async () => {
    const t = await createTestSigner();
    const payload: BagFile[] = [
      { path: 'data/a/noise.txt', bytes: noise(70_000, 1) }, // DEFLATE's worst case
      { path: 'data/a/text.html', bytes: utf8('<p>evidence</p>'.repeat(5000)) },
      { path: 'data/a/shot.png', bytes: noise(50_000, 2) }, // STOREd
      { path: 'data/empty.txt', bytes: new Uint8Array() },
    ];
    const input = bagInput(t.signer, { payload });
    const out = await withBytes(await writeBag(input));
    // Files the writer adds: model them from what it actually wrote.
    const { default: JSZip } = await import('jszip');
    const z = await JSZip.loadAsync(out.zip);
    let bound = ZIP_END_BYTES;
    let stored = 0;
    for (const f of Object.values(z.files)) {
      bound += zipEntryOverhead(f.name.length);
      if (!f.dir) {
        const bytes = (await f.async('uint8array')).length;
        bound += zipDataBound(f.name, bytes);
        stored += bytes;
      }
    }
    expect(out.zip.length).toBeLessThanOrEqual(bound);
    // Tight enough to be useful: the only slack is what compressible files saved, plus the
    // per-file constants (the noise and the PNG cost what the model says, to a few bytes).
    const compressible = stored - 70_000 - 50_000;
    expect(bound - out.zip.length).toBeLessThan(compressible + Object.keys(z.files).length * DEFLATE_FILE_CONSTANT);
  });

  test('deflatePieceBound is additive: pieces bound the whole', () => {
    const whole = deflatePieceBound(100_000);
    expect(deflatePieceBound(60_000) + deflatePieceBound(40_000)).toBeGreaterThanOrEqual(whole);
    expect(zipDataBound('x.png', 1234)).toBe(1234);
    expect(zipDataBound('x.html', 0)).toBe(DEFLATE_FILE_CONSTANT);
  });
});
