/**
 * Precision and recall of selector extraction on the labelled ad set (issue 6).
 * Run: node --import tsx scripts/selectors-eval.ts [path/to/labelled.json]
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { evaluate, type LabelledAd } from '../utils/selectors/evaluate';

const file = resolve(process.argv[2] ?? 'tests/fixtures/selectors/labelled.json');
const { ads } = JSON.parse(readFileSync(file, 'utf8')) as { ads: LabelledAd[] };
const started = performance.now();
const result = evaluate(ads);
const ms = performance.now() - started;

const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(7);
console.log(`${ads.length} ads from ${file} (${ms.toFixed(0)} ms)\n`);
console.log('kind        tp   fp   fn  precision  recall');
for (const [kind, s] of [...Object.entries(result.byKind), ['overall', result.overall] as const]) {
  console.log(
    `${kind.padEnd(9)} ${String(s.tp).padStart(4)} ${String(s.fp).padStart(4)} ${String(s.fn).padStart(4)}    ${pct(s.precision)} ${pct(s.recall)}`,
  );
}
if (result.errors.length) {
  console.log('\nerrors:');
  for (const e of result.errors)
    console.log(`  ${e.id}  ${e.type === 'fp' ? 'reported, not expected' : 'expected, missed'}  ${e.kind} ${e.value}`);
}
