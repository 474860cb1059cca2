import { browser } from 'wxt/browser';

// Settings live in the dashboard (one place for everything an investigator configures); the
// browser's "Extension options" entry lands there.
location.replace(browser.runtime.getURL('/dashboard.html#/settings'));
