import { browser } from 'wxt/browser';
import { openExtensionDb } from '@/utils/db';
import { receive } from '@/utils/messaging/receive';
import { registerAutomationHooks } from '@/utils/platform/automation-listener';
import { forgetTabFacts, observeResponses } from '@/utils/platform/network-observer';
import { listenToNotificationClicks } from '@/utils/platform/watch-alert';
import { listenForRecording } from '@/utils/platform/recording-platform';
import { badgeForFailure } from '@/utils/platform/badge';
import { focusedActiveTab, onShortcut } from '@/utils/platform/shortcut';
import { createBackgroundServices, startBackground } from '@/utils/services/background-handlers';

/**
 * Background: orchestrates captures and owns the write path of evidence. Holds no state in
 * module globals (the worker is stopped when idle); everything lives in IndexedDB. Thin wiring:
 * every listener is registered synchronously here (so its event wakes the worker) and hands the
 * work to utils/services.
 */
const TIMESTAMP_ALARM = 'hashmark-timestamps';

export default defineBackground(() => {
  const bootedAt = new Date().toISOString();
  const db = openExtensionDb();
  const s = createBackgroundServices(db);

  // Network facts need host access + webRequest (optional): observed at start and when granted.
  observeResponses();
  // Automation builds only (a no-op otherwise): lets the Firefox test client open our pages.
  registerAutomationHooks();
  // Recording mode: tabs and (once granted) webNavigation events feed the recording service.
  listenForRecording(s.recording);
  browser.permissions.onAdded.addListener(() => {
    observeResponses();
    listenForRecording(s.recording);
    void s.syncWatch();
    listenToNotificationClicks();
  });
  browser.permissions.onRemoved.addListener(() => void s.syncWatch());
  browser.tabs.onRemoved.addListener((tabId) => forgetTabFacts(tabId));

  // Timestamps are retried from the persisted queue every minute.
  void browser.alarms.create(TIMESTAMP_ALARM, { periodInMinutes: 1 });
  browser.alarms.onAlarm.addListener((a) => {
    if (a.name === TIMESTAMP_ALARM) {
      s.timestampRound();
      // Team store (issue 18): due pushes are retried on the same minute alarm (backoff decides which).
      s.storeRound();
    }
  });
  startBackground(db, bootedAt, s);
  // Clicking a watch notification opens its case; the API exists once the permission is granted.
  listenToNotificationClicks();

  const self = { id: browser.runtime.id, origin: browser.runtime.getURL('/') };
  // A listener that returns a promise is how a runtime message gets its answer (or none: undefined).
  // eslint-disable-next-line @typescript-eslint/no-misused-promises -- the promise is the reply
  browser.runtime.onMessage.addListener((message, sender) =>
    receive(message, sender, {
      self,
      handlers: { page: s.handlers, content: s.contentHandlers, watch: s.watchHandlers },
      isRunningJob: s.isRunningJob,
    }),
  );

  browser.runtime.onInstalled.addListener((details) => {
    // First run (issue 20): the onboarding page. Not in the automation build, whose tests and CLI
    // need the tabs they open to stay the active ones.
    if (details.reason === 'install' && import.meta.env.MODE !== 'automation') {
      void browser.tabs.create({ url: browser.runtime.getURL('/onboarding.html') });
    }
    browser.contextMenus.create({
      id: 'hashmark-capture',
      title: browser.i18n.getMessage('commandCapture') || 'Capture this page as evidence',
      contexts: ['page', 'frame', 'selection', 'link', 'image', 'video'],
    });
    browser.contextMenus.create({
      id: 'hashmark-harvest',
      title: browser.i18n.getMessage('commandHarvest') || 'Capture feed / thread (scroll and collect every item)',
      contexts: ['page', 'frame', 'selection', 'link', 'image', 'video'],
    });
  });
  browser.contextMenus.onClicked.addListener((info, tab) => {
    // The page the menu was opened on: a tab that has moved on since is refused, not captured.
    if (info.menuItemId === 'hashmark-capture' && tab?.id !== undefined)
      void s.capture('context-menu', tab.id, { expectUrl: info.pageUrl ?? tab.url }).catch(() => undefined);
    if (info.menuItemId === 'hashmark-harvest' && tab?.id !== undefined) void s.harvest('context-menu', tab.id);
  });
  browser.commands.onCommand.addListener((command, tab) => {
    void onShortcut(command, tab, {
      capture: (tabId, expectUrl) => s.capture('command', tabId, { expectUrl }),
      toggleRecording: (tabId) => s.recording.toggle(tabId),
      failed: (message, tabId) => badgeForFailure(message, tabId),
      activeTab: focusedActiveTab,
    });
  });
});
