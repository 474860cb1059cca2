/**
 * Real pages (issue 21) in a real Chromium, served from 127.0.0.1 only: pages in legacy
 * encodings (item 3). Each test fails on the code before the fix it covers.
 */
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openSession, type Session } from '../support/harness';

/** One response: bytes with their content type. */
interface Served {
  type: string;
  body: Uint8Array | string;
  status?: number;
}

/** A tiny server whose routes the tests fill as they go (dom.html bytes to reopen, …). */
function startServer(): Promise<{ origin: string; routes: Map<string, Served>; close(): Promise<void> }> {
  const routes = new Map<string, Served>();
  const server: Server = createServer((req, res) => {
    const r = routes.get(new URL(req.url ?? '/', 'http://x').pathname);
    if (!r) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    res.writeHead(r.status ?? 200, { 'content-type': r.type, 'cache-control': 'no-store' });
    res.end(r.body);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      const port = a && typeof a === 'object' ? a.port : 0;
      resolve({
        origin: `http://127.0.0.1:${port}`,
        routes,
        close: () => new Promise<void>((r) => server.close(() => r())),
      });
    }),
  );
}

let s: Session;
let site: Awaited<ReturnType<typeof startServer>>;

beforeAll(async () => {
  site = await startServer();
  s = await openSession();
  await s.driver.ensureCase('Real pages');
});
afterAll(async () => {
  await s?.close();
  await site?.close();
});

/** A stored blob's bytes, read from the extension's database (base64 across the page boundary). */
async function blob(sha256: string): Promise<Buffer> {
  const b64 = await s.driver.inControl(
    (sha: string) =>
      new Promise<string>((resolve, reject) => {
        const open = indexedDB.open('hashmark');
        open.onsuccess = () => {
          const req = open.result.transaction('blobs').objectStore('blobs').get(sha);
          req.onsuccess = () => {
            const data = (req.result as { data: Uint8Array }).data;
            let bin = '';
            for (let i = 0; i < data.length; i++) bin += String.fromCharCode(data[i]!);
            resolve(btoa(bin));
          };
          req.onerror = () => reject(req.error ?? new Error('get failed'));
        };
        open.onerror = () => reject(open.error ?? new Error('open failed'));
      }),
    sha256,
  );
  return Buffer.from(b64, 'base64');
}

interface Artifact {
  path: string;
  sha256: string;
  method: string;
}

/** capture.json of a capture, parsed. */
async function captureJson(sha256: string) {
  return JSON.parse((await blob(sha256)).toString('utf8')) as {
    page: { characterSet?: string };
    artifacts: Artifact[];
    limitations: string[];
    [k: string]: unknown;
  };
}

/** The tab's title as the browser shows it (the tabs API), once loaded. */
function tabTitle(tab: number): Promise<string> {
  return s.driver.inControl((id: number) => chrome.tabs.get(id).then((t) => t.title ?? ''), tab);
}

