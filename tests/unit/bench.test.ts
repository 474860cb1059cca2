import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { BROWSER_STAGES, parseArgs, STAGES } from '../../scripts/bench/args';
import { typedQueries } from '../../scripts/bench/corpus';
import { baselineMs, exportPhase } from '../../scripts/bench/export';
import { feedSizeFor, HARVEST_TARGETS } from '../../scripts/bench/harvest-stage';
import { cpuModel, noisyReasons } from '../../scripts/bench/machine';
import { cpuByKind, cpuSpent, cpuText, processKind, statTicks } from '../../scripts/bench/cpu';
import { descendants, findBrowserPid, kbField, parentPid, treeMemory } from '../../scripts/bench/memory';
import { uniquePng } from '../../scripts/bench/png-chunk';
import { crc32 } from '@/utils/image/png';
import {
  complete,
  jsonReport,
  markdownTable,
  meets,
  METRICS,
  unmeasured,
  type Metric,
  type MetricName,
} from '../../scripts/bench/report';
import { percentile, summarize } from '../../scripts/bench/stats';
import { photoPng } from '../../scripts/bench/make-fixtures';
import { makeThumbnail } from '@/utils/image/thumbnail';
import { manifestBytes, parseVerifyChild, VERIFY_TARGETS } from '../../scripts/bench/verify';

/** The bench's own logic (scripts/bench): what it computes from measurements must be right. */

describe('stats', () => {
  test('percentiles interpolate between closest ranks', () => {
    expect(percentile([4, 1, 3, 2], 50)).toBe(2.5);
    expect(percentile([1, 2, 3, 4, 5], 25)).toBe(2);
    expect(percentile([10], 95)).toBe(10);
    expect(percentile([0, 100], 95)).toBe(95);
  });

  test('no values or a percentile out of range is an error, not a zero', () => {
    expect(() => percentile([], 50)).toThrow(/no values/);
    expect(() => percentile([1], 101)).toThrow(/between 0 and 100/);
  });

  test('summary has the spread', () => {
    expect(summarize([5, 1, 9, 3, 7])).toEqual({ n: 5, min: 1, p25: 3, p50: 5, p75: 7, p95: 8.6, max: 9 });
  });
});

describe('report', () => {
  const units = Object.fromEntries(METRICS.map((m) => [m, { unit: 'ms', target: '<= 1' }])) as Record<
    MetricName,
    { unit: string; target: string }
  >;

  test('targets are checked in their direction; null never passes', () => {
    expect(meets('<= 400 ms', 400)).toBe(true);
    expect(meets('<= 400 ms', 400.1)).toBe(false);
    expect(meets('>= 0.5', 0.49)).toBe(false);
    expect(meets('>= 0.5', 0.5)).toBe(true);
    expect(meets('<= 1', null)).toBe(false);
    expect(meets('<= 1', Number.NaN)).toBe(false);
    expect(() => meets('about 3', 1)).toThrow(/target/);
  });

  test('every metric of the issue is reported, in its order, missing ones as null and failing', () => {
    const measured: Metric[] = [
      { metric: 'search-10k', value: 20, unit: 'ms', baseline: null, ratio: null, target: '<= 100 ms', pass: true },
      {
        metric: 'list-10k-dashboard',
        value: 9,
        unit: 'ms',
        baseline: null,
        ratio: null,
        target: '<= 50 ms',
        pass: true,
      },
    ];
    const all = complete(measured, units);
    expect(all.map((m) => m.metric)).toEqual([...METRICS, 'list-10k-dashboard']);
    const viewport = all.find((m) => m.metric === 'viewport-capture')!;
    expect(viewport).toMatchObject({ value: null, pass: false, ratio: null });
    expect(all.find((m) => m.metric === 'search-10k')!.value).toBe(20);
  });

  test('the JSON has the seven fields of the issue for every metric', () => {
    const doc = JSON.parse(
      jsonReport(complete([unmeasured('full-capture', 'ms', '<= 1.15', 'not built')], units), { mode: 'quick' }),
    ) as {
      metrics: Record<string, unknown>[];
      mode: string;
    };
    expect(doc.mode).toBe('quick');
    expect(doc.metrics).toHaveLength(METRICS.length);
    for (const m of doc.metrics) {
      for (const k of ['metric', 'value', 'unit', 'baseline', 'ratio', 'target', 'pass']) expect(m).toHaveProperty(k);
    }
  });

  test('the markdown table has a row per metric and keeps notes from breaking it', () => {
    const table = markdownTable(complete([unmeasured('list-10k', 'ms', '<= 50 ms', 'a | b\nc')], units));
    const lines = table.split('\n');
    expect(lines).toHaveLength(2 + METRICS.length);
    const row = lines.find((l) => l.includes('`list-10k`'))!;
    expect(row).toContain('a \\| b c');
    expect(row).toContain('**no**');
    expect(row.split(/(?<!\\)\|/).length).toBe(lines[0]!.split('|').length);
  });
});

