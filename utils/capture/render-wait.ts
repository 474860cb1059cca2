/**
 * The first screenshot of a page that is not rendering (issue 21, h-hang). A stylesheet in the
 * page's head blocks rendering until it loads; when its host accepts the connection and never
 * answers, Chromium does not paint the page for minutes, and captureVisibleTab waits for a frame
 * that never comes (measured 2026-12-02: a capture waited there for over 4 minutes, while
 * executeScript answered in milliseconds). After `waitMs` the stylesheets that have not loaded are
 * detached from the live tab (the DOM snapshot was already taken, so dom.html keeps them), the
 * page renders without them, and the capture goes on with a limitation naming them. If the page
 * still does not render, the capture fails saying why, instead of waiting without end.
 */

/** How long (ms) the first screenshot may wait for the page to render before stylesheets are detached. */
const RENDER_WAIT_MS = 8_000;

/**
 * In the page: removes the `<link rel=stylesheet>` elements whose sheet has not loaded and
 * returns their addresses (bounded). Runs through executeScript: self-contained.
 */
export function detachPendingStylesheets(): string[] {
  const out: string[] = [];
  for (const l of Array.from(document.querySelectorAll('link[rel~="stylesheet" i]'))) {
    const link = l as HTMLLinkElement;
    if (link.sheet || link.disabled || !link.href) continue;
    out.push(link.href.slice(0, 300));
    link.remove();
  }
  return out.slice(0, 20);
}

const later = <T>(ms: number, v: T) => new Promise<T>((r) => setTimeout(() => r(v), ms));

/**
 * Waits for `shot` (the first captureVisibleTab) within `waitMs`; past it, detaches the pending
 * stylesheets with `detach` and waits `waitMs` more. Returns the screenshot and the limitation to
 * record; throws when the page never renders.
 */
export async function shotOfRenderingPage(
  shot: Promise<string>,
  detach: () => Promise<string[]>,
  waitMs = RENDER_WAIT_MS,
): Promise<{ dataUrl: string; limitations: string[] }> {
  const first = await Promise.race([shot, later(waitMs, null)]);
  if (first !== null) return { dataUrl: first, limitations: [] };
  const detached = await detach().catch(() => [] as string[]);
  const second = await Promise.race([shot, later(waitMs, null)]);
  const s = waitMs / 1000;
  if (second === null)
    throw new Error(
      `The browser did not draw the page within ${2 * s} s, so no screenshot could be taken` +
        (detached.length ? ` (even without its stylesheets that did not load: ${detached.join(', ')})` : '') +
        '. A resource of the page may still be loading: try again once the page shows.',
    );
  return {
    dataUrl: second,
    limitations: detached.length
      ? [
          `The page was not drawn after ${s} s: ${detached.length} stylesheet(s) whose host did not answer blocked its rendering (${detached.join(', ')}). ` +
            'Hashmark removed them from the open tab after the DOM and text were recorded (dom.html still links them), so the screenshots and the other files made after show the page without them.',
        ]
      : [],
  };
}

/**
 * In the page: whether it had finished loading, and the images and stylesheets still loading
 * (bounded). A page with a resource on a host that never answers never fires its load event; it
 * is captured as it is, and the capture says so. Runs through executeScript: self-contained.
 */
export function pageLoadState(): { readyState: string; pending: string[] } {
  const pending: string[] = [];
  for (const img of Array.from(document.images)) if (!img.complete) pending.push(img.currentSrc || img.src);
  for (const l of Array.from(document.querySelectorAll('link[rel~="stylesheet" i]'))) {
    const link = l as HTMLLinkElement;
    if (!link.sheet && !link.disabled && link.href) pending.push(link.href);
  }
  return {
    readyState: document.readyState,
    pending: pending
      .filter(Boolean)
      .slice(0, 10)
      .map((u) => u.slice(0, 300)),
  };
}

/** The limitation for a page that had not finished loading, or null. */
export function loadStateLimitation(s: { readyState: string; pending: string[] } | null): string | null {
  if (!s || s.readyState === 'complete') return null;
  const which = s.pending.length
    ? ` Still loading: ${s.pending.join(', ')}${s.pending.length >= 10 ? ', …' : ''}.`
    : '';
  return (
    `The page had not finished loading when it was captured (document.readyState "${String(s.readyState).slice(0, 20)}"): ` +
    `resources still loading are missing from the screenshots, and the page copy skipped those it could not fetch in time.${which}`
  );
}
