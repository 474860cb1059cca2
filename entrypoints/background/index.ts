import { browser } from 'wxt/browser';
import { createBrowserCaptureEnv, registerAutomationHooks } from '@/utils/capture/browser-env';
import { runCapture, type CaptureOptions, type CaptureTrigger } from '@/utils/capture/pipeline';
import {
  activeWatches,
  addWatch,
  createCase,
  failInterruptedJobs,
  getDb,
  getSettings,
  hasRunningCapture,
  isRunningJob,
  removeWatch,
  updateSettings,
} from '@/utils/db';
import { enqueueTimestamp, processDueTimestamps } from '@/utils/evidence/timestamp-queue';
import { fetchResourceForPageCopy } from '@/utils/capture/resource-fetch';
import { ensureSigningKey } from '@/utils/evidence/signing-key';
import { receive, type ContentHandlers, type PageHandlers as Handlers, type WatchHandlers } from '@/utils/messaging/receive';
import { chooseRegion } from '@/utils/selectors/region';
import { createTranslator, resolveLang } from '@/utils/i18n';
import { normaliseWatchValue } from '@/utils/watch/entry';
import { hostOf, recordSightings } from '@/utils/watch/sightings';
import { syncWatchScript } from '@/utils/watch/registration';
import { badgeForWatchHit, caseOfNotification, notifyWatchHit } from '@/utils/watch/alert';
import { badgeForFailure, badgeForSuccess, badgeProgress, badgeWorking } from '@/utils/capture/badge';
import { factsFromCompleted, sessionKey, type CompletedDetails } from '@/utils/capture/network-facts';

/**
 * Background: orchestrates captures and owns the write path of evidence. Holds no state in
 * module globals (the worker is stopped when idle); everything lives in IndexedDB.
 */
