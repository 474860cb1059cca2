/** A page item as the in-page step would return it, for the harvest unit tests (issue 15). */
import type { PageItem } from '../../../utils/harvest/step-types';

export function pageItem(key: string, over: Partial<PageItem> = {}): PageItem {
  return {
    key,
    keySource: 'permalink',
    parentKey: null,
    depth: 0,
    permalink: `https://example.org/p/${key}`,
    author: { name: 'Amina', url: 'https://example.org/amina' },
    time: { shown: '2h', machine: '2026-11-30T10:00:00Z', source: 'datetime' },
    text: `text ${key}`,
    textSource: 'selector',
    links: [],
    media: [],
    counts: {},
    replyTo: null,
    posinset: null,
    html: `<div>${key}</div>`,
    htmlTruncated: false,
    rect: { x: 0, y: 10, width: 600, height: 200 },
    expansionFailed: [],
    ...over,
  };
}
