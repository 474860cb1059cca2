/**
 * Deterministic data for the harvest fixtures (tests/fixtures/harvest/): a feed of posts with
 * comments and replies, and a messenger thread, generated from a seed so the fixture pages (through
 * the JSON routes below) and the tests (which compute what must be harvested) see the same items.
 * Some texts are French or Arabic with bidi controls, some long enough to be cut behind "See more".
 */

export interface FeedComment {
  id: string;
  author: { name: string; handle: string };
  time: string;
  text: string;
  replies: FeedComment[];
}

export interface FeedPost {
  /** 1-based position in the feed (aria-posinset). */
  index: number;
  id: string;
  author: { name: string; handle: string };
  time: string;
  lang: 'en' | 'fr' | 'ar';
  /** Full text; lines separated by "\n" (rendered as <br>). */
  text: string;
  /** Characters (code points) shown before "See more"; null = shown whole. */
  cut: number | null;
  /** "See more" that does nothing (a broken expansion the harvest must report). */
  brokenSeeMore: boolean;
  reactions: number;
  comments: FeedComment[];
  image: string | null;
}

export interface ThreadMessage {
  /** 1 = oldest. */
  index: number;
  id: string;
  sender: string;
  outgoing: boolean;
  /** "[hh:mm, d/m/yyyy] Name: " as WhatsApp Web writes it. */
  prePlainText: string;
  machineTime: string;
  text: string;
  /** Long messages show "Read more" first. */
  cut: number | null;
  quotedId: string | null;
}

function rng(seed: string): () => number {
  let h = 1779033703 ^ seed.length;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 3432918353);
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PEOPLE = [
  { name: 'Amina Rahal', handle: 'amina.rahal' },
  { name: 'Jean-Luc Moreau', handle: 'jl.moreau' },
  { name: 'Sara K.', handle: 'sarak' },
  { name: 'محمد العلي', handle: 'm.alali' },
  { name: 'Chloé Dubois', handle: 'chloe.dubois' },
  { name: 'Omar B', handle: 'omarb' },
];

const EN = [
  'Transport available this week, message me for prices.',
  'Crossing planned for Friday night, places left for 4.',
  'Documents ready in 3 days, passport and residence card.',
  'Call +44 7700 900123 or write on the other app.',
  'Meeting point changed, same time as last time.',
];
const FR = [
  'Départ prévu vendredi soir, il reste des places. Contactez-moi en privé.',
  'Papiers prêts en trois jours : passeport et titre de séjour « comme des vrais ».',
  'Appelez le \u2066+33 6 12 34 56 78\u2069 après 20 h, pas avant.',
  'Le prix a changé : 2 500 € par personne, acompte à l’avance.',
];
const AR = [
  '\u202bالرحلة يوم الجمعة ليلاً، بقيت أماكن قليلة.\u202c',
  'للتواصل: \u2066+212 600 123 456\u2069 بعد الساعة ٨ مساءً.',
  '\u2067الوثائق جاهزة خلال ثلاثة أيام\u2069، جواز سفر وبطاقة إقامة.',
  'السعر تغيّر، الدفع مقدماً. \u200fلا تتأخروا.',
];

function pick<T>(r: () => number, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)] as T;
}

function longText(r: () => number, lang: 'en' | 'fr' | 'ar', lines: number): string {
  const src = lang === 'fr' ? FR : lang === 'ar' ? AR : EN;
  const out: string[] = [];
  for (let i = 0; i < lines; i++) out.push([pick(r, src), pick(r, src), pick(r, src)].join(' '));
  return out.join('\n');
}

const BASE = Date.UTC(2026, 10, 30, 12, 0, 0);

function comment(r: () => number, postId: string, n: number, depth: number): FeedComment {
  const id = `${postId}${depth === 0 ? 'c' : 'r'}${n}`;
  const lang = r() < 0.2 ? 'fr' : r() < 0.1 ? 'ar' : 'en';
  return {
    id,
    author: pick(r, PEOPLE),
    time: new Date(BASE - Math.floor(r() * 1e8)).toISOString(),
    text: longText(r, lang, 1),
    replies:
      depth === 0 && r() < 0.3
        ? Array.from({ length: 1 + Math.floor(r() * 2) }, (_, i) => comment(r, id, i + 1, 1))
        : [],
  };
}

