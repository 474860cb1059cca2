import { Window } from 'happy-dom';
import { describe, expect, test } from 'vitest';
import {
  escapeHtml,
  renderReport,
  reportCaptureSection,
  reportHead,
  reportHeadMaxBytes,
  safeText,
  utf8Length,
  type ReportCapture,
  type ReportFacts,
  type ReportIndexRow,
} from '@/utils/package/report';
import {
  REPORT_STRINGS,
  fill,
  formatDateTime,
  formatInteger,
  formatUtcOffset,
  type ReportLang,
} from '@/utils/package/report-text';

/** data/report.html: hostile page text stays text, every language is complete, nothing runs. */

const HOSTILE_TITLE = `</title><script>alert("x")</script><img src=x onerror=alert(1)> "quoted" 'single' \u202Egnp.exe\u202C & more`;
const HOSTILE_URL = `https://evil.example/"><script>alert(1)</script>?q=<b>&x='y'`;

function facts(over: Partial<ReportFacts> = {}): ReportFacts {
  return {
    lang: 'en',
    caseId: 'case-1',
    name: 'Op <Sirocco> & "co"',
    reference: 'PV-2026-118',
    investigator: { name: 'Insp. Leila Benali', unit: '', organization: 'Police nationale' },
    created: '2026-11-01T08:00:00.000Z',
    exported: '2026-11-27T12:16:40.123Z',
    software: { name: 'Hashmark', version: '0.1.0', browser: 'Mozilla/5.0 <Chromium>' },
    signingKeySha256: 'ab'.repeat(32),
    exportId: '6a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d',
    part: 1,
    parts: 1,
    ...over,
  };
}

function capture(over: Partial<ReportCapture> = {}): ReportCapture {
  return {
    sequence: 1,
    exhibitNumber: 'PV-2026-118-0001',
    captureId: '00000000-0000-4000-8000-000000000001',
    folder: 'data/captures/0001-00000000-0000-4000-8000-000000000001',
    startedAt: '2026-11-27T12:00:10.000Z',
    finishedAt: '2026-11-27T12:00:11.500Z',
    captureJsonSha256: 'cd'.repeat(32),
    url: { start: HOSTILE_URL, end: HOSTILE_URL },
    title: { start: HOSTILE_TITLE, end: 'Another <b>title</b>' },
    clock: { timeZone: 'Europe/Paris', utcOffsetMinutes: 60 },
    artifacts: [
      {
        path: 'dom.html',
        mediaType: 'text/html; charset=utf-8',
        bytes: 1234567,
        sha256: 'ef'.repeat(32),
        sha512: 'ef'.repeat(64),
        method: 'dom-serialiser',
        role: 'original',
      },
      {
        path: 'screenshot-full.png',
        mediaType: 'image/png',
        bytes: 10,
        sha256: '01'.repeat(32),
        sha512: '01'.repeat(64),
        method: 'stitch',
        role: 'derived',
        derivedFrom: ['screenshot-tiles/000.png'],
      },
    ],
    limitations: ['Closed shadow roots <cannot> be reached.'],
    selectors: [
      { kind: 'phone', value: '+33612345678', raw: ['06 12 34 56 78', '+33612345678'] },
      { kind: 'email', value: 'x@evil.example' },
      'plain <string>',
      { weird: '<object>' },
    ],
    tags: ['<b>tag</b>', 'مهم'],
    screenshot: {
      path: 'screenshot-viewport.png',
      thumbnail: { dataUri: 'data:image/png;base64,AAAA', width: 320, height: 200 },
    },
    timestamp: null,
    captureJsonProblem: null,
    ...over,
  };
}

const index: ReportIndexRow[] = [
  { sequence: 1, part: 1, finishedAt: '2026-11-27T12:00:11.500Z', url: HOSTILE_URL, title: HOSTILE_TITLE },
  { sequence: 2, part: 2, finishedAt: '2026-11-27T12:00:21.000Z', url: 'https://b.example/', title: 'B' },
];

/** Parses the report without running anything (happy-dom with scripts disabled). */
function parse(html: string): Document {
  const window = new Window({
    settings: { disableJavaScriptEvaluation: true, disableJavaScriptFileLoading: true, disableCSSFileLoading: true },
  });
  window.document.write(html);
  return window.document as unknown as Document;
}