describe('arguments', () => {
  test('quick, json and only', () => {
    expect(parseArgs(['--quick', '--json', 'out.json'])).toEqual({
      quick: true,
      json: 'out.json',
      only: [],
      extension: null,
      help: false,
    });
    expect(parseArgs(['--extension', '/tmp/x']).extension).toBe('/tmp/x');
    expect(parseArgs(['--json=x.json', '--only', 'export,dashboard']).only).toEqual(['export', 'dashboard']);
  });

  test('unknown or incomplete arguments are refused with a sentence', () => {
    expect(() => parseArgs(['--fast'])).toThrow(/Unknown argument "--fast"/);
    expect(() => parseArgs(['--json'])).toThrow(/--json needs a value/);
    expect(() => parseArgs(['--json', '--quick'])).toThrow(/--json needs a value/);
    expect(() => parseArgs(['--only', 'search'])).toThrow(/Unknown stage search/);
    expect(() => parseArgs(['--only', 'verify'])).toThrow(/Unknown stage verify: choose from .*verify-throughput/);
  });

  test('the verify stages can be chosen alone, and are not browser stages', () => {
    expect(parseArgs(['--quick', '--only', 'verify-throughput,verify-peak-memory']).only).toEqual([
      'verify-throughput',
      'verify-peak-memory',
    ]);
    // push-throughput (issue 18) measures the extension's push: a browser stage (with a local Ceph).
    expect(STAGES.filter((s) => !BROWSER_STAGES.includes(s))).toEqual(['verify-throughput', 'verify-peak-memory']);
  });
});

describe('harvest stages', () => {
  test("their metrics close every report; the bench's feed is sized in items, not posts", () => {
    expect(METRICS.slice(-2)).toEqual(['harvest-feed', 'harvest-memory']);
    expect(BROWSER_STAGES).toEqual(expect.arrayContaining(['harvest-feed', 'harvest-memory']));
    const size = feedSizeFor(2000);
    expect(size.items).toBeGreaterThanOrEqual(2000);
    expect(feedSizeFor(size.items - 1).posts).toBeLessThanOrEqual(size.posts);
    expect(size.posts).toBeLessThan(2000); // posts carry comments and replies: fewer posts than items
    expect(meets(HARVEST_TARGETS['harvest-memory'].target, 1.6)).toBe(false);
  });
});

