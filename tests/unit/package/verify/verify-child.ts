import { open, readFile } from 'node:fs/promises';
import { verifyPackage } from '@/utils/package/verify';

/**
 * Verifies one package file in a process of its own and prints the verdict, the first failure,
 * the time taken and the process's peak resident memory: the bomb and flood tests (issue 14)
 * measure what verifying costs, apart from the test runner. Reads by ranges, as the CLI does.
 */
const file = process.argv[2];
if (!file) throw new Error('usage: verify-child.ts <zip>');
const started = Date.now();
const handle = await open(file, 'r');
const size = (await handle.stat()).size;
const report = await verifyPackage({
  size,
  async read(offset: number, length: number): Promise<Uint8Array> {
    const buf = new Uint8Array(Math.max(0, Math.min(length, size - offset)));
    const { bytesRead } = await handle.read(buf, 0, buf.length, offset);
    return buf.subarray(0, bytesRead);
  },
});
await handle.close();
/**
 * Peak resident memory of this process in MB: VmHWM from /proc (reset by exec, so it is this
 * process alone); resourceUsage().maxRSS (kB) elsewhere, which on Linux keeps the peak of the
 * parent it was forked from.
 */
async function peakMb(): Promise<number> {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(await readFile('/proc/self/status', 'utf8'));
    if (m?.[1]) return Math.round(Number(m[1]) / 1024);
  } catch {
    // not Linux
  }
  return Math.round(process.resourceUsage().maxRSS / 1024);
}
const failed = report.checks.filter((c) => !c.ok).map((c) => `${c.id}: ${c.message}`);
process.stdout.write(
  `${JSON.stringify({
    verdict: report.verdict,
    failures: failed,
    ms: Date.now() - started,
    maxRssMb: await peakMb(),
  })}\n`,
);
