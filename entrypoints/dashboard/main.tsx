import { render } from 'preact';
import { browser } from 'wxt/browser';
import '@/components/common/styles.css';
import './dashboard.css';
import { DbProvider } from '@/components/hooks/db';
import { LanguageRoot } from '@/components/hooks/i18n';
import { href } from '@/components/common/route';
import { openExtensionDb } from '@/utils/db';
import { spkiDerToPem } from '@/utils/evidence/signing';
import { ensureSigningKey, rotateSigningKey } from '@/utils/services/signing-keys';
import { browserLanguages, resolveLang } from '@/utils/i18n';
import { send } from '@/utils/messaging/client';
import { saveDownload } from '@/utils/package/save-download';
import { sha256OfBlob, verifyPackage } from '@/utils/package/verify';
import { WatchActionsProvider, type WatchActions } from '@/components/hooks/watch-actions';
import { StoreActionsProvider, type StoreActions } from '@/components/settings/StoreSetting';
import { createDownloadSpool } from '@/utils/platform/download-spool';
import { downloadAndVerify } from '@/utils/services/store-download';
import { App, type DashboardEnv } from './App';

const db = openExtensionDb();
const langs = browserLanguages(browser.i18n);
/** Capability, not browser name: Chromium builds declare `debugger` (optional), Firefox builds do not. */
const manifest = browser.runtime.getManifest() as { permissions?: string[]; optional_permissions?: string[] };
const declaresDebugger = [...(manifest.permissions ?? []), ...(manifest.optional_permissions ?? [])].includes(
  'debugger',
);
const DEBUGGER = { permissions: ['debugger'] } as Parameters<typeof browser.permissions.request>[0];

const env: DashboardEnv = {
  browserLang: resolveLang('auto', langs),
  async createCase(name, reference) {
    const c = await send('case.create', { name, reference, activate: true }, browser.runtime);
    location.hash = href.case(c.id);
  },
  async setActiveCase(caseId) {
    await send('case.setActive', { caseId }, browser.runtime);
  },
  openExport(caseId) {
    // The export runs in its own tab, which shows its progress (and survives this page closing).
    void browser.tabs.create({ url: browser.runtime.getURL(`/export.html?case=${encodeURIComponent(caseId)}`) });
  },
  ensureKey: () => ensureSigningKey(db),
  downloadKey(key) {
    void saveDownload(
      new TextEncoder().encode(spkiDerToPem(key.spkiDer)),
      `hashmark-signing-key-${key.fingerprint.slice(0, 16)}.pem`,
      'application/x-pem-file',
    );
  },
  requestOrigin: (origin) => browser.permissions.request({ origins: [`${origin}/*`] }),
  persistStorage: () => navigator.storage.persist(),
  verify: verifyPackage,
  sha256: (file) => sha256OfBlob(file),
  // Host access and webRequest are asked for together: they serve the same features.
  hostAccess: {
    granted: () => browser.permissions.contains({ origins: ['<all_urls>'], permissions: ['webRequest'] }),
    request: () => browser.permissions.request({ origins: ['<all_urls>'], permissions: ['webRequest'] }),
  },
  ...(declaresDebugger
    ? {
        fastMode: {
          granted: () => browser.permissions.contains(DEBUGGER),
          request: () => browser.permissions.request(DEBUGGER),
          release: async () => void (await browser.permissions.remove(DEBUGGER)),
        },
      }
    : {}),
  async syncWatch() {
    await send('watch.sync', {}, browser.runtime);
  },
  // Team store (issue 18): the background lists and presigns (it holds the key); this page downloads
  // and verifies, so a big package is never held in the service worker; the background re-checks and writes.
  teamStore: {
    list: async () => (await send('store.list', {}, browser.runtime)).versions,
    async importVersion(v) {
      const { url } = await send('store.presign', { key: v.key, versionId: v.versionId }, browser.runtime);
      const d = await downloadAndVerify({ spool: createDownloadSpool() }, v, url);
      const result = d.commit ? await send('store.commit', d.commit, browser.runtime) : null;
      return { report: d.report, zipSha256: d.zipSha256, refused: d.refused, result };
    },
  },
  async rotateKey() {
    await rotateSigningKey(db, () => new Date(), 'rotated from the settings');
    location.reload();
  },
};

// Watch list: writes go to the background (it normalises, logs, and re-syncs the page scan).
// Host access alone is what the scan needs; notifications are optional (badge only without).
const watch: WatchActions = {
  add: (caseId, kind, value) => send('watch.add', { caseId, kind, value }, browser.runtime),
  async remove(watchId) {
    await send('watch.remove', { watchId }, browser.runtime);
  },
  hostAccess: {
    granted: () => browser.permissions.contains({ origins: ['<all_urls>'] }),
    async request() {
      const ok = await browser.permissions.request({ origins: ['<all_urls>'] });
      await send('watch.sync', {}, browser.runtime).catch(() => undefined);
      return ok;
    },
  },
  notifications: {
    granted: () => browser.permissions.contains({ permissions: ['notifications'] }),
    request: () => browser.permissions.request({ permissions: ['notifications'] }),
    remove: () => browser.permissions.remove({ permissions: ['notifications'] }),
  },
};

// Team store (issue 18): the unsealed key lives in the background's session storage.
const storeActions: StoreActions = {
  async unlock(passphrase) {
    await send('store.unlock', { passphrase }, browser.runtime);
  },
  async push() {
    await send('store.push', { all: true }, browser.runtime);
  },
};

render(
  <DbProvider db={db}>
    <LanguageRoot browserLanguages={langs} titleKey="dashboard.title">
      <WatchActionsProvider actions={watch}>
        <StoreActionsProvider actions={storeActions}>
          <App env={env} />
        </StoreActionsProvider>
      </WatchActionsProvider>
    </LanguageRoot>
  </DbProvider>,
  document.getElementById('app')!,
);
