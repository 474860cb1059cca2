import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluate, type LabelledAd } from '@/utils/selectors/evaluate';

// The labelled set (tests/fixtures/selectors/labelled.json) and the figures issue 6 holds it to.
// scripts/selectors-eval.ts prints the same evaluation with every error.
const { ads } = JSON.parse(
  readFileSync(new URL('../../fixtures/selectors/labelled.json', import.meta.url), 'utf8'),
) as { ads: LabelledAd[] };

describe('labelled ad set', () => {
  it('has at least 60 ads from each of the eight countries, with expected selectors of every kind', () => {
    expect(ads.length).toBeGreaterThanOrEqual(60);
    expect(new Set(ads.map((a) => a.id)).size).toBe(ads.length);
    for (const country of ['fr', 'ma', 'dz', 'tn', 'ly', 'eg', 'es', 'it']) {
      expect(ads.filter((a) => a.id.startsWith(`${country}-`)).length, country).toBeGreaterThanOrEqual(7);
    }
    const kinds = new Set(ads.flatMap((a) => a.expected.map((e) => e.kind)));
    expect([...kinds].sort()).toEqual(['email', 'handle', 'phone', 'wallet']);
    expect(ads.filter((a) => a.expected.length === 0).length).toBeGreaterThanOrEqual(8); // ads full of numbers that are not phones
    expect(ads.some((a) => /[٠-٩]/.test(a.text)) && ads.some((a) => /[۰-۹]/.test(a.text))).toBe(true);
  });

  it('reaches precision >= 0.95 and recall >= 0.9, overall and for each kind', () => {
    const { overall, byKind, errors } = evaluate(ads);
    expect(overall.precision, JSON.stringify(errors)).toBeGreaterThanOrEqual(0.95);
    expect(overall.recall, JSON.stringify(errors)).toBeGreaterThanOrEqual(0.9);
    for (const [kind, s] of Object.entries(byKind)) {
      expect(s.tp, kind).toBeGreaterThan(0);
      expect(s.precision, kind).toBeGreaterThanOrEqual(0.95);
      expect(s.recall, kind).toBeGreaterThanOrEqual(0.9);
    }
  });

  it('scores a wrong answer as wrong (the evaluation itself can fail)', () => {
    const ad: LabelledAd = {
      id: 't',
      region: 'FR',
      text: 'Tél 06 12 34 56 78',
      links: [],
      expected: [{ kind: 'phone', value: '+33700000000' }],
    };
    const r = evaluate([ad]);
    expect(r.overall).toMatchObject({ tp: 0, fp: 1, fn: 1, precision: 0, recall: 0 });
    expect(r.errors).toEqual([
      { id: 't', type: 'fp', kind: 'phone', value: '+33612345678' },
      { id: 't', type: 'fn', kind: 'phone', value: '+33700000000' },
    ]);
  });
});
