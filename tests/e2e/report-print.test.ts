/**
 * report.html printed to PDF in headless Chromium (issue 19, item 3): a court file is often the
 * printed report, so the print stylesheet is tested where it runs, in a real browser's print
 * engine, on both paper sizes. A case is exported with the real exporter (fake-indexeddb, as the
 * unit tests do: the package, not the capture, is under test here), its report.html is printed
 * with `page.pdf`, and the PDF's text is read back with pdfjs-dist, page by page.
 *
 * Each capture must start a page of its own and fit on it, with its exhibit number, URL, the
 * SHA-256 of its capture.json and of each file, and its thumbnail; the certificate follows on a
 * page of its own with every exhibit, its SHA-256, the signing key's fingerprint, the timestamp
 * authority and the signature lines.
 */
import 'fake-indexeddb/auto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import JSZip from 'jszip';
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { findChromium } from '../../cli/chromium/launch';
import { createDb, logCustody, type CaptureRecord, type HashmarkDb } from '@/utils/db';
import { digestBoth, utf8 } from '@/utils/evidence/hash';
import { ensureSigningKey } from '@/utils/services/signing-keys';
import { beginExport, buildCasePackage } from '@/utils/services/export-job';
import type { ReportLang } from '@/utils/package/report-text';
import { at, noisyPng, seedCase, storeCapture } from '../unit/helpers/export-fixture';

let browser: Browser;
let tmp: string;
beforeAll(async () => {
  browser = await chromium.launch({ executablePath: findChromium(), headless: true, args: ['--no-sandbox'] });
  tmp = await mkdtemp(join(tmpdir(), 'hashmark-print-'));
});
afterAll(async () => {
  await browser?.close();
  await rm(tmp, { recursive: true, force: true });
});

interface Exported {
  html: string;
  captures: CaptureRecord[];
  fingerprint: string;
}

let dbs = 0;
/** A case of three captures (one with a long address, one timestamped) exported in `lang`. */
async function exportReport(lang: ReportLang): Promise<Exported> {
  const db: HashmarkDb = createDb(`report-print-${++dbs}`);
  await db.open();
  try {
    const key = await ensureSigningKey(db, () => new Date(at(0)));
    const caseId = await seedCase(db);
    const captures = [
      await storeCapture(db, caseId, { screenshot: noisyPng(640, 400, 1), tags: ['annonce'] }, 10),
      await storeCapture(
        db,
        caseId,
        {
          url: `https://annonces.example/recherche?q=${'vendeur-telephone-'.repeat(12)}&page=2`,
          screenshot: noisyPng(480, 900, 2),
          selectors: [{ kind: 'phone', value: '+33612345678', raw: ['06 12 34 56 78'] }],
        },
        20,
      ),
      await storeCapture(db, caseId, { screenshot: noisyPng(400, 300, 3) }, 30),
    ];
    const token = utf8('DER TimeStampResp stand-in');
    const sha256 = (await digestBoth(token)).sha256;
    await db.blobs.put({ sha256, data: token, size: token.length });
    await logCustody(db, {
      caseId,
      captureId: captures[2]!.id,
      type: 'timestamp.obtained',
      at: at(60),
      details: {
        subject: 'capture.json',
        tokenSha256: sha256,
        genTime: at(59),
        tsa: 'http://tsa.test/',
        tsaName: 'Test TSA',
      },
    });
    const now = new Date(at(1000));
    const { exportId } = await beginExport(caseId, { db, key, now, lang });
    const software = { name: 'Hashmark', version: '0.1.0', browser: 'Chromium 156' };
    const parts = [];
    for await (const p of buildCasePackage(caseId, { db, key, now, exportId, software })) parts.push(p);
    expect(parts).toHaveLength(1);
    const zip = await JSZip.loadAsync(await parts[0]!.zip.arrayBuffer());
    const report = Object.values(zip.files).find((f) => f.name.endsWith('/data/report.html'));
    return { html: await report!.async('string'), captures, fingerprint: key.fingerprint };
  } finally {
    db.close();
    await db.delete();
  }
}

interface PdfPage {
  /** The page's text with every white space removed (hashes wrap across lines). */
  flat: string;
  /** The text items as drawn. */
  items: string[];
  images: number;
}

