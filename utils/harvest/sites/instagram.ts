/**
 * Instagram (profile grids open into posts; the home and hashtag feeds are <article> elements):
 * comments are list items under the post, "View all N comments" and "View replies (N)" reveal them,
 * a "more" button ends truncated captions. Built against the project's fixtures written from
 * Instagram's DOM structure, not verified on the live site.
 */
import type { SiteDefinition } from '../definition';
import { EXPAND_LABELS, generic } from './generic';

/** A link to a profile (a root-relative link that is not a post's or a reel's). */
const PROFILE_LINK = 'a[href^="/"][role=link]:not([href*="/p/"], [href*="/reel/"])';

export const instagram: SiteDefinition = {
  ...generic,
  id: 'instagram',
  version: '2026.12.2',
  name: 'Instagram',
  hosts: ['instagram.com'],
  direction: 'down',
  items: [
    'main article',
    'article ul > li[role=listitem], article ul > div[role=button] + li',
    '[role=feed] [role=article]',
    // A profile's post grid: rows of three tiles, each a link to the post or reel (virtualised by
    // rows, with padding above and below standing in for the unmounted ones).
    'main div:has(> a[href*="/p/"], > a[href*="/reel/"]):not(:has(article))',
  ],
  pane: [],
  permalink: ['a[href*="/p/"]:has(time)', 'a[href*="/reel/"]:has(time)', 'a[href*="/p/"]', 'a[href*="/reel/"]'],
  // Not a grid tile's own link to its post: a tile names no author (the profile's header does).
  authorName: ['header a[role=link] span', 'h2 a, h3 a', PROFILE_LINK],
  authorLink: ['header a[role=link]', 'h2 a, h3 a', PROFILE_LINK],
  text: ['h1[dir=auto]', 'span[dir=auto]'],
  expandLabels: [...EXPAND_LABELS, 'more', 'view replies \\(\\d+\\)', 'voir les réponses \\(\\d+\\)'],
  // instagram.com/<handle>/ (not /p/, /reel/, /explore/…): <header> with the picture in its first
  // <section>, the handle in an <h2>, counts as <li>s ("1,284 posts"; followers carry the exact
  // number in a title), then the full name in a span and the bio in an <h1 dir=auto>.
  profile: {
    paths: ['^/(?!(?:p|reel|reels|explore|stories|direct|accounts|tv)/)[\\w.]+/?$'],
    header: ['main header:has(h2)', 'main header'],
    name: ['section > div > span[dir=auto]', 'section span[dir=auto]:not(h1 *, h2 *, li *)'],
    handle: ['h2', 'a[href] h2'],
    bio: ['h1[dir=auto]', 'h1'],
    avatar: ['img[alt$="profile picture"]', 'img[alt*="photo de profil"]', 'img'],
    counts: ['ul > li'],
  },
};
