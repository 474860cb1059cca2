/**
 * Page order for harvested items (issue 15): feeds read top to bottom, threads oldest first, though
 * a feed is read downwards and a thread upwards, and comments may appear under a post seen steps
 * earlier. Each new item gets a fixed position number between the known items it sits between in
 * the DOM, so items can be stored (and hashed) as they come and sorted later by (position, seq).
 * Memory is one number per key, never the items themselves.
 */
import type { HarvestDirection } from './definition';

export class PageOrder {
  private readonly positions = new Map<string, number>();
  /** Known positions, ascending (binary-searched for neighbours). */
  private readonly sorted: number[] = [];

  constructor(private readonly direction: HarvestDirection) {}

  get size(): number {
    return this.positions.size;
  }

  has(key: string): boolean {
    return this.positions.has(key);
  }

  position(key: string): number | undefined {
    return this.positions.get(key);
  }

  /**
   * Places the keys of `domKeys` not known yet, each run of new keys between the nearest known keys
   * around it in the DOM (or after/before everything when it has no known neighbour, by direction).
   * Returns the new keys with their positions, in DOM order. Keys repeated in `domKeys` count once.
   */
  place(domKeys: readonly string[]): Map<string, number> {
    const placed = new Map<string, number>();
    let i = 0;
    while (i < domKeys.length) {
      const k = domKeys[i] as string;
      if (this.positions.has(k) || placed.has(k)) {
        i++;
        continue;
      }
      const run: string[] = [];
      let j = i;
      for (; j < domKeys.length; j++) {
        const kj = domKeys[j] as string;
        if (this.positions.has(kj)) break;
        if (!placed.has(kj) && !run.includes(kj)) run.push(kj);
      }
      const left = i > 0 ? this.positions.get(domKeys[i - 1] as string) : undefined;
      const right = j < domKeys.length ? this.positions.get(domKeys[j] as string) : undefined;
      this.assign(run, left, right, placed);
      i = j;
    }
    return placed;
  }

  private assign(
    run: string[],
    left: number | undefined,
    right: number | undefined,
    placed: Map<string, number>,
  ): void {
    let lo: number | undefined = left;
    let hi: number | undefined = right;
    if (lo !== undefined) hi = this.after(lo, hi);
    else if (hi !== undefined) lo = this.before(hi);
    else if (this.sorted.length > 0) {
      // No known neighbour in the DOM: the content jumped; new content is further along the direction.
      if (this.direction === 'down') lo = this.sorted[this.sorted.length - 1];
      else hi = this.sorted[0];
    }
    const n = run.length;
    run.forEach((key, idx) => {
      let p: number;
      if (lo !== undefined && hi !== undefined) p = lo + ((hi - lo) * (idx + 1)) / (n + 1);
      else if (lo !== undefined) p = lo + idx + 1;
      else if (hi !== undefined) p = hi - n + idx;
      else p = idx;
      this.positions.set(key, p);
      this.insertSorted(p);
      placed.set(key, p);
    });
  }

  /** The next known position after `p`, capped by `cap` when that is consistent. */
  private after(p: number, cap: number | undefined): number | undefined {
    const idx = this.upperBound(p);
    const next = idx < this.sorted.length ? this.sorted[idx] : undefined;
    if (cap !== undefined && cap > p && (next === undefined || cap < next)) return cap;
    return next;
  }

  private before(p: number): number | undefined {
    const idx = this.lowerBound(p);
    return idx > 0 ? this.sorted[idx - 1] : undefined;
  }

  private lowerBound(p: number): number {
    let a = 0,
      b = this.sorted.length;
    while (a < b) {
      const m = (a + b) >> 1;
      if ((this.sorted[m] as number) < p) a = m + 1;
      else b = m;
    }
    return a;
  }

  private upperBound(p: number): number {
    let a = 0,
      b = this.sorted.length;
    while (a < b) {
      const m = (a + b) >> 1;
      if ((this.sorted[m] as number) <= p) a = m + 1;
      else b = m;
    }
    return a;
  }

  private insertSorted(p: number): void {
    this.sorted.splice(this.upperBound(p), 0, p);
  }
}

/** Compares stored items into page order: position, then collection sequence. */
export function comparePageOrder(a: { position: number; seq: number }, b: { position: number; seq: number }): number {
  return a.position - b.position || a.seq - b.seq;
}
