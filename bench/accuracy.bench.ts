// Attribution accuracy on the scenario corpus of test/accuracy: precision, recall, agent, exact kind, AI-Lines.
// Run: npx tsx bench/accuracy.bench.ts [--verbose] [--json] [--only NAME|CLASS] [--parallel N] [--keep]
import * as path from 'node:path';
import { runAccuracy } from '../test/accuracy/corpus';
import { classSummary, formatFailures, formatFigures, score } from '../test/accuracy/score';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);

async function main(): Promise<void> {
  const started = Date.now();
  const results = await runAccuracy(path.resolve(__dirname, '..', 'dist'), {
    only: opt('--only'),
    parallel: opt('--parallel') ? Number(opt('--parallel')) : undefined,
    keep: args.includes('--keep'),
  });
  const figures = score(results);
  const seconds = (Date.now() - started) / 1000;
  if (args.includes('--json')) {
    console.log(JSON.stringify({ ...figures, seconds }));
    return;
  }
  console.log(formatFigures(figures));
  console.log(`time           ${seconds.toFixed(1)} s`);
  console.log(`\n${classSummary(results)}`);
  if (args.includes('--verbose')) console.log(`\n${formatFailures(results)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
