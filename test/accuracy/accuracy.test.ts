// The accuracy gate: the whole corpus of test/accuracy/scenarios run against this run's dist/ build. The figures are
// printed, a failing gate lists its scenarios; `npm run bench -- accuracy --verbose` lists every wrong line and commit.
import * as assert from 'node:assert/strict';
import { builtDist } from '../unit/cliBuild';
import { runAccuracy } from './corpus';
import type { ScenarioResult } from './harness';
import { classSummary, formatFailures, formatFigures, score, share, touched, type Figures } from './score';

describe('attribution accuracy corpus', function () {
  // Dozens of real repositories, hooks and commits; the mocha timeout only ends a run that hangs.
  this.timeout(30 * 60_000);
  let results: ScenarioResult[];
  let figures: Figures;

  before(async () => {
    results = await runAccuracy(builtDist());
    figures = score(results);
    console.log(`${formatFigures(figures)}\n\n${classSummary(results)}\n`);
  });

  it('runs every scenario as written, with every hook call exiting 0 in silence', () => {
    const broken = results.filter((r) => r.error !== undefined || r.hookProblems.length > 0).map((r) => `${r.scenario.name}: ${r.error ?? r.hookProblems.join('; ')}`);
    assert.deepEqual(broken, []);
  });

  it('calls no human line AI (precision 100%)', () => {
    const wrong = results.filter((r) => r.lines.some((l) => touched(l.actual.kind) && !touched(l.expected.kind)));
    assert.equal(figures.precision.hit, figures.precision.of, `precision ${figures.precision.hit}/${figures.precision.of}; scenarios:\n${formatFailures(wrong)}`);
  });

  it('finds at least 99% of the AI-touched lines (recall)', () => {
    const missed = results.filter((r) => r.lines.some((l) => touched(l.expected.kind) && !touched(l.actual.kind)));
    assert.ok(share(figures.recall) >= 0.99, `recall ${figures.recall.hit}/${figures.recall.of}; scenarios:\n${formatFailures(missed)}`);
  });
});
