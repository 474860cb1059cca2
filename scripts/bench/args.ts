/** Command line of `npm run bench [-- --quick] [--json <file>]`. */
export interface BenchArgs {
  quick: boolean;
  json: string | null;
  /** Only these metrics' stages (for working on one of them); all when empty. */
  only: string[];
  /** A built extension folder to measure instead of building this checkout (e.g. to compare a change). */
  extension: string | null;
  help: boolean;
}

export const USAGE = `Usage: npm run bench [-- --quick] [--json <file>] [--only <stage,...>] [--extension <dir>]

  --quick         smaller sizes and fewer runs (under 10 minutes on 2 cores)
  --json <file>   also write { "metrics": [ { metric, value, unit, baseline, ratio, target, pass } ] }
  --only <list>   run only these stages: capture, export, dashboard, verify-throughput, verify-peak-memory,
                  harvest-feed, harvest-memory, recording-overhead, recording-burst,
                  push-throughput (the extension's push to a local Ceph; also push-peak-memory)
                  (the others report null; the verify stages need no browser and no build)
  --extension <dir>  measure this built extension (chrome-mv3 folder) instead of building this checkout
`;

export const STAGES = [
  'capture',
  'export',
  'dashboard',
  'verify-throughput',
  'verify-peak-memory',
  'harvest-feed',
  'harvest-memory',
  'recording-overhead',
  'recording-burst',
  'push-throughput',
] as const;

/** The stages that drive the extension in Chromium (the others run the CLI in Node). */
export const BROWSER_STAGES: readonly string[] = [
  'capture',
  'export',
  'dashboard',
  'harvest-feed',
  'harvest-memory',
  'recording-overhead',
  'recording-burst',
  'push-throughput',
];

/** Parses the arguments; throws an Error with a sentence for anything it does not know. */
export function parseArgs(argv: readonly string[]): BenchArgs {
  const out: BenchArgs = { quick: false, json: null, only: [], extension: null, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') out.quick = true;
    else if (a === '--help' || a === '-h') out.help = true;
    else if (a === '--json' || a === '--only' || a === '--extension') {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${a} needs a value.`);
      if (a === '--json') out.json = v;
      else if (a === '--extension') out.extension = v;
      else {
        out.only = v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        const unknown = out.only.filter((s) => !(STAGES as readonly string[]).includes(s));
        if (unknown.length) throw new Error(`Unknown stage ${unknown.join(', ')}: choose from ${STAGES.join(', ')}.`);
      }
    } else if (a.startsWith('--json=')) out.json = a.slice('--json='.length);
    else throw new Error(`Unknown argument ${JSON.stringify(a)}.\n${USAGE}`);
  }
  return out;
}
