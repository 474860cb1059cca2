/**
 * What crosses the boundary between the harvest loop and the page: the arguments of one in-page
 * step (utils/capture/in-page/harvest-step.ts) and what it returns. Plain JSON both ways, because
 * they travel through scripting.executeScript (or a test's page.evaluate).
 */
import type { HarvestDirection, SiteDefinition } from './definition';

export interface HarvestStepArgs {
  def: SiteDefinition;
  /** Used when `def` matches nothing on the page (a stale site definition); null = no fallback. */
  fallback: SiteDefinition | null;
  direction: HarvestDirection;
  /** Scroll one step before collecting (false for the first step: collect where the user left the page). */
  scroll: boolean;
  /** Keys the loop has already stored that may still be mounted: their content is not sent again. */
  seen: string[];
  /** Fraction of the pane's height scrolled per step (< 1 so consecutive viewports overlap). */
  stepFraction: number;
  /** Settled = no DOM change for this long and no busy indicator… */
  settleMs: number;
  /** …or this much time passed (a page that never stops changing must not hang the harvest). */
  maxSettleMs: number;
  /** Extra wait at the edge of the content for a late load before calling it the end. */
  edgeWaitMs: number;
  /** At most this many expansion clicks per step. */
  maxClicks: number;
  /** An item's HTML fragment is cut beyond this many characters (and says so). */
  maxHtmlChars: number;
  /**
   * Read the profile header as an item: 'auto' when the definition's profile paths match the URL,
   * 'always' with the definition's rules or the generic ones, 'never' (every step after the first).
   * Absent = 'never'.
   */
  profile?: ProfileMode;
}

/** Whether a harvest reads the page's profile header (issue 15 item 7). */
export type ProfileMode = 'auto' | 'always' | 'never';

/** The profile header as read from the page: the first item of a profile capture. */
interface ProfileHeader {
  /** The profile's address (the page's URL without its fragment). */
  url: string;
  name: string | null;
  handle: string | null;
  /** Verbatim, `<br>` as "\n", bidi controls kept. */
  bio: string | null;
  /** As shown ("48.2K"); `<name> (exact)` holds a count's exact value when the page gives it in a title. */
  counts: Record<string, string>;
  /** The picture as displayed and the largest the page offers (srcset); equal when it offers one size. */
  avatar: { shown: string | null; full: string | null };
  /** Which rules found the header: the definition's or the generic structure. */
  source: 'definition' | 'generic';
}

/** Where an item's machine-readable time came from. */
type TimeSource = 'datetime' | 'data-utime' | 'title' | 'pre-plain-text';

export interface ItemRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One post, comment or message as read from the page, before the loop numbers and hashes it. */
export interface PageItem {
  /** Stable identity: `url:…` (permalink), `id:<attribute>=…`, `pos:<aria-posinset>` or `hash:…` (content). */
  key: string;
  keySource: 'permalink' | 'attribute' | 'posinset' | 'content' | 'profile';
  /** Key of the enclosing item (the post of a comment, the comment of a reply), or null. */
  parentKey: string | null;
  depth: number;
  /** The permalink exactly as the page gives it (absolute), tracking parameters included. */
  permalink: string | null;
  author: { name: string | null; url: string | null };
  time: { shown: string | null; machine: string | null; source: TimeSource | null };
  /** Text nodes verbatim (bidi controls kept), `<br>` as "\n", emoji images as their alt text. */
  text: string;
  textSource: 'selector' | 'item';
  links: string[];
  media: string[];
  counts: Record<string, string>;
  /** Reply-to / quoted message reference as the page gives it. */
  replyTo: string | null;
  posinset: number | null;
  /** The item's outerHTML as it is in the DOM at collection time (cut at maxHtmlChars). */
  html: string;
  htmlTruncated: boolean;
  /** Viewport rectangle at collection time, or null when the item is outside the viewport. */
  rect: ItemRect | null;
  /** Labels of expansion controls clicked that did not reveal anything (still collapsed). */
  expansionFailed: string[];
  /** Only on the profile header item (keySource 'profile', key `profile:<url>`). */
  profile?: ProfileHeader;
}

export interface HarvestStepResult {
  /** Items whose key is not in `seen`, in DOM order (parents before their comments). */
  items: PageItem[];
  /** Every item key now in the DOM, in DOM order: anchors the page order of the new ones. */
  keys: string[];
  /** Items in the viewport after the step (for clips cut from the step's screenshot). */
  visible: { key: string; rect: ItemRect }[];
  mounted: number;
  matched: { definition: string; version: string; selector: string; generic: boolean } | null;
  clicks: number;
  /** Controls refused by the safety rules though they looked like expansions (labels). */
  refused: string[];
  scroll: { pane: 'window' | 'element'; before: number; after: number; height: number; viewport: number };
  /** End of the feed (down) or start of the thread (up): the pane could not move and nothing loaded. */
  atEdge: boolean;
  settled: boolean;
  blocked: { kind: 'login-wall' | 'unavailable'; text: string } | null;
  elapsedMs: number;
}
