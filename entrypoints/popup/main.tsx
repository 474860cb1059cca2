import { render } from 'preact';
import { browser } from 'wxt/browser';
import '@/components/common/styles.css';
import './popup.css';
import { DbProvider } from '@/components/hooks/db';
import { LanguageRoot } from '@/components/hooks/i18n';
import { openExtensionDb } from '@/utils/db';
import { browserLanguages } from '@/utils/i18n';
import { send } from '@/utils/messaging/client';
import { App, type PopupEnv } from './App';

/** The popup closes when it loses focus: long work (export) and the dashboard get their own tab. */
async function openPage(path: Parameters<typeof browser.runtime.getURL>[0]): Promise<void> {
  await browser.tabs.create({ url: browser.runtime.getURL(path) });
  window.close();
}

/** The tab behind the popup: the active tab of the last focused normal window (as capture.start picks it). */
async function activeTab(): Promise<{ id?: number | undefined; url?: string | undefined } | null> {
  const win = await browser.windows.getLastFocused({ windowTypes: ['normal'] }).catch(() => null);
  const [t] = await browser.tabs.query(
    win?.id !== undefined ? { active: true, windowId: win.id } : { active: true, lastFocusedWindow: true },
  );
  return t ?? null;
}

const activeTabId = async () => (await activeTab())?.id ?? null;

/**
 * The page behind the popup when Capture is clicked, by tab and address: if the tab moves on before
 * the background reaches it (a redirect, a link), the capture is refused instead of taking the next
 * page under this click.
 */
async function capture() {
  const t = await activeTab();
  const seen = t?.id !== undefined ? { tabId: t.id, ...(t.url ? { expectUrl: t.url } : {}) } : {};
  return send('capture.start', { trigger: 'popup', ...seen }, browser.runtime);
}

const env: PopupEnv = {
  capture,
  async setActiveCase(caseId) {
    await send('case.setActive', { caseId }, browser.runtime);
  },
  async createCase(name, reference) {
    await send('case.create', { name, reference, activate: true }, browser.runtime);
  },
  openExport: (caseId) => openPage(`/export.html?case=${encodeURIComponent(caseId)}`),
  openDashboard: (caseId) =>
    openPage(caseId ? `/dashboard.html#/case/${encodeURIComponent(caseId)}` : '/dashboard.html'),
  openSettings: () => openPage('/dashboard.html#/settings'),
  recording: {
    async start(scope, full) {
      // Asked inside the click (the browser prompts only then): captures without a click need
      // host access, and page views are seen through webNavigation. Already granted: no prompt.
      const wanted = { origins: ['<all_urls>'], permissions: ['webNavigation'] } as Parameters<
        typeof browser.permissions.request
      >[0];
      const granted = await browser.permissions.request(wanted).catch(() => browser.permissions.contains(wanted));
      if (!granted) throw new Error('Recording needs access to the sites you visit and to navigation events.');
      await send('recording.start', { scope, full }, browser.runtime);
    },
    pause: async () => void (await send('recording.pause', {}, browser.runtime)),
    stop: async () => void (await send('recording.stop', {}, browser.runtime)),
  },
  harvestStart: (req) => send('harvest.start', { trigger: 'popup', ...req }, browser.runtime),
  harvestStatus: (q) => send('harvest.status', q, browser.runtime),
  harvestStop: (jobId) => send('harvest.stop', { jobId }, browser.runtime),
  activeTabId,
};

render(
  <DbProvider db={openExtensionDb()}>
    <LanguageRoot browserLanguages={browserLanguages(browser.i18n)}>
      <App env={env} />
    </LanguageRoot>
  </DbProvider>,
  document.getElementById('app')!,
);
