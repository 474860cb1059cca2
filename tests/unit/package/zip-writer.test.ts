/**
 * The streaming ZIP writer (utils/package/zip-writer.ts) against three independent readers: the
 * verifier's strict reader (local and central records must agree), Python's zipfile and Info-ZIP's
 * `unzip -t`. ZIP64 is reached for real past 65,535 entries, and for every field with
 * `zip64: 'always'` (sizes and offsets in the extra field), since 4 GiB does not fit a unit test.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ZipWriter, crc32, deflateRaw, dosDateTime } from '@/utils/package/zip-writer';
import { crcUpdate } from '@/utils/evidence/crc32';
import { ZIP_LIMITS, bytesSource, readZipDirectory, streamEntry } from '@/utils/package/verify/zip';
import { MAX_ZIP_ENTRIES } from '@/utils/package/bag-writer';

const dir = mkdtempSync(join(tmpdir(), 'hashmark-zipw-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const DATE = new Date('2026-03-04T05:06:08Z');
const enc = new TextEncoder();

interface Spec {
  name: string;
  content?: Uint8Array;
  deflate?: boolean;
}

/** Writes `specs` in order and returns the archive joined (tests only: the writer never joins). */
async function build(specs: Spec[], zip64: 'auto' | 'always' = 'auto'): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const w = new ZipWriter((c) => void chunks.push(c), DATE, { zip64 });
  for (const s of specs) {
    if (!s.content) await w.directory(s.name);
    else {
      const crc = crc32(s.content);
      const data = s.deflate ? await deflateRaw(s.content) : s.content;
      await w.file(s.name, data, { method: s.deflate ? 8 : 0, crc, size: s.content.length });
    }
  }
  const size = await w.finish();
  const out = new Uint8Array(size);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  expect(o).toBe(size);
  return out;
}

/** Every entry read by the strict reader, content checked (CRC-32 and size) on the way. */
async function strictRead(zip: Uint8Array): Promise<Map<string, Uint8Array | null>> {
  const src = bytesSource(zip);
  const d = await readZipDirectory(src);
  expect(d.problems).toEqual([]);
  const out = new Map<string, Uint8Array | null>();
  let at = 0;
  for (const e of d.entries) {
    const parts: Uint8Array[] = [];
    at = await streamEntry(src, e, at, (c) => parts.push(c.slice()));
    out.set(e.name, e.dir ? null : Buffer.concat(parts));
  }
  expect(at).toBe(d.centralOffset);
  return out;
}

/** Python's zipfile: testzip() (every CRC) and the entry count, plus the ZIP64 flag it saw. */
function pythonRead(path: string): { count: number; bad: string | null } {
  const script = [
    'import zipfile,sys,json',
    'z=zipfile.ZipFile(sys.argv[1])',
    'print(json.dumps({"count":len(z.infolist()),"bad":z.testzip()}))',
  ].join('\n');
  return JSON.parse(execFileSync('python3', ['-c', script, path], { encoding: 'utf8' })) as {
    count: number;
    bad: string | null;
  };
}

function unzipTest(path: string): string {
  return execFileSync('unzip', ['-t', path], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

function save(name: string, zip: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, zip);
  return path;
}

const u32 = (b: Uint8Array, o: number): number => new DataView(b.buffer, b.byteOffset).getUint32(o, true);

describe('crc32', () => {
  it('gives the standard check value and agrees with the one-table loop at every length and offset', () => {
    expect(crc32(enc.encode('123456789'))).toBe(0xcbf43926);
    const data = new Uint8Array(4099);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7919 + (i >> 3)) & 0xff;
    for (const [start, end] of [
      [0, 0],
      [0, 1],
      [1, 8],
      [3, 17],
      [5, 4099],
      [0, 4096],
    ] as const) {
      const part = data.subarray(start, end);
      expect(crc32(part)).toBe(crcUpdate(0, part));
    }
    // Continued over pieces = over the whole.
    expect(crc32(data.subarray(1000), crc32(data.subarray(0, 1000)))).toBe(crc32(data));
  });
});

