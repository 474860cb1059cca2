/**
 * Runs `hashmark verify` through the CLI's own entry point (cli/main.ts `main`, as cli/hashmark.mjs
 * does) in a process of its own, so the bench times exactly the CLI's verify path (the strict
 * verifier reading the ZIP from disk by ranges) and reads the process's own peak memory, as
 * tests/unit/package/verify/verify-child.ts does for the bomb tests.
 *
 * `node --import tsx scripts/bench/verify-child.ts <zip> [verify options]` prints the CLI's report,
 * then one line `BENCH-VERIFY {json}` (VerifyChildResult).
 */
import { readFile } from 'node:fs/promises';
import { main } from '../../cli/main';

export interface VerifyChildResult {
  /** The CLI's exit code: 0 PASSED, 1 FAILED, 3 intact but some claims unverified. */
  code: number;
  /** Time in main(['verify', …]): opening the file to the printed verdict, modules already loaded. */
  ms: number;
  /** Peak resident memory of the whole process (VmHWM), MB. */
  peakMb: number;
  /** Resident memory just before verifying (Node, tsx and the CLI's modules loaded), MB. */
  loadedMb: number;
}

/** A kB field of /proc/self/status in MB, or null off Linux. */
async function statusMb(field: 'VmHWM' | 'VmRSS'): Promise<number | null> {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(await readFile('/proc/self/status', 'utf8'));
    return m?.[1] ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

const args = process.argv.slice(2);
if (!args[0]) throw new Error('usage: verify-child.ts <zip> [verify options]');
const loadedMb = (await statusMb('VmRSS')) ?? Math.round(process.memoryUsage.rss() / 1024 ** 2);
const started = performance.now();
const code = await main(['verify', ...args]);
const ms = Math.round(performance.now() - started);
// VmHWM is reset by exec, so it is this process alone; maxRSS (kB) elsewhere.
const peakMb = (await statusMb('VmHWM')) ?? Math.round(process.resourceUsage().maxRSS / 1024);
const result: VerifyChildResult = { code, ms, peakMb, loadedMb };
process.stdout.write(`BENCH-VERIFY ${JSON.stringify(result)}\n`);
