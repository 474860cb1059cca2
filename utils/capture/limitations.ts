import type { NetworkFacts } from './network-facts';
import type { PageSnapshot } from './page-snapshot';

/**
 * A document the server sent with an error status reads like any other page in the screenshots:
 * say so (issue 21 item 6). "The post is gone" is a fact too, but it must not pass for the post.
 */
export function statusLimitation(network: Pick<NetworkFacts, 'statusCode' | 'statusLine'> | null): string | null {
  if (!network || (network.statusCode >= 200 && network.statusCode < 400)) return null;
  const line = network.statusLine.trim() || `HTTP ${network.statusCode}`;
  return `The server answered this address with status ${network.statusCode} (${line}): what was captured is the page sent with that status (an error, "not found" or "removed" page), not the content that may once have been there.`;
}

/** What the capture did, so the limitations say exactly what is missing and why. */
export interface CaptureCoverage {
  fullPage: 'done' | 'off';
  pageCopy: 'done' | 'off' | 'unsupported' | 'failed';
  mhtml: 'done' | 'off' | 'unsupported';
  network: 'done' | 'no-permission' | 'not-observed';
}

/**
 * Plain-language facts about what a capture does not contain and why. They go into
 * capture.json `limitations` and the report; wording is for a non-technical reader.
 */
export function limitationsFor(snapshot: PageSnapshot, cov: CaptureCoverage, extra: string[] = []): string[] {
  const out: string[] = [];
  if (cov.fullPage === 'off')
    out.push(
      'Full-page screenshot not taken (turned off for this capture): only the visible part of the page is in the screenshot.',
    );
  if (cov.pageCopy === 'off') out.push('No self-contained page copy (page.html): turned off for this capture.');
  if (cov.pageCopy === 'unsupported') out.push('No self-contained page copy (page.html): not made by this version.');
  if (cov.mhtml === 'off') out.push('No MHTML archive: turned off for this capture.');
  if (cov.mhtml === 'unsupported') out.push('No MHTML archive: this browser does not offer one to extensions.');
  if (cov.network === 'no-permission') {
    out.push(
      'Network facts (HTTP status, response headers, server IP) not recorded: Hashmark has no access to this site. Allow it in the settings, reload the page and capture again to record them.',
    );
  }
  if (cov.network === 'not-observed') {
    out.push(
      'Network facts (HTTP status, response headers, server IP) not recorded: the page was loaded before Hashmark could observe it (e.g. opened before the extension started). Reload the page and capture again to record them.',
    );
  }
  const c = snapshot.counts;
  const b = snapshot.budget;
  if (c.frames > 0) {
    out.push(
      `${c.frames} frame(s) on the page: their documents are not serialised into dom.html` +
        (c.crossOriginFrames > 0 ? ` (${c.crossOriginFrames} cross-origin, not readable from the page)` : '') +
        '; what was visible of them is in the screenshots.',
    );
  }
  if (c.closedShadowRootsUnreachable < 0) {
    out.push(
      'Closed shadow roots cannot be reached in this browser: any content inside them is missing from dom.html.',
    );
  }
  if (c.openShadowRoots + c.closedShadowRoots > 0) {
    out.push("Text inside shadow roots is in dom.html but not in text.txt (text.txt is the page body's visible text).");
  }
  if (c.canvases + c.videos > 0) {
    out.push(
      `${c.canvases} canvas and ${c.videos} video element(s): their pixels are recorded only as far as they were visible in the screenshots.`,
    );
  }
  const unloaded = snapshot.media.filter((m) => m.kind === 'image' && !m.loaded).length;
  if (unloaded > 0) {
    out.push(
      `${unloaded} image(s) had not loaded when the page was read (lazy images not yet scrolled into view, or broken links); they are listed in media with loaded=false.`,
    );
  }
  if (snapshot.mediaTruncated > 0) {
    out.push(
      `${snapshot.mediaTruncated} further media element(s) not listed (list capped${b.cut.includes('media') ? ' by the time budget' : ''}).`,
    );
  }
  const g = snapshot.missingGlyphs;
  if (g && g.missing > 0) {
    out.push(
      `${g.missing} character(s) of the page's text have no installed font on the capturing machine and show as boxes in the screenshots (e.g. ${g.sample.join(', ')}). ` +
        'dom.html and text.txt hold the characters themselves. Install the fonts for these scripts (Noto: fonts-noto-core, fonts-noto-cjk) and capture again to see them drawn.',
    );
  }
  const mib = (chars: number) => `${(chars / 1048576).toFixed(0)} Mi characters`;
  if (b.domTruncatedFrom !== null) {
    out.push(
      `dom.html is truncated: the serialised page is ${mib(b.domTruncatedFrom)} long, more than the ${mib(snapshot.domHtml.length)} kept; the rest of the page is only in the screenshots and the page copy.`,
    );
  }
  if (b.textTruncatedFrom !== null) {
    out.push(
      `text.txt is truncated: the page's text is ${mib(b.textTruncatedFrom)} long; the first ${mib(snapshot.text.length)} are kept (and searched for selectors).`,
    );
  }
  const secs = `${Math.round(b.elapsedMs / 1000)} s`;
  if (b.cut.includes('shadow-roots')) {
    out.push(
      `Reading the page took longer than its time budget (${secs}): shadow roots after the point reached were not looked for, so their content may be missing from dom.html.`,
    );
  }
  if (b.cut.includes('visible-text')) {
    out.push(
      `Reading the page took longer than its time budget: text.txt holds all the text of the page body (textContent), including text that was hidden, instead of only the visible text.`,
    );
  }
  if (b.cut.includes('links')) {
    out.push(
      `Reading the page took longer than its time budget: not every link target was read, so selectors found only in link targets may be missing.`,
    );
  }
  return [...out, ...extra];
}