describe('ZipWriter', () => {
  it('writes stored and deflated files and folders that all three readers accept, byte for byte', async () => {
    const text = enc.encode('<p>evidence</p>\n'.repeat(5000));
    const noise = new Uint8Array(70_000);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
    const specs: Spec[] = [
      { name: 'bag/' },
      { name: 'bag/a.txt', content: text, deflate: true },
      { name: 'bag/data/' },
      { name: 'bag/data/empty.txt', content: new Uint8Array(0) },
      { name: 'bag/data/shot.png', content: noise },
    ];
    for (const mode of ['auto', 'always'] as const) {
      const zip = await build(specs, mode);
      const got = await strictRead(zip);
      expect([...got.keys()]).toEqual(specs.map((s) => s.name));
      for (const s of specs) expect(got.get(s.name) ?? null).toEqual(s.content ? Buffer.from(s.content) : null);
      const path = save(`small-${mode}.zip`, zip);
      expect(pythonRead(path)).toEqual({ count: specs.length, bad: null });
      expect(unzipTest(path)).toMatch(/No errors detected/);
      // The same input gives the same bytes.
      expect(Buffer.from(await build(specs, mode)).equals(Buffer.from(zip))).toBe(true);
    }
    // 'always' really carries ZIP64 fields: markers in the first local header, a ZIP64 end record.
    const z64 = await build(specs, 'always');
    expect(u32(z64, 18)).toBe(0xffffffff);
    expect(u32(z64, 22)).toBe(0xffffffff);
    expect(u32(z64, z64.length - 22 - 20 - 56)).toBe(0x06064b50);
    const plain = await build(specs, 'auto');
    expect(u32(plain, plain.length - 22 - 20)).not.toBe(0x07064b50);
  }, 60_000);

  it('writes the fixed date in DOS form, as UTC', async () => {
    const zip = await build([{ name: 'x.txt', content: enc.encode('x') }]);
    const { time, date } = dosDateTime(DATE);
    expect(new DataView(zip.buffer).getUint16(10, true)).toBe(time);
    expect(new DataView(zip.buffer).getUint16(12, true)).toBe(date);
    expect(date).toBe(((2026 - 1980) << 9) | (3 << 5) | 4);
    expect(time).toBe((5 << 11) | (6 << 5) | 4);
  });

  it('refuses names outside printable ASCII, a folder without "/", and writing after finish', async () => {
    const w = new ZipWriter(() => undefined, DATE);
    await expect(w.file('caf\u00e9.txt', new Uint8Array(1), { method: 0, crc: 0, size: 1 })).rejects.toThrow(
      /entry name/,
    );
    await expect(w.directory('data')).rejects.toThrow(/must end with/);
    await w.finish();
    await expect(w.directory('data/')).rejects.toThrow(/already finished/);
  });

  it('65,535 entries: a ZIP64 end record (the count field is the marker), read by all three readers', async () => {
    const specs: Spec[] = Array.from({ length: 65_535 }, (_, i) => ({
      name: `bag/data/${String(i).padStart(5, '0')}.txt`,
      content: enc.encode(`${i}\n`),
    }));
    const zip = await build(specs);
    expect(new DataView(zip.buffer).getUint16(zip.length - 22 + 10, true)).toBe(0xffff);
    expect(u32(zip, zip.length - 22 - 20)).toBe(0x07064b50);
    const got = await strictRead(zip);
    expect(got.size).toBe(65_535);
    expect(new TextDecoder().decode(got.get('bag/data/65534.txt')!)).toBe('65534\n');
    const path = save('e65535.zip', zip);
    expect(pythonRead(path)).toEqual({ count: 65_535, bad: null });
    expect(unzipTest(path)).toMatch(/No errors detected/);
  }, 120_000);

  it('70,000 entries: Python and unzip read them all; the strict reader finds the count in ZIP64', async () => {
    const specs: Spec[] = Array.from({ length: 70_000 }, (_, i) => ({
      name: `bag/data/${String(i).padStart(5, '0')}.txt`,
      content: enc.encode(`${i}\n`),
    }));
    const zip = await build(specs);
    const path = save('e70000.zip', zip);
    expect(pythonRead(path)).toEqual({ count: 70_000, bad: null });
    const t = unzipTest(path);
    expect(t).toMatch(/No errors detected/);
    expect(t).toContain('bag/data/69999.txt');
    // 70,000 is written only in the ZIP64 end record (the plain one says 0xFFFF): the strict
    // reader takes the count from there and reads every entry (its cap was raised with the writer's).
    expect(new DataView(zip.buffer).getUint16(zip.length - 22 + 10, true)).toBe(0xffff);
    // (Every entry's content read by the strict reader: zip64-entries.test.ts, on a whole bag.)
    const d = await readZipDirectory(bytesSource(zip));
    expect(d.problems).toEqual([]);
    expect(d.entries.length).toBe(70_000);
    expect(d.entries.at(-1)!.name).toBe('bag/data/69999.txt');
  }, 240_000);

  it("the writer's entry ceiling and the strict reader's cap are one number", () => {
    expect(MAX_ZIP_ENTRIES).toBe(ZIP_LIMITS.maxEntries);
    expect(MAX_ZIP_ENTRIES).toBeGreaterThan(65_535);
  });
});
