/**
 * Summaries of repeated measurements. The machines are shared and noisy, so the bench reports a
 * median with its spread, never a lone figure.
 */

export interface Summary {
  n: number;
  min: number;
  p25: number;
  p50: number;
  p75: number;
  p95: number;
  max: number;
}

/**
 * The p-th percentile (0..100) of `values` by linear interpolation between closest ranks (the
 * usual definition: p50 of [1, 2, 3, 4] is 2.5). Throws on an empty list: a figure from no
 * measurement is a bug in the bench, not a zero.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error('percentile of no values');
  if (!(p >= 0 && p <= 100)) throw new Error(`percentile ${p} is not between 0 and 100`);
  const s = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (s.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return s[lo]! + (s[hi]! - s[lo]!) * (rank - lo);
}

export function summarize(values: readonly number[]): Summary {
  return {
    n: values.length,
    min: Math.min(...values),
    p25: percentile(values, 25),
    p50: percentile(values, 50),
    p75: percentile(values, 75),
    p95: percentile(values, 95),
    max: Math.max(...values),
  };
}

/** Rounds for display and JSON: 3 significant decimals for ratios, whole numbers for large values. */
export function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
