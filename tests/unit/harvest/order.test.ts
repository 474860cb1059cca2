/** Page order of harvested items (issue 15): feeds read down, threads read up, comments slotted in later. */
import { describe, expect, it } from 'vitest';
import { PageOrder } from '../../../utils/harvest/order';

const sorted = (o: PageOrder, keys: string[]) => [...keys].sort((a, b) => (o.position(a) ?? 0) - (o.position(b) ?? 0));

describe('PageOrder', () => {
  it('feed read downwards: each step appends after the known items, overlaps are ignored', () => {
    const o = new PageOrder('down');
    o.place(['p1', 'p2', 'p3']);
    const second = o.place(['p2', 'p3', 'p4', 'p5']);
    expect([...second.keys()]).toEqual(['p4', 'p5']);
    o.place(['p5', 'p6']);
    expect(sorted(o, ['p6', 'p1', 'p4', 'p3', 'p5', 'p2'])).toEqual(['p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
  });

  it('thread read upwards: older messages go before the known ones, oldest first', () => {
    const o = new PageOrder('up');
    o.place(['m8', 'm9', 'm10']);
    o.place(['m5', 'm6', 'm7', 'm8', 'm9']);
    o.place(['m1', 'm2', 'm3', 'm4', 'm5']);
    expect(sorted(o, ['m10', 'm1', 'm7', 'm3', 'm9', 'm2', 'm5', 'm8', 'm4', 'm6'])).toEqual([
      'm1',
      'm2',
      'm3',
      'm4',
      'm5',
      'm6',
      'm7',
      'm8',
      'm9',
      'm10',
    ]);
  });

  it('comments revealed later sit between their post and the next post', () => {
    const o = new PageOrder('down');
    o.place(['p1', 'p2', 'p3']);
    o.place(['p1', 'c1', 'c2', 'p2', 'p3', 'p4']);
    // p2's comments appear when p2 is the only known item left in the DOM (p3 unmounted).
    o.place(['p2', 'c3']);
    expect(sorted(o, ['p4', 'c3', 'p3', 'c2', 'p2', 'c1', 'p1'])).toEqual(['p1', 'c1', 'c2', 'p2', 'c3', 'p3', 'p4']);
  });

  it('with no known neighbour in the DOM (the page jumped), new items go further along the direction', () => {
    const down = new PageOrder('down');
    down.place(['a', 'b']);
    down.place(['x', 'y']);
    expect(sorted(down, ['y', 'a', 'x', 'b'])).toEqual(['a', 'b', 'x', 'y']);
    const up = new PageOrder('up');
    up.place(['a', 'b']);
    up.place(['x', 'y']);
    expect(sorted(up, ['y', 'a', 'x', 'b'])).toEqual(['x', 'y', 'a', 'b']);
  });

  it('a key repeated in one DOM read is placed once', () => {
    const o = new PageOrder('down');
    expect([...o.place(['a', 'b', 'a', 'c']).keys()]).toEqual(['a', 'b', 'c']);
    expect(o.size).toBe(3);
  });
});
