import { beforeAll, describe, expect, it } from 'vitest';
import { sha512 as nobleSha512 } from '@noble/hashes/sha2.js';
import { chainEvent } from '@/utils/evidence/custody-log';
import { sha256HexSync, toHex, utf8 } from '@/utils/evidence/hash';
import { collectItem } from '@/utils/harvest/items';
import type { PageItem } from '@/utils/harvest/step-types';
import { writeBag } from '@/utils/package/bag-writer';
import { verifyPackage, type VerifyReport } from '@/utils/package/verify';
import { BAG_NAME, EXPORT_ID, bagInput, withBytes } from '../../helpers/bag-fixture';
import { createTestSigner, type TestSigner } from '../../helpers/signer';

/**
 * The verifier's harvest cross-check (issue 15) against forgers who hold the signing key: each
 * package is built whole and consistent (manifests, capture.json's artifacts[], case.json and the
 * custody log all agree, and it is signed) from a genuine three-item harvest, with one thing of
 * the harvest changed. Only the harvest check can see it, and it must say so plainly.
 */

const CAP = 'data/captures/0001-cap-h';

const page = (i: number, text: string): PageItem => ({
  key: `id:data-id=post-${i}`,
  keySource: 'attribute',
  parentKey: null,
  depth: 0,
  permalink: `https://social.example/p/${i}`,
  author: { name: i === 2 ? 'مهرب' : 'Jean', url: `https://social.example/u/${i}` },
  time: { shown: '2 h', machine: '2025-01-02T01:00:00Z', source: 'datetime' },
  text,
  textSource: 'item',
  links: [],
  media: [],
  counts: {},
  replyTo: null,
  posinset: i + 1,
  html: `<article data-id="post-${i}">${text}</article>`,
  htmlTruncated: false,
  rect: null,
  expansionFailed: [],
});

/** What a forger may change before everything is re-hashed and re-signed. */
interface Harvest {
  lines: string[];
  /** items/ files by path in the capture folder. */
  fragments: Map<string, Uint8Array>;
  items: unknown;
  /** items.jsonl as written; default: every line followed by a line feed. */
  jsonl?: string;
}

async function genuineHarvest(): Promise<Harvest> {
  const texts = ['Vends téléphone, appelez le 06 12 34 56 78', 'للبيع \u200fاتصل\u200f', 'Troisième message'];
  const lines: string[] = [];
  const fragments = new Map<string, Uint8Array>();
  for (const [i, text] of texts.entries()) {
    const c = await collectItem(page(i, text), { seq: i, position: i, step: 0, at: '2025-01-02T03:04:01.200Z' });
    lines.push(c.line);
    fragments.set(`items/${String(i + 1).padStart(6, '0')}.html`, utf8(c.html));
  }
  return { lines, fragments, items: 3 };
}

const entry = (path: string, bytes: Uint8Array, mediaType: string) => ({
  path,
  mediaType,
  bytes: bytes.length,
  sha256: sha256HexSync(bytes),
  sha512: toHex(nobleSha512(bytes)),
  method: 'fixture',
  role: 'original',
});

/** A complete, consistent, signed package around harvest `h`. */
async function harvestPackage(t: TestSigner, h: Harvest): Promise<Uint8Array> {
  const jsonl = utf8(h.jsonl ?? h.lines.map((l) => `${l}\n`).join(''));
  const files: [string, Uint8Array, string][] = [
    ['dom.html', utf8('<html><body>feed</body></html>'), 'text/html'],
    ['items.jsonl', jsonl, 'application/jsonl'],
    ...[...h.fragments].map(([p, b]): [string, Uint8Array, string] => [p, b, 'text/html']),
  ];
  const cj = utf8(
    `${JSON.stringify({
      schema: 'hashmark.capture/1',
      captureId: 'cap-h',
      startedAt: '2025-01-02T03:04:01.000Z',
      finishedAt: '2025-01-02T03:04:01.500Z',
      artifacts: files.map(([p, b, m]) => entry(p, b, m)),
      kind: 'harvest',
      harvest: { itemFormat: 'hashmark-harvest-item/1', itemsFile: 'items.jsonl', items: h.items },
    })}\n`,
  );
  const cjSha = sha256HexSync(cj);
  let prev: { seq: number; line: string } | null = null;
  let log = '';
  const base = (i: number) => ({ at: new Date(Date.UTC(2025, 0, 2, 3, 4, i)).toISOString(), caseId: 'case-1' });
  for (const [i, ev] of [
    { type: 'case.created', details: { name: 'Fil', reference: '' } },
    { type: 'capture.started', captureId: 'cap-h', details: { sequence: 1 } },
    { type: 'capture.stored', captureId: 'cap-h', details: { sequence: 1, captureJsonSha256: cjSha } },
    { type: 'export.started', details: { exportId: EXPORT_ID, keyFingerprint: t.fingerprint } },
  ].entries()) {
    const { event, line } = chainEvent(prev, { ...base(i), actor: 'DC Example', ...ev });
    log += `${line}\n`;
    prev = { seq: event.seq, line };
  }
  const kase = {
    schema: 'hashmark.case/1',
    caseId: 'case-1',
    name: 'Fil',
    reference: '',
    signingKeySha256: t.fingerprint,
    export: { id: EXPORT_ID, part: 1, parts: 1, bagNames: [BAG_NAME] },
    captures: [{ captureId: 'cap-h', sequence: 1, part: 1, folder: CAP, captureJsonSha256: cjSha }],
  };
  const payload = [
    { path: 'data/case.json', bytes: utf8(`${JSON.stringify(kase, null, 2)}\n`) },
    { path: 'data/report.html', bytes: utf8('<!doctype html><title>Report</title>\n') },
    { path: 'data/custody/events.jsonl', bytes: utf8(log) },
    { path: `${CAP}/capture.json`, bytes: cj },
    ...files.map(([p, b]) => ({ path: `${CAP}/${p}`, bytes: b })),
  ];
  return (await withBytes(await writeBag(bagInput(t.signer, { payload })))).zip;
}

