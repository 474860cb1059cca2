import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** The build the CLI and the e2e tests drive (host access up front, test hooks). */
const AUTOMATION_BUILD = join(ROOT, '.output/chrome-mv3-automation');
/** Engineers rebuild .output under this lock; the bench takes it too (see tests/support/global-setup.ts). */
const E2E_LOCK = '/tmp/hashmark-e2e.lock';

/** What the extension is built from: any of these newer than the build means it is stale. */
const SOURCES = ['entrypoints', 'utils', 'components', 'public', 'wxt.config.ts', 'package.json', 'package-lock.json'];

/**
 * Builds the automation extension if needed and copies it to a private folder, all under the e2e
 * lock: other engineers rebuild .output while the bench runs for minutes, and a browser whose
 * extension folder is rewritten under it loads half-old, half-new pages. The copy is what the
 * bench loads. Staleness is decided inside the lock (another engineer's build may be finishing).
 * Returns the copy's path and whether a build ran.
 */
export function prepareExtension(
  log: (s: string) => void,
  given: string | null = null,
): { dir: string; built: boolean } {
  if (given) {
    if (!existsSync(join(given, 'manifest.json')))
      throw new Error(`${given} is not a built extension (no manifest.json).`);
    const copy = join(mkdtempSync(join(tmpdir(), 'hashmark-bench-ext-')), 'extension');
    cpSync(given, copy, { recursive: true });
    return { dir: copy, built: false };
  }
  const dest = join(mkdtempSync(join(tmpdir(), 'hashmark-bench-ext-')), 'chrome-mv3-automation');
  log('bench: checking the automation build (under the e2e lock; another engineer may hold it)…');
  const script = [
    'set -e',
    'built=0',
    `if [ ! -f "${AUTOMATION_BUILD}/manifest.json" ] || [ -n "$(find ${SOURCES.join(' ')} -newer "${AUTOMATION_BUILD}/manifest.json" 2>/dev/null | head -n 1)" ]; then`,
    '  echo "bench: building the automation extension…" >&2',
    // The build's warnings are noise in the bench's output; its errors are shown if it fails.
    '  npx wxt build --mode automation >"$BENCH_BUILD_LOG" 2>&1 || { cat "$BENCH_BUILD_LOG" >&2; exit 1; }',
    '  built=1',
    'fi',
    `cp -r "${AUTOMATION_BUILD}" "${dest}"`,
    'echo $built',
  ].join('\n');
  const out = execFileSync('flock', [E2E_LOCK, 'sh', '-c', script], {
    cwd: ROOT,
    env: { ...process.env, BENCH_BUILD_LOG: join(dirname(dest), 'build.log') },
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  if (!existsSync(join(dest, 'manifest.json'))) throw new Error(`The extension copy in ${dest} has no manifest.json.`);
  return { dir: dest, built: out.trim().endsWith('1') };
}
