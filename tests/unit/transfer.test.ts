import { afterEach, describe, expect, test } from 'vitest';
import {
  CHUNK_CHARS,
  dropStashed,
  isStashedString,
  pullStashed,
  readStashedChunk,
  resolveStashed,
  stashIfLarge,
  type StashedString,
} from '@/utils/capture/transfer';

/**
 * The page side and the background side of the chunked transfer, run in one process: the
 * "page" functions read the same globalThis stash the real content script writes. The real
 * browser path (executeScript between the isolated world and the worker) is in
 * tests/e2e/security.test.ts.
 */
const reader =
  (calls: number[] = []) =>
  async (id: string, offset: number, size: number) => {
    calls.push(offset);
    return readStashedChunk(id, offset, size);
  };

afterEach(() => dropStashed(''));

describe('chunked transfer of large strings', () => {
  test('a string that fits in one chunk is returned as it is, nothing is kept', () => {
    expect(stashIfLarge('abc', 'n:dom', 3)).toBe('abc');
    expect(readStashedChunk('n:dom', 0, 10)).toBeNull();
  });

  test('a longer string is kept in the page and comes back whole, in chunks no longer than asked', async () => {
    const s = 'Annonce +33 6 12 34 56 78 — '.repeat(1000);
    const ref = stashIfLarge(s, 'n1:dom', 1000) as StashedString;
    expect(isStashedString(ref)).toBe(true);
    expect(ref.length).toBe(s.length);
    const calls: number[] = [];
    expect(await pullStashed(ref, reader(calls), 1000)).toBe(s);
    expect(calls.length).toBe(Math.ceil(s.length / 1000));
  });

  test('no chunk ends between the halves of a surrogate pair (each chunk encodes to the right UTF-8)', async () => {
    // Every odd chunk size would split an emoji if the reader cut blindly.
    const s = 'a' + '📞'.repeat(5000);
    const ref = stashIfLarge(s, 'n2:text', 999) as StashedString;
    const chunks: string[] = [];
    const got = await pullStashed(
      ref,
      async (id, o, n) => {
        const c = readStashedChunk(id, o, n);
        if (typeof c === 'string') chunks.push(c);
        return c;
      },
      999,
    );
    expect(got).toBe(s);
    const enc = new TextEncoder();
    const joined = Buffer.concat(chunks.map((c) => enc.encode(c)));
    expect(joined.equals(Buffer.from(s, 'utf8'))).toBe(true);
    expect(joined.includes(Buffer.from('\ufffd', 'utf8'))).toBe(false);
  });

  test('a page that stops answering midway is an error naming how far it got, never a short string', async () => {
    const s = 'x'.repeat(5000);
    const ref = stashIfLarge(s, 'n3:dom', 1000) as StashedString;
    let n = 0;
    await expect(
      pullStashed(ref, async (id, o, size) => (++n === 3 ? null : readStashedChunk(id, o, size)), 1000),
    ).rejects.toThrow(/broke off after 2000 of 5000 characters/);
    // A chunk longer than asked, or past the announced length, is refused too.
    await expect(pullStashed(ref, async () => 'y'.repeat(1001), 1000)).rejects.toThrow(/broke off after 0/);
    await expect(pullStashed({ stashed: 'n3:dom', length: 10 }, reader(), 1000)).rejects.toThrow(/broke off/);
  });

  test('resolveStashed replaces only references in the named fields and always frees the page', async () => {
    const dom = '<p>' + 'z'.repeat(3000) + '</p>';
    const raw = {
      nonce: 'n4',
      domHtml: stashIfLarge(dom, 'n4:dom', 1000),
      text: 'short',
      other: { stashed: 'n4:dom', length: 3007 },
    };
    let dropped = 0;
    const out = (await resolveStashed(
      raw,
      ['domHtml', 'text'],
      reader(),
      async () => {
        dropped++;
        dropStashed('n4');
      },
      1000,
    )) as Record<string, unknown>;
    expect(out.domHtml).toBe(dom);
    expect(out.text).toBe('short');
    expect(out.other).toEqual({ stashed: 'n4:dom', length: 3007 }); // not a named field: left for the shape check
    expect(dropped).toBe(1);
    expect(readStashedChunk('n4:dom', 0, 10)).toBeNull();

    // On failure too.
    const raw2 = { domHtml: stashIfLarge(dom, 'n5:dom', 1000) };
    await expect(
      resolveStashed(
        raw2,
        ['domHtml'],
        async () => null,
        async () => {
          dropped++;
        },
        1000,
      ),
    ).rejects.toThrow();
    expect(dropped).toBe(2);
  });

  test('references are checked before anything is pulled', () => {
    for (const bad of [
      null,
      'x',
      { stashed: '', length: 5 },
      { stashed: 'a', length: 0 },
      { stashed: 'a', length: 1.5 },
      { stashed: 'a'.repeat(201), length: 5 },
      { stashed: 'a', length: 2 ** 40 },
    ]) {
      expect(isStashedString(bad)).toBe(false);
    }
  });

  test('a chunk is under the 64 MiB message cap even when every character takes 3 bytes in UTF-8', () => {
    expect(CHUNK_CHARS * 3).toBeLessThan(64 * 1024 * 1024);
  });
});
