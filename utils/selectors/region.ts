import { isSupportedCountry } from 'libphonenumber-js/max';

/** Where the default phone region of a capture came from (recorded in capture.json). */
export type RegionSource = 'settings' | 'site' | 'browser' | 'fallback';

/** Country TLDs used worldwide as generic ones (.co, .me, .tv, .io, .ai): they say nothing of the numbers. */
const NOT_COUNTRIES = new Set(['co', 'me', 'tv', 'io', 'ai']);

/**
 * The region national numbers ("06 12 34 56 78") are read in: the investigator's setting first;
 * else the site's country domain (avito.ma → MA: ads on a country's site use its numbering);
 * else the browser's locale region; else France. Always recorded with its source, so a reader
 * knows how "0612…" became "+33612…".
 */
export function chooseRegion(o: { setting?: string; url: string; uiLanguage?: string }): {
  region: string;
  source: RegionSource;
} {
  const ok = (r: string | undefined): r is string => !!r && /^[A-Z]{2}$/.test(r) && isSupportedCountry(r);
  if (ok(o.setting)) return { region: o.setting, source: 'settings' };
  try {
    const tld = new URL(o.url).hostname.split('.').pop()?.toLowerCase() ?? '';
    const cc = tld === 'uk' ? 'GB' : tld.toUpperCase();
    if (tld.length === 2 && !NOT_COUNTRIES.has(tld) && ok(cc)) return { region: cc, source: 'site' };
  } catch {
    // not a URL: fall through
  }
  const fromLocale = /[-_]([A-Za-z]{2})\b/.exec(o.uiLanguage ?? '')?.[1]?.toUpperCase();
  if (ok(fromLocale)) return { region: fromLocale, source: 'browser' };
  return { region: 'FR', source: 'fallback' };
}
