/**
 * The shape of a site definition for the harvest (issue 15): which elements are items, where the
 * scrolling pane is, how an item says who wrote it and when, and which controls may be clicked to
 * reveal text or replies. Definitions are data, not code, because sites change their markup every
 * few months: a definition is replaced by a new version, the harvester stays. They cross into the
 * page as executeScript arguments, so everything here is plain JSON (patterns are RegExp sources).
 */

/** Which way the content grows: feeds load more at the bottom, threads load older messages at the top. */
export type HarvestDirection = 'down' | 'up';

/** A named count read from an item ("reactions", "comments"…): the first selector found wins. */
interface CountRule {
  name: string;
  selector: string;
}

/** Where a reply names the message it answers: an attribute on a descendant of the item. */
interface ReplyToRule {
  selector: string;
  attribute: string;
}

/**
 * A profile page's header (issue 15 item 7): the person or account the posts below belong to.
 * Every list is tried in order, inside the header; the first element found wins.
 */
interface ProfileRule {
  /**
   * RegExp sources the URL path must match for a harvest to treat the page as a profile on its own
   * (profile mode 'auto'); empty = only when the harvest asks for the profile ('always').
   */
  paths: string[];
  /** The header region. The in-page step keeps only a region above the first item with a heading and an image. */
  header: string[];
  name: string[];
  /** The account's handle; a leading "@" is dropped. When none matches, a "@name" text in the header. */
  handle: string[];
  bio: string[];
  /** The profile picture: the largest `srcset` candidate is its full-resolution URL, else `src`. */
  avatar: string[];
  /** Elements each holding one count as "<number> <label>" ("1,284 posts", "48.2K followers"). */
  counts: string[];
}

export interface SiteDefinition {
  /** Stable id (`facebook`, `whatsapp-web`…), recorded in capture.json with the version. */
  id: string;
  /** Bumped on every change of the selectors, so a capture says which rules produced it. */
  version: string;
  name: string;
  /** How far this definition was checked: all of them are built against fixtures, none verified live. */
  verified: 'fixtures-only';
  /** Host names (or their suffixes) the definition is for; empty for the generic definition. */
  hosts: string[];
  /** RegExp sources the URL path must match (e.g. `^/s/` for t.me's public preview); empty = any path. */
  paths: string[];
  direction: HarvestDirection;
  /**
   * CSS selectors for item roots, tried in order: the first that matches at least one element wins.
   * Nested matches (comments inside a post) are items too, with the enclosing item as parent.
   * The special entry `repeated-siblings` finds the largest group of same-role siblings.
   */
  items: string[];
  /** Selectors for the scrolling pane; when none matches, the nearest scrollable ancestor, else the window. */
  pane: string[];
  /** Attributes holding an item id, looked for on the item, then on its own descendants. */
  keyAttributes: string[];
  /** Selectors for an item's permalink anchor (first found inside the item, outside nested items). */
  permalink: string[];
  /** Query parameters (RegExp sources) dropped from a permalink to make the key (tracking tokens). */
  stripParams: string[];
  authorName: string[];
  authorLink: string[];
  /** Elements giving the time: `<time datetime>`, `[data-utime]`, `abbr[title]`. */
  time: string[];
  /** WhatsApp Web's `data-pre-plain-text="[hh:mm, d/m/yyyy] Name: "`: which date order the site uses. */
  prePlainText: { attribute: string; dateOrder: 'dmy' | 'mdy' } | null;
  /** Elements holding the item's own text; when none matches, the item's text outside controls and nested items. */
  text: string[];
  media: string[];
  counts: CountRule[];
  replyTo: ReplyToRule[];
  /** Labels (RegExp sources, case-insensitive, matched on the whole trimmed label) of controls that reveal content. */
  expandLabels: string[];
  /** Extra selectors of controls that reveal content (still subject to the safety rules and the deny list). */
  expandSelectors: string[];
  /** Labels never clicked, added to the built-in deny list (which a definition cannot shorten). */
  denyLabels: string[];
  /** Login walls: selectors, and labels of a dialog's text. */
  wallSelectors: string[];
  wallLabels: string[];
  /** "Content unavailable" pages: labels looked for in headings, alerts and dialogs. */
  unavailableLabels: string[];
  /** How to read a profile header; absent = this site's pages are never read as profiles. */
  profile?: ProfileRule;
}
