/**
 * How a watch hit is shown: a badge on that tab (its own mark and colour, distinct from the
 * capture badges "…", "n/m", "✓" and "!"), and a system notification when the optional
 * `notifications` permission is granted (badge only otherwise). Neither captures anything.
 */
import { browser } from 'wxt/browser';

/** The watch badge text (tests read it back with action.getBadgeText). */
const WATCH_BADGE = '◉';
const WATCH_COLOR = '#6a1b9a';
/** Notification ids: prefix, then the case id, then a random part. Clicking one opens that case. */
export const NOTIFICATION_PREFIX = 'hashmark-watch|';

export async function badgeForWatchHit(tabId: number, title: string): Promise<void> {
  await Promise.all([
    browser.action.setBadgeText({ text: WATCH_BADGE, tabId }),
    browser.action.setBadgeBackgroundColor({ color: WATCH_COLOR, tabId }),
    browser.action.setTitle({ title, tabId }),
  ]).catch(() => undefined); // the tab may be gone: the custody event is the record
}

// A basic notification must have an icon and the extension ships none: a 32 px mark in the
// badge's colour, inline (170 bytes) rather than a web-accessible file.
const WATCH_ICON =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAACAAAAAgCAYAAABzenr0AAAAcUlEQVR42u2XuQ0AIAwDswcbMhLLQk+BcB7FimKJlruG4Ih0wMyx9uukgcNEULCriBVukvCCqyS84ZBEFPxbIlUAueiOi4QGrBEJg5sk6AXQtEA9gfqvIH0QUYzi/g0pCglFJaMopRS1nGIxoVnNyuYAuv/pnECIei4AAAAASUVORK5CYII=';

type NotificationsApi = {
  create(
    id: string,
    o: { type: 'basic'; iconUrl: string; title: string; message: string; contextMessage?: string },
  ): Promise<string>;
};

/** The notifications API when the optional permission is granted, else null. */
async function notificationsApi(): Promise<NotificationsApi | null> {
  const granted = await browser.permissions.contains({ permissions: ['notifications'] }).catch(() => false);
  const api = (browser as unknown as { notifications?: NotificationsApi }).notifications;
  return granted && api ? api : null;
}

export async function notifyWatchHit(o: {
  caseId: string;
  title: string;
  message: string;
  contextMessage: string;
}): Promise<string | null> {
  const api = await notificationsApi();
  if (!api) return null;
  const id = `${NOTIFICATION_PREFIX}${o.caseId}|${crypto.randomUUID()}`;
  await api.create(id, {
    type: 'basic',
    iconUrl: WATCH_ICON,
    title: o.title,
    message: o.message,
    contextMessage: o.contextMessage,
  });
  return id;
}

/** The case a watch notification is about, from its id; null for any other notification. */
export function caseOfNotification(id: string): string | null {
  if (!id.startsWith(NOTIFICATION_PREFIX)) return null;
  const caseId = id.slice(NOTIFICATION_PREFIX.length).split('|')[0];
  return caseId || null;
}

/** Clicking a watch notification opens the case in the dashboard; it never captures. */
function onNotificationClicked(id: string) {
  const caseId = caseOfNotification(id);
  if (!caseId) return;
  void browser.tabs.create({
    url: browser.runtime.getURL(`/dashboard.html#/case/${encodeURIComponent(caseId)}` as '/dashboard.html'),
  });
  void (browser as unknown as { notifications: { clear(id: string): Promise<boolean> } }).notifications
    .clear(id)
    .catch(() => undefined);
}

/**
 * Listens to notification clicks. The API exists only once the optional permission is granted:
 * call at start and when a permission is added (listening twice is avoided).
 */
export function listenToNotificationClicks(): void {
  const n = (browser as unknown as { notifications?: typeof browser.notifications }).notifications;
  if (n?.onClicked && !n.onClicked.hasListener(onNotificationClicked)) n.onClicked.addListener(onNotificationClicked);
}