const failures = (r: VerifyReport): string[] => r.checks.filter((c) => !c.ok).map((c) => `${c.id}: ${c.message}`);

describe('harvest packages (issue 15)', () => {
  let t: TestSigner;
  const verify = async (edit: (h: Harvest) => void) => {
    const h = await genuineHarvest();
    edit(h);
    return verifyPackage(await harvestPackage(t, h), { keyFingerprint: t.fingerprint });
  };

  beforeAll(async () => {
    t = await createTestSigner();
  });

  it('a genuine harvest passes, with the harvest check among the passed ones', async () => {
    const r = await verify(() => undefined);
    expect(failures(r)).toEqual([]);
    expect(r.verdict).toBe('passed');
    expect(r.checks.find((c) => c.id === 'harvest-items')?.message).toMatch(/^The 3 item\(s\) of 1 harvest\(s\)/);
  });

  it('a dropped line: the count differs and its fragment belongs to no line', async () => {
    const r = await verify((h) => h.lines.splice(1, 1));
    expect(r.verdict).toBe('failed');
    expect(failures(r)).toEqual([
      `harvest-items: ${CAP}/items.jsonl: holds 2 item(s); capture.json says harvest.items is 3.`,
      `harvest-items: ${CAP}/items/000002.html: this HTML fragment belongs to no line of items.jsonl.`,
    ]);
  });

  it('a dropped line with the count lowered to match: the orphan fragment still gives it away', async () => {
    const r = await verify((h) => {
      h.lines.splice(1, 1);
      h.items = 2;
    });
    expect(failures(r)).toEqual([
      `harvest-items: ${CAP}/items/000002.html: this HTML fragment belongs to no line of items.jsonl.`,
    ]);
  });

  it('a swapped fragment (re-hashed into capture.json) no longer matches its line', async () => {
    const r = await verify((h) => h.fragments.set('items/000002.html', utf8('<article>forged</article>')));
    expect(failures(r)).toEqual([
      `harvest-items: ${CAP}/items/000002.html: its SHA-256 differs from html.sha256 of item 1 in items.jsonl ` +
        '(line 2).',
    ]);
  });

  it('a missing fragment is named', async () => {
    const r = await verify((h) => h.fragments.delete('items/000003.html'));
    expect(failures(r)).toEqual([
      `harvest-items: ${CAP}/items/000003.html: item 2's HTML fragment is missing or not in capture.json.`,
    ]);
  });

  it('a line rewritten in non-canonical JSON is refused', async () => {
    const r = await verify((h) => (h.lines[0] = JSON.stringify(JSON.parse(h.lines[0]!), null, 1).replace(/\n/g, '')));
    expect(failures(r)).toEqual([`harvest-items: ${CAP}/items.jsonl line 1: not canonical JSON.`]);
  });

  it('a line of another format, a line that is not JSON, or one nested too deep is refused', async () => {
    const other = await verify((h) => (h.lines[2] = h.lines[2]!.replace('hashmark-harvest-item/1', 'x/1')));
    expect(failures(other)).toEqual([`harvest-items: ${CAP}/items.jsonl line 3: unknown format.`]);
    const garbage = await verify((h) => (h.lines[1] = '{"format":'));
    expect(failures(garbage)).toEqual([`harvest-items: ${CAP}/items.jsonl line 2: is not valid JSON.`]);
    const deep = await verify((h) => (h.lines[0] = `${'['.repeat(5000)}${']'.repeat(5000)}`));
    expect(failures(deep)[0]).toMatch(/^harvest-items: .*items\.jsonl line 1: nests deeper than \d+ levels\.$/);
  });

  it('items out of page order, or one item twice, are refused', async () => {
    const swapped = await verify((h) => h.lines.reverse());
    expect(failures(swapped)).toContain(
      `harvest-items: ${CAP}/items.jsonl line 2: out of page order (position, then seq), or a repeated item.`,
    );
    const twice = await verify((h) => {
      h.lines[2] = h.lines[1]!;
      h.fragments.delete('items/000003.html');
    });
    expect(failures(twice)).toContain(`harvest-items: ${CAP}/items.jsonl line 3: item 1 appears twice.`);
  });

  it('a last line without its line feed, or a non-number count, is refused', async () => {
    const cut = await verify((h) => (h.jsonl = h.lines.join('\n')));
    expect(failures(cut)).toEqual([
      `harvest-items: ${CAP}/items.jsonl: the last line has no line feed (every item line ends with one).`,
    ]);
    const count = await verify((h) => (h.items = '3'));
    expect(failures(count)).toEqual([
      `harvest-items: ${CAP}/capture.json: kind is "harvest" but harvest.items is not a whole number.`,
    ]);
  });
});
