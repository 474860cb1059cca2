import { render } from 'preact';
import { browser } from 'wxt/browser';
import '@/components/common/styles.css';
import { LanguageRoot } from '@/components/hooks/i18n';
import { browserLanguages } from '@/utils/i18n';
import { ExportPage } from './ExportPage';

render(
  <LanguageRoot browserLanguages={browserLanguages(browser.i18n)} titleKey="exportPage.title">
    <ExportPage search={location.search} />
  </LanguageRoot>,
  document.getElementById('app')!,
);
