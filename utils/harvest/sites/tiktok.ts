/**
 * TikTok: profile and search grids are [data-e2e=user-post-item] cells whose anchor is the
 * /video/<id> permalink; the comment panel lists [data-e2e=comment-level-1] items with "View N
 * replies". Built against the project's fixtures written from TikTok's DOM structure, not
 * verified on the live site.
 */
import type { SiteDefinition } from '../definition';
import { EXPAND_LABELS, generic } from './generic';

export const tiktok: SiteDefinition = {
  ...generic,
  id: 'tiktok',
  version: '2026.12.1',
  name: 'TikTok',
  hosts: ['tiktok.com'],
  direction: 'down',
  items: [
    '[data-e2e=user-post-item], [data-e2e=search_top-item]',
    '[data-e2e=comment-level-1], [data-e2e=comment-level-2]',
  ],
  pane: ['[data-e2e=comment-list]'],
  permalink: ['a[href*="/video/"]', 'a[href*="/photo/"]'],
  authorName: ['[data-e2e=comment-username-1]', '[data-e2e=video-author-uniqueid]'],
  authorLink: ['a[href^="/@"]'],
  text: ['[data-e2e=comment-level-1] > p', '[data-e2e=video-desc]', '[data-e2e=user-post-item-desc]'],
  counts: [
    { name: 'views', selector: '[data-e2e=video-views]' },
    { name: 'likes', selector: '[data-e2e=like-count]' },
  ],
  expandLabels: [...EXPAND_LABELS, 'view \\d+ more', 'afficher \\d+ réponses?'],
};
