/**
 * `npm run demo`: builds the extension, serves the bundled sample pages on 127.0.0.1, captures
 * them with the CLI into a case, exports the signed package and verifies it, then prints where
 * the ZIP is. Nothing touches the internet.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startFixtureServer } from '../tests/support/fixture-server';

const out = resolve('demo-output');
mkdirSync(out, { recursive: true });
console.log('demo: building the extension (automation build)…');
execFileSync('npx', ['wxt', 'build', '--mode', 'automation'], { stdio: ['ignore', 'ignore', 'inherit'] });

/** Runs the CLI asynchronously: the fixture server lives in this process and must keep serving. */
function hashmark(args: string[]): Promise<number> {
  return new Promise((resolve) =>
    spawn('node', ['cli/hashmark.mjs', ...args], { stdio: 'inherit' }).on('exit', (code) => resolve(code ?? 1)),
  );
}

const site = await startFixtureServer();
try {
  const pages = ['ad-fr.html', 'ad-ar.html', 'framed.html'].map((p) => site.url(p));
  console.log(`demo: capturing ${pages.length} sample pages served from ${site.origin}`);
  const before = new Set(readdirSync(out));
  const cap = await hashmark(['capture', ...pages, '--case', 'Demo case', '--reference', 'DEMO-1', '--out', out]);
  if (cap !== 0) process.exit(cap);
  const zip = readdirSync(out).find((f) => f.endsWith('.zip') && !before.has(f));
  if (!zip) throw new Error('no package was written');
  const zipPath = join(out, zip);
  console.log(`\ndemo: verifying ${zipPath}`);
  const ver = await hashmark(['verify', zipPath]);
  // 3: intact, but unpinned (the demo has no key fingerprint obtained separately to give).
  if (ver !== 0 && ver !== 3) process.exit(ver);
  console.log(`\ndemo: done. The signed package is ${zipPath}`);
  console.log(
    '      Check it yourself with the commands in its VERIFY.txt (unzip, sha256sum -c, openssl dgst -verify).',
  );
} finally {
  await site.close();
}