describe('report.html', () => {
  test('hostile titles, URLs, names and selectors stay text: no element or attribute comes from them', () => {
    const html = renderReport(facts(), index.slice(0, 1), [capture()]);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img src=x/i);
    expect(html).not.toContain('<b>');
    const doc = parse(html);
    expect(doc.querySelectorAll('script')).toHaveLength(0);
    expect(doc.querySelectorAll('img')).toHaveLength(1); // the thumbnail only
    expect(doc.querySelector('img')!.getAttribute('src')).toBe('data:image/png;base64,AAAA');
    expect(doc.querySelectorAll('b, [onerror]')).toHaveLength(0);
    const body = doc.body.textContent ?? '';
    expect(body).toContain('</title><script>alert("x")</script>');
    expect(body).toContain(`"quoted" 'single'`);
    expect(body).toContain("https://evil.example/\"><script>alert(1)</script>?q=<b>&x='y'");
    expect(doc.title).toBe('Evidence report: Op <Sirocco> & "co"');
    // URLs are never links: reading the report must not contact a suspect's site.
    expect([...doc.querySelectorAll('a')].map((a) => a.getAttribute('href'))).toEqual([
      '#capture-0001',
      'captures/0001-00000000-0000-4000-8000-000000000001/screenshot-viewport.png',
    ]);
  });

  test('direction overrides and other invisible characters are shown as [U+XXXX], never passed through', () => {
    const html = renderReport(facts(), [], [capture()]);
    expect(html).not.toMatch(/[\u202a-\u202e\u2066-\u2069\u200e\u200f]/);
    expect(html).toContain('<span class="ctl">[U+202E]</span>gnp.exe<span class="ctl">[U+202C]</span>');
    expect(safeText('a\u0000b\u200Bc\uFEFFd\u2066e\ud800f\u200Dg')).toBe(
      'a<span class="ctl">[U+0000]</span>b<span class="ctl">[U+200B]</span>c<span class="ctl">[U+FEFF]</span>d<span class="ctl">[U+2066]</span>e<span class="ctl">[U+D800]</span>f\u200Dg',
    );
    // Page text is isolated from the report's own direction.
    expect(html).toContain(`<bdi>${safeText(HOSTILE_TITLE)}</bdi>`);
  });

  test('is self-contained and static: a CSP that blocks scripts and remote loads, no external resource', () => {
    const html = renderReport(facts(), index, [capture()]);
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'">`,
    );
    expect(html).not.toMatch(/<(link|iframe|object|embed|base|form|meta http-equiv="refresh")/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//i);
    expect(html).not.toMatch(/url\(/i);
  });

  test("shows the case facts, each capture's times, hashes, files, limitations, selectors and tags", () => {
    const html = renderReport(facts(), index.slice(0, 1), [capture()]);
    const body = parse(html).body.textContent ?? '';
    for (const s of [
      'PV-2026-118',
      'Insp. Leila Benali',
      'ab'.repeat(32),
      '6a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d',
      '27 November 2026, 12:00:10 UTC',
      '2026-11-27T12:00:11.500Z',
      'cd'.repeat(32),
      'ef'.repeat(32),
      '1,234,567',
      'derived (from screenshot-tiles/000.png)',
      'Europe/Paris (UTC+01:00)',
      'Closed shadow roots <cannot> be reached.',
      'Phone: +33612345678 (as written on the page: 06 12 34 56 78)',
      'Email: x@evil.example',
      'plain <string>',
      '{"weird":"<object>"}',
      '<b>tag</b>',
      'مهم',
      'Another <b>title</b>',
    ]) {
      expect(body).toContain(s);
    }
    expect(body).toContain('(unchanged during the capture)'); // the URL did not change
  });

  test.each<[ReportLang, string, string, string]>([
    ['en', 'ltr', 'Evidence report', '27 November 2026, 12:16:40 UTC'],
    ['fr', 'ltr', 'Rapport des preuves numériques', '27 novembre 2026 à 12:16:40 UTC'],
    ['ar', 'rtl', 'تقرير الأدلة الرقمية', '27 نوفمبر 2026، 12:16:40 UTC'],
  ])('in %s: lang, dir, translated headings and dates', (lang, dir, heading, date) => {
    const html = renderReport(facts({ lang, parts: 2 }), index, [capture()]);
    expect(html.startsWith(`<!doctype html>\n<html lang="${lang}" dir="${dir}">`)).toBe(true);
    const doc = parse(html);
    expect(doc.querySelector('h1')!.textContent).toBe(heading);
    expect(doc.body.textContent).toContain(date);
    const t = REPORT_STRINGS[lang];
    expect(doc.body.textContent).toContain(fill(t.seePart, { k: 2 }));
    expect(doc.body.textContent).toContain(fill(t.captureHeading, { n: 1 }));
    expect(doc.querySelector('.notice')!.textContent).toContain('6a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d');
  });

  test('every language has every string, and the French and Arabic ones are translated', () => {
    const keys = Object.keys(REPORT_STRINGS.en) as (keyof typeof REPORT_STRINGS.en)[];
    for (const lang of ['fr', 'ar'] as const) {
      expect(Object.keys(REPORT_STRINGS[lang]).sort()).toEqual([...keys].sort());
      const same = keys.filter(
        (k) => typeof REPORT_STRINGS.en[k] === 'string' && REPORT_STRINGS[lang][k] === REPORT_STRINGS.en[k],
      );
      // Only words that are the same in the language may match English ("SHA-256"; French "Type", "original").
      const allowed = lang === 'fr' ? ['dir', 'colSha256', 'colType', 'original'] : ['colSha256'];
      expect(same.filter((k) => !allowed.includes(k))).toEqual([]);
      for (const k of keys) {
        const en = REPORT_STRINGS.en[k];
        if (typeof en === 'string')
          expect(REPORT_STRINGS[lang][k], k).toSatisfy((v: string) =>
            [...en.matchAll(/\{\w+\}/g)].every((m) => v.includes(m[0])),
          );
      }
    }
    expect(REPORT_STRINGS.ar.months).toHaveLength(12);
    expect(REPORT_STRINGS.fr.months[7]).toBe('août');
  });

  test('dates, numbers and offsets are formatted the same everywhere (no Intl, no local time zone)', () => {
    expect(formatDateTime('2026-03-01T09:05:03.000Z', 'fr')).toBe('1er mars 2026 à 09:05:03 UTC');
    expect(formatDateTime('2026-03-02T23:59:59.999Z', 'en')).toBe('2 March 2026, 23:59:59 UTC');
    expect(formatDateTime('not a date', 'en')).toBeNull();
    expect(formatInteger(1234567, 'fr')).toBe('1\u202f234\u202f567');
    expect(formatInteger(999, 'ar')).toBe('999');
    expect(formatUtcOffset(-210)).toBe('UTC-03:30');
    expect(formatUtcOffset(0)).toBe('UTC+00:00');
  });

  test('a trusted timestamp of capture.json is shown with its time and its token file', () => {
    const section = reportCaptureSection(
      capture({ timestamp: { file: 'capture.json.tsr', genTime: '2026-11-27T12:00:12.345Z' } }),
      'fr',
    );
    const text = parse(section).body.textContent ?? '';
    expect(text).toContain('Horodatage de capture.json par un tiers (RFC 3161)');
    expect(text).toContain('27 novembre 2026 à 12:00:12 UTC');
    expect(text).toContain('(jeton : data/captures/0001-00000000-0000-4000-8000-000000000001/capture.json.tsr)');
    expect(reportCaptureSection(capture(), 'fr')).not.toContain('RFC 3161');
    // No skew recorded (an older log): nothing is made up.
    expect(text).not.toContain("Écart d'horloge");
  });

  test("the clock skew measured when the token arrived is shown, signed (capture.json's tsaSkewMs cannot hold it)", () => {
    const stamp = (skewMs: number) =>
      parse(
        reportCaptureSection(
          capture({ timestamp: { file: 'capture.json.tsr', genTime: '2026-11-27T12:00:12.345Z', skewMs } }),
          'en',
        ),
      ).body.textContent ?? '';
    expect(stamp(1234.4)).toContain(
      "Clock skew when the token arrived (the authority's time minus this computer's clock): +1234 ms",
    );
    expect(stamp(-80)).toContain('clock): -80 ms');
  });

  test('an unreadable capture.json and a missing thumbnail are said in words', () => {
    const section = reportCaptureSection(
      capture({
        captureJsonProblem: 'Unexpected token',
        screenshot: { path: 'screenshot-viewport.png', thumbnail: null },
      }),
      'en',
    );
    expect(section).toContain('capture.json could not be read (Unexpected token)');
    expect(section).toContain('No reduced copy could be made; see the file');
    expect(section).not.toContain('<img');
  });

  test('reportHeadMaxBytes bounds the head whichever part holds which capture', () => {
    const rows: ReportIndexRow[] = Array.from({ length: 30 }, (_, i) => ({
      sequence: i + 1,
      part: (i % 3) + 1,
      finishedAt: '2026-11-27T12:00:11.500Z',
      url: `https://x.example/${'é'.repeat(i)}`,
      title: HOSTILE_TITLE.slice(0, i * 3),
    }));
    for (const lang of ['en', 'fr', 'ar'] as const) {
      const bound = reportHeadMaxBytes(
        facts({ lang, part: 3, parts: 3 }),
        rows.map((r) => ({ ...r, part: 3 })),
      );
      for (const part of [1, 2, 3]) {
        const actual = utf8Length(reportHead(facts({ lang, part, parts: 3 }), rows));
        expect(actual).toBeLessThanOrEqual(bound);
        expect(actual).toBeGreaterThan(bound * 0.9);
      }
    }
  });

  test('utf8Length agrees with TextEncoder, lone surrogates included', () => {
    for (const s of ['', 'abc', 'é', 'مهم', '😀', 'a\ud800b', '\udc00', HOSTILE_TITLE]) {
      expect(utf8Length(s)).toBe(new TextEncoder().encode(s).length);
    }
    expect(escapeHtml(`<&>"'`)).toBe('&lt;&amp;&gt;&quot;&#39;');
  });
});
