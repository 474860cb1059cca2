/**
 * X (Twitter): each post is article[data-testid=tweet] in a virtualised timeline (cells are
 * absolutely positioned and recycled), the permalink is the /status/<id> anchor around the <time>,
 * the text is [data-testid=tweetText]. X's "Show more" on long posts is often a link to the post's
 * own page (navigation), which the harvester refuses and reports. Built against the project's
 * fixtures written from X's DOM structure, not verified on the live site.
 */
import type { SiteDefinition } from '../definition';
import { generic } from './generic';

export const x: SiteDefinition = {
  ...generic,
  id: 'x',
  version: '2026.12.1',
  name: 'X (Twitter)',
  hosts: ['x.com', 'twitter.com'],
  direction: 'down',
  items: ['article[data-testid=tweet]', '[data-testid=cellInnerDiv] article'],
  pane: [],
  keyAttributes: [],
  permalink: ['a[href*="/status/"]:has(time)', 'a[href*="/status/"]'],
  stripParams: ['s', 't', 'ref_src', 'utm_.*'],
  authorName: ['[data-testid=User-Name] a span', '[data-testid=User-Name] span'],
  authorLink: ['[data-testid=User-Name] a[href]'],
  text: ['[data-testid=tweetText]'],
  counts: [
    { name: 'replies', selector: '[data-testid=reply]' },
    { name: 'reposts', selector: '[data-testid=retweet]' },
    { name: 'likes', selector: '[data-testid=like]' },
  ],
  replyTo: [],
  expandSelectors: ['[data-testid=tweet-text-show-more-link]'],
};
