import { createContext, type ComponentChildren } from 'preact';
import { useContext, useEffect, useMemo } from 'preact/hooks';
import { getSettings, type SettingsRecord } from '@/utils/db';
import { applyDocumentLanguage, createTranslator, resolveLang, type Lang, type Translator } from '@/utils/i18n';
import { useDb } from './db';
import { useLive } from './use-live';

const english = createTranslator('en');
const I18n = createContext<Translator>(english);

/** The translator of the nearest provider (English when there is none, as in a bare test). */
export function useI18n(): Translator {
  return useContext(I18n);
}

export function I18nProvider(props: { lang: Lang; children: ComponentChildren }) {
  const tr = useMemo(() => createTranslator(props.lang), [props.lang]);
  return <I18n.Provider value={tr}>{props.children}</I18n.Provider>;
}

/**
 * Root of an extension page: follows the language setting (live, so switching it in the
 * dashboard switches every open page) and the browser's languages, sets `<html lang dir>` and
 * the title, and renders nothing until the settings are read (no flash of the wrong language).
 */
export function LanguageRoot(props: {
  browserLanguages: readonly string[];
  /** Message key of the page title, set in the chosen language. */
  titleKey?: Parameters<Translator['t']>[0];
  doc?: Document;
  children: ComponentChildren;
}) {
  const db = useDb();
  const settings = useLive<SettingsRecord | null>(() => getSettings(db), [db], null);
  const lang = settings ? resolveLang(settings.language, props.browserLanguages) : null;
  useEffect(() => {
    if (!lang) return;
    const doc = props.doc ?? document;
    applyDocumentLanguage(lang, doc);
    if (props.titleKey) doc.title = createTranslator(lang).t(props.titleKey);
  }, [lang, props.titleKey, props.doc]);
  if (!lang) return null;
  return <I18nProvider lang={lang}>{props.children}</I18nProvider>;
}
