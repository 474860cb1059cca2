/**
 * Recording mode's deduplication (issue 16 item 5): a page view whose URL and DOM hash equal
 * those of the last capture of that URL in the recording's case, less than N minutes ago, is
 * "seen again" (a custody event with time, URL and hash), not a new capture. An unchanged reload
 * is the common case; a page whose content changed (a feed with new posts) is captured again.
 * Pure, with the clock passed in; the recording service keeps one per recording.
 */

export interface SeenEntry {
  domSha256: string;
  at: number;
  captureId?: string | undefined;
}

export class SeenPages {
  private readonly byUrl = new Map<string, SeenEntry>();

  constructor(private readonly windowMs: number) {}

  /** The last capture of this URL with the same DOM, if it is recent enough to count. */
  match(url: string, domSha256: string, now: number): SeenEntry | null {
    const e = this.byUrl.get(url);
    return e && e.domSha256 === domSha256 && now - e.at < this.windowMs ? e : null;
  }

  /** A capture of this URL was made with this DOM. */
  remember(url: string, entry: SeenEntry): void {
    // Forget what can no longer match, so the map stays small over a long recording.
    for (const [u, e] of this.byUrl) if (entry.at - e.at >= this.windowMs) this.byUrl.delete(u);
    this.byUrl.set(url, entry);
  }
}