export default defineBackground(() => {
  const bootedAt = new Date().toISOString();
  const db = getDb();

  // A job left "running" by a previous worker was interrupted: fail it with a reason.
  void failInterruptedJobs(bootedAt, new Date().toISOString(), db).catch((e) => console.error('hashmark: recovery', e));
  void ensureSigningKey(db).catch((e) => console.error('hashmark: signing key', e));
  void navigator.storage?.persist?.().catch(() => false);

  // Network facts: the main document's response is observed when it loads (the capture comes
  // later). Needs host access + webRequest (optional in the store build): registered
  // synchronously at start so the event wakes the worker, and again when access is granted.
  function onCompleted(d: CompletedDetails) {
    if (d.tabId < 0) return;
    void browser.storage.session.set({ [sessionKey(d.tabId)]: factsFromCompleted(d) }).catch(() => undefined);
  }
  function observeResponses() {
    const wr = (browser as unknown as { webRequest?: typeof browser.webRequest }).webRequest;
    if (!wr?.onCompleted || wr.onCompleted.hasListener(onCompleted as never)) return;
    const extra = ['responseHeaders'];
    // Chromium hides some headers unless asked for 'extraHeaders'; Firefox does not know it.
    if ((wr as unknown as { OnCompletedOptions?: Record<string, string> }).OnCompletedOptions?.EXTRA_HEADERS) extra.push('extraHeaders');
    wr.onCompleted.addListener(onCompleted as never, { urls: ['<all_urls>'], types: ['main_frame'] }, extra as never);
  }
  observeResponses();
  // Automation builds only (a no-op otherwise): lets the Firefox test client open our pages.
  registerAutomationHooks();
  browser.permissions.onAdded.addListener(() => {
    observeResponses();
    void syncWatch();
    listenToNotifications();
  });
  browser.permissions.onRemoved.addListener(() => void syncWatch());
  browser.tabs.onRemoved.addListener((tabId) => void browser.storage.session.remove(sessionKey(tabId)).catch(() => undefined));

  // Trusted time (RFC 3161): each stored capture.json gets a token when a TSA is set. Never
  // awaited by the capture: a TSA that is down or slow costs a timestamp.failed event and a
  // retry from the persisted queue (alarm), never the capture.
  async function processTimestamps() {
    const { tsaUrl } = await getSettings(db);
    if (!tsaUrl) return { obtained: 0, failed: 0, pending: 0 };
    const r = await processDueTimestamps({ db, tsaUrl });
    const pending = await db.timestamps.where('state').equals('pending').count();
    return { obtained: r.obtained.length, failed: r.failed.length, pending };
  }
  browser.alarms.create('hashmark-timestamps', { periodInMinutes: 1 });
  browser.alarms.onAlarm.addListener((a) => {
    if (a.name === 'hashmark-timestamps') void processTimestamps().catch((e) => console.error('hashmark: timestamps', e));
  });
  void processTimestamps().catch(() => undefined);

  async function capture(trigger: CaptureTrigger, tabId?: number, options?: Partial<CaptureOptions>) {
    await badgeWorking(tabId);
    try {
      const env = createBrowserCaptureEnv();
      env.progress = (text) => void badgeProgress(text, tabId);
      const r = await runCapture({ trigger, ...(tabId !== undefined ? { tabId } : {}), ...(options ? { options } : {}) }, env);
      await badgeForSuccess(r.sequence, tabId);
      // The capture is stored: nothing about its timestamp may turn it into a reported failure.
      void (async () => {
        if (!(await getSettings(db)).tsaUrl) return;
        await enqueueTimestamp({ db, caseId: r.caseId, captureId: r.captureId, digestSha256: r.captureJsonSha256 });
        await processTimestamps();
      })().catch((e) => console.error('hashmark: timestamps', e));
      return r;
    } catch (e) {
      await badgeForFailure(e instanceof Error ? e.message : String(e), tabId);
      throw e;
    }
  }

  // Watch list (issue #6 item 4). The scan script is registered only while it has a purpose;
  // synced at every start (the browser keeps registrations across worker restarts, this corrects
  // any drift), after each watch-list change and each permission change.
  async function syncWatch(): Promise<boolean> {
    try {
      return await syncWatchScript(browser as never, (await activeWatches(db)).length);
    } catch (e) {
      console.error('hashmark: watch scan registration', e);
      return false;
    }
  }
  void syncWatch();

  // Clicking a watch notification opens the case in the dashboard; it never captures. The API
  // exists only once the optional permission is granted: listen at start and when it is added.
  function onNotificationClicked(id: string) {
    const caseId = caseOfNotification(id);
    if (!caseId) return;
    void browser.tabs.create({ url: browser.runtime.getURL(`/dashboard.html#/case/${encodeURIComponent(caseId)}` as '/dashboard.html') });
    void (browser as unknown as { notifications: { clear(id: string): Promise<boolean> } }).notifications.clear(id).catch(() => undefined);
  }
  function listenToNotifications() {
    const n = (browser as unknown as { notifications?: typeof browser.notifications }).notifications;
    if (n?.onClicked && !n.onClicked.hasListener(onNotificationClicked)) n.onClicked.addListener(onNotificationClicked);
  }
  listenToNotifications();

  const watchHandlers: WatchHandlers = {
    'watch.config': async (_p, from) => {
      if ((await activeWatches(db)).length === 0) return null;
      const settings = await getSettings(db);
      return { region: chooseRegion({ setting: settings.defaultRegion, url: from.url, uiLanguage: browser.i18n.getUILanguage() }).region };
    },
    'watch.report': async (p, from) => {
      const logged = await recordSightings({ selectors: p.selectors, loadId: p.loadId, url: from.url, tabId: from.tabId, now: () => new Date() }, db);
      if (!logged.length) return { hits: 0 };
      const settings = await getSettings(db);
      const tr = createTranslator(resolveLang(settings.language, [browser.i18n.getUILanguage()]));
      const names = new Map((await db.cases.bulkGet([...new Set(logged.map((m) => m.entry.caseId))])).map((c) => [c?.id, c?.name ?? '']));
      const text = (m: (typeof logged)[number]) => tr.t('watch.notifyBody', { value: m.matched, host: hostOf(from.url), case: names.get(m.entry.caseId) ?? '' });
      // A capture in progress in this tab keeps its badge; the sighting is in the custody log anyway.
      if (!(await hasRunningCapture(from.tabId, db))) await badgeForWatchHit(from.tabId, `Hashmark: ${text(logged[0]!)}`);
      for (const m of logged) {
        await notifyWatchHit({ caseId: m.entry.caseId, title: tr.t('watch.notifyTitle'), message: text(m), contextMessage: from.url }).catch((e) =>
          console.error('hashmark: watch notification', e),
        );
      }
      return { hits: logged.length };
    },
  };

  const handlers: Handlers = {
    'capture.start': (p) => capture(p.trigger, p.tabId, p.options),
    'case.create': async (p) => {
      const rec = await createCase({ id: crypto.randomUUID(), name: p.name, reference: p.reference, at: new Date().toISOString() }, db);
      if (p.activate) await updateSettings({ activeCaseId: rec.id }, db);
      return rec;
    },
    'case.setActive': async (p) => {
      await updateSettings({ activeCaseId: p.caseId }, db);
      return { caseId: p.caseId };
    },
    'settings.update': async (p) => {
      await updateSettings(p, db);
      return { ok: true };
    },
    // For the CLI before it exports: wait (bounded) for first attempts still in flight, so a
    // token being fetched right now lands in the package; later retries stay with the alarm.
    'timestamps.process': async () => {
      const deadline = Date.now() + 30_000;
      let r = await processTimestamps();
      const untried = () => db.timestamps.where('state').equals('pending').filter((j) => j.attempts === 0).count();
      while (Date.now() < deadline && (await untried()) > 0) {
        await new Promise((ok) => setTimeout(ok, 200));
        r = await processTimestamps();
      }
      return r;
    },
    'watch.add': async (p) => {
      const settings = await getSettings(db);
      const region = p.region ?? chooseRegion({ setting: settings.defaultRegion, url: '', uiLanguage: browser.i18n.getUILanguage() }).region;
      const value = normaliseWatchValue(p.kind, p.value, region);
      const rec = await addWatch({ id: crypto.randomUUID(), caseId: p.caseId, kind: p.kind, value, typed: p.value.trim(), at: new Date().toISOString() }, db);
      await syncWatch();
      return rec;
    },
    'watch.remove': async (p) => {
      await removeWatch({ watchId: p.watchId, at: new Date().toISOString() }, db);
      await syncWatch();
      return { ok: true };
    },
    'watch.sync': async () => ({ registered: await syncWatch() }),
  };

  const self = { id: browser.runtime.id, origin: browser.runtime.getURL('/') };
  const contentHandlers: ContentHandlers = {
    'pagecopy.fetch': (p) => fetchResourceForPageCopy(p.url),
  };
  browser.runtime.onMessage.addListener((message, sender) =>
    receive(message, sender, {
      self,
      handlers: { page: handlers, content: contentHandlers, watch: watchHandlers },
      isRunningJob: (tabId, nonce) => isRunningJob(tabId, nonce, db),
    }),
  );

  browser.runtime.onInstalled.addListener(() => {
    browser.contextMenus.create({
      id: 'hashmark-capture',
      title: browser.i18n.getMessage('commandCapture') || 'Capture this page as evidence',
      contexts: ['page', 'frame', 'selection', 'link', 'image', 'video'],
    });
  });
  browser.contextMenus.onClicked.addListener((info, tab) => {
    if (info.menuItemId === 'hashmark-capture' && tab?.id !== undefined) void capture('context-menu', tab.id).catch(() => undefined);
  });
  browser.commands.onCommand.addListener((command, tab) => {
    if (command === 'capture-page') void capture('command', tab?.id).catch(() => undefined);
  });
});
