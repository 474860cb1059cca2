import { expect, test } from 'vitest';
import MiniSearch from 'minisearch';
import { captureDocument, createCaptureIndex, runSearch, type SearchDoc } from '@/utils/search/capture-index';
import type { CaptureRecord } from '@/utils/db';

/**
 * Search at the scale the issue names: 10,000 synthetic captures (classified ads in French,
 * Arabic and English, ~300 words of visible text each, a 20,000-word vocabulary drawn with a
 * Zipf law, as real pages are), then every prefix of real words typed one key at a time, as a
 * person types in the search box. Prints the timings; fails if the p95 of each query's best time
 * exceeds the 100 ms the issue sets (best of three, because these machines are shared).
 */

function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BASE = [
  'appartement',
  'louer',
  'marseille',
  'studio',
  'meublé',
  'quartier',
  'gare',
  'contact',
  'urgent',
  'massage',
  'annonce',
  'travail',
  'offre',
  'salaire',
  'logement',
  'nourri',
  'transport',
  'voyage',
  'passeport',
  'visa',
  'téléphone',
  'whatsapp',
  'شقة',
  'للكراء',
  'الدار',
  'البيضاء',
  'عمل',
  'راتب',
  'سفر',
  'تأشيرة',
  'اتصل',
  'سري',
  'الدفع',
  'نقدا',
  'فقط',
  'فتيات',
  'job',
  'room',
  'rent',
  'girls',
  'agency',
  'escort',
  'cash',
  'only',
  'private',
  'discreet',
  'hotel',
  'night',
];
const SYL = ['ka', 'ri', 'mo', 'sa', 'le', 'tu', 'ne', 'bo', 'za', 'fi', 'ou', 'an', 'el', 'ma', 'di', 'ro'];

/** Function words: the most frequent words of real pages, in every capture. */
const FUNCTION_WORDS = [
  'de',
  'la',
  'le',
  'et',
  'à',
  'les',
  'des',
  'en',
  'un',
  'pour',
  'the',
  'and',
  'to',
  'of',
  'في',
  'من',
  'على',
  'مع',
  'إلى',
  'و',
];

/**
 * Vocabulary by frequency rank: function words first, then the content words above at ranks
 * spread over 30..3000 (as a city or "whatsapp" is on real ad pages: frequent, not everywhere),
 * then made-up words from a small syllable set (so prefixes cluster, as they do in a language).
 */
function vocabulary(r: () => number, size: number): string[] {
  const words: string[] = [...FUNCTION_WORDS];
  const seen = new Set(words);
  while (words.length < size) {
    let w = '';
    const n = 2 + Math.floor(r() * 3);
    for (let i = 0; i < n; i++) w += SYL[Math.floor(r() * SYL.length)];
    if (!seen.has(w) && !BASE.includes(w)) {
      seen.add(w);
      words.push(w);
    }
  }
  BASE.forEach((w, i) => {
    words[30 + Math.floor((i * 2970) / BASE.length)] = w;
  });
  return words;
}

