/**
 * Synthetic text for the bench: classified ads in French, Arabic and English drawn from a
 * 20,000-word vocabulary with a Zipf law (as real pages are), the way tests/unit/search-scale.test.ts
 * builds its corpus, so the real-browser figure and the unit figure can be compared. Seeded and
 * self-contained (no imports): it is bundled into an extension page.
 */

/** Deterministic PRNG (mulberry32): the same seed gives the same corpus in every run. */
export function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BASE_WORDS = [
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

function vocabulary(r: () => number, size: number): string[] {
  const words = new Set(BASE_WORDS);
  while (words.size < size) {
    let w = '';
    const n = 2 + Math.floor(r() * 3);
    for (let i = 0; i < n; i++) w += SYL[Math.floor(r() * SYL.length)];
    words.add(w);
  }
  return [...words];
}

/** Index draws with P(k) proportional to 1/(k+1). */
function zipfPicker(r: () => number, n: number): () => number {
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

/** A word source: `words(n)` gives n words of ad text. */
export function adText(seed: number): { words(n: number): string[] } {
  const r = rng(seed);
  const vocab = vocabulary(r, 20_000);
  const pick = zipfPicker(r, vocab.length);
  return { words: (n) => Array.from({ length: n }, () => vocab[pick()]!) };
}

export const DOMAINS = [
  'annonces.example',
  'm.souk.ma',
  'petites-annonces.example',
  'classifieds.example',
  'facebook.example',
  'forum.example',
];

/**
 * What people type in the search box: real words of the corpus (frequent and rare), each typed
 * key by key, then multi-word queries, and two with case and domain filters (the unit test's set).
 */
export function typedQueries(caseId: string): { text: string; caseId?: string; domain?: string }[] {
  const queries: { text: string; caseId?: string; domain?: string }[] = [];
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
  for (const w of typed) for (let i = 1; i <= w.length; i++) queries.push({ text: w.slice(0, i), caseId });
  for (const w of ['marseille st', 'studio meu', 'شقة للك', 'cash onl', 'urgent contact', 'annonce de la gare']) {
    for (let i = 1; i <= w.length; i++) queries.push({ text: w.slice(0, i), caseId });
  }
  for (const w of ['gare', 'visa'])
    for (let i = 1; i <= w.length; i++) queries.push({ text: w.slice(0, i), caseId, domain: 'souk.ma' });
  return queries;
}
