/** items.jsonl records and their hashes (issue 15): canonical lines, page order, text kept exactly. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { collectItem, itemsJsonl, parseItemsJsonl, ITEM_FORMAT } from '../../../utils/harvest/items';
import { pageItem } from './page-item';

const meta = (seq: number, position: number) => ({ seq, position, step: 0, at: '2026-12-01T00:00:00.000Z' });

describe('harvest items', () => {
  it('hashes the canonical line and the HTML fragment with SHA-256', async () => {
    const c = await collectItem(pageItem('a'), meta(0, 0));
    expect(c.lineSha256).toBe(createHash('sha256').update(c.line, 'utf8').digest('hex'));
    const htmlSha256 = createHash('sha256').update('<div>a</div>').digest('hex');
    expect(c.item.html).toEqual({ sha256: htmlSha256, chars: 12, truncated: false });
    expect(c.line).not.toContain('<div>'); // the fragment is its own artifact
    expect(c.line.startsWith('{"author":')).toBe(true); // members sorted (RFC 8785)
    expect(c.item.format).toBe(ITEM_FORMAT);
    const rect = { x: 0, y: 10, width: 600, height: 200 };
    expect(c.item.seen).toEqual({ step: 0, at: '2026-12-01T00:00:00.000Z', rect });
  });

  it('keeps Arabic and French text with bidi controls byte for byte', async () => {
    const text = '\u202bالرحلة يوم الجمعة\u202c — départ « vendredi » ' + '\u2066+33 6 12 34 56 78\u2069\nligne 2';
    const c = await collectItem(pageItem('ar', { text }), meta(0, 0));
    expect(c.item.text).toBe(text);
    expect(parseItemsJsonl(`${c.line}\n`)[0]?.text).toBe(text);
    expect(c.item.replacedSurrogates).toBe(0);
  });

  it('replaces unpaired surrogates (an emoji cut short) and counts them, instead of losing the item', async () => {
    const c = await collectItem(pageItem('e', { text: 'cut \uD83D' }), meta(0, 0));
    expect(c.item.text).toBe('cut \uFFFD');
    expect(c.item.replacedSurrogates).toBe(1);
  });

  it('items.jsonl is one canonical line per item in page order (position, then collection order)', async () => {
    const a = (await collectItem(pageItem('a'), meta(0, 5))).item;
    const b = (await collectItem(pageItem('b'), meta(1, -3))).item;
    const c = (await collectItem(pageItem('c'), meta(2, 5))).item;
    const jsonl = itemsJsonl([a, b, c]);
    expect(jsonl.endsWith('\n')).toBe(true);
    expect(parseItemsJsonl(jsonl).map((i) => i.key)).toEqual(['b', 'a', 'c']);
    expect(() => parseItemsJsonl(jsonl.replace('{"author"', '{ "author"'))).toThrow(/not canonical/);
    expect(() => parseItemsJsonl(jsonl.slice(0, -1))).toThrow(/no newline/);
  });
});
