import type { SelectorKind } from '@/utils/selectors/types';

/**
 * Watch-list types and bounds shared by the background, the pages and the scan script. Kept
 * apart from entry.ts and scan.ts so that importing them (utils/messaging/protocol.ts does) does not pull
 * the extractor and its phone metadata into every extension page.
 */

export type WatchKind = SelectorKind | 'pattern';
export const WATCH_KINDS: readonly WatchKind[] = ['phone', 'email', 'handle', 'wallet', 'pattern'];

/** A selector as the watch scan reports it: kind and normalised value. */
export interface SeenSelector {
  kind: SelectorKind;
  value: string;
}

/** Selectors reported per message (the background refuses more). */
export const REPORT_MAX = 500;
/** Longest selector value reported (the background refuses longer). */
export const VALUE_MAX = 320;
