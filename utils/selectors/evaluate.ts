import { extractSelectors } from './extract';
import type { SelectorKind } from './types';

/**
 * Precision and recall of the extractor on a labelled set (tests/fixtures/selectors/labelled.json):
 * per ad, the reported (kind, value) pairs against the expected ones. Used by
 * scripts/selectors-eval.ts and by the unit test that holds the figures up.
 */

export interface LabelledAd {
  id: string;
  region: string;
  text: string;
  links: string[];
  expected: Array<{ kind: SelectorKind; value: string }>;
}

interface Score {
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
}

export interface Evaluation {
  byKind: Record<SelectorKind, Score>;
  overall: Score;
  /** Every wrong answer, for reading: "fp" reported but not expected, "fn" expected but missed. */
  errors: Array<{ id: string; type: 'fp' | 'fn'; kind: SelectorKind; value: string }>;
}

function score(tp: number, fp: number, fn: number): Score {
  // No answer at all is perfectly precise; nothing to find is perfectly recalled.
  return { tp, fp, fn, precision: tp + fp ? tp / (tp + fp) : 1, recall: tp + fn ? tp / (tp + fn) : 1 };
}

export function evaluate(ads: LabelledAd[]): Evaluation {
  const kinds: SelectorKind[] = ['phone', 'email', 'handle', 'wallet'];
  const counts = Object.fromEntries(kinds.map((k) => [k, { tp: 0, fp: 0, fn: 0 }])) as Record<
    SelectorKind,
    { tp: number; fp: number; fn: number }
  >;
  const errors: Evaluation['errors'] = [];
  for (const ad of ads) {
    const got = new Set(
      extractSelectors({ text: ad.text, links: ad.links, region: ad.region }).map((s) => `${s.kind} ${s.value}`),
    );
    const want = new Set(ad.expected.map((s) => `${s.kind} ${s.value}`));
    for (const g of got) {
      const [kind, value] = g.split(' ') as [SelectorKind, string];
      if (want.has(g)) counts[kind].tp++;
      else {
        counts[kind].fp++;
        errors.push({ id: ad.id, type: 'fp', kind, value });
      }
    }
    for (const w of want) {
      if (got.has(w)) continue;
      const [kind, value] = w.split(' ') as [SelectorKind, string];
      counts[kind].fn++;
      errors.push({ id: ad.id, type: 'fn', kind, value });
    }
  }
  const byKind = Object.fromEntries(kinds.map((k) => [k, score(counts[k].tp, counts[k].fp, counts[k].fn)])) as Record<
    SelectorKind,
    Score
  >;
  const sum = (f: 'tp' | 'fp' | 'fn') => kinds.reduce((n, k) => n + counts[k][f], 0);
  return { byKind, overall: score(sum('tp'), sum('fp'), sum('fn')), errors };
}