/** Prints `html` to PDF in Chromium and reads each page's text and image count with pdfjs-dist. */
async function printed(html: string, format: 'A4' | 'Letter'): Promise<PdfPage[]> {
  const file = join(tmp, `report-${format}-${Math.random().toString(36).slice(2)}.html`);
  await writeFile(file, html);
  const page = await browser.newPage();
  let pdf: Uint8Array;
  try {
    await page.goto(pathToFileURL(file).href);
    pdf = new Uint8Array(await page.pdf({ format, printBackground: true }));
    // To look at what a court would get: HASHMARK_PRINT_DIR=/some/dir keeps the PDFs there.
    const keep = process.env.HASHMARK_PRINT_DIR;
    if (keep) await writeFile(join(keep, `report-${format}-${(/lang="(\w+)"/.exec(html) ?? [])[1]}.pdf`), pdf);
  } finally {
    await page.close();
  }
  const doc = await getDocument({ data: pdf, useSystemFonts: false, isEvalSupported: false }).promise;
  const pages: PdfPage[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const p = await doc.getPage(i);
    const items = (await p.getTextContent()).items.flatMap((it) => ('str' in it ? [it.str] : []));
    const ops = await p.getOperatorList();
    const images = ops.fnArray.filter((f) => f === OPS.paintImageXObject).length;
    pages.push({ flat: items.join('').replace(/\s+/g, ''), items, images });
  }
  await doc.destroy();
  return pages;
}

const flat = (s: string): string => s.replace(/\s+/g, '');

/** Checks the printed pages of `e`; `exhibitWord` is how the report writes "Exhibit". */
function checkPages(pages: PdfPage[], e: Exported, exhibitWord: string): void {
  const exhibit = (i: number) => `PV-2026-118-${String(i + 1).padStart(4, '0')}`;
  // The page each capture starts on: the only page with "<Exhibit> <number>" (the certificate
  // lists the numbers in a column, without the word beside them).
  const starts = e.captures.map((_, i) => {
    const on = pages.flatMap((p, n) => (p.flat.includes(flat(`${exhibitWord} ${exhibit(i)}`)) ? [n] : []));
    expect(on, exhibit(i)).toHaveLength(1);
    return on[0]!;
  });
  // One page per capture: consecutive pages, the certificate right after the last.
  expect(starts).toEqual(starts.map((_, i) => starts[0]! + i));
  e.captures.forEach((c, i) => {
    const p = pages[starts[i]!]!;
    expect(p.flat).toContain(c.captureJson.sha256);
    for (const a of c.artifacts) expect(p.flat, a.path).toContain(a.sha256);
    expect(p.flat).toContain(flat(c.url));
    expect(p.images, `thumbnail of ${exhibit(i)}`).toBe(1);
    // The files table wraps a SHA-256 in two readable lines of 32 hexadecimal digits.
    expect(p.items).toContain(c.artifacts[0]!.sha256.slice(0, 32));
  });
  const certificate = pages.slice(starts.at(-1)! + 1);
  expect(certificate.length).toBeGreaterThanOrEqual(1);
  const text = certificate.map((p) => p.flat).join('');
  e.captures.forEach((c, i) => expect(text).toContain(`${exhibit(i)}${c.sequence}`));
  for (const c of e.captures) expect(text).toContain(c.captureJson.sha256);
  expect(text).toContain(e.fingerprint);
  expect(text).toContain(flat('Test TSA (http://tsa.test/)'));
  expect(text).toContain(flat('Insp. Leila Benali'));
}

describe('report.html printed to PDF', () => {
  test('A4 and Letter: one page per capture with its exhibit number, hashes and thumbnail; the certificate last', async () => {
    const e = await exportReport('en');
    for (const format of ['A4', 'Letter'] as const) {
      const pages = await printed(e.html, format);
      checkPages(pages, e, 'Exhibit');
      const last = pages.at(-1)!.flat;
      expect(last).toContain('Signature');
      expect(pages.some((p) => p.flat.includes(flat('Certificate: how these captures were made')))).toBe(true);
    }
  }, 120_000);

  test('in French and Arabic the certificate is translated and the hashes stay whole', async () => {
    const fr = await exportReport('fr');
    const frPages = await printed(fr.html, 'A4');
    checkPages(frPages, fr, 'Pièce');
    expect(frPages.some((p) => p.flat.includes(flat('Attestation : mode de réalisation')))).toBe(true);
    const ar = await exportReport('ar');
    // Arabic is read back in visual order by pdfjs: only the left-to-right values are compared.
    const arPages = await printed(ar.html, 'A4');
    const text = arPages.map((p) => p.flat).join('');
    for (const c of ar.captures) expect(text).toContain(c.captureJson.sha256);
    expect(text).toContain(ar.fingerprint);
    expect(arPages.length).toBe(frPages.length);
  }, 120_000);
});
