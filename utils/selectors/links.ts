import { mailtoAddresses } from './emails';
import { baseHost, urlTarget } from './handles';
import type { PhoneParser } from './phones';
import { foldText } from './text-fold';
import type { HandlePlatform, SelectorKind, WalletPlatform } from './types';
import { findWallets, parseWallet } from './wallets';

/**
 * Selectors named by one link target (an href from the page, or a URL written in its text).
 *
 * WhatsApp decision: wa.me/<number> and api.whatsapp.com/send?phone=<number> give the number as a
 * phone selector with platform "whatsapp" (and the link as its raw form); no separate
 * "whatsapp:<number>" handle. The number is the identity: a second selector for it would split
 * the links between captures that write it as text and captures that link to it. t.me/+<number>
 * likewise gives a phone with platform "telegram".
 */

export interface LinkSelector {
  kind: SelectorKind;
  value: string;
  platform?: HandlePlatform | WalletPlatform;
}

// Links longer than this are not contact links (data: URLs, tracking blobs); not worth parsing.
const MAX_LINK = 4096;
const REDIRECTORS = new Set(['l.facebook.com', 'lm.facebook.com', 'l.instagram.com', 'l.messenger.com']);

function phone(parser: PhoneParser, s: string, platform?: HandlePlatform): LinkSelector[] {
  const e164 = parser.any(foldText(s).text);
  return e164 ? [{ kind: 'phone', value: e164, ...(platform ? { platform } : {}) }] : [];
}

/**
 * A number from a WhatsApp link: the international number without "+" by WhatsApp's rules. Ads
 * also write "00…" or the national "06…"; both are read the way the sender meant them.
 */
function whatsappNumber(parser: PhoneParser, s: string | null): LinkSelector[] {
  if (!s) return [];
  const t = foldText(s).text.trim();
  const digits = t.replace(/\D/g, '');
  if (!digits) return [];
  const e164 =
    t.startsWith('+') || digits.startsWith('00') || !digits.startsWith('0')
      ? parser.any(`+${digits.replace(/^00/, '')}`)
      : parser.national(digits);
  return e164 ? [{ kind: 'phone', value: e164, platform: 'whatsapp' }] : [];
}

function schemeBody(href: string): string {
  const body = href.slice(href.indexOf(':') + 1).replace(/^\/\//, '');
  const cut = body.search(/[?;]/);
  const b = cut >= 0 ? body.slice(0, cut) : body;
  try {
    return decodeURIComponent(b);
  } catch {
    return b;
  }
}

/** Every selector one link names. Never throws: a malformed link names nothing. */
export function linkSelectors(href: string, parser: PhoneParser, depth = 0): LinkSelector[] {
  const h = href.trim();
  if (!h || h.length > MAX_LINK) return [];
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(h)?.[1]?.toLowerCase();
  switch (scheme) {
    case 'tel':
    case 'sms':
    case 'callto':
      return phone(parser, schemeBody(h));
    case 'mailto':
      return mailtoAddresses(h).map((value) => ({ kind: 'email', value }));
    case 'bitcoin':
    case 'ethereum':
    case 'tron': {
      const w = parseWallet(schemeBody(h).replace(/@.*$/, '')); // ethereum:<address>@<chainId>
      return w ? [{ kind: 'wallet', value: w.address, platform: w.platform }] : [];
    }
    case 'whatsapp': {
      let url: URL;
      try {
        url = new URL(h);
      } catch {
        return [];
      }
      return whatsappNumber(parser, url.searchParams.get('phone'));
    }
    case 'http':
    case 'https':
    case 'tg':
      break;
    default:
      return [];
  }
  let url: URL;
  try {
    url = new URL(h);
  } catch {
    return [];
  }
  const host = baseHost(url.hostname);
  if (depth === 0 && REDIRECTORS.has(url.hostname.toLowerCase())) {
    const target = url.searchParams.get('u');
    return target ? linkSelectors(target, parser, 1) : [];
  }
  if (depth === 0 && /^(?:www\.)?google\.[a-z.]+$/.test(url.hostname.toLowerCase()) && url.pathname === '/url') {
    const target = url.searchParams.get('q') ?? url.searchParams.get('url');
    return target ? linkSelectors(target, parser, 1) : [];
  }
  if (host === 'wa.me') {
    const s0 = url.pathname.split('/').filter(Boolean)[0] ?? '';
    if (/^\+?[\d٠-٩۰-۹]{6,17}$/.test(decodeSafe(s0))) return whatsappNumber(parser, decodeSafe(s0));
  }
  if ((host === 'api.whatsapp.com' || host === 'whatsapp.com') && /^\/send\/?$/.test(url.pathname)) {
    return whatsappNumber(parser, url.searchParams.get('phone'));
  }
  const out: LinkSelector[] = [];
  const target = urlTarget(url);
  if (target?.kind === 'handle') out.push({ kind: 'handle', value: target.value, platform: target.platform });
  if (target?.kind === 'phone') out.push(...phone(parser, target.number, target.platform));
  // Explorer links (etherscan.io/address/0x…, tronscan, mempool.space…) name a wallet; the checksum
  // decides, so any link can be scanned.
  for (const w of findWallets(decodeSafe(h))) out.push({ kind: 'wallet', value: w.address, platform: w.platform });
  return out;
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