describe('item 3: dom.html of a page in a legacy encoding opens as the page showed', () => {
  const CASES = [
    ['windows-1251', 'windows-1251', 'Продаю квартиру, звонить Ивану'],
    ['gbk', 'GBK', '出售二手车，联系王先生'],
    ['windows-1256', 'windows-1256', 'شقة للبيع في الدار البيضاء'],
    // Browsers decode ISO-8859-1 as its superset windows-1252 (WHATWG Encoding).
    ['iso-8859-1', 'windows-1252', "Vente d'un vélo à Genève, très bon état"],
  ] as const;

  test.each(CASES)('%s', async (name, characterSet, phrase) => {
    const page = await readFile(`tests/fixtures/encodings/${name}.html`);
    site.routes.set(`/${name}.html`, { type: `text/html; charset=${name}`, body: page });
    const tab = await s.driver.openTab(`${site.origin}/${name}.html`);
    expect(await tabTitle(tab)).toBe(phrase);
    const r = await s.driver.capture(tab, { fullPage: false, pageCopy: false, mhtml: false });
    await s.driver.closeTab(tab);
    const cj = await captureJson(r.captureJsonSha256);
    expect(cj.page.characterSet).toBe(characterSet);
    const art = cj.artifacts.find((a) => a.path === 'dom.html')!;
    expect(art.method).toMatch(/^dom-serialiser:(getHTML|outerHTML)\+utf8-bom$/);
    const dom = await blob(art.sha256);
    // A UTF-8 BOM, then the serialisation as the browser made it: the page's meta is kept.
    expect([...dom.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = dom.subarray(3).toString('utf8');
    expect(text).toContain(`<meta charset="${name}">`);
    expect(text).toContain(`<p>${phrase}</p>`);
    // Opened as a file would be (no charset from a server): the BOM wins over the meta.
    site.routes.set(`/reopen-${name}.html`, { type: 'text/html', body: dom });
    const again = await s.driver.openTab(`${site.origin}/reopen-${name}.html`);
    expect(await tabTitle(again)).toBe(phrase);
    await s.driver.closeTab(again);
  });

  test('a UTF-8 page is written as before, without a BOM', async () => {
    site.routes.set('/utf8.html', {
      type: 'text/html; charset=utf-8',
      body: '<!doctype html><html><head><meta charset="utf-8"><title>Été</title></head><body>Été</body></html>',
    });
    const tab = await s.driver.openTab(`${site.origin}/utf8.html`);
    const r = await s.driver.capture(tab, { fullPage: false, pageCopy: false, mhtml: false });
    await s.driver.closeTab(tab);
    const cj = await captureJson(r.captureJsonSha256);
    const art = cj.artifacts.find((a) => a.path === 'dom.html')!;
    expect(art.method).not.toContain('bom');
    expect((await blob(art.sha256)).subarray(0, 9).toString('utf8')).toBe('<!DOCTYPE');
  });
});

describe('item 4: page.html keeps the box and alternative text of an image it could not fetch', () => {
  test('a failed image keeps its size in the copy; a hidden one stays hidden; the limitation names it', async () => {
    // Port 1 on the loopback refuses connections: the image fails on the page and in the copy.
    const gone = 'http://127.0.0.1:1/photo-velo.jpg';
    site.routes.set('/failed-image.html', {
      type: 'text/html; charset=utf-8',
      body:
        '<!doctype html><html><head><meta charset="utf-8"><title>Vélo</title>' +
        '<style>.pic{width:300px;height:200px}</style></head><body><p>Avant</p>' +
        `<img class="pic" id="gone" src="${gone}" alt="Photo du vélo"><p id="after">Après</p>` +
        '<img id="sized" style="display:block;width:300px;height:200px" src="http://127.0.0.1:1/plan.png" alt="Plan">' +
        '<img id="hidden" style="display:none" src="http://127.0.0.1:1/hidden.jpg" alt="caché"></body></html>',
    });
    const tab = await s.driver.openTab(`${site.origin}/failed-image.html`);
    const r = await s.driver.capture(tab, { fullPage: false, pageCopy: true, mhtml: false });
    await s.driver.closeTab(tab);
    const cj = await captureJson(r.captureJsonSha256);
    const copy = cj.artifacts.find((a) => a.path === 'page.html')!;
    const html = (await blob(copy.sha256)).toString('utf8');
    expect(cj.limitations.join('\n')).toMatch(
      /page\.html.*could not be fetched.*photo-velo\.jpg.*size it had on the page/,
    );

    // The boxes as the browser showed them on the live page, then in the copy opened offline.
    const boxes = () => {
      const box = (id: string) => {
        const r = document.getElementById(id)!.getBoundingClientRect();
        return [Math.round(r.width), Math.round(r.height)];
      };
      return {
        gone: box('gone'),
        sized: box('sized'),
        alt: document.getElementById('gone')!.getAttribute('alt'),
        hidden: getComputedStyle(document.getElementById('hidden')!).display,
      };
    };
    const live = await s.hm.context.newPage();
    await live.goto(`${site.origin}/failed-image.html`);
    const onPage = await live.evaluate(boxes);
    await live.close();
    // A block image keeps the space it reserved; an inline one shows as its alternative text.
    expect(onPage.sized).toEqual([300, 200]);
    expect(onPage.gone[0]).toBeGreaterThan(0);
    const page = await s.hm.context.newPage();
    await page.route('**/*', (route) => route.abort());
    await page.setContent(html);
    const inCopy = await page.evaluate(boxes);
    await page.close();
    expect(inCopy).toEqual(onPage);
    expect(html).toMatch(/<img class="pic" id="gone" src="data:,"/);
  });
});

describe('item 8: characters no installed font draws are named in a limitation', () => {
  test('Khitan small script (no font on the machine) is found; Japanese and Arabic (Noto installed) are not', async () => {
    site.routes.set('/tofu.html', {
      type: 'text/html; charset=utf-8',
      body:
        '<!doctype html><html><head><meta charset="utf-8"><title>Annonce</title></head><body>' +
        '<p lang="ja">日本語の広告です</p><p lang="ar">شقة للبيع</p><p>Квартира, Διαμέρισμα, דירה</p>' +
        '<p>\u{18B00}\u{18B01}\u{18B02}</p></body></html>',
    });
    const tab = await s.driver.openTab(`${site.origin}/tofu.html`);
    const r = await s.driver.capture(tab, { fullPage: false, pageCopy: false, mhtml: false });
    await s.driver.closeTab(tab);
    const cj = await captureJson(r.captureJsonSha256);
    const line = cj.limitations.find((l) => l.includes('no installed font'));
    expect(line).toBeDefined();
    expect(line).toMatch(/^3 character\(s\)/);
    expect(line).toContain('U+18B00');
    expect(line).not.toMatch(/U\+65E5|U\+0634|U\+041A|U\+0394|U\+05D3/);
  });
});
