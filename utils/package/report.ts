import type { ArtifactEntry } from '@/utils/evidence/types';
import {
  fill,
  formatDateTime,
  formatInteger,
  formatUtcOffset,
  REPORT_STRINGS,
  type ReportLang,
  type ReportStrings,
} from './report-text';
import { HARVEST_REPORT_STRINGS } from './report-harvest-text';
import { CERTIFICATE_STRINGS } from './report-certificate-text';
import { networkRows } from './report-network';
import type { NetworkSummary } from './network-summary';

/**
 * data/report.html: the human-readable summary of a package (evidence-package-v1.md), for a
 * reader with nothing but a browser. Self-contained and static: inline CSS, thumbnails as data:
 * URIs, no scripts, and a Content-Security-Policy that would block any script or remote load
 * even if escaping failed. Web addresses are text, never links, so opening the report never
 * contacts a suspect's website from the reader's machine.
 *
 * Everything that comes from a page (URLs, titles, selectors) or a person (case name, tags) is
 * hostile: it is HTML-escaped, isolated for bidirectional text (<bdi>), and invisible control
 * characters (direction overrides such as U+202E) are shown as [U+XXXX] so that a title cannot
 * visually reorder the report around it.
 *
 * The HTML is head + one section per capture + tail, so the exporter can measure each piece
 * when it splits a case into parts (see reportHeadMaxBytes).
 */

export interface ReportFacts {
  lang: ReportLang;
  caseId: string;
  name: string;
  reference: string;
  investigator: { name: string; unit: string; organization: string };
  /** ISO 8601 UTC. */
  created: string;
  /** ISO 8601 UTC. */
  exported: string;
  software: { name: string; version: string; browser: string };
  signingKeySha256: string;
  exportId: string;
  /** This part (1-based) and the number of parts of the export. */
  part: number;
  parts: number;
  /** Recording sessions (issue 16): the section's HTML from report-recording.ts, '' when none. */
  recordingsHtml?: string;
  /** A capture bag (issue 18): one capture sealed right after it was stored, not the whole case. */
  captureBag?: boolean;
}

/** One line of the list of every capture in the export (all parts). */
export interface ReportIndexRow {
  sequence: number;
  /** The part that holds the capture. */
  part: number;
  finishedAt: string;
  url: string;
  title: string;
}

interface ReportThumbnail {
  /** `data:image/png;base64,…` */
  dataUri: string;
  width: number;
  height: number;
}

/** One capture held in this part, in detail. */
export interface ReportCapture {
  sequence: number;
  /** utils/evidence/exhibit.ts: shown beside the heading. */
  exhibitNumber: string;
  captureId: string;
  /** Capture folder relative to the bag, `data/captures/0001-<id>`. */
  folder: string;
  startedAt: string;
  finishedAt: string;
  captureJsonSha256: string;
  url: { start: string; end: string };
  title: { start: string; end: string };
  clock: { timeZone: string | null; utcOffsetMinutes: number | null } | null;
  artifacts: ArtifactEntry[];
  limitations: string[];
  /** capture.json `selectors`, as recorded (shape checked when rendering). */
  selectors: unknown[];
  tags: string[];
  /** The viewport screenshot: its path in the capture folder and a reduced copy, if one could be made. */
  screenshot: { path: string; thumbnail: ReportThumbnail | null } | null;
  /**
   * The RFC 3161 token over capture.json in the capture folder, when one was obtained; `tsa` names
   * the timestamp authority as the custody log recorded it ({@link timestampAuthority}); `skewMs`
   * the TSA's time minus this computer's clock when the token arrived (custody `timestamp.obtained`).
   */
  timestamp: { file: string; genTime: string | null; tsa?: string | null; skewMs?: number | null } | null;
  /** Set when capture.json could not be parsed: the section then shows the stored record. */
  captureJsonProblem: string | null;
  /** Set for a harvest capture (capture.json `kind: "harvest"`, issue 15). */
  harvest?: ReportHarvest | null;
  /** capture.json `network`, summarised (issue 21): status, server IP, requested URL, key headers. */
  network?: NetworkSummary | null;
  /** Its auto-pushed capture bag in the team store, as store.pushed logged it (issue 18). */
  store?: { key: string; versionId: string; retainUntil: string } | null;
}

