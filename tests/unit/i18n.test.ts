// @vitest-environment happy-dom
import { describe, expect, test } from 'vitest';
import {
  applyDocumentLanguage,
  browserLanguages,
  CATALOGUES,
  createTranslator,
  formatBytes,
  LANGS,
  matchLang,
  resolveLang,
  type Message,
} from '@/utils/i18n';
import { en } from '@/utils/i18n/en';
import enLocale from '@/public/_locales/en/messages.json';
import frLocale from '@/public/_locales/fr/messages.json';
import arLocale from '@/public/_locales/ar/messages.json';

const placeholders = (m: Message) =>
  [
    ...new Set(
      (typeof m === 'string' ? [m] : Object.values(m)).flatMap((t) =>
        [...(t ?? '').matchAll(/\{(\w+)\}/g)].map((x) => x[1]),
      ),
    ),
  ].sort();

describe('catalogues', () => {
  const keys = Object.keys(en).sort();

  test.each(LANGS)('%s has every key, no extra key, and no empty text', (lang) => {
    const cat = CATALOGUES[lang];
    expect(Object.keys(cat).sort()).toEqual(keys);
    for (const k of keys) {
      const m = cat[k as keyof typeof en];
      const texts = typeof m === 'string' ? [m] : Object.values(m);
      for (const t of texts) expect(t?.trim(), `${lang} ${k}`).toBeTruthy();
    }
  });

  test.each(LANGS)('%s uses the same placeholders as English in every message', (lang) => {
    for (const k of keys) {
      const m = CATALOGUES[lang][k as keyof typeof en];
      // A plural form may leave the number out ("one capture" = "التقاط واحد"), never add an unknown one.
      const own = placeholders(m);
      const ref = placeholders(en[k as keyof typeof en]);
      expect(
        own.filter((p) => !ref.includes(p)),
        `${lang} ${k}`,
      ).toEqual([]);
      if (typeof m === 'string') expect(own, `${lang} ${k}`).toEqual(ref);
    }
  });

  test.each(LANGS)('%s plural messages have every plural form the language uses', (lang) => {
    const categories = new Intl.PluralRules(lang).resolvedOptions().pluralCategories;
    for (const k of keys) {
      const enMsg = en[k as keyof typeof en];
      const m = CATALOGUES[lang][k as keyof typeof en];
      expect(typeof m, `${lang} ${k}: plural in English, so plural here too`).toBe(typeof enMsg);
      if (typeof m === 'string') continue;
      for (const c of categories) expect(m[c], `${lang} ${k} lacks "${c}"`).toBeTruthy();
    }
  });

  test('French and Arabic are translations, not copies of English', () => {
    const same = (lang: 'fr' | 'ar') =>
      Object.keys(en).filter(
        (k) => JSON.stringify(CATALOGUES[lang][k as keyof typeof en]) === JSON.stringify(en[k as keyof typeof en]),
      );
    // Only names and file names may read the same in every language.
    // (French shares a few words with English: Pages, Notes, Sections, Signature, Captures…)
    expect(same('fr').sort()).toEqual(
      [
        'nav.label',
        'cases.activeBadge',
        'notes.title',
        'detail.sections',
        'artifact.original',
        'check.bagit',
        'check.bag-info',
        'check.case-json',
        'check.signature',
        'settings.capture',
      ].sort(),
    );
    expect(same('ar').sort()).toEqual(['check.bag-info', 'check.bagit', 'check.case-json'].sort());
    expect(CATALOGUES.ar['popup.capture'] as string).toMatch(/[\u0600-\u06ff]/);
  });

  test('Arabic calls a capture التقاط everywhere; لقطة is only a screenshot (لقطة شاشة)', () => {
    // One concept, one name (docs/DESIGN.md "Words"): "لقطات" for captures read as "screenshots".
    const texts = [
      ...Object.values(CATALOGUES.ar).flatMap((m) => (typeof m === 'string' ? [m] : Object.values(m))),
      ...Object.values(arLocale as Record<string, { message: string }>).map((m) => m.message),
    ];
    const stray = texts.flatMap((t) =>
      [...(t ?? '').matchAll(/(\S*لقط\S*)\s*(\S*)/g)]
        .filter((m) => !/^(?:ال)?شاشة/.test(m[2] ?? ''))
        .map((m) => `${m[1]} in: ${t}`),
    );
    expect(stray).toEqual([]);
    const t = createTranslator('ar').t;
    const imported = (count: number) => t('teamStore.imported', { count, name: 'ق', who: 'م' });
    expect(imported(1)).toContain('التقاط واحد');
    expect(imported(2)).toContain('التقاطان');
    expect(imported(3)).toMatch(/ التقاطات من/);
    expect(imported(11)).toMatch(/ التقاطًا من/);
  });

  test('the extension manifest locales name their own language (the dashboard follows the browser through them)', () => {
    expect([enLocale.uiLanguage.message, frLocale.uiLanguage.message, arLocale.uiLanguage.message]).toEqual([
      'en',
      'fr',
      'ar',
    ]);
  });
});

