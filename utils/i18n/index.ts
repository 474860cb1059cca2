import { ar } from './ar';
import { en, type MessageKey, type Message } from './en';
import { fr } from './fr';

export type { MessageKey, Message };

/**
 * The interface languages and their message catalogues. A typed catalogue of our own rather than
 * @wxt-dev/i18n: browser.i18n picks the language once, from the browser, and cannot switch at
 * run time, while investigators need an override in settings (an Arabic-speaking analyst on a
 * French-language work laptop). The browser's choice is still the default (see browserLanguages).
 */
export type Lang = 'en' | 'fr' | 'ar';
export const LANGS: readonly Lang[] = ['en', 'fr', 'ar'];
export type LanguageSetting = 'auto' | Lang;

export const CATALOGUES: Record<Lang, Record<MessageKey, Message>> = { en, fr, ar };

/** Our language for a BCP 47 / Chrome locale tag ("fr-CA", "ar_MA", "en"), or null. */
export function matchLang(tag: string | null | undefined): Lang | null {
  const primary = (tag ?? '').trim().toLowerCase().split(/[-_]/)[0];
  return (LANGS as readonly string[]).includes(primary ?? '') ? (primary as Lang) : null;
}

/** The settings override when set, else the first browser language we have, else English. */
export function resolveLang(
  setting: LanguageSetting | undefined,
  browserLangs: readonly (string | null | undefined)[],
): Lang {
  if (setting && setting !== 'auto') return setting;
  for (const tag of browserLangs) {
    const l = matchLang(tag);
    if (l) return l;
  }
  return 'en';
}

function dirOf(lang: Lang): 'ltr' | 'rtl' {
  return lang === 'ar' ? 'rtl' : 'ltr';
}

/** Sets `<html lang dir>` so the browser lays the page out, hyphenates and reads it aloud right. */
export function applyDocumentLanguage(lang: Lang, doc: Document = document): void {
  doc.documentElement.lang = lang;
  doc.documentElement.dir = dirOf(lang);
}

type Params = Record<string, string | number>;

export interface Translator {
  lang: Lang;
  dir: 'ltr' | 'rtl';
  /** The message for `key` with `{name}` placeholders filled; numbers are formatted for the language. */
  t(key: MessageKey, params?: Params): string;
  /** Date and time of an ISO instant, in the language's conventions and the local time zone. */
  dateTime(iso: string | number | Date): string;
  date(iso: string | number | Date): string;
  number(n: number): string;
  /** A byte count in B, kB, MB or GB. */
  bytes(n: number): string;
}

const PLACEHOLDER = /\{(\w+)\}/g;

export function createTranslator(lang: Lang): Translator {
  const catalogue = CATALOGUES[lang];
  const nf = new Intl.NumberFormat(lang);
  const plural = new Intl.PluralRules(lang);
  const dtf = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'medium' });
  const df = new Intl.DateTimeFormat(lang, { dateStyle: 'medium' });
  const fill = (text: string, params: Params | undefined) =>
    params
      ? text.replace(PLACEHOLDER, (m, name: string) => {
          const v = params[name];
          return v === undefined ? m : typeof v === 'number' ? nf.format(v) : v;
        })
      : text;
  const pick = (msg: Message, params: Params | undefined): string => {
    if (typeof msg === 'string') return msg;
    const count = Number(params?.count ?? 0);
    // An exact zero form first (Arabic and English both word "no captures" differently).
    const form = plural.select(count);
    return (count === 0 ? msg.zero : undefined) ?? msg[form] ?? msg.other;
  };
  const toDate = (v: string | number | Date) => (v instanceof Date ? v : new Date(v));
  return {
    lang,
    dir: dirOf(lang),
    t: (key, params) => fill(pick(catalogue[key] ?? en[key], params), params),
    dateTime: (v) => dtf.format(toDate(v)),
    date: (v) => df.format(toDate(v)),
    number: (n) => nf.format(n),
    bytes: (n) => formatBytes(n, lang),
  };
}

/** Bytes in the largest unit that keeps the number at or above 1 (decimal units, like file managers). */
export function formatBytes(n: number, lang: Lang): string {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;
  let v = Math.max(0, n);
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return new Intl.NumberFormat(lang, {
    style: 'unit',
    unit: units[i],
    unitDisplay: i === 0 ? 'long' : 'short',
    maximumFractionDigits: i === 0 || v >= 100 ? 0 : 1,
  }).format(v);
}

/**
 * The browser's language as seen by an extension page, best first. `uiLanguage` is a message in
 * each public/_locales/<lang>/messages.json, so it names the locale the browser itself chose
 * for the extension (Chromium's --lang, Firefox's language packs); getUILanguage() and
 * navigator.languages follow. (Measured: with --lang=fr, Chromium 150 under Playwright still
 * answers getUILanguage() "en-US" while choosing the French messages.)
 */
export function browserLanguages(
  api:
    | {
        getMessage?(name: string): string;
        getUILanguage?(): string;
      }
    | undefined,
  nav: { languages?: readonly string[] } | undefined = globalThis.navigator,
): string[] {
  const out: string[] = [];
  try {
    const m = api?.getMessage?.('uiLanguage');
    if (m) out.push(m);
  } catch {
    // No i18n API in this context (tests, a plain page): fall through.
  }
  try {
    const u = api?.getUILanguage?.();
    if (u) out.push(u);
  } catch {
    // Same.
  }
  out.push(...(nav?.languages ?? []));
  return out;
}