/** One harvested item as the report lists it (page text: escaped, isolated, direction from its own text). */
export interface ReportHarvestItem {
  seq: number;
  depth: number;
  author: string | null;
  timeShown: string | null;
  timeMachine: string | null;
  text: string;
  /** The text was cut for the report. */
  textCut: boolean;
}

/** A harvest's completeness report and first items (capture.json `harvest`, the stored items). */
export interface ReportHarvest {
  items: number | null;
  /** items.jsonl, relative to the capture folder. */
  itemsFile: string;
  steps: number | null;
  elapsedMs: number | null;
  stopReason: string | null;
  complete: boolean | null;
  detail: string | null;
  mayBeMissing: string[];
  /** `id@version` of the site definition asked for. */
  site: string | null;
  first: ReportHarvestItem[];
}

// ---------------------------------------------------------------------------------------------
// Escaping.

/**
 * Invisible or layout-changing characters shown as [U+XXXX]: C0/C1 controls (not tab or line
 * feed), bidi marks, embeddings, overrides and isolates, zero-width space, word joiner and
 * invisible operators, BOM, interlinear annotations, line/paragraph separators, lone surrogates.
 * ZWJ and ZWNJ (U+200C/D) stay: Persian, Arabic and emoji sequences need them.
 */
const INVISIBLE =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u180e\u200b\u200e\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** HTML-escapes `s` for text and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** Escaped text with invisible characters made visible as `[U+XXXX]`. */
export function safeText(s: string): string {
  let out = '';
  let last = 0;
  for (const m of s.matchAll(INVISIBLE)) {
    const i = m.index;
    out += escapeHtml(s.slice(last, i));
    const code = m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    out += `<span class="ctl">[U+${code}]</span>`;
    last = i + m[0].length;
  }
  return out + escapeHtml(s.slice(last));
}

/** Hostile or person-given text whose direction is unknown (titles, names, tags). */
const bidi = (s: string): string => `<bdi>${safeText(s)}</bdi>`;
/** Left-to-right technical text (URLs, paths, identifiers). */
const code = (s: string): string => `<code>${safeText(s)}</code>`;
/** A hash: may break anywhere (64 or 128 hex digits have no natural break). */
const hash = (s: string): string => `<code class="h">${safeText(s)}</code>`;

function time(iso: string, lang: ReportLang): string {
  const shown = formatDateTime(iso, lang);
  if (shown === null) return code(iso);
  // The exact value (milliseconds) stays visible beside the readable one.
  return `<time datetime="${escapeHtml(iso)}">${escapeHtml(shown)}</time> <span class="iso">${code(iso)}</span>`;
}

// ---------------------------------------------------------------------------------------------

