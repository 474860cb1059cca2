import type { Dispatch, StateUpdater } from 'preact/hooks';
import type { SettingsRecord } from '@/utils/db';
import { saveSettings } from '@/utils/services/annotations';
import { LANGS, type Lang, type LanguageSetting as LanguageChoice } from '@/utils/i18n';
import { useDb } from '../hooks/db';
import { useI18n } from '../hooks/i18n';

// The interface language, saved at once (every open Hashmark page follows the setting).

/** Language names in their own language (a reader who cannot read the current one still finds theirs). */
const ENDONYMS: Record<Lang, string> = { en: 'English', fr: 'Français', ar: 'العربية' };

export function LanguageSetting(props: {
  s: SettingsRecord;
  setS: Dispatch<StateUpdater<SettingsRecord | null>>;
  /** The browser's own language, named in the "automatic" choice. */
  browserLang: Lang;
}) {
  const tr = useI18n();
  const db = useDb();
  const { s, setS } = props;
  return (
    <form class="settings-language" onSubmit={(e) => e.preventDefault()}>
      <label>
        {tr.t('settings.language')}{' '}
        <select
          name="language"
          value={s.language}
          onChange={(e) => {
            const language = e.currentTarget.value as LanguageChoice;
            setS({ ...s, language });
            void saveSettings(db, { language });
          }}
        >
          <option value="auto">{tr.t('settings.languageAuto', { name: ENDONYMS[props.browserLang] })}</option>
          {LANGS.map((l) => (
            <option key={l} value={l} lang={l}>
              {ENDONYMS[l]}
            </option>
          ))}
        </select>
      </label>
    </form>
  );
}