describe('verify stages', () => {
  test("their metrics are in every report, after issue 8's, with a target each", () => {
    expect(METRICS.slice(-4, -2)).toEqual(['verify-throughput', 'verify-peak-memory']);
    expect(meets(VERIFY_TARGETS['verify-peak-memory'].target, 200)).toBe(true);
    expect(meets(VERIFY_TARGETS['verify-peak-memory'].target, 300)).toBe(false);
    expect(meets(VERIFY_TARGETS['verify-throughput'].target, 0.1)).toBe(false);
  });

  test("the child's result is its last BENCH-VERIFY line, after the CLI's report", () => {
    const out =
      'PASS  x\nBENCH-VERIFY {"code":9}\nVERDICT: PASSED.\nBENCH-VERIFY {"code":0,"ms":5,"peakMb":90,"loadedMb":80}\n';
    expect(parseVerifyChild(out)).toEqual({ code: 0, ms: 5, peakMb: 90, loadedMb: 80 });
    expect(() => parseVerifyChild('VERDICT: FAILED.\n')).toThrow(/printed no result/);
  });

  test('the baseline counts the bytes of the files manifest-sha256.txt lists, not the tag files', () => {
    const bag = mkdtempSync(join(tmpdir(), 'bench-bag-'));
    try {
      mkdirSync(join(bag, 'data', 'sub dir'), { recursive: true });
      writeFileSync(join(bag, 'data', 'a.bin'), Buffer.alloc(1000));
      writeFileSync(join(bag, 'data', 'sub dir', 'b.txt'), 'hello');
      writeFileSync(join(bag, 'bagit.txt'), 'BagIt-Version: 1.0\n');
      const h = 'ab'.repeat(32);
      writeFileSync(join(bag, 'manifest-sha256.txt'), `${h}  data/a.bin\n${h}  data/sub dir/b.txt\n`);
      expect(manifestBytes(bag)).toEqual({ bytes: 1005, files: 2 });
    } finally {
      rmSync(bag, { recursive: true, force: true });
    }
  });
});

describe('memory from /proc', () => {
  test('parent pid survives a command name with spaces and parentheses', () => {
    expect(parentPid('1234 (Chrome (Renderer) x) S 99 1234 1234 0 -1')).toBe(99);
  });

  test('kB fields', () => {
    expect(kbField('Rss:      2048 kB\nPss:       1024 kB\n', 'Pss')).toBe(1024 * 1024);
    expect(kbField('VmRSS:\t  12 kB', 'VmRSS')).toBe(12 * 1024);
    expect(kbField('Rss: 1 kB', 'Pss')).toBeNull();
  });

  test('a process tree is every descendant, not its siblings', () => {
    const parents = new Map([
      [10, 1],
      [11, 10],
      [12, 11],
      [13, 10],
      [20, 1],
    ]);
    expect(descendants(10, parents).sort()).toEqual([10, 11, 12, 13]);
  });

  test('the memory of this process is readable and positive', () => {
    const m = treeMemory(process.pid);
    expect(m.pids).toContain(process.pid);
    expect(m.rss).toBeGreaterThan(10 * 1024 * 1024);
    expect(m.pss).toBeGreaterThan(0);
  });

  test('no browser for an unknown profile is an error naming it', () => {
    expect(() => findBrowserPid('/nonexistent/profile')).toThrow(/\/nonexistent\/profile/);
  });
});

describe('synthetic screenshots', () => {
  test('CRC-32 matches the PNG standard (the CRC of an empty IEND chunk)', () => {
    expect(crc32([new TextEncoder().encode('IEND')]).toString(16)).toBe('ae426082');
  });

  test('a PNG with a private chunk added is still decodable, and differs for different extras', async () => {
    const png = new Uint8Array(photoPng(64, 48, 7));
    const a = uniquePng(png, new Uint8Array([1, 2, 3]));
    const b = uniquePng(png, new Uint8Array([1, 2, 4]));
    expect(a.length).toBe(png.length + 12 + 3);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
    expect(Buffer.from(a.subarray(-12)).equals(Buffer.from(png.subarray(-12)))).toBe(true); // IEND last
    const thumb = await makeThumbnail(a);
    expect([thumb.width, thumb.height]).toEqual([64, 48]);
  });

  test('something that is not a PNG is refused', () => {
    expect(() => uniquePng(new Uint8Array(40), new Uint8Array(1))).toThrow(/not a PNG/);
  });
});