const CSS = `
:root{color-scheme:light}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans Arabic",Tahoma,Arial,sans-serif;margin:0 auto;max-width:62rem;padding:1.5rem;color:#111;background:#fff}
h1{font-size:1.6rem;margin:0 0 .5rem}
h2{font-size:1.25rem;margin:2rem 0 .6rem;border-bottom:2px solid #333;padding-bottom:.2rem}
h3{font-size:1rem;margin:1.2rem 0 .3rem}
dl.facts{display:grid;grid-template-columns:minmax(10rem,max-content) 1fr;gap:.25rem 1rem;margin:0}
dt{font-weight:600;color:#333}
dd{margin:0;overflow-wrap:anywhere}
code{font-family:ui-monospace,"DejaVu Sans Mono",Consolas,monospace;font-size:.88em;direction:ltr;unicode-bidi:isolate;overflow-wrap:anywhere}
code.h{word-break:break-all}
td.n{white-space:nowrap;text-align:end}
td.item{white-space:pre-wrap}
table{border-collapse:collapse;width:100%;font-size:.88rem;margin:.3rem 0}
th,td{border:1px solid #bbb;padding:.25rem .4rem;text-align:start;vertical-align:top;overflow-wrap:anywhere}
th{background:#eee}
.notice{border:1px solid #b80;background:#fff8e1;padding:.5rem .75rem}
.iso{color:#555;font-size:.85em}
.ctl{color:#a00;font-family:ui-monospace,monospace;font-size:.85em;direction:ltr;unicode-bidi:isolate}
.muted{color:#555}
figure{margin:.6rem 0}
figure img{max-width:100%;height:auto;border:1px solid #999}
figcaption{font-size:.88rem;color:#333}
footer{margin-top:2.5rem;font-size:.85rem;color:#444;border-top:1px solid #999;padding-top:.5rem}
@media print{body{max-width:none;padding:0;font-size:9.5pt;line-height:1.35}h1{font-size:15pt}h2{font-size:12.5pt;margin:0 0 .4rem}h3{font-size:10pt;margin:.6rem 0 .2rem}}
@media print{section.capture,section.certificate{break-before:page}h2,h3{break-after:avoid}a{color:inherit;text-decoration:none}}
@media print{table,figure,dl.facts,.sign,ol{break-inside:avoid}table:has(td.item){break-inside:auto}thead{display:table-header-group}tr{break-inside:avoid}}
@media print{figure img{max-height:80mm;width:auto;max-width:100%;height:auto;object-fit:contain}figure{margin:.4rem 0}}
@media print{code.h{font-size:8.5pt}td code.h{display:inline-block;width:32ch}th,td{overflow-wrap:break-word}}
@media print{table.cert{font-size:8.5pt}.signing{break-inside:avoid}footer{display:none}}
@page{size:auto;margin:14mm 13mm 16mm;@bottom-center{content:counter(page) " / " counter(pages);font:8pt system-ui,sans-serif;color:#444}}
.exhibit{white-space:nowrap;border:1.5px solid #111;padding:0 .35rem;margin-inline-start:.5rem;font-size:.9em}
.certificate ol{padding-inline-start:1.4rem}
.sign{display:grid;grid-template-columns:minmax(9rem,max-content) 1fr;gap:.9rem 1rem;margin:1rem 0;align-items:end}
.sign .line{border-bottom:1px solid #111;min-height:1.6rem}
.sign .line.tall{min-height:4.5rem}
td.nw,td.nw code{white-space:nowrap}
`.trim();

/** No scripts, no remote anything; images only from data: URIs. */
const CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

function dl(rows: [string, string][]): string {
  return `<dl class="facts">\n${rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${v}</dd>`).join('\n')}\n</dl>\n`;
}

function orNotSet(s: string, t: ReportStrings): string {
  return s.trim() ? bidi(s) : `<span class="muted">${escapeHtml(t.notSet)}</span>`;
}

function anchor(sequence: number): string {
  return `capture-${String(sequence).padStart(4, '0')}`;
}

function indexRowHtml(r: ReportIndexRow, f: ReportFacts, t: ReportStrings, inPart: boolean): string {
  const n = String(r.sequence);
  const number = inPart ? `<a href="#${anchor(r.sequence)}">${n}</a>` : n;
  const part =
    f.parts > 1
      ? `<td>${inPart ? escapeHtml(`${r.part} (${t.inThisPart})`) : escapeHtml(fill(t.seePart, { k: r.part }))}</td>`
      : '';
  return `<tr><td>${number}</td>${part}<td>${time(r.finishedAt, f.lang)}</td><td>${code(r.url)}</td><td>${bidi(r.title)}</td></tr>\n`;
}

function headParts(f: ReportFacts): { before: string; after: string } {
  const t = REPORT_STRINGS[f.lang];
  const software = `${f.software.name} ${f.software.version}`;
  const facts: [string, string][] = [
    [t.caseName, orNotSet(f.name, t)],
    [t.reference, orNotSet(f.reference, t)],
    [t.caseId, code(f.caseId)],
    [t.investigator, orNotSet(f.investigator.name, t)],
    [t.unit, orNotSet(f.investigator.unit, t)],
    [t.organisation, orNotSet(f.investigator.organization, t)],
    [t.created, time(f.created, f.lang)],
    [t.exported, time(f.exported, f.lang)],
    [t.keyFingerprint, hash(f.signingKeySha256)],
    [t.software, `${bidi(software)} <span class="muted">(${safeText(f.software.browser)})</span>`],
    [t.exportId, code(f.exportId)],
  ];
  if (f.parts > 1) facts.push([t.part, escapeHtml(fill(t.partOf, { k: f.part, n: f.parts }))]);
  const notice =
    (f.parts > 1
      ? `<p class="notice">${escapeHtml(fill(t.partNotice, { k: f.part, n: f.parts, id: '\u0000' })).replace('\u0000', code(f.exportId))}</p>\n`
      : '') + (f.captureBag ? `<p class="notice">${escapeHtml(t.captureBagNotice)}</p>\n` : '');
  const partHeader = f.parts > 1 ? `<th>${escapeHtml(t.colPart)}</th>` : '';
  const before =
    `<!doctype html>\n<html lang="${f.lang}" dir="${t.dir}">\n<head>\n<meta charset="utf-8">\n` +
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">\n<meta name="referrer" content="no-referrer">\n` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">\n` +
    `<title>${safeText(fill(t.documentTitle, { case: f.name }))}</title>\n<style>\n${CSS}\n</style>\n</head>\n<body>\n` +
    `<header>\n<h1>${escapeHtml(t.heading)}</h1>\n<p>${escapeHtml(t.intro)}</p>\n${notice}</header>\n` +
    `<section id="case">\n<h2>${escapeHtml(t.caseHeading)}</h2>\n${dl(facts)}</section>\n` +
    (f.recordingsHtml ?? '') +
    `<section id="verify">\n<h2>${escapeHtml(t.verifyHeading)}</h2>\n<p>${escapeHtml(t.verifyText)}</p>\n</section>\n` +
    `<section id="index">\n<h2>${escapeHtml(t.indexHeading)}</h2>\n` +
    `<table>\n<thead><tr><th>${escapeHtml(t.colNumber)}</th>${partHeader}<th>${escapeHtml(t.colFinished)}</th><th>${escapeHtml(t.colUrl)}</th><th>${escapeHtml(t.colTitle)}</th></tr></thead>\n<tbody>\n`;
  const after = `</tbody>\n</table>\n<p class="muted">${escapeHtml(t.invisibleLegend)}</p>\n</section>\n`;
  return { before, after };
}

