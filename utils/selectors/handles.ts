import type { HandlePlatform } from './types';

/**
 * Messaging and social handles, from profile links and from "@name" written next to a platform
 * name (issue 6). Normalised value: "platform:handle".
 *
 * Decisions:
 * - Case: every platform here treats usernames case-insensitively, so handles are lowercased.
 *   Facebook also ignores dots in usernames ("john.smith" is "johnsmith"), so they are removed.
 *   Invite codes are case-sensitive and kept as written.
 * - Numeric Facebook profile ids (profile.php?id=…, /people/Name/<id>) are "facebook:<id>"; a
 *   Facebook username always has a letter, so the two cannot collide.
 * - Group invites (t.me/+code, t.me/joinchat/code, chat.whatsapp.com/code) are recorded as
 *   "telegram:invite/<code>" / "whatsapp:invite/<code>": not a person, but two ads sharing one
 *   invite lead to the same group, which is exactly the link investigators need. WhatsApp
 *   business short links (wa.me/message/<code>) likewise become "whatsapp:message/<code>".
 * - Not recorded: Facebook groups and pages by numeric path, posts, reels, shares, search and
 *   every other non-profile path (the reserved lists below); shortened links (vm.tiktok.com,
 *   t.co) whose target we cannot know offline.
 * - In text, only "@name" directly after a platform name ("Telegram: @name", "Insta/Snap @name",
 *   "تيليغرام @name") or directly followed by one in brackets or after a preposition
 *   ("@name (insta)", "@name sur Snap"); and, without "@", a name right after "platform:" that is
 *   shaped like a handle, i.e. has a digit, "_" or "." as well as a letter ("Snap : karim.dz",
 *   "telegram: lucia_roma88"), never a plain word ("Insta : disponible sur demande"). A bare
 *   "@name" with no platform name is not recorded: mentions, e-mail fragments and decorations
 *   look the same, and the platform would be a guess.
 */

const RULES: Record<Exclude<HandlePlatform, 'whatsapp'>, RegExp> = {
  // 5-32 characters, starts with a letter.
  telegram: /^[a-z][a-z0-9_]{3,31}$/,
  // 1-30 of letters, digits, "." and "_", no leading, trailing or doubled dot.
  instagram: /^(?!\.)(?!.*\.\.)(?!.*\.$)[a-z0-9._]{1,30}$/,
  // Username (dots removed, at least one letter) or numeric id.
  facebook: /^(?:(?=[a-z0-9]*[a-z])[a-z0-9]{5,50}|\d{5,20})$/,
  tiktok: /^(?!.*\.$)[a-z0-9._]{2,24}$/,
  x: /^[a-z0-9_]{1,15}$/,
  snapchat: /^[a-z][a-z0-9._-]{2,14}$/,
};
const INVITE_CODE = /^[A-Za-z0-9_-]{6,64}$/;

/** Normalises a handle for a platform (case, Facebook dots); null if the platform would not accept it. */
export function normaliseHandle(platform: HandlePlatform, handle: string): string | null {
  if (platform === 'whatsapp') return null; // WhatsApp has no usernames; invites go through inviteValue
  let h = handle.trim().replace(/^@/, '').toLowerCase();
  if (platform === 'facebook') h = h.replace(/\./g, '');
  return RULES[platform].test(h) ? `${platform}:${h}` : null;
}

function inviteValue(platform: 'telegram' | 'whatsapp', kind: 'invite' | 'message', code: string): string | null {
  return INVITE_CODE.test(code) ? `${platform}:${kind}/${code}` : null;
}

