import type { PageSnapshot } from './page-snapshot';

/**
 * Plain-language facts about what a capture does not contain and why. They go into
 * capture.json `limitations` and the report; wording is for a non-technical reader.
 */
export function limitationsFor(snapshot: PageSnapshot, extra: string[] = []): string[] {
  const out: string[] = [
    'Full-page screenshot not taken: this version stores the visible part of the page (viewport) only.',
    'No self-contained page copy (page.html) or MHTML: not made by this version.',
    'Network facts (HTTP status, response headers, server IP) not recorded: not made by this version.',
  ];
  const c = snapshot.counts;
  if (c.frames > 0) {
    out.push(
      `${c.frames} frame(s) on the page: their documents are not serialised into dom.html` +
        (c.crossOriginFrames > 0 ? ` (${c.crossOriginFrames} cross-origin, not readable from the page)` : '') +
        '; what was visible of them is in the screenshot.',
    );
  }
  if (c.closedShadowRootsUnreachable < 0) {
    out.push('Closed shadow roots cannot be reached in this browser: any content inside them is missing from dom.html.');
  }
  if (c.openShadowRoots + c.closedShadowRoots > 0) {
    out.push('Text inside shadow roots is in dom.html but not in text.txt (text.txt is the page body\'s visible text).');
  }
  if (c.canvases + c.videos > 0) {
    out.push(
      `${c.canvases} canvas and ${c.videos} video element(s): their pixels are recorded only as far as they were visible in the screenshot.`,
    );
  }
  return [...out, ...extra];
}
