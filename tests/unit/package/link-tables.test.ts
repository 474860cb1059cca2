/**
 * data/links.csv and data/entities.csv (utils/package/link-tables.ts): one row per sighting, one
 * per entity, the header the shipped import specification (docs/analyst-tools/) names, and the
 * CSV-injection rules of the other tables.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  ENTITIES_CSV_HEADER,
  LINKS_CSV_HEADER,
  entitiesCsv,
  linkTablesCaptureText,
  linksCsv,
  type LinkCapture,
} from '@/utils/package/link-tables';
import { parseCsv } from '@/utils/package/csv';

const SPEC = JSON.parse(
  readFileSync(join(__dirname, '../../../docs/analyst-tools/hashmark-links.import.json'), 'utf8'),
) as { columns: string[]; entities: { column: string }[]; links: { from: string; to: string }[] };

const captures: LinkCapture[] = [
  {
    sequence: 1,
    exhibitNumber: 'PV-2026-118-0001',
    url: 'https://annonces.example/ad/1',
    title: 'Studio, 650 €',
    finishedAt: '2026-11-27T12:00:11.000Z',
    selectors: [
      { kind: 'phone', value: '+33612345678', raw: ['06 12 34 56 78'] },
      { kind: 'email', value: 'vendeur@example.org', raw: ['vendeur@example.org'] },
      { kind: 'handle', value: 'telegram:vendeur_13', raw: ['@vendeur_13', '=HYPERLINK("x")'], platform: 'telegram' },
    ],
  },
  {
    sequence: 2,
    exhibitNumber: 'PV-2026-118-0002',
    url: 'https://a.example/',
    title: '',
    finishedAt: '2026-11-27T12:01:00.000Z',
    selectors: [],
  },
  {
    sequence: 3,
    exhibitNumber: 'PV-2026-118-0003',
    url: 'https://annonces.example/ad/1',
    title: '=cmd',
    finishedAt: '2026-11-27T12:02:00.000Z',
    selectors: [
      { kind: 'phone', value: '+33612345678', raw: ['+33 6 12 34 56 78'] },
      { kind: 'wallet', value: '0x52908400098527886e0f7030069857d2e4169ee7', raw: ['0x5290…'], platform: 'eth' },
    ],
  },
];

describe('links.csv', () => {
  test('its header is the columns of the shipped import specification, whose mappings name only those columns', () => {
    expect([...LINKS_CSV_HEADER]).toEqual(SPEC.columns);
    const rows = parseCsv(linksCsv('PV-2026-118', []));
    expect(rows).toEqual([SPEC.columns]);
    for (const e of SPEC.entities) expect(SPEC.columns).toContain(e.column);
    for (const l of SPEC.links) expect([l.from, l.to].every((c) => SPEC.columns.includes(c))).toBe(true);
  });

  test('one row per selector sighting, with the value in its kind column only', () => {
    const rows = parseCsv(linksCsv('PV-2026-118', captures));
    const body = rows.slice(1);
    expect(body).toHaveLength(5);
    const col = (name: string) => SPEC.columns.indexOf(name);
    expect(body.map((r) => `${r[col('exhibit_number')]} ${r[col('selector_type')]}`)).toEqual([
      'PV-2026-118-0001 email',
      'PV-2026-118-0001 handle',
      'PV-2026-118-0001 phone',
      'PV-2026-118-0003 phone',
      'PV-2026-118-0003 wallet',
    ]);
    const phone = body[2]!;
    // E.164 is the join key: written as is, not neutralised.
    expect(phone[col('value')]).toBe('+33612345678');
    expect(phone[col('phone')]).toBe('+33612345678');
    expect([phone[col('email')], phone[col('handle')], phone[col('wallet')]]).toEqual(['', '', '']);
    expect(phone[col('capture_url')]).toBe('https://annonces.example/ad/1');
    expect(phone[col('capture_time')]).toBe('2026-11-27T12:00:11.000Z');
    expect(phone[col('case')]).toBe('PV-2026-118');
    expect(JSON.parse(body[1]![col('as_written')]!)).toEqual(['@vendeur_13', '=HYPERLINK("x")']);
    expect(body[1]![col('platform')]).toBe('telegram');
  });
});

describe('entities.csv', () => {
  test('one row per distinct entity, with its sightings and exhibits; page text is neutralised', () => {
    const rows = parseCsv(entitiesCsv(captures));
    expect(rows[0]).toEqual([...ENTITIES_CSV_HEADER]);
    const body = rows.slice(1);
    expect(body.map((r) => `${r[0]} ${r[1]}`)).toEqual([
      'exhibit PV-2026-118-0001',
      'exhibit PV-2026-118-0002',
      'exhibit PV-2026-118-0003',
      'page https://annonces.example/ad/1',
      'page https://a.example/',
      'phone +33612345678',
      'email vendeur@example.org',
      'handle telegram:vendeur_13',
      'wallet 0x52908400098527886e0f7030069857d2e4169ee7',
    ]);
    const phone = body[5]!;
    expect(phone.slice(4)).toEqual([
      '2',
      'PV-2026-118-0001; PV-2026-118-0003',
      '2026-11-27T12:00:11.000Z',
      '2026-11-27T12:02:00.000Z',
    ]);
    expect(body[2]![3]).toBe("'=cmd");
  });

  test("the part planner's bound: the captures' rows taken alone are never shorter than the tables", () => {
    const alone = captures.reduce((n, c) => n + linkTablesCaptureText('PV-2026-118', c).length, 0);
    const headers = LINKS_CSV_HEADER.join(',').length + ENTITIES_CSV_HEADER.join(',').length + 4;
    expect(linksCsv('PV-2026-118', captures).length + entitiesCsv(captures).length).toBeLessThanOrEqual(
      alone + headers,
    );
  });
});