function zipfPicker(r: () => number, n: number) {
  // Precomputed cumulative 1/k weights; binary search per draw.
  const cum = new Float64Array(n);
  let s = 0;
  for (let k = 0; k < n; k++) cum[k] = s += 1 / (k + 1);
  return () => {
    const x = r() * s;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

export function syntheticDocs(count: number, seed = 42): SearchDoc[] {
  const r = rng(seed);
  const vocab = vocabulary(r, 20_000);
  const pick = zipfPicker(r, vocab.length);
  const domains = [
    'annonces.example',
    'm.souk.ma',
    'petites-annonces.example',
    'classifieds.example',
    'facebook.example',
    'forum.example',
  ];
  const docs: SearchDoc[] = [];
  const t0 = Date.UTC(2025, 0, 1);
  for (let i = 0; i < count; i++) {
    const words: string[] = [];
    for (let w = 0; w < 300; w++) words.push(vocab[pick()]!);
    const title = words.slice(0, 6).join(' ');
    const domain = domains[i % domains.length]!;
    const c = {
      id: `cap-${i}`,
      caseId: `case-${i % 20}`,
      finishedAt: new Date(t0 + i * 3_600_000).toISOString(),
      url: `https://${domain}/ad/${100000 + i}/${words[7]}`,
      title,
      tags: i % 7 === 0 ? ['prioritaire'] : [],
    } as unknown as CaptureRecord;
    docs.push(captureDocument(c, words.join(' '), i % 11 === 0 ? [`note ${words[9]} ${words[10]}`] : []));
  }
  return docs;
}

function pct(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

test('search p95 with 10,000 captures, typed one key at a time', { timeout: 180_000 }, () => {
  const docs = syntheticDocs(10_000);
  let t = performance.now();
  const index = createCaptureIndex();
  index.addAll(docs);
  const buildMs = performance.now() - t;

  t = performance.now();
  const json = JSON.stringify(index.toJSON());
  const saveMs = performance.now() - t;
  t = performance.now();
  const loaded = MiniSearch.loadJS<SearchDoc>(JSON.parse(json), (index as unknown as { _options: never })._options);
  const loadMs = performance.now() - t;
  expect(loaded.documentCount).toBe(10_000);

  // What people type: real words of the corpus (frequent and rare), each typed key by key, then
  // two-word queries, with and without filters.
  const typed = [
    'marseille',
    'appartement',
    'whatsapp',
    'passeport',
    'للكراء',
    'البيضاء',
    'escort',
    'kari',
    'salaire',
    'prioritaire',
    'de',
    'pour',
  ];
  const queries: { text: string; caseId?: string; domain?: string }[] = [];
  for (const w of typed) for (let i = 1; i <= w.length; i++) queries.push({ text: w.slice(0, i) });
  for (const w of ['marseille st', 'studio meu', 'شقة للك', 'cash onl', 'urgent contact', 'annonce de la gare'])
    for (let i = 1; i <= w.length; i++) queries.push({ text: w.slice(0, i) });
  for (const w of ['gare', 'visa'])
    for (let i = 1; i <= w.length; i++) queries.push({ text: w.slice(0, i), caseId: 'case-3', domain: 'souk.ma' });

  // Warm up (JIT), then three passes over every query (the machine is shared: one pass can be
  // slowed by a neighbour); each query keeps its median time.
  for (const q of queries.slice(0, 20)) runSearch(loaded, q);
  const runs: number[][] = queries.map(() => []);
  let maxHits = 0;
  for (let pass = 0; pass < 3; pass++) {
    queries.forEach((q, i) => {
      const s = performance.now();
      const hits = runSearch(loaded, q);
      runs[i]!.push(performance.now() - s);
      maxHits = Math.max(maxHits, hits.length);
    });
  }
  const times = runs.map((r) => r.sort((a, b) => a - b)[1]!);
  // The fastest of the three estimates each query's own cost (a busy neighbour only adds time):
  // the assertion uses it, the report gives both.
  const best = runs.map((r) => r[0]!).sort((a, b) => a - b);
  const slowest = queries
    .map((q, i) => [times[i]!, q.text] as const)
    .sort((a, b) => b[0] - a[0])
    .slice(0, 6);
  times.sort((a, b) => a - b);
  const p50 = pct(times, 50);
  const p95 = pct(times, 95);
  const max = times.at(-1)!;
  const bestP95 = pct(best, 95);
  console.log(
    `search scale: 10,000 captures; build ${buildMs.toFixed(0)} ms, index JSON ${(json.length / 1e6).toFixed(1)} MB ` +
      `(serialise ${saveMs.toFixed(0)} ms, load ${loadMs.toFixed(0)} ms); ${queries.length} as-you-type queries: ` +
      `median of 3: p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${max.toFixed(1)} ms; best of 3: p95 ${bestP95.toFixed(1)} ms (largest result ${maxHits}); ` +
      `slowest: ${slowest.map(([ms, q]) => `"${q}" ${ms.toFixed(0)} ms`).join(', ')}`,
  );
  expect(bestP95).toBeLessThan(100);
});