describe('language choice', () => {
  test('matchLang reads BCP 47 and Chrome locale tags', () => {
    expect(matchLang('fr-CA')).toBe('fr');
    expect(matchLang('ar_MA')).toBe('ar');
    expect(matchLang('EN')).toBe('en');
    expect(matchLang('de-DE')).toBeNull();
    expect(matchLang(undefined)).toBeNull();
  });

  test('the setting overrides the browser; auto takes the first language we have, else English', () => {
    expect(resolveLang('fr', ['ar'])).toBe('fr');
    expect(resolveLang('auto', ['de-DE', 'ar-DZ', 'fr'])).toBe('ar');
    expect(resolveLang('auto', ['de', 'es'])).toBe('en');
    expect(resolveLang(undefined, [])).toBe('en');
  });

  test('browserLanguages puts the locale the browser chose for the extension first', () => {
    const api = { getMessage: (n: string) => (n === 'uiLanguage' ? 'fr' : ''), getUILanguage: () => 'en-US' };
    expect(browserLanguages(api, { languages: ['de'] })).toEqual(['fr', 'en-US', 'de']);
    expect(
      browserLanguages(
        {
          getMessage: () => {
            throw new Error('no i18n');
          },
        },
        { languages: ['ar'] },
      ),
    ).toEqual(['ar']);
  });

  test('applyDocumentLanguage sets <html lang dir>', () => {
    applyDocumentLanguage('ar', document);
    expect(document.documentElement.getAttribute('lang')).toBe('ar');
    expect(document.documentElement.getAttribute('dir')).toBe('rtl');
    applyDocumentLanguage('fr', document);
    expect(document.documentElement.getAttribute('dir')).toBe('ltr');
  });
});

describe('translator', () => {
  test('placeholders are filled and numbers formatted for the language', () => {
    expect(createTranslator('en').t('search.indexing', { done: 1200, total: 10000 })).toBe(
      'Indexing captures for search: 1,200 of 10,000…',
    );
    expect(createTranslator('fr').t('search.indexing', { done: 1200, total: 10000 })).toMatch(/1\s200 sur 10\s000/);
  });

  test('Arabic picks among its six plural forms', () => {
    const t = createTranslator('ar').t;
    expect(t('cases.captures', { count: 0 })).toBe('لا التقاطات');
    expect(t('cases.captures', { count: 1 })).toBe('التقاط واحد');
    expect(t('cases.captures', { count: 2 })).toBe('التقاطان');
    expect(t('cases.captures', { count: 3 })).toMatch(/التقاطات$/);
    expect(t('cases.captures', { count: 11 })).toMatch(/التقاطًا$/);
    expect(t('cases.captures', { count: 100 })).toMatch(/ التقاط$/);
  });

  test('English and French plural and zero forms', () => {
    expect(createTranslator('en').t('search.results', { count: 1 })).toBe('1 capture found');
    expect(createTranslator('en').t('search.results', { count: 0 })).toBe('No capture found');
    expect(createTranslator('fr').t('search.results', { count: 2 })).toBe('2 captures trouvées');
    // French counts 0 and 1 as singular, but our zero form wins at exactly 0.
    expect(createTranslator('fr').t('cases.captures', { count: 0 })).toBe('aucune capture');
  });

  test('dates follow the language and bytes use decimal units', () => {
    const iso = '2026-11-27T12:00:00.000Z';
    expect(createTranslator('fr').date(iso)).toMatch(/nov/);
    expect(createTranslator('ar').date(iso)).not.toBe(createTranslator('en').date(iso));
    expect(createTranslator('en').date(iso)).toBe('Nov 27, 2026');
    expect(formatBytes(999, 'en')).toBe('999 bytes');
    expect(formatBytes(1_500_000, 'en')).toBe('1.5 MB');
    expect(formatBytes(1_500_000, 'fr')).toMatch(/^1,5\s?Mo$/);
  });
});