/** The profile (or invite) URL of a normalised handle, or null if the value is not one we make. */
export function handleUrl(value: string): string | null {
  const m = /^([a-z]+):(.+)$/.exec(value);
  if (!m) return null;
  const [, platform, h] = m as unknown as [string, string, string];
  const inv = /^(invite|message)\/(.+)$/.exec(h);
  if (inv) {
    if (!INVITE_CODE.test(inv[2]!)) return null;
    if (platform === 'telegram' && inv[1] === 'invite') return `https://t.me/+${inv[2]}`;
    if (platform === 'whatsapp' && inv[1] === 'invite') return `https://chat.whatsapp.com/${inv[2]}`;
    if (platform === 'whatsapp' && inv[1] === 'message') return `https://wa.me/message/${inv[2]}`;
    return null;
  }
  if (!(platform in RULES) || !RULES[platform as keyof typeof RULES].test(h)) return null;
  switch (platform as keyof typeof RULES) {
    case 'telegram':
      return `https://t.me/${h}`;
    case 'instagram':
      return `https://www.instagram.com/${h}/`;
    case 'facebook':
      return /^\d+$/.test(h) ? `https://www.facebook.com/profile.php?id=${h}` : `https://www.facebook.com/${h}`;
    case 'tiktok':
      return `https://www.tiktok.com/@${h}`;
    case 'x':
      return `https://x.com/${h}`;
    case 'snapchat':
      return `https://www.snapchat.com/add/${h}`;
  }
}

const TELEGRAM_RESERVED = new Set([
  'c',
  's',
  'joinchat',
  'addstickers',
  'addemoji',
  'addtheme',
  'addlist',
  'share',
  'proxy',
  'socks',
  'iv',
  'login',
  'setlanguage',
  'confirmphone',
  'bg',
  'invoice',
  'boost',
  'contact',
  'm',
  'giftcode',
  'nft',
  'premium',
]);
const INSTAGRAM_RESERVED = new Set([
  'p',
  'reel',
  'reels',
  'tv',
  'explore',
  'accounts',
  'direct',
  'stories',
  'about',
  'legal',
  'developer',
  'web',
  'emails',
  'challenge',
  'graphql',
  'api',
  'static',
  'locations',
  'ar',
  'oauth',
  'privacy',
  'terms',
  'session',
  'data',
  'download',
  'press',
  'blog',
  'help',
  's',
  '_n',
  '_u',
  'threads',
  'your_activity',
  'nametag',
  'lite',
]);
const FACEBOOK_RESERVED = new Set([
  'sharer',
  'sharer.php',
  'share',
  'share.php',
  'dialog',
  'plugins',
  'groups',
  'pages',
  'events',
  'watch',
  'marketplace',
  'photo.php',
  'photo',
  'photos',
  'story.php',
  'permalink.php',
  'login',
  'login.php',
  'help',
  'policies',
  'privacy',
  'hashtag',
  'search',
  'home.php',
  'tr',
  'l.php',
  'business',
  'gaming',
  'messages',
  'notifications',
  'settings',
  'reel',
  'reels',
  'videos',
  'video.php',
  'ads',
  'media',
  'friends',
  'bookmarks',
  'saved',
  'legal',
  'terms',
  'about',
  'careers',
  'fundraisers',
  'recover',
  'checkpoint',
  'r.php',
  'reg',
  'signup',
  'stories',
  'live',
  'places',
  'apps',
  'games',
  'notes',
  'campaign',
  'public',
  'directory',
  'index.php',
  'home',
  'ajax',
  'profile.php',
  'people',
  'pg',
  'story',
  'posts',
  'permalink',
  'watchparty',
  'commerce',
  'shops',
  'jobs',
  'dating',
  'memories',
  'offers',
  'donate',
  'messenger',
  'privacy',
  'security',
  'mobile',
  'find-friends',
]);
const X_RESERVED = new Set([
  'home',
  'explore',
  'notifications',
  'messages',
  'i',
  'intent',
  'share',
  'search',
  'settings',
  'login',
  'logout',
  'signup',
  'hashtag',
  'compose',
  'tos',
  'privacy',
  'account',
  'about',
  'download',
  'jobs',
  'en',
  'search-advanced',
  'lists',
  'bookmarks',
  'communities',
  'premium',
  'verified-choose',
  'rules',
  'help',
  'status',
]);

/** Host without "www.", "m." and similar mobile/web prefixes, lowercase ("m.me" stays "m.me"). */
export function baseHost(host: string): string {
  const h = host.toLowerCase().replace(/\.$/, '');
  const stripped = h.replace(/^(?:www|m|mobile|web|mbasic|touch|business)\./, '');
  return stripped.includes('.') ? stripped : h;
}

