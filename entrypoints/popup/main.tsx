import { render } from 'preact';
import { browser } from 'wxt/browser';
import '@/components/common/styles.css';
import './popup.css';
import { LanguageRoot } from '@/components/hooks/i18n';
import { browserLanguages } from '@/utils/i18n';
import { App } from './App';

render(
  <LanguageRoot browserLanguages={browserLanguages(browser.i18n)}>
    <App />
  </LanguageRoot>,
  document.getElementById('app')!,
);
