/** Small facts and requests about the extension's own context, behind functions services can call. */
import { browser } from 'wxt/browser';

/** The browser's UI language (e.g. "fr-MA"): a fallback for the phone region and the language. */
export function uiLanguage(): string {
  return browser.i18n.getUILanguage();
}

/** Asks the browser to keep this profile's storage (evidence must not be evicted); best effort. */
export function requestPersistentStorage(): void {
  void navigator.storage?.persist?.().catch(() => false);
}

/** Who makes a package here (bag-info Bag-Software-Agent, case.json software), as the export page says it. */
export function packageSoftware(): { name: string; version: string; browser: string } {
  return { name: 'Hashmark', version: browser.runtime.getManifest().version, browser: navigator.userAgent };
}
