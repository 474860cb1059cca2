import { render } from 'preact';
import { browser } from 'wxt/browser';
import '@/components/common/styles.css';
import { DbProvider } from '@/components/hooks/db';
import { LanguageRoot } from '@/components/hooks/i18n';
import { openExtensionDb } from '@/utils/db';
import { send } from '@/utils/messaging/client';
import { browserLanguages } from '@/utils/i18n';
import { saveDownload } from '@/utils/package/save-download';
import { ExportPage, type ExportEnv } from './ExportPage';

// The export page's browser capabilities, read here so ExportPage takes them as data.
const langs = browserLanguages(browser.i18n);
const env: ExportEnv = {
  browserLanguages: langs,
  software: { name: 'Hashmark', version: browser.runtime.getManifest().version, browser: navigator.userAgent },
  save: (zip, name) => saveDownload(zip, name),
  storePush: () => void send('store.push', {}, browser.runtime).catch(() => undefined),
};

render(
  <DbProvider db={openExtensionDb()}>
    <LanguageRoot browserLanguages={langs} titleKey="exportPage.title">
      <ExportPage search={location.search} env={env} />
    </LanguageRoot>
  </DbProvider>,
  document.getElementById('app')!,
);
