/**
 * Instagram (profile grids open into posts; the home and hashtag feeds are <article> elements):
 * comments are list items under the post, "View all N comments" and "View replies (N)" reveal them,
 * a "more" button ends truncated captions. Built against the project's fixtures written from
 * Instagram's DOM structure, not verified on the live site.
 */
import type { SiteDefinition } from '../definition';
import { EXPAND_LABELS, generic } from './generic';

export const instagram: SiteDefinition = {
  ...generic,
  id: 'instagram',
  version: '2026.12.1',
  name: 'Instagram',
  hosts: ['instagram.com'],
  direction: 'down',
  items: [
    'main article',
    'article ul > li[role=listitem], article ul > div[role=button] + li',
    '[role=feed] [role=article]',
  ],
  pane: [],
  permalink: ['a[href*="/p/"]:has(time)', 'a[href*="/reel/"]:has(time)', 'a[href*="/p/"]', 'a[href*="/reel/"]'],
  authorName: ['header a[role=link] span', 'h2 a, h3 a', 'a[href^="/"][role=link]'],
  authorLink: ['header a[role=link]', 'h2 a, h3 a', 'a[href^="/"][role=link]'],
  text: ['h1[dir=auto]', 'span[dir=auto]'],
  expandLabels: [...EXPAND_LABELS, 'more', 'view replies \\(\\d+\\)', 'voir les réponses \\(\\d+\\)'],
};