function noCaptures(index: ReportIndexRow[], t: ReportStrings): string {
  return index.length === 0 ? `<p>${escapeHtml(t.noCaptures)}</p>\n` : '';
}

/** Everything before the capture sections: case facts and the list of every capture in the export. */
export function reportHead(f: ReportFacts, index: ReportIndexRow[]): string {
  const t = REPORT_STRINGS[f.lang];
  const { before, after } = headParts(f);
  return before + index.map((r) => indexRowHtml(r, f, t, r.part === f.part)).join('') + after + noCaptures(index, t);
}

/**
 * An upper bound of the UTF-8 size of {@link reportHead} for any part of an export with these
 * facts (give `part` = `parts` so numbers have their widest form), whichever part holds which capture.
 */
export function reportHeadMaxBytes(f: ReportFacts, index: ReportIndexRow[]): number {
  const t = REPORT_STRINGS[f.lang];
  const { before, after } = headParts(f);
  let n = utf8Length(before) + utf8Length(after) + utf8Length(noCaptures(index, t));
  for (const r of index)
    n += Math.max(utf8Length(indexRowHtml(r, f, t, true)), utf8Length(indexRowHtml(r, f, t, false)));
  return n;
}

/**
 * Closes the document: the certificate page (over `captures`, this part's captures) and the
 * footer (not printed: the first page already names the software and the export's date, and
 * the footer alone would take a page after the certificate). With no captures it is an upper bound of its size whatever the part holds: the part
 * planner measures it so, and charges each capture's certificate row with the capture
 * ({@link reportCaptureShare}).
 */