function segments(url: URL): string[] {
  return url.pathname
    .split('/')
    .filter(Boolean)
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
}

/** What a profile-like URL points at: a handle value, or (t.me/+<number>) a phone number. */
export type UrlTarget =
  | { kind: 'handle'; platform: HandlePlatform; value: string }
  | { kind: 'phone'; platform: HandlePlatform; number: string };

function handle(platform: HandlePlatform, h: string | undefined): UrlTarget | null {
  const value = h === undefined ? null : normaliseHandle(platform, h);
  return value ? { kind: 'handle', platform, value } : null;
}

/** Handle (or phone) a link names, or null. Only the platforms of issue 6; WhatsApp phones are in links.ts. */
export function urlTarget(url: URL): UrlTarget | null {
  if (url.protocol === 'tg:') {
    // tg://resolve?domain=<name>, tg://join?invite=<code>: the app's own links.
    if (url.hostname === 'resolve') return handle('telegram', url.searchParams.get('domain') ?? undefined);
    const code = url.hostname === 'join' ? url.searchParams.get('invite') : null;
    const v = code ? inviteValue('telegram', 'invite', code) : null;
    return v ? { kind: 'handle', platform: 'telegram', value: v } : null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  const host = baseHost(url.hostname);
  const seg = segments(url);
  const s0 = seg[0] ?? '';
  switch (host) {
    case 't.me':
    case 'telegram.me':
    case 'telegram.dog': {
      if (s0.startsWith('+')) {
        const rest = s0.slice(1);
        if (/^\d{7,15}$/.test(rest)) return { kind: 'phone', platform: 'telegram', number: `+${rest}` };
        const v = inviteValue('telegram', 'invite', rest);
        return v ? { kind: 'handle', platform: 'telegram', value: v } : null;
      }
      if (s0 === 'joinchat') {
        const v = seg[1] ? inviteValue('telegram', 'invite', seg[1]) : null;
        return v ? { kind: 'handle', platform: 'telegram', value: v } : null;
      }
      if (s0 === 's') return handle('telegram', seg[1]); // t.me/s/<channel>: the channel's web preview
      if (TELEGRAM_RESERVED.has(s0.toLowerCase())) return null;
      return handle('telegram', s0);
    }
    case 'instagram.com':
    case 'instagr.am':
      if (s0 === 'stories')
        return seg[1] && !INSTAGRAM_RESERVED.has(seg[1].toLowerCase()) ? handle('instagram', seg[1]) : null;
      if (INSTAGRAM_RESERVED.has(s0.toLowerCase())) return null;
      return handle('instagram', s0);
    case 'ig.me':
      return s0 === 'm' ? handle('instagram', seg[1]) : null;
    case 'facebook.com':
    case 'fb.com':
    case 'fb.me': {
      const low = s0.toLowerCase();
      if (low === 'profile.php') return handle('facebook', url.searchParams.get('id') ?? undefined);
      if (low === 'people')
        return handle(
          'facebook',
          seg.slice(2).find((s) => /^\d{5,20}$/.test(s)),
        );
      if (low === 'pg') return handle('facebook', seg[1]);
      if (FACEBOOK_RESERVED.has(low)) return null;
      return handle('facebook', s0);
    }
    case 'm.me':
      return handle('facebook', s0);
    case 'messenger.com':
      return s0 === 't' ? handle('facebook', seg[1]) : null;
    case 'tiktok.com':
      return s0.startsWith('@') ? handle('tiktok', s0.slice(1)) : null;
    case 'x.com':
    case 'twitter.com': {
      if (s0 === 'intent') return handle('x', url.searchParams.get('screen_name') ?? undefined);
      if (X_RESERVED.has(s0.toLowerCase())) return null;
      return handle('x', s0);
    }
    case 'snapchat.com':
      if (s0 === 'add') return handle('snapchat', seg[1]);
      return s0.startsWith('@') ? handle('snapchat', s0.slice(1)) : null;
    case 'chat.whatsapp.com': {
      const v = s0 ? inviteValue('whatsapp', 'invite', s0) : null;
      return v ? { kind: 'handle', platform: 'whatsapp', value: v } : null;
    }
    case 'wa.me': {
      const v = s0 === 'message' && seg[1] ? inviteValue('whatsapp', 'message', seg[1]) : null;
      return v ? { kind: 'handle', platform: 'whatsapp', value: v } : null;
    }
    default:
      return null;
  }
}

// Platform names as ads write them (lowercase): Latin, Arabic, Cyrillic (Russian, Ukrainian),
// Persian and Urdu script; Turkish, Spanish and Portuguese ads use the Latin names (issue 21 item 10).
const KEYWORDS: Array<[Exclude<HandlePlatform, 'whatsapp'>, string[]]> = [
  [
    'telegram',
    [
      'telegram',
      'télégram',
      'telegramme',
      'télégramme',
      'tlg',
      'tg',
      'تيليغرام',
      'تلغرام',
      'تليغرام',
      'تيليجرام',
      'تليجرام',
      'تلجرام',
      'تيلجرام',
      'التيليغرام',
      'التلغرام',
      'التليجرام',
      'التيليجرام',
      'телеграм',
      'телеграмм',
      'телеграме',
      'телеграмі',
      'телега',
      'тг',
      'تلگرام',
      'ٹیلیگرام',
      'ٹیلی گرام',
    ],
  ],
  [
    'instagram',
    [
      'instagram',
      'insta',
      'ig',
      'انستغرام',
      'انستقرام',
      'إنستغرام',
      'إنستقرام',
      'انستجرام',
      'انستا',
      'الانستغرام',
      'الانستقرام',
      'الانستا',
      'инстаграм',
      'инстаграме',
      'инстаграмі',
      'инста',
      'инсте',
      'інстаграм',
      'інста',
      'اینستاگرام',
      'اینستا',
      'انسٹاگرام',
      'انسٹا',
    ],
  ],
  [
    'snapchat',
    [
      'snapchat',
      'snap',
      'سناب',
      'سنابشات',
      'سناب شات',
      'السناب',
      'снэпчат',
      'снапчат',
      'снэп',
      'снап',
      'اسنپ چت',
      'اسنپ',
      'سنیپ چیٹ',
    ],
  ],
  [
    'tiktok',
    [
      'tiktok',
      'tik tok',
      'تيك توك',
      'تيكتوك',
      'التيك توك',
      'тикток',
      'тик ток',
      'тікток',
      'تیک تاک',
      'تیکتاک',
      'ٹک ٹاک',
    ],
  ],
  ['x', ['twitter', 'tweeter', 'تويتر', 'x.com', 'твиттер', 'твитер', 'твіттер', 'توییتر', 'ٹویٹر']],
  [
    'facebook',
    [
      'facebook',
      'fb',
      'فيسبوك',
      'فيس بوك',
      'الفيسبوك',
      'فايسبوك',
      'الفايسبوك',
      'الفيس بوك',
      'фейсбук',
      'фейсбуке',
      'фб',
      'فیسبوک',
      'فیس بوک',
      'فیس بک',
    ],
  ],
];
const PLATFORM_OF = new Map(KEYWORDS.flatMap(([p, words]) => words.map((w) => [w, p] as const)));
// Longest first, so that "snapchat" wins over "snap" and "tik tok" over nothing.
const KW = [...PLATFORM_OF.keys()]
  .sort((a, b) => b.length - a.length)
  .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
  .join('|');
// Prepositions before a platform name: fr, en, es, it, pt, ar, ru/uk, fa, ur ("@name sur snap", "@name в телеграме").
const PREP = 'sur|on|en|su|via|por|no|na|pelo|em|على|عبر|في|в|у|на|через|در|پر';
// "<kw>[ / <kw>…] [:→-(] @", anchored at the end of the text before the "@".
const BEFORE = new RegExp(
  `(?<![\\p{L}])((?:${KW})(?:\\s*(?:[/&,+|]|et|and|y|e|o|ou|or|ve|veya|и|или|і|та|و|یا)\\s*(?:${KW}))*)\\s*(?:[:：=>→\\-–—(]\\s*)*$`,
  'iu',
);
// "@name (insta)", "@name sur snap", "@name على تيليغرام".
const AFTER = new RegExp(`^\\s*(?:[(\\[]\\s*(?:(?:${PREP})\\s+)?|(?:${PREP})\\s+)(${KW})(?![\\p{L}])`, 'iu');
// "Snap : karim.dz", "Insta/Snap: lina_22": a platform list, a colon, a handle-shaped name.
const COLON_NAME = new RegExp(
  `(?<![\\p{L}])((?:${KW})(?:\\s*(?:[/&,+|]|et|and|y|e|o|ou|or|ve|veya|и|или|і|та|و|یا)\\s*(?:${KW}))*)\\s*[:：]\\s*([A-Za-z0-9][A-Za-z0-9._-]{2,29})(?![A-Za-z0-9_@-]|\\.[A-Za-z0-9])`,
  'giu',
);
const KW_SPLIT = new RegExp(`(?<![\\p{L}])(?:${KW})(?![\\p{L}])`, 'giu');
const AT_NAME = /(?<![A-Za-z0-9._@-])@([A-Za-z0-9._-]{1,50})/g;

function platformsIn(s: string): Array<Exclude<HandlePlatform, 'whatsapp'>> {
  const out: Array<Exclude<HandlePlatform, 'whatsapp'>> = [];
  if (!s) return out;
  for (const m of s.matchAll(KW_SPLIT)) {
    const p = PLATFORM_OF.get(m[0].toLowerCase());
    if (p && !out.includes(p)) out.push(p);
  }
  return out;
}

export interface TextHandle {
  platform: Exclude<HandlePlatform, 'whatsapp'>;
  value: string;
  start: number;
  end: number;
}

/**
 * Matches of `re` (global) in `text`, scanned in windows of at most `WINDOW` characters with
 * `OVERLAP` characters of context on each side; each match is reported once, by the window its
 * start falls in, with its index in `text`.
 *
 * Why: firefox-esr 153's background page threw "too much recursion" (InternalError) running
 * COLON_NAME over the 17 Mi-character text of one page, failing the whole capture, while the same
 * call in an ordinary page passed: the regexp engine's backtracking grew with the distance scanned
 * in one call. Windows bound it. A match longer than OVERLAP (a list of dozens of platform names)
 * could be cut at a window's edge; no real one comes near it.
 */
const WINDOW = 1 << 20;
const OVERLAP = 4096;
function* windowedMatches(text: string, re: RegExp): Generator<{ m: RegExpMatchArray; index: number }> {
  if (text.length <= WINDOW + OVERLAP) {
    for (const m of text.matchAll(re)) yield { m, index: m.index };
    return;
  }
  for (let a = 0; a < text.length; a += WINDOW) {
    const from = Math.max(0, a - OVERLAP);
    for (const m of text.slice(from, Math.min(text.length, a + WINDOW + OVERLAP)).matchAll(re)) {
      const index = from + m.index;
      if (index >= a && index < a + WINDOW) yield { m, index };
    }
  }
}

/** "@name" next to a platform name, and handle-shaped names after "platform:", in (folded, masked) text. */
export function findTextHandles(text: string): TextHandle[] {
  const out: TextHandle[] = [];
  for (const { m, index } of windowedMatches(text, COLON_NAME)) {
    const name = m[2]!.replace(/[.-]+$/, '');
    if (!/[a-z]/i.test(name) || !/[\d._]/.test(name)) continue;
    const start = index + m[0].length - m[2]!.length;
    for (const platform of platformsIn(m[1]!)) {
      const value = normaliseHandle(platform, name);
      if (value) out.push({ platform, value, start, end: start + name.length });
    }
  }
  if (!text.includes('@')) return out;
  for (const { m, index } of windowedMatches(text, AT_NAME)) {
    const name = m[1]!.replace(/[.-]+$/, ''); // a sentence's full stop is not part of the name
    const start = index;
    const end = start + 1 + name.length;
    const before = BEFORE.exec(text.slice(Math.max(0, start - 60), start));
    const after = before ? null : AFTER.exec(text.slice(end, end + 40));
    const platforms = platformsIn((before ?? after)?.[1] ?? '');
    for (const platform of platforms) {
      const value = normaliseHandle(platform, name);
      if (value) out.push({ platform, value, start, end });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}
