/**
 * Writes the bench's fixture pages into tests/fixtures/bench (run once; the output is committed):
 *
 *   ad.html        a typical classified ad: one listing with a photo gallery, description,
 *                  contact block, similar ads; about two screens (1,600 px)
 *   ad-long.html   the same ad followed by the seller's other ads, exactly 9,600 px tall
 *                  (12 viewport tiles at 800 px: an "ad page of at most 10,000 px")
 *   tall-20k.html  a listing exactly 20,000 px tall (25 tiles)
 *
 * Photos are PNGs made here (gradients with grain, so they compress like photographs do, not
 * like flat colours). Page heights are fixed by CSS, so the number of tiles, and with it the
 * quota floor the bench compares against, does not depend on fonts.
 *
 *   node --import tsx scripts/bench/make-fixtures.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { crc32 } from '@/utils/image/png';
import { adText, rng } from './corpus';

export const BENCH_FIXTURES = resolve(fileURLToPath(new URL('../../tests/fixtures/bench', import.meta.url)));

function chunk(type: string, data: Uint8Array): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32([body]));
  return Buffer.concat([len, body, crc]);
}

/** An RGB PNG of a "photo": two-colour diagonal gradient, soft blobs, and per-pixel grain. */
export function photoPng(width: number, height: number, seed: number): Buffer {
  const r = rng(seed);
  const a = [r() * 255, r() * 255, r() * 255];
  const b = [r() * 255, r() * 255, r() * 255];
  const blobs = Array.from({ length: 6 }, () => ({
    x: r() * width,
    y: r() * height,
    rad: 30 + r() * 120,
    c: [r() * 255, r() * 255, r() * 255],
  }));
  const raw = Buffer.alloc((width * 3 + 1) * height);
  let p = 0;
  for (let y = 0; y < height; y++) {
    const rowStart = p;
    raw[p++] = 1; // filter: Sub (each byte minus the one three to its left), as encoders pick for photos
    for (let x = 0; x < width; x++) {
      const t = (x / width + y / height) / 2;
      for (let ch = 0; ch < 3; ch++) {
        let v = a[ch]! * (1 - t) + b[ch]! * t;
        for (const blob of blobs) {
          const d = Math.hypot(x - blob.x, y - blob.y);
          if (d < blob.rad) v = v * (d / blob.rad) + blob.c[ch]! * (1 - d / blob.rad);
        }
        v += (r() - 0.5) * 3; // sensor grain
        raw[p++] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
    for (let i = p - 1; i >= rowStart + 4; i--) raw[i] = (raw[i]! - raw[i - 3]! + 256) & 0xff;
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

const CSS = `html, body { margin: 0; font: 16px/1.45 "DejaVu Sans", sans-serif; color: #1d2327; background: #f3f4f6; }
header.site { position: sticky; top: 0; z-index: 5; height: 56px; display: flex; align-items: center; gap: 24px; padding: 0 32px; background: #0b5cad; color: #fff; }
header.site b { font-size: 22px; }
header.site input { flex: 1; max-width: 480px; padding: 6px 10px; border: 0; border-radius: 4px; }
.page { max-width: 1100px; margin: 0 auto; padding: 16px 24px; }
.crumbs { font-size: 13px; color: #555; margin-bottom: 8px; }
.ad { display: grid; grid-template-columns: 660px 1fr; gap: 24px; background: #fff; padding: 20px; border-radius: 6px; }
.gallery .main { width: 640px; height: 480px; object-fit: cover; border-radius: 4px; display: block; }
.gallery .thumbs { display: flex; gap: 8px; margin-top: 8px; }
.gallery .thumbs img { width: 150px; height: 112px; object-fit: cover; border-radius: 3px; }
h1 { font-size: 26px; margin: 0 0 6px; }
.price { font-size: 24px; color: #0b7a3b; font-weight: bold; }
.seller { border: 1px solid #ddd; border-radius: 6px; padding: 12px; margin-top: 16px; }
.seller .phone { font-size: 20px; letter-spacing: 1px; }
.desc { background: #fff; margin-top: 16px; padding: 20px; border-radius: 6px; }
.cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: 16px; margin-top: 16px; }
.card { background: #fff; border-radius: 6px; overflow: hidden; height: 260px; }
.card img { width: 100%; height: 150px; object-fit: cover; display: block; }
.card p { margin: 8px 10px; font-size: 14px; }
.row { display: flex; gap: 16px; background: #fff; border-radius: 6px; margin-top: 12px; height: 188px; overflow: hidden; }
.row img { width: 250px; height: 188px; object-fit: cover; flex: none; }
.row p { margin: 10px 12px; font-size: 14px; }
footer { background: #222; color: #bbb; padding: 24px 32px; font-size: 13px; }
.chat { position: fixed; right: 24px; bottom: 24px; width: 56px; height: 56px; border-radius: 28px; background: #25d366; color: #fff; text-align: center; line-height: 56px; font-weight: bold; }
`;

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function adBlock(words: (n: number) => string[]): string {
  const para = () => `<p>${esc(words(60).join(' '))}.</p>`;
  return `<nav class="crumbs">Accueil › Immobilier › Locations › Marseille 13001</nav>
<article class="ad">
  <div class="gallery">
    <img class="main" src="photo-1.png" alt="Photo 1 de l'annonce">
    <div class="thumbs"><img src="photo-2.png" alt="Photo 2"><img src="photo-3.png" alt="Photo 3"><img src="photo-4.png" alt="Photo 4"><img src="photo-1.png" alt="Photo 1"></div>
  </div>
  <div>
    <h1>Studio meublé proche gare Saint-Charles – disponible de suite</h1>
    <div class="price">650 € / mois</div>
    <p>Publiée le 27 novembre 2026 à 19:50 · Réf. 2026-884213</p>
    <div class="seller">
      <div><b>Karima</b> · particulier · membre depuis 2024</div>
      <div class="phone">06 12 34 56 78</div>
      <div>WhatsApp : +33 6 12 34 56 78 · contact.karima@example.org</div>
      <button type="button" id="show">Voir le numéro</button>
    </div>
  </div>
</article>
<section class="desc"><h2>Description</h2>${para()}${para()}${para()}${para()}</section>`;
}

function page(title: string, heightPx: number | null, body: string): string {
  const fixed = heightPx === null ? '' : `\n<style>.frame { height: ${heightPx}px; overflow: hidden; }</style>`;
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<title>${esc(title)}</title>
<link rel="stylesheet" href="bench.css">${fixed}
</head>
<body>
<div class="frame">
<header class="site"><b>petites-annonces</b><input type="search" placeholder="Rechercher" aria-label="Rechercher"><span>Déposer une annonce</span></header>
<main class="page">
${body}
</main>
</div>
<div class="chat" aria-hidden="true">✆</div>
<script>
  // Ad pages run scripts (the page copy removes them): a reveal button and a visit counter.
  document.getElementById('show')?.addEventListener('click', () => { document.querySelector('.phone').textContent = '06 12 34 56 78'; });
  window.__views = (window.__views || 0) + 1;
</script>
</body>
</html>
`;
}

function similarCards(words: (n: number) => string[], n: number, lazy: boolean): string {
  const cards = Array.from({ length: n }, (_, i) => {
    const img = `photo-${(i % 4) + 1}.png`;
    return `<div class="card"><img src="${img}" alt=""${lazy ? ' loading="lazy"' : ''}><p><b>${380 + i * 35} €</b> ${esc(words(8).join(' '))}</p></div>`;
  });
  return `<h2>Annonces similaires</h2><div class="cards">${cards.join('')}</div>`;
}

function rows(words: (n: number) => string[], n: number): string {
  return Array.from({ length: n }, (_, i) => {
    const img = `photo-${(i % 4) + 1}.png`;
    return `<div class="row"><img src="${img}" alt="" loading="lazy"><div><p><b>${esc(words(7).join(' '))}</b> · ${400 + (i % 50) * 20} €</p><p>${esc(words(45).join(' '))}</p><p>Réf. ${700000 + i} · 06 ${String(10 + (i % 89)).padStart(2, '0')} ${String(20 + (i % 79)).padStart(2, '0')} 45 67</p></div></div>`;
  }).join('\n');
}

function writeFixtures(dir = BENCH_FIXTURES): void {
  mkdirSync(dir, { recursive: true });
  for (let i = 1; i <= 4; i++) writeFileSync(join(dir, `photo-${i}.png`), photoPng(400, 300, 1000 + i));
  writeFileSync(join(dir, 'bench.css'), CSS);
  const w1 = adText(11).words;
  writeFileSync(
    join(dir, 'ad.html'),
    page(
      'Studio meublé proche gare – 650 € – Marseille',
      null,
      `${adBlock(w1)}\n${similarCards(w1, 8, true)}\n<footer>© petites-annonces · Conditions · Vie privée</footer>`,
    ),
  );
  const w2 = adText(12).words;
  writeFileSync(
    join(dir, 'ad-long.html'),
    page(
      'Studio meublé proche gare – 650 € – Marseille (toutes les annonces du vendeur)',
      9600,
      `${adBlock(w2)}\n${similarCards(w2, 8, true)}\n<h2>Autres annonces de Karima</h2>\n${rows(w2, 36)}`,
    ),
  );
  const w3 = adText(13).words;
  writeFileSync(
    join(dir, 'tall-20k.html'),
    page('Locations – Marseille – toutes les annonces', 20000, `<h1>Locations à Marseille</h1>\n${rows(w3, 110)}`),
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFixtures();
  console.log(`bench fixtures written to ${BENCH_FIXTURES}`);
}
