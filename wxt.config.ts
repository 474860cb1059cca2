import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';

// See docs/DESIGN.md (shared) for the contexts. Permissions follow least privilege:
// host access and `debugger` are optional and requested only when a feature needs them.
export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill'],
  // MV3 everywhere: WXT would otherwise build MV2 for Firefox (so `wxt zip -b firefox`, the AMO
  // upload, would lose the host permissions and differ from what the tests run).
  manifestVersion: 3,
  // `wxt zip -b firefox` also writes the sources ZIP that AMO reviewers rebuild from
  // (docs/firefox.md): the build inputs, never local output such as demo packages or screenshots.
  zip: { excludeSources: ['demo-output/**', 'tmp/**', 'tests/**', 'scripts/**', '**/*.zip'] },
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
      // Watch-list alerts (issue #6 item 4): asked for when the investigator turns them on; the
      // badge alone works without. The automation build has it so tests can see a notification.
      // Recording mode (issue 16) sees page views through webNavigation: asked for by the popup's
      // Record button with host access (captures without a click have no activeTab grant).
      ...(mode === 'automation' ? ['webRequest', 'notifications', 'webNavigation'] : []),
      // Fast mode (Chromium; Firefox has no debugger API): the tests and the CLI have no user
      // gesture to grant it, so the automation build has it up front.
      ...(mode === 'automation' && browser !== 'firefox' ? ['debugger'] : []),
    ],
    // Fast mode's `debugger` is asked for by the settings toggle, only from users who turn it on.
    ...(mode === 'automation'
      ? {}
      : {
          optional_permissions: [
            'webRequest',
            'notifications',
            'webNavigation',
            ...(browser === 'firefox' ? [] : ['debugger']),
          ],
        }),
    // Host access is optional for users (asked for when a feature needs it). The automation
    // build that tests and the CLI drive has it up front: with no user gesture there is no
    // activeTab grant, and the same pipeline must still read the page and take the screenshot.
    ...(mode === 'automation' ? { host_permissions: ['<all_urls>'] } : { optional_host_permissions: ['<all_urls>'] }),
    commands: {
      'capture-page': {
        suggested_key: { default: 'Alt+Shift+S' },
        description: '__MSG_commandCapture__',
      },
      // Recording mode (issue 16): starts recording the current tab, or stops the recording.
      'toggle-recording': {
        suggested_key: { default: 'Alt+Shift+R' },
        description: '__MSG_commandRecord__',
      },
    },
    content_security_policy: {
      // 'wasm-unsafe-eval' lets extension pages compile WebAssembly (no JavaScript eval): the
      // export's streaming SHA-256 of each ZIP part is hash-wasm's (issue 17, docs/performance.md).
      // MV3 refuses WebAssembly without it, in Chromium and Firefox alike.
      extension_pages:
        "script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    },
    // Firefox MV3 (docs/firefox.md). WXT writes `background.scripts` (an event page: Firefox has
    // no extension service worker) and drops nothing else; the capture code checks capabilities
    // (no pageCapture, tabs.captureTab) rather than the browser's name.
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: {
              // Fixed: Firefox keys the add-on's storage on it, AMO its listing, and the CLI and
              // tests its moz-extension:// origin (extensions.webextensions.uuids).
              id: 'hashmark@hashmark.invalid',
              // Debian's firefox-esr is the 140 ESR: the first Firefox that reads
              // data_collection_permissions, and it has everything else used (MV3 event page,
              // storage.session, scripting, tabs.captureTab with rect, Element.getHTML).
              strict_min_version: '140.0',
              // Nothing goes to Hashmark's developers or anyone else: captures stay in the
              // browser until the investigator exports them to a file. (An RFC 3161 timestamp,
              // when the investigator sets a TSA, sends only a hash.)
              data_collection_permissions: { required: ['none'] },
            },
          },
        }
      : {}),
  }),
});
