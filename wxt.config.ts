import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';

// See docs/DESIGN.md (shared) for the contexts. Permissions follow least privilege:
// host access and `debugger` are optional and requested only when a feature needs them.
export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill'],
  vite: () => ({
    plugins: [preact()],
  }),
  manifest: ({ browser, mode }) => ({
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'en',
    permissions: [
      'activeTab',
      'scripting',
      'storage',
      'unlimitedStorage',
      'downloads',
      'contextMenus',
      // Retries of pending trusted timestamps survive the worker being stopped.
      'alarms',
      // MHTML of the page (Chromium only; Firefox has no pageCapture and records a limitation).
      ...(browser === 'firefox' ? [] : ['pageCapture']),
      ...(mode === 'automation' ? ['webRequest'] : []),
    ],
    ...(mode === 'automation' ? {} : { optional_permissions: ['webRequest'] }),
    // Host access is optional for users (asked for when a feature needs it). The automation
    // build that tests and the CLI drive has it up front: with no user gesture there is no
    // activeTab grant, and the same pipeline must still read the page and take the screenshot.
    ...(mode === 'automation'
      ? { host_permissions: ['<all_urls>'] }
      : { optional_host_permissions: ['<all_urls>'] }),
    commands: {
      'capture-page': {
        suggested_key: { default: 'Alt+Shift+S' },
        description: '__MSG_commandCapture__',
      },
    },
    content_security_policy: {
      extension_pages: "script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    },
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: { id: 'hashmark@hashmark.invalid', strict_min_version: '128.0' },
          },
        }
      : {}),
  }),
});
