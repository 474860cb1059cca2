import { render } from 'preact';
import { browser } from 'wxt/browser';
import '@/components/common/styles.css';
import './onboarding.css';
import { DbProvider } from '@/components/hooks/db';
import { LanguageRoot } from '@/components/hooks/i18n';
import { Onboarding, type OnboardingEnv } from '@/components/onboarding/Onboarding';
import { openExtensionDb } from '@/utils/db';
import { browserLanguages } from '@/utils/i18n';
import { send } from '@/utils/messaging/client';
import { ensureSigningKey } from '@/utils/services/signing-keys';

// The first-run page (issue 20), opened by the background on install: wiring only.
const db = openExtensionDb();
const HOST = { origins: ['<all_urls>'], permissions: ['webRequest'] } as Parameters<
  typeof browser.permissions.request
>[0];

const env: OnboardingEnv = {
  async createCase(name, reference) {
    await send('case.create', { name, reference, activate: true }, browser.runtime);
  },
  ensureKey: () => ensureSigningKey(db),
  hostAccess: {
    granted: () => browser.permissions.contains(HOST),
    request: () => browser.permissions.request(HOST),
  },
  dashboardUrl: browser.runtime.getURL('/dashboard.html'),
};

render(
  <DbProvider db={db}>
    <LanguageRoot browserLanguages={browserLanguages(browser.i18n)} titleKey="ui.onb.title">
      <Onboarding env={env} />
    </LanguageRoot>
  </DbProvider>,
  document.getElementById('app')!,
);
