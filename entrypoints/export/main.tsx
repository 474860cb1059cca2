import { render } from 'preact';
import { browser } from 'wxt/browser';
import '@/components/styles.css';
import { DbProvider } from '@/components/db';
import { LanguageRoot } from '@/components/i18n';
import { openExtensionDb } from '@/utils/db';
import { browserLanguages } from '@/utils/i18n';
import { ExportPage } from './ExportPage';

render(
  <DbProvider db={openExtensionDb()}>
    <LanguageRoot browserLanguages={browserLanguages(browser.i18n)} titleKey="exportPage.title">
      <ExportPage search={location.search} />
    </LanguageRoot>
  </DbProvider>,
  document.getElementById('app')!,
);
