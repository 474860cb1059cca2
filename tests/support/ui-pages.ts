import type { Page } from 'playwright-core';
import type { ChromiumDriver } from '../../cli/chromium/driver';
import type { HashmarkBrowser } from '../../cli/chromium/launch';
import type { FixtureServer } from './fixture-server';

/**
 * The extension's own pages as a person sees them (issue 20), shared by the accessibility and
 * keyboard tests and `npm run screenshots`: a case filled with captures of the local fixture
 * pages, and the popup, dashboard and export pages opened in tabs at a given language.
 */

export type UiLang = 'en' | 'fr' | 'ar';

/** One case with captures of the French and Arabic sample ads (served on 127.0.0.1, never the internet). */
export async function seedCase(driver: ChromiumDriver, site: FixtureServer, name = 'Réseau Marseille – annonces') {
  const kase = await driver.ensureCase(name, 'PV-2026-118');
  const captureIds: string[] = [];
  for (const page of ['ad-fr.html', 'ad-ar.html']) {
    const tab = await driver.openTab(site.url(page));
    const r = await driver.capture(tab);
    captureIds.push(r.captureId);
    await driver.closeTab(tab);
  }
  return { caseId: kase.id, captureIds };
}

/** Sets the interface language (the saved setting every open page follows) from the control page. */
export async function setLanguage(driver: ChromiumDriver, lang: UiLang): Promise<void> {
  await driver.inControl(
    (l: string) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('hashmark');
        open.onerror = () => reject(open.error ?? new Error('indexedDB.open failed'));
        open.onsuccess = () => {
          const tx = open.result.transaction('settings', 'readwrite');
          const store = tx.objectStore('settings');
          // Pages opened afterwards read it (a raw write does not wake Dexie's live queries).
          const get = store.get('profile');
          get.onsuccess = () =>
            store.put({ ...((get.result as object | undefined) ?? { id: 'profile' }), language: l });
          tx.oncomplete = () => resolve();
          tx.onerror = () => reject(tx.error ?? new Error('settings write failed'));
        };
      }),
    lang,
  );
}

/** Opens an extension page in a new tab and waits until the interface has rendered in `lang`. */
export async function openExtensionPage(
  driver: ChromiumDriver,
  path: string,
  lang: UiLang,
  viewport = { width: 1280, height: 800 },
): Promise<Page> {
  const page = await driver.hm.context.newPage();
  await page.setViewportSize(viewport);
  await page.goto(`chrome-extension://${driver.hm.extensionId}/${path}`);
  await page.waitForFunction((l) => document.documentElement.lang === l && !!document.querySelector('#app *'), lang);
  return page;
}

/**
 * The popup as a person opens it over a page. The toolbar popup cannot be clicked headless, so
 * the same page opens in a popup-type window: `pageUrl` (when given) stays the active tab of the
 * last focused normal window, as behind a real popup, and is what a capture from the popup takes.
 */
export async function openPopupOver(hm: HashmarkBrowser, pageUrl: string | null, height = 640) {
  const page = pageUrl ? await hm.context.newPage() : null;
  if (page && pageUrl) {
    await page.goto(pageUrl);
    await page.bringToFront();
  }
  const popupPromise = hm.context.waitForEvent('page', (p) => p.url().endsWith('/popup.html'));
  await hm.worker.evaluate(({ url, h }) => chrome.windows.create({ url, type: 'popup', width: 420, height: h }), {
    url: `chrome-extension://${hm.extensionId}/popup.html`,
    h: height,
  });
  const popup = await popupPromise;
  await popup.waitForLoadState();
  return { page, popup };
}