export function reportTail(f: ReportFacts, captures: ReportCapture[] = []): string {
  const t = REPORT_STRINGS[f.lang];
  const date = formatDateTime(f.exported, f.lang) ?? f.exported;
  const { before, after } = certificateParts(f);
  const rows = captures.map((c) => certificateRow(c, f.lang)).join('');
  const empty =
    captures.length === 0 ? `<p class="muted">${escapeHtml(CERTIFICATE_STRINGS[f.lang].noExhibits)}</p>\n` : '';
  return (
    before +
    rows +
    after.replace('\u0000', empty) +
    `<footer>\n<p>${safeText(fill(t.footer, { software: `${f.software.name} ${f.software.version}`, date }))}</p>\n</footer>\n</body>\n</html>\n`
  );
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function selectorItem(item: unknown, t: ReportStrings): string {
  if (typeof item === 'string') return `<li>${bidi(item)}</li>`;
  if (isRecord(item)) {
    const kind = typeof item.kind === 'string' ? item.kind : null;
    const value = [item.value, item.normalised, item.normalized].find((v): v is string => typeof v === 'string');
    if (value !== undefined) {
      const rawList = [item.raw, item.rawForms, item.raw_forms].find(Array.isArray) as unknown[] | undefined;
      const forms = (rawList ?? []).filter((x): x is string => typeof x === 'string' && x !== value);
      const label = kind === null ? '' : `${escapeHtml(t.selectorKinds[kind] ?? kind)}: `;
      const written = forms.length
        ? ` <span class="muted">(${escapeHtml(fill(t.asWritten, { forms: '\u0000' })).replace('\u0000', forms.map(bidi).join('; '))})</span>`
        : '';
      return `<li>${label}${bidi(value)}${written}</li>`;
    }
  }
  // An unknown shape: show it as recorded rather than drop it.
  let json: string;
  try {
    json = JSON.stringify(item) ?? String(item);
  } catch {
    json = String(item);
  }
  return `<li>${code(json)}</li>`;
}

function list(items: string[], empty: string): string {
  return items.length ? `<ul>\n${items.join('\n')}\n</ul>\n` : `<p class="muted">${escapeHtml(empty)}</p>\n`;
}

/** One capture's section. Relative links point inside the package (report.html sits in data/). */
export function reportCaptureSection(c: ReportCapture, lang: ReportLang): string {
  const t = REPORT_STRINGS[lang];
  const unchanged = `<span class="muted">${escapeHtml(t.unchanged)}</span>`;
  const facts: [string, string][] = [
    [t.urlStart, code(c.url.start)],
    [t.urlEnd, c.url.end === c.url.start ? unchanged : code(c.url.end)],
    [t.titleStart, bidi(c.title.start)],
    [t.titleEnd, c.title.end === c.title.start ? unchanged : bidi(c.title.end)],
    [t.started, time(c.startedAt, lang)],
    [t.finished, time(c.finishedAt, lang)],
  ];
  if (c.clock?.timeZone || typeof c.clock?.utcOffsetMinutes === 'number') {
    const parts = [
      c.clock.timeZone ? code(c.clock.timeZone) : '',
      typeof c.clock.utcOffsetMinutes === 'number' ? escapeHtml(`(${formatUtcOffset(c.clock.utcOffsetMinutes)})`) : '',
    ];
    facts.push([t.timeZone, parts.filter(Boolean).join(' ')]);
  }
  facts.push(...networkRows(c.network ?? null, lang, code));
  facts.push([t.folder, code(`${c.folder}/`)], [t.captureJsonSha256, hash(c.captureJsonSha256)]);
  if (c.store) {
    const [k, v, d] = ['\u0000', '\u0001', '\u0002'];
    facts.push([
      t.storeCopy,
      escapeHtml(fill(t.storeCopyValue, { key: k, version: v, date: d }))
        .replace(k, code(c.store.key))
        .replace(v, code(c.store.versionId))
        .replace(d, time(c.store.retainUntil, lang)),
    ]);
  }
  if (c.timestamp) {
    const when = c.timestamp.genTime ? `${time(c.timestamp.genTime, lang)} ` : '';
    facts.push([
      t.trustedTime,
      `${when}${escapeHtml(fill(t.tokenFile, { file: '\u0000' })).replace('\u0000', code(`${c.folder}/${c.timestamp.file}`))}` +
        tsaSkew(c.timestamp.skewMs, t),
    ]);
  }

  const inData = c.folder.replace(/^data\//, '');
  let figure: string;
  if (!c.screenshot) {
    figure = `<p class="muted">${escapeHtml(t.noScreenshot)}</p>\n`;
  } else {
    const file = `${c.folder}/${c.screenshot.path}`;
    const link = `<a href="${escapeHtml(`${inData}/${c.screenshot.path}`)}">${code(file)}</a>`;
    figure = c.screenshot.thumbnail
      ? `<figure>\n<img src="${escapeHtml(c.screenshot.thumbnail.dataUri)}" width="${c.screenshot.thumbnail.width}" height="${c.screenshot.thumbnail.height}" alt="${escapeHtml(t.thumbnailCaption)}">\n` +
        `<figcaption>${escapeHtml(t.thumbnailCaption)} ${escapeHtml(fill(t.openFullImage, { path: '\u0000' })).replace('\u0000', link)}</figcaption>\n</figure>\n`
      : `<p class="muted">${escapeHtml(fill(t.noThumbnail, { path: '\u0000' })).replace('\u0000', link)}</p>\n`;
  }

  const rows = c.artifacts
    .map((a) => {
      const role = a.role === 'derived' ? t.derived : t.original;
      const from =
        a.role === 'derived' && a.derivedFrom?.length
          ? ` <span class="muted">(${escapeHtml(fill(t.derivedFrom, { files: a.derivedFrom.join(', ') }))})</span>`
          : '';
      return `<tr><td>${code(a.path)}</td><td>${code(a.mediaType)}</td><td class="n">${escapeHtml(formatInteger(a.bytes, lang))}</td><td>${escapeHtml(role)}${from}</td><td>${code(a.method)}</td><td>${hash(a.sha256)}</td></tr>`;
    })
    .join('\n');
  const table =
    `<table>\n<thead><tr><th>${escapeHtml(t.colFile)}</th><th>${escapeHtml(t.colType)}</th><th>${escapeHtml(t.colBytes)}</th>` +
    `<th>${escapeHtml(t.colRole)}</th><th>${escapeHtml(t.colMethod)}</th><th>${escapeHtml(t.colSha256)}</th></tr></thead>\n<tbody>\n${rows}${rows ? '\n' : ''}</tbody>\n</table>\n`;

  const problem = c.captureJsonProblem
    ? `<p class="notice">${escapeHtml(fill(t.captureJsonUnreadable, { reason: c.captureJsonProblem }))}</p>\n`
    : '';

  return (
    `<section class="capture" id="${anchor(c.sequence)}">\n<h2>${escapeHtml(fill(t.captureHeading, { n: c.sequence }))}` +
    ` <span class="exhibit">${escapeHtml(fill(t.exhibit, { x: '\u0000' })).replace('\u0000', bidi(c.exhibitNumber))}</span></h2>\n` +
    problem +
    dl(facts) +
    figure +
    (c.harvest ? harvestSection(c.harvest, c.folder, lang) : '') +
    `<h3>${escapeHtml(t.artifactsHeading)}</h3>\n${table}` +
    `<h3>${escapeHtml(t.limitationsHeading)}</h3>\n` +
    (c.limitations.length ? `<p class="muted">${escapeHtml(t.limitationsNote)}</p>\n` : '') +
    list(
      c.limitations.map((l) => `<li>${bidi(l)}</li>`),
      t.noLimitations,
    ) +
    `<h3>${escapeHtml(t.selectorsHeading)}</h3>\n${list(
      c.selectors.map((s) => selectorItem(s, t)),
      t.noSelectors,
    )}` +
    `<h3>${escapeHtml(t.tagsHeading)}</h3>\n${list(
      c.tags.map((x) => `<li>${bidi(x)}</li>`),
      t.noTags,
    )}` +
    `</section>\n`
  );
}

/**
 * Page text in a `dir="auto"` cell: the [U+XXXX] marks of invisible characters get their own
 * `dir`, which the auto-direction rule skips, so an Arabic message that starts with an isolate
 * (U+2067) still reads right to left instead of taking the direction of the mark's "U".
 */
function autoDirText(s: string): string {
  return safeText(s).replaceAll('<span class="ctl">', '<span class="ctl" dir="ltr">');
}

/**
 * A harvest's part of its capture section: the completeness report as recorded (why it stopped,
 * complete or partial, what may be missing), the counts, the site definition, and the first
 * items; the rest point to items.jsonl and items.csv. Item text is page content: `dir="auto"`
 * lets an Arabic message read right to left in a French or English report.
 */
function harvestSection(h: ReportHarvest, folder: string, lang: ReportLang): string {
  const t = HARVEST_REPORT_STRINGS[lang];
  const num = (n: number | null) => (n === null ? `<span class="muted">?</span>` : escapeHtml(formatInteger(n, lang)));
  const facts: [string, string][] = [
    [t.stopReason, h.stopReason === null ? '?' : code(h.stopReason)],
    [t.complete, escapeHtml(h.complete === true ? t.completeYes : h.complete === false ? t.completeNo : '?')],
    [t.items, num(h.items)],
    [t.steps, num(h.steps)],
  ];
  if (h.elapsedMs !== null)
    facts.push([t.elapsed, escapeHtml(fill(t.seconds, { s: formatInteger(Math.round(h.elapsedMs / 1000), lang) }))]);
  if (h.site !== null) facts.push([t.site, code(h.site)]);
  if (h.detail) facts.push([t.detail, bidi(h.detail)]);
  const jsonl = code(`${folder}/${h.itemsFile}`);
  const csv = code('data/items.csv');
  const rows = h.first
    .map((i) => {
      const when = [i.timeShown, i.timeMachine].filter((x): x is string => !!x && x !== '');
      const shown = when.length ? when.map(bidi).join(' <span class="muted">·</span> ') : '';
      const indent = i.depth > 0 ? `<span class="muted">${'↳'.repeat(Math.min(i.depth, 5))}</span> ` : '';
      const cutNote = i.textCut ? ` <span class="muted">${escapeHtml(t.textCut)}</span>` : '';
      return (
        `<tr><td class="n">${i.seq + 1}</td><td>${indent}${i.author === null ? '' : bidi(i.author)}</td>` +
        `<td>${shown}</td><td class="item" dir="auto">${autoDirText(i.text)}${cutNote}</td></tr>`
      );
    })
    .join('\n');
  const total = h.items ?? h.first.length;
  const table = h.first.length
    ? `<p>${escapeHtml(fill(t.firstItems, { n: h.first.length, total: formatInteger(total, lang) }))}</p>\n` +
      `<table>\n<thead><tr><th>#</th><th>${escapeHtml(t.colAuthor)}</th><th>${escapeHtml(t.colTime)}</th>` +
      `<th>${escapeHtml(t.colText)}</th></tr></thead>\n<tbody>\n${rows}\n</tbody>\n</table>\n`
    : `<p class="muted">${escapeHtml(t.noItems)}</p>\n`;
  const all = escapeHtml(fill(t.allItems, { jsonl: '\u0000', csv: '\u0001' }))
    .replace('\u0000', jsonl)
    .replace('\u0001', csv);
  return (
    `<h3>${escapeHtml(t.heading)}</h3>\n${dl(facts)}` +
    `<h3>${escapeHtml(t.mayBeMissing)}</h3>\n` +
    list(
      h.mayBeMissing.map((m) => `<li>${bidi(m)}</li>`),
      t.nothingMissing,
    ) +
    table +
    `<p>${all}</p>\n`
  );
}

/** The whole report of one part: head, the sections of the captures it holds, certificate and footer. */
export function renderReport(f: ReportFacts, index: ReportIndexRow[], captures: ReportCapture[]): string {
  return reportHead(f, index) + captures.map((c) => reportCaptureSection(c, f.lang)).join('') + reportTail(f, captures);
}

/**
 * What one capture adds to its part's report, for the part planner to measure: its section and
 * its row of the certificate (the text is only measured, never written as it is).
 */
export function reportCaptureShare(c: ReportCapture, lang: ReportLang): string {
  return reportCaptureSection(c, lang) + certificateRow(c, lang);
}

// ---------------------------------------------------------------------------------------------
// The certificate page (issue 19, item 3): how the captures were made, how to check them, each
// exhibit with the SHA-256 of its capture record and its trusted timestamp, the signing key, and
// room for the investigator's signature. It starts a printed page of its own.

/**
 * The timestamp authority of a `timestamp.obtained` custody event, as the certificate names it:
 * the name the token gives (tsaName, else its signer), and the address the request went to.
 */
export function timestampAuthority(details: Record<string, unknown>): string | null {
  const name = [details.tsaName, details.signer].find((v): v is string => typeof v === 'string' && v.trim() !== '');
  const url = typeof details.tsa === 'string' && details.tsa.trim() !== '' ? details.tsa : null;
  if (name && url) return `${name} (${url})`;
  return name ?? url;
}

/**
 * The clock skew measured when the token arrived, signed (positive: this computer's clock was
 * behind the TSA's); nothing when the custody log recorded none. capture.json's `clock.tsaSkewMs`
 * cannot hold it: capture.json is hashed before its timestamp is asked for.
 */
function tsaSkew(skewMs: number | null | undefined, t: ReportStrings): string {
  if (typeof skewMs !== 'number') return '';
  const ms = `${skewMs > 0 ? '+' : ''}${Math.round(skewMs)} ms`;
  return `<br>${escapeHtml(fill(t.tsaSkew, { ms: '\u0000' })).replace('\u0000', code(ms))}`;
}

function certificateRow(c: ReportCapture, lang: ReportLang): string {
  const t = CERTIFICATE_STRINGS[lang];
  let stamp = `<span class="muted">${escapeHtml(t.noTimestamp)}</span>`;
  if (c.timestamp) {
    const when = c.timestamp.genTime ? code(c.timestamp.genTime) : '?';
    const by = c.timestamp.tsa ? bidi(c.timestamp.tsa) : escapeHtml(t.unknownTsa);
    stamp = escapeHtml(fill(t.timestampBy, { time: '\u0000', tsa: '\u0001' }))
      .replace('\u0000', when)
      .replace('\u0001', by);
  }
  return (
    `<tr><td class="nw">${bidi(c.exhibitNumber)}</td><td class="n">${c.sequence}</td><td class="nw">${code(c.finishedAt)}</td>` +
    `<td>${hash(c.captureJsonSha256)}</td><td>${stamp}</td></tr>\n`
  );
}

/** A step of the certificate with its quoted commands as code, so that they read left to right in Arabic. */
function commandsAsCode(step: string): string {
  return step
    .split(/"([^"]+)"|« ([^»]+) »/)
    .map((piece, i) => (piece === undefined ? '' : i % 3 === 0 ? escapeHtml(piece) : code(piece)))
    .join('');
}

/** The certificate around its rows; `after` holds U+0000 where the "no capture" notice may go. */
function certificateParts(f: ReportFacts): { before: string; after: string } {
  const t = CERTIFICATE_STRINGS[f.lang];
  const software = `${f.software.name} ${f.software.version}`;
  const made = escapeHtml(fill(t.made, { software: '\u0000', browser: '\u0001' }))
    .replace('\u0000', bidi(software))
    .replace('\u0001', bidi(f.software.browser));
  const inPart = f.parts > 1 ? `<p>${escapeHtml(fill(t.exhibitsInPart, { k: f.part, n: f.parts }))}</p>\n` : '';
  const before =
    `<section class="certificate" id="certificate">\n<h2>${escapeHtml(t.heading)}</h2>\n<p>${made}</p>\n` +
    `<h3>${escapeHtml(t.verifyHeading)}</h3>\n<ol>\n${t.verifySteps.map((s) => `<li>${commandsAsCode(s)}</li>`).join('\n')}\n</ol>\n` +
    `<h3>${escapeHtml(t.exhibitsHeading)}</h3>\n${inPart}<table class="cert">\n<thead><tr><th>${escapeHtml(t.colExhibit)}</th>` +
    `<th>${escapeHtml(t.colCapture)}</th><th>${escapeHtml(t.colFinished)}</th><th>${escapeHtml(t.colSha256)}</th>` +
    `<th>${escapeHtml(t.colTimestamp)}</th></tr></thead>\n<tbody>\n`;
  const blank = '<div class="line"></div>';
  const org = [f.investigator.unit, f.investigator.organization].filter((s) => s.trim()).join(', ');
  const sign: [string, string][] = [
    [t.name, f.investigator.name.trim() ? `<div class="line">${bidi(f.investigator.name)}</div>` : blank],
    [t.unitOrg, org ? `<div class="line">${bidi(org)}</div>` : blank],
    [t.place, blank],
    [t.date, blank],
    [t.signature, '<div class="line tall"></div>'],
  ];
  const after =
    `</tbody>\n</table>\n\u0000` +
    dl([[CERTIFICATE_STRINGS[f.lang].keyFingerprint, hash(f.signingKeySha256)]]) +
    `<p class="muted">${escapeHtml(t.packageTimestamp)}</p>\n<div class="signing">\n<p>${escapeHtml(t.attest)}</p>\n` +
    `<h3>${escapeHtml(t.signHeading)}</h3>\n<div class="sign">\n` +
    sign.map(([k, v]) => `<div>${escapeHtml(k)}</div>${v}`).join('\n') +
    `\n</div>\n<p class="muted">${escapeHtml(t.legalNote)}</p>\n</div>\n</section>\n`;
  return { before, after };
}

/** UTF-8 byte length of `s` without encoding it. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3; // includes lone surrogates, which TextEncoder writes as U+FFFD (3 bytes)
  }
  return n;
}
