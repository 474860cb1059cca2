import { render } from 'preact';
import { browser } from 'wxt/browser';
import '@/components/styles.css';
import './popup.css';
import { DbProvider } from '@/components/db';
import { LanguageRoot } from '@/components/i18n';
import { openExtensionDb } from '@/utils/db';
import { browserLanguages } from '@/utils/i18n';
import { App } from './App';

render(
  <DbProvider db={openExtensionDb()}>
    <LanguageRoot browserLanguages={browserLanguages(browser.i18n)}>
      <App />
    </LanguageRoot>
  </DbProvider>,
  document.getElementById('app')!,
);
