import type { Summary } from './stats';

/**
 * One line of the bench's result. The JSON (`--json`) holds the first seven fields exactly as the
 * issue names them; `spread`, `runs` and `note` say how the value was obtained.
 */
export interface Metric {
  metric: string;
  /** The measured value (a median unless the metric says p95), or null when it could not be measured. */
  value: number | null;
  unit: string;
  /** The same-run baseline the value is compared with, when the metric is a comparison. */
  baseline: number | null;
  /** value / baseline for comparisons (or baseline / value for throughput); null otherwise. */
  ratio: number | null;
  /** e.g. "<= 400 ms", ">= 0.5". */
  target: string;
  pass: boolean;
  spread?: Partial<Summary> | null;
  runs?: number;
  note?: string;
}

/** Issue 8's metrics, in its order, then issue 14's and issue 15's: each appears in every report, measured or not. */
export const METRICS = [
  'viewport-capture',
  'full-capture',
  'full-page-20k',
  'full-page-20k-fast',
  'hash-share',
  'export-throughput',
  'export-peak-memory',
  'list-10k',
  'search-10k',
  'verify-throughput',
  'verify-peak-memory',
  'harvest-feed',
  'harvest-memory',
] as const;

export type MetricName = (typeof METRICS)[number];

/** A target such as "<= 400 ms" or ">= 0.5" checked against a number. */
export function meets(target: string, x: number | null): boolean {
  if (x === null || !Number.isFinite(x)) return false;
  const m = /^(<=|>=)\s*(-?[\d.]+)/.exec(target.trim());
  if (!m) throw new Error(`target ${JSON.stringify(target)} is not "<= n" or ">= n"`);
  const bound = Number(m[2]);
  return m[1] === '<=' ? x <= bound : x >= bound;
}

/** A metric that could not be measured (feature not built, or the measurement failed): null and failing, never left out. */
export function unmeasured(metric: string, unit: string, target: string, note: string): Metric {
  return { metric, value: null, unit, baseline: null, ratio: null, target, pass: false, note };
}

/** Every required metric present (in the issue's order), extra ones after. */
export function complete(measured: Metric[], units: Record<MetricName, { unit: string; target: string }>): Metric[] {
  const byName = new Map(measured.map((m) => [m.metric, m]));
  const out: Metric[] = METRICS.map(
    (name) => byName.get(name) ?? unmeasured(name, units[name].unit, units[name].target, 'not measured in this run'),
  );
  for (const m of measured) if (!(METRICS as readonly string[]).includes(m.metric)) out.push(m);
  return out;
}

function fmt(x: number | null | undefined, unit = ''): string {
  if (x === null || x === undefined) return '–';
  const abs = Math.abs(x);
  const s = abs >= 100 ? x.toFixed(0) : abs >= 10 ? x.toFixed(1) : abs >= 1 ? x.toFixed(2) : x.toFixed(3);
  return unit ? `${s} ${unit}` : s;
}

function spreadText(m: Metric): string {
  const s = m.spread;
  if (!s) return '–';
  const parts: string[] = [];
  // The value column holds the p50 unless the metric is a p95; then the p50 is spread information.
  if (s.p50 !== undefined) parts.push(`p50 ${fmt(s.p50)}`);
  if (s.p25 !== undefined && s.p75 !== undefined) parts.push(`p25–p75 ${fmt(s.p25)}–${fmt(s.p75)}`);
  if (s.min !== undefined && s.max !== undefined) parts.push(`min–max ${fmt(s.min)}–${fmt(s.max)}`);
  return parts.join(', ') || '–';
}

/** The markdown table printed on stdout (and pasted into docs/performance.md). */
export function markdownTable(metrics: Metric[]): string {
  const rows = [
    '| metric | value | spread | runs | baseline | ratio | target | pass | how |',
    '|---|---|---|---|---|---|---|---|---|',
    ...metrics
      .map((m) =>
        [
          `\`${m.metric}\``,
          fmt(m.value, m.unit),
          spreadText(m),
          m.runs ?? '–',
          fmt(m.baseline),
          fmt(m.ratio),
          m.target.replace(/</g, '&lt;').replace(/>/g, '&gt;'),
          m.pass ? 'yes' : '**no**',
          (m.note ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' '),
        ].join(' | '),
      )
      .map((r) => `| ${r} |`),
  ];
  return rows.join('\n');
}

/** The `--json` document: the issue's seven fields per metric, plus how each was obtained and where. */
export function jsonReport(metrics: Metric[], extra: Record<string, unknown>): string {
  return `${JSON.stringify(
    {
      metrics: metrics.map((m) => ({
        metric: m.metric,
        value: m.value,
        unit: m.unit,
        baseline: m.baseline,
        ratio: m.ratio,
        target: m.target,
        pass: m.pass,
        ...(m.spread ? { spread: m.spread } : {}),
        ...(m.runs !== undefined ? { runs: m.runs } : {}),
        ...(m.note ? { note: m.note } : {}),
      })),
      ...extra,
    },
    null,
    2,
  )}\n`;
}

/** One line for the report's "how" column from an error (the full text goes to stderr). */
export function failure(e: unknown, log: (s: string) => void): string {
  const err = e instanceof Error ? e : new Error(String(e));
  log(`bench: ${err.stack ?? err.message}`);
  const line = err.message.replace(/\s+/g, ' ').trim();
  return `failed: ${line.length > 300 ? `${line.slice(0, 300)}…` : line}`;
}

/**
 * The run's results as they come: each metric is printed the moment it is measured, so a run that
 * is stopped or hangs in a later stage (a quiet machine is rare and an hour of it is not to be
 * lost) still shows what it measured, and `main` can write the partial report on a signal.
 */
export function metricSink(log: (s: string) => void): Metric[] {
  const out: Metric[] = [];
  out.push = (...ms: Metric[]) => {
    for (const m of ms) {
      const ratio = m.ratio !== null ? `, ratio ${m.ratio}` : '';
      log(
        `bench: ${m.metric} = ${m.value ?? 'unmeasured'} ${m.unit}${ratio} (target ${m.target}${m.pass ? ', met' : ''})`,
      );
    }
    return Array.prototype.push.apply(out, ms);
  };
  return out;
}