describe('export helpers', () => {
  test("phases from the export page's data-phase (single-part exports included)", () => {
    for (const p of ['planning', 'reading', 'writing', 'saving']) expect(exportPhase(p)).toBe(p);
    expect(exportPhase(null)).toBe('other');
    expect(exportPhase('')).toBe('other');
    expect(exportPhase('checking')).toBe('other');
  });

  test('the zip -0 + sha256sum baseline runs on a folder and leaves no ZIP behind', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-baseline-'));
    try {
      mkdirSync(join(dir, 'files', 'sub'), { recursive: true });
      writeFileSync(join(dir, 'files', 'a.bin'), Buffer.alloc(100_000, 7));
      writeFileSync(join(dir, 'files', 'sub', 'b.txt'), 'hello');
      const zip = join(dir, 'base.zip');
      const r = baselineMs(join(dir, 'files'), zip);
      expect(r.zipMs).toBeGreaterThan(0);
      expect(r.shaMs).toBeGreaterThan(0);
      expect(existsSync(zip)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('the search queries are typed key by key within the case', () => {
  const q = typedQueries('case-1');
  expect(q.slice(0, 3).map((x) => x.text)).toEqual(['m', 'ma', 'mar']);
  expect(q.every((x) => x.caseId === 'case-1')).toBe(true);
  expect(q.some((x) => x.domain === 'souk.ma')).toBe(true);
});

test('CPU model comes from /proc/cpuinfo when there is one', () => {
  expect(cpuModel('processor\t: 0\nmodel name\t: Intel(R) Xeon(R) Processor\n')).toBe('Intel(R) Xeon(R) Processor');
});

test("a run is noisy when the load exceeds the cores (the bench's own browser allowed at the end) or another browser ran", () => {
  const quiet = { nproc: 2, loadAtStart: [0.3, 1, 1], loadAtEnd: [2.5, 2, 2], otherChromiumProcesses: 0 };
  expect(noisyReasons(quiet)).toEqual([]);
  expect(noisyReasons({ ...quiet, loadAtStart: [2.1, 1, 1] })).toEqual(['load 2.1 at the start on 2 cores']);
  expect(noisyReasons({ ...quiet, loadAtEnd: [3.2, 2, 2] })).toHaveLength(1);
  expect(noisyReasons({ ...quiet, otherChromiumProcesses: 1 })).toEqual(['1 other Chromium browser(s) running']);
});

describe('CPU per thread (push-throughput, issue 18)', () => {
  test('a /proc stat line gives the thread name (spaces and parentheses kept) and utime + stime', () => {
    const line = '4242 (ServiceWorker (t) 1) S 4200 4200 0 0 -1 4194368 10 0 0 0 150 25 0 0 20 0 12 0 100';
    expect(statTicks(line)).toEqual({ name: 'ServiceWorker (t) 1', ticks: 175 });
  });

  test("a Chromium process's kind comes from its command line", () => {
    const cmd = (...a: string[]) => ['/usr/lib/chromium/chromium', ...a].join('\0');
    expect(processKind(cmd('--user-data-dir=/p'), 'browser')).toBe('browser');
    expect(processKind(cmd('--type=renderer', '--extension-process'), 'browser')).toBe('extension renderer');
    expect(processKind(cmd('--type=renderer'), 'browser')).toBe('renderer');
    expect(processKind(cmd('--type=utility', '--utility-sub-type=network.mojom.NetworkService'), 'x')).toBe(
      'network service',
    );
    expect(processKind(cmd('--type=gpu-process'), 'x')).toBe('gpu-process');
    expect(processKind('/usr/lib/chromium/chromium --type=renderer --extension-process', 'browser')).toBe(
      'extension renderer',
    );
    expect(processKind('/usr/bin/radosgw\0-f', 'radosgw')).toBe('radosgw');
  });

  test('spent CPU is the difference in ms, largest first, summed by process kind', () => {
    const before = new Map([
      ['radosgw: rgw', 100],
      ['browser: CrBrowserMain', 50],
    ]);
    const after = new Map([
      ['radosgw: rgw', 400],
      ['radosgw: msgr', 10],
      ['browser: CrBrowserMain', 150],
    ]);
    const spent = cpuSpent(before, after);
    expect(spent).toEqual([
      ['radosgw: rgw', 3000],
      ['browser: CrBrowserMain', 1000],
      ['radosgw: msgr', 100],
    ]);
    expect(cpuByKind(spent)).toEqual([
      ['radosgw', 3100],
      ['browser', 1000],
    ]);
    expect(cpuText(spent, 1, 1)).toBe('radosgw 3.1 s (rgw 3.0)');
  });
});
