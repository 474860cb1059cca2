import { describe, expect, test } from 'vitest';
import { collectItem } from '@/utils/harvest/items';
import type { PageItem } from '@/utils/harvest/step-types';
import {
  HarvestReadError,
  REPORT_ITEMS,
  readHarvestItems,
  reportHarvest,
  type ExportHarvestItem,
} from '@/utils/package/export-harvest';
import { reportCaptureSection, type ReportCapture } from '@/utils/package/report';
import { ITEMS_CSV_HEADER, itemsCsvHeader } from '@/utils/package/tables';
import { exporterPathProblem, ITEMS_CSV_PATH } from '@/utils/package/layout';

/**
 * What the export makes of a harvest (issue 15): items.csv rows read from the stored lines (page
 * text neutralised against spreadsheet formulas), a stored harvest that does not read back whole
 * refused, and the report's harvest section (hostile text stays text; Arabic keeps its direction).
 */

const FOLDER = 'data/captures/0001-cap-h';

const page = (i: number, text: string, author: string): PageItem => ({
  key: `id:data-mid=m${i}`,
  keySource: 'attribute',
  parentKey: i > 0 ? 'id:data-mid=m0' : null,
  depth: i > 0 ? 1 : 0,
  permalink: null,
  author: { name: author, url: null },
  time: { shown: '10:02', machine: '2026-10-05T10:02', source: 'pre-plain-text' },
  text,
  textSource: 'item',
  links: [],
  media: [],
  counts: {},
  replyTo: null,
  posinset: null,
  html: `<div data-mid="m${i}">${text}</div>`,
  htmlTruncated: false,
  rect: null,
  expansionFailed: [],
});

async function stored(texts: [string, string][]): Promise<ExportHarvestItem[]> {
  const out: ExportHarvestItem[] = [];
  for (const [i, [text, author]] of texts.entries()) {
    const c = await collectItem(page(i, text, author), { seq: i, position: i, step: 0, at: '2026-10-05T10:03:00Z' });
    out.push({
      seq: i,
      line: c.line,
      lineSha256: c.lineSha256,
      html: {
        path: `items/${String(i + 1).padStart(6, '0')}.html`,
        mediaType: 'text/html',
        bytes: 1,
        sha256: 'aa'.repeat(32),
        sha512: 'aa'.repeat(64),
        method: 'harvest:outerHTML',
        role: 'original',
      },
    });
  }
  return out;
}

const each = (items: ExportHarvestItem[]) => async (_id: string, f: (i: ExportHarvestItem) => void) => items.forEach(f);

describe('items.csv', () => {
  test('one row per item, page text neutralised and quoted, the line hash and the fragment path closing it', async () => {
    const items = await stored([
      ['=HYPERLINK("http://evil.example","x")', '@attacker'],
      ['سطر أول\nسطر ثانٍ, مع فاصلة', 'أمين'],
    ]);
    const rows: string[] = [];
    const first = await readHarvestItems(each(items), { id: 'cap-h', sequence: 1, harvest: undefined }, FOLDER, (r) =>
      rows.push(r),
    );
    expect(itemsCsvHeader()).toBe(`${ITEMS_CSV_HEADER.join(',')}\r\n`);
    expect(rows[0]).toBe(
      `1,cap-h,0,0,id:data-mid=m0,0,,'@attacker,,10:02,2026-10-05T10:02,,"'=HYPERLINK(""http://evil.example"",""x"")",` +
        `${FOLDER}/items/000001.html,${items[0]!.lineSha256}\r\n`,
    );
    expect(rows[1]).toContain(',1,id:data-mid=m0,أمين,,10:02,');
    expect(rows[1]).toContain(',"سطر أول\nسطر ثانٍ, مع فاصلة",');
    expect(first.map((i) => i.author)).toEqual(['@attacker', 'أمين']);
    expect(exporterPathProblem(ITEMS_CSV_PATH)).toBeNull();
  });

  test('a stored harvest that does not read back whole stops the export', async () => {
    const items = await stored([['a', 'x']]);
    const c = {
      id: 'cap-h',
      sequence: 1,
      harvest: { items: 2, steps: 1, stopReason: 'x', complete: false, definition: 'g' },
    };
    await expect(readHarvestItems(each(items), c, FOLDER, () => undefined)).rejects.toThrow(
      new HarvestReadError('1 stored items where the capture recorded 2'),
    );
    items[0]!.line = '{"format":';
    await expect(readHarvestItems(each(items), { ...c, harvest: undefined }, FOLDER, () => undefined)).rejects.toThrow(
      /item 0: its stored line is not JSON/,
    );
  });

  test('the report keeps only the first items', async () => {
    const items = await stored(Array.from({ length: REPORT_ITEMS + 5 }, (_, i): [string, string] => [`m${i}`, 'a']));
    const first = await readHarvestItems(each(items), { id: 'c', sequence: 1, harvest: undefined }, FOLDER, () => 0);
    expect(first).toHaveLength(REPORT_ITEMS);
  });
});

describe('the report harvest section', () => {
  const base: ReportCapture = {
    sequence: 1,
    exhibitNumber: 'PV-1-0001',
    captureId: 'cap-h',
    folder: FOLDER,
    startedAt: '2026-10-05T10:00:00.000Z',
    finishedAt: '2026-10-05T10:05:00.000Z',
    captureJsonSha256: 'cd'.repeat(32),
    url: { start: 'https://chat.example/t/1', end: 'https://chat.example/t/1' },
    title: { start: 'Thread', end: 'Thread' },
    clock: null,
    artifacts: [],
    limitations: [],
    selectors: [],
    tags: [],
    screenshot: null,
    timestamp: null,
    captureJsonProblem: null,
  };

  test('completeness, counts, site definition, the items with their own direction, and where the rest are', () => {
    const h = reportHarvest(
      {
        items: 1200,
        itemsFile: 'items.jsonl',
        site: { id: 'whatsapp-web', version: '3' },
        report: {
          steps: 40,
          elapsedMs: 61_400,
          stopReason: 'login-wall',
          complete: false,
          detail: 'Log in <b>to continue</b>',
          mayBeMissing: ['A login wall appeared: items behind it were not collected.', 7],
        },
      },
      [
        {
          seq: 0,
          depth: 0,
          author: '<img src=x onerror=alert(1)>',
          timeShown: '10:02',
          timeMachine: null,
          text: '\u2067مرحبا\u2069 <script>',
          textCut: true,
        },
      ],
    );
    const html = reportCaptureSection({ ...base, harvest: h }, 'fr');
    expect(html).toContain('<code>login-wall</code>');
    expect(html).toContain('non : moisson partielle');
    expect(html).toContain('<code>whatsapp-web@3</code>');
    expect(html).toContain('1\u202f200');
    expect(html).toContain('<li><bdi>A login wall appeared: items behind it were not collected.</bdi></li>');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<script>');
    expect(html).toContain('Log in &lt;b&gt;to continue&lt;/b&gt;');
    expect(html).toContain(
      '<td class="item" dir="auto"><span class="ctl" dir="ltr">[U+2067]</span>مرحبا<span class="ctl" dir="ltr">[U+2069]</span> &lt;script&gt;',
    );
    expect(html).toContain('(coupé ici ; le texte complet est dans items.jsonl)');
    expect(html).toContain(`<code>${FOLDER}/items.jsonl</code>`);
    expect(html).toContain('<code>data/items.csv</code>');
  });

  test('a capture that is not a harvest has no harvest section', () => {
    expect(reportCaptureSection(base, 'en')).not.toContain('Harvest');
  });
});
