// The accuracy gate: the whole corpus of test/accuracy/scenarios run against this run's dist/ build. Figures and the
// failures of each scenario are printed; `npm run bench -- accuracy --verbose` shows the same without the gate.
import * as assert from 'node:assert/strict';
import { builtDist } from '../unit/cliBuild';
import { runAccuracy } from './corpus';
import type { ScenarioResult } from './harness';
import { classSummary, formatFailures, formatFigures, score, share, type Figures } from './score';

describe('attribution accuracy corpus', function () {
  // Dozens of real repositories, hooks and commits; the mocha timeout only ends a run that hangs.
  this.timeout(30 * 60_000);
  let results: ScenarioResult[];
  let figures: Figures;

  before(async () => {
    results = await runAccuracy(builtDist());
    figures = score(results);
    console.log(`${formatFigures(figures)}\n\n${classSummary(results)}\n\n${formatFailures(results)}\n`);
  });

  it('runs every scenario as written, with every hook call exiting 0 in silence', () => {
    const broken = results.filter((r) => r.error !== undefined || r.hookProblems.length > 0).map((r) => `${r.scenario.name}: ${r.error ?? r.hookProblems.join('; ')}`);
    assert.deepEqual(broken, []);
  });

  it('calls no human line AI (precision 100%)', () => {
    assert.equal(figures.precision.hit, figures.precision.of, `precision ${figures.precision.hit}/${figures.precision.of}`);
  });

  it('finds at least 99% of the AI-touched lines (recall)', () => {
    assert.ok(share(figures.recall) >= 0.99, `recall ${figures.recall.hit}/${figures.recall.of}`);
  });
});
