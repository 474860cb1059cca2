/**
 * Recording mode's page settle (issue 16 item 2): before a page view is captured, wait until the
 * page is quiet — the document loaded, no new network response for `quietMs` and no DOM change
 * for `quietMs` — but never longer than `maxMs` (a page that never stops, a ticker, a video, is
 * captured as it is at the bound, and says so). Then it reads a fingerprint of the DOM (doctype +
 * documentElement.outerHTML) for the "seen again" check.
 *
 * Passed to scripting.executeScript as `func`: it must stay self-contained (no imports, no
 * closures). It runs in the extension's isolated world; the page cannot see or call it. Network
 * quiet is read from the page's resource timing entries (an entry appears when a response ends),
 * which covers fetch, XHR, images and scripts of the document and its same-origin frames.
 */

export interface SettleResult {
  /** True when the page went quiet; false when the bound was reached first. */
  settled: boolean;
  waitedMs: number;
  /** SHA-256 (hex) of the DOM's UTF-8 bytes when the page could hash it, else null. */
  domSha256: string | null;
  /** The DOM itself when the page could not hash it (no WebCrypto here) and it is small enough. */
  dom: string | null;
}

export function settlePage(quietMs: number, maxMs: number, maxDomChars: number): Promise<SettleResult> {
  const start = performance.now();
  let last = start;
  const touch = () => void (last = performance.now());
  const mo = new MutationObserver(touch);
  mo.observe(document.documentElement, { subtree: true, childList: true, characterData: true });
  let po: PerformanceObserver | null = null;
  try {
    po = new PerformanceObserver(touch);
    po.observe({ type: 'resource', buffered: false });
  } catch {
    po = null; // no resource timing here: DOM quiet alone decides
  }
  const read = async (settled: boolean): Promise<SettleResult> => {
    mo.disconnect();
    po?.disconnect();
    const dt = document.doctype;
    const dom = (dt ? `<!DOCTYPE ${dt.name}>\n` : '') + document.documentElement.outerHTML;
    const waitedMs = Math.round(performance.now() - start);
    const subtle = (globalThis.crypto as Crypto | undefined)?.subtle;
    if (subtle) {
      try {
        const d = new Uint8Array(await subtle.digest('SHA-256', new TextEncoder().encode(dom)));
        const hex = Array.from(d, (b) => b.toString(16).padStart(2, '0')).join('');
        return { settled, waitedMs, domSha256: hex, dom: null };
      } catch {
        // fall through: the background hashes it
      }
    }
    return { settled, waitedMs, domSha256: null, dom: dom.length <= maxDomChars ? dom : null };
  };
  return new Promise((resolve) => {
    const tick = () => {
      const now = performance.now();
      if (document.readyState === 'complete' && now - last >= quietMs) resolve(read(true));
      else if (now - start >= maxMs) resolve(read(false));
      else setTimeout(tick, Math.min(100, quietMs / 2));
    };
    setTimeout(tick, Math.min(100, quietMs / 2));
  });
}
