/**
 * Facebook (groups, pages, profiles): posts are role=article children of the role=feed, comments
 * are nested role=article elements, long texts end in a role=button "See more", comments hide
 * behind "View N comments". Permalinks carry tracking tokens (__cft__, __tn__) that change per
 * render, so they are stripped from the key. Built against the project's fixtures written from
 * Facebook's DOM structure, not verified on the live site.
 */
import type { SiteDefinition } from '../definition';
import { generic } from './generic';

export const facebook: SiteDefinition = {
  ...generic,
  id: 'facebook',
  version: '2026.12.1',
  name: 'Facebook',
  hosts: ['facebook.com', 'fb.com'],
  direction: 'down',
  items: ['[role=feed] [role=article]', '[role=main] [role=article]'],
  pane: [],
  keyAttributes: ['data-id', 'aria-posinset'],
  permalink: [
    'a[href*="/posts/"]',
    'a[href*="/permalink/"]',
    'a[href*="story_fbid="]',
    'a[href*="comment_id="]',
    'a[href*="/videos/"]',
    'a[href]:has(> time)',
  ],
  authorName: ['h2 a, h3 a, h4 a', 'a[role=link] strong', 'strong a'],
  authorLink: ['h2 a, h3 a, h4 a', 'a[role=link]:has(strong)', 'strong a'],
  text: ['[data-ad-preview=message]', '[data-ad-comet-preview=message]', 'div[dir=auto][style*="text-align"]'],
  counts: [
    { name: 'reactions', selector: '[aria-label*="reaction" i]' },
    { name: 'comments', selector: '[data-count=comments]' },
    { name: 'shares', selector: '[data-count=shares]' },
  ],
};