/** The whole feed for a seed (posts 1..total, newest first as a feed shows them). */
export function feedPosts(total: number, seed = 'hashmark'): FeedPost[] {
  const r = rng(`feed:${seed}`);
  const posts: FeedPost[] = [];
  for (let index = 1; index <= total; index++) {
    const lang = index % 10 === 3 ? 'fr' : index % 10 === 6 ? 'ar' : 'en';
    const long = index % 3 === 1;
    const text = longText(r, lang, long ? 3 : 1);
    const id = String(1_000_000 + index * 7);
    const nComments = index % 2 === 0 ? 1 + Math.floor(r() * 5) : 0;
    posts.push({
      index,
      id,
      author: pick(r, PEOPLE),
      time: new Date(BASE - index * 3_600_000).toISOString(),
      lang,
      text,
      cut: long ? 120 : null,
      brokenSeeMore: index === 7,
      reactions: Math.floor(r() * 300),
      comments: Array.from({ length: nComments }, (_, i) => comment(r, id, i + 1, 0)),
      image: index % 4 === 0 ? `/harvest/media/${id}.jpg` : null,
    });
  }
  return posts;
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** The whole thread for a seed, oldest first. */
export function threadMessages(total: number, seed = 'hashmark'): ThreadMessage[] {
  const r = rng(`thread:${seed}`);
  const out: ThreadMessage[] = [];
  for (let index = 1; index <= total; index++) {
    const outgoing = r() < 0.45;
    const sender = outgoing ? 'Me' : index % 5 === 0 ? 'محمد العلي' : 'Amina Rahal';
    const t = new Date(Date.UTC(2026, 9, 1, 8, 0) + index * 17 * 60_000);
    const hm = `${two(t.getUTCHours())}:${two(t.getUTCMinutes())}`;
    const dmy = `${t.getUTCDate()}/${t.getUTCMonth() + 1}/${t.getUTCFullYear()}`;
    const lang = index % 7 === 0 ? 'ar' : index % 5 === 2 ? 'fr' : 'en';
    const long = index % 11 === 0;
    out.push({
      index,
      id: `${outgoing ? 'true' : 'false'}_33612345678@c.us_3EB0${(0xa000 + index).toString(16).toUpperCase()}`,
      sender,
      outgoing,
      prePlainText: `[${hm}, ${dmy}] ${sender}: `,
      machineTime: `${t.getUTCFullYear()}-${two(t.getUTCMonth() + 1)}-${two(t.getUTCDate())}T${hm}`,
      text: longText(r, lang, long ? 4 : 1),
      cut: long ? 100 : null,
      quotedId: null,
    });
  }
  // Every ninth message quotes the message three before it.
  for (const m of out) if (m.index > 3 && m.index % 9 === 0) m.quotedId = out[m.index - 4]?.id ?? null;
  return out;
}

/** One tile of a profile's post grid (newest first), as Instagram shows it: a picture linking to the post. */
export interface GridPost {
  /** 1-based position in the grid. */
  index: number;
  shortcode: string;
  kind: 'p' | 'reel';
  /** The picture's alt text (Instagram's generated description, or the author's). */
  alt: string;
  image: string;
}

/** The profile the grid belongs to (profile.html's header). */
export const PROFILE = {
  name: 'Amina Rahal | Voyages',
  handle: 'rahal.travels',
  // Verbatim, bidi controls included; "\n" is a <br> in the page.
  bio:
    'Départs chaque vendredi ✈️ places limitées\n' +
    'للتواصل: \u2066+212 600 123 456\u2069 بعد الساعة ٨\n' +
    '\u202bالدفع مقدماً\u202c — DM',
  followersShown: '48.2K',
  followersExact: '48,213',
  following: '312',
  avatarSmall: '/harvest/media/avatar-150.jpg',
  avatarLarge: '/harvest/media/avatar-1080.jpg',
} as const;

/** The whole grid of a profile with `total` posts. */
export function profileGrid(total: number, seed = 'hashmark'): GridPost[] {
  const r = rng(`grid:${seed}`);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
  return Array.from({ length: total }, (_, i) => {
    let shortcode = 'C';
    for (let k = 0; k < 10; k++) shortcode += alphabet[Math.floor(r() * alphabet.length)];
    const day = new Date(BASE - (i + 1) * 86_400_000).toISOString().slice(0, 10);
    const lang = i % 5 === 2 ? 'fr' : 'en';
    return {
      index: i + 1,
      shortcode,
      kind: i % 7 === 3 ? 'reel' : 'p',
      alt:
        lang === 'fr'
          ? `Photo de ${PROFILE.name} le ${day}. ${pick(r, FR)}`
          : `Photo by ${PROFILE.name} on ${day}. May be an image of ${pick(r, ['a boat', 'a van', 'documents'])}.`,
      image: `/harvest/media/grid-${shortcode}.jpg`,
    };
  });
}

export interface JsonRoute {
  status: number;
  body: string;
}

function intParam(u: URL, name: string, dflt: number): number {
  const v = Number(u.searchParams.get(name));
  return Number.isInteger(v) && v >= 0 ? v : dflt;
}

/**
 * The fixtures' JSON endpoints: /harvest/feed.json?offset&limit&total, /harvest/thread.json?before&count&total
 * and /harvest/profile.json?offset&limit&total.
 */
export function harvestRoutes(): Record<string, (u: URL) => JsonRoute> {
  // The last list made per size and seed: the bench's 2,000-item feed asks for a page 30 times.
  const memo = <T>(make: (total: number, seed: string) => T[]) => {
    let last: { key: string; list: T[] } | null = null;
    return (total: number, seed: string): T[] => {
      const key = `${total}:${seed}`;
      if (last?.key !== key) last = { key, list: make(total, seed) };
      return last.list;
    };
  };
  const posts = memo(feedPosts);
  const messages = memo(threadMessages);
  const grid = memo(profileGrid);
  return {
    '/harvest/profile.json': (u) => {
      const total = intParam(u, 'total', 48);
      const offset = intParam(u, 'offset', 0);
      const limit = Math.min(36, intParam(u, 'limit', 12));
      const all = grid(total, u.searchParams.get('seed') ?? 'hashmark');
      const page = { posts: all.slice(offset, offset + limit), total, ...(offset === 0 ? { profile: PROFILE } : {}) };
      return { status: 200, body: JSON.stringify(page) };
    },
    '/harvest/feed.json': (u) => {
      const total = intParam(u, 'total', 300);
      const offset = intParam(u, 'offset', 0);
      const limit = Math.min(50, intParam(u, 'limit', 20));
      const all = posts(total, u.searchParams.get('seed') ?? 'hashmark');
      return { status: 200, body: JSON.stringify({ posts: all.slice(offset, offset + limit), total }) };
    },
    '/harvest/thread.json': (u) => {
      const total = intParam(u, 'total', 400);
      const before = intParam(u, 'before', total + 1);
      const count = Math.min(60, intParam(u, 'count', 30));
      const all = messages(total, u.searchParams.get('seed') ?? 'hashmark');
      const from = Math.max(1, before - count);
      return { status: 200, body: JSON.stringify({ messages: all.slice(from - 1, before - 1), total }) };
    },
  };
}
