// Time to recompute the gutter decorations of a 100,000-line file with 20,000 AI lines after one keystroke.
// Measures what the extension does on every update before `setDecorations`: tracker runs → style plan → ranges.
// Run: npx tsx bench/decorations.bench.ts [--json]
import type { Attribution, LineProvenance, TextChange } from '../src/core/model';
import { LineTracker } from '../src/core/tracker';
import { planDecorations } from '../src/extension/decorationModel';
import { fromLines } from '../src/core/lineRuns';

const LINES = 100_000;
const AI_LINES = 20_000;
const ITERATIONS = 200;
const GOAL_MS = 15;

const AGENTS: Attribution[] = ['copilot', 'claude-code', 'cursor', 'codex'].map((agent) => ({ agent, source: 'inline-completion', at: '2026-01-01T00:00:00Z' }));

interface Layout {
  readonly name: string;
  /** Whether line i is AI, and by whom / which kind. */
  readonly prov: (i: number) => LineProvenance;
}

const LAYOUTS: Layout[] = [
  // Blocks of five AI lines every 25 lines: what completions and chat edits leave behind.
  { name: 'blocks of 5', prov: (i) => (Math.floor(i / 5) % 5 === 0 ? { kind: 'ai', attribution: AGENTS[Math.floor(i / 25) % AGENTS.length] } : { kind: 'human' }) },
  // Worst case: every fifth line alone, agents and kinds alternating, so nothing merges (20,000 ranges).
  {
    name: 'scattered single lines',
    prov: (i) => (i % 5 === 0 ? { kind: (i / 5) % 2 === 0 ? 'ai' : 'mixed', attribution: AGENTS[(i / 5) % AGENTS.length] } : { kind: 'human' }),
  },
];

/** A stand-in for vscode.Range with the same shape and allocation cost (the extension builds one per span). */
class Range {
  readonly start: { line: number; character: number };
  readonly end: { line: number; character: number };
  constructor(sl: number, sc: number, el: number, ec: number) {
    this.start = { line: sl, character: sc };
    this.end = { line: el, character: ec };
  }
}

function keystroke(line: number, character: number, text: string): TextChange {
  return { range: { start: { line, character }, end: { line, character } }, rangeOffset: 0, rangeLength: 0, text };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function run(layout: Layout): { name: string; medianMs: number; p95Ms: number; ranges: number; aiLines: number } {
  const text = Array.from({ length: LINES }, (_, i) => `  const value${i} = compute(${i % 997}); // line ${i}`).join('\n');
  const prov = Array.from({ length: LINES }, (_, i) => layout.prov(i));
  const tracker = new LineTracker(text, fromLines(prov));
  const times: number[] = [];
  let ranges = 0;
  for (let k = 0; k < ITERATIONS + 20; k++) {
    // A person types one character on a human line, which invalidates the tracker's cached runs.
    // Line 25m+7 is human in both layouts.
    tracker.applyChanges([keystroke(25 * ((k * 37) % (LINES / 25)) + 7, 0, 'x')], undefined);
    const t0 = process.hrtime.bigint();
    // Critical files also draw the marker of every AI line: the costlier path.
    const plan = planDecorations(tracker.provenance(), true);
    let n = 0;
    for (const spans of plan.byStyle.values()) for (const s of spans) if (new Range(s.start, 0, s.end - 1, 0)) n++;
    for (const s of plan.all) if (new Range(s.start, 0, s.end - 1, 0)) n++;
    const t1 = process.hrtime.bigint();
    if (k >= 20) times.push(Number(t1 - t0) / 1e6);
    ranges = n;
  }
  times.sort((a, b) => a - b);
  return { name: layout.name, medianMs: median(times), p95Ms: times[Math.floor(times.length * 0.95)], ranges, aiLines: tracker.aiLineCount() };
}

const results = LAYOUTS.map(run);
if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ lines: LINES, aiLines: AI_LINES, goalMs: GOAL_MS, results }, null, 2));
} else {
  console.log(`decorations: recompute for ${LINES} lines, ${AI_LINES} AI lines, ${ITERATIONS} runs each (goal < ${GOAL_MS} ms)`);
  for (const r of results) {
    console.log(`  ${r.name.padEnd(24)} median ${r.medianMs.toFixed(2)} ms  p95 ${r.p95Ms.toFixed(2)} ms  (${r.ranges} ranges, ${r.aiLines} AI lines)`);
  }
}
process.exitCode = results.every((r) => r.medianMs < GOAL_MS && r.aiLines === AI_LINES) ? 0 : 1;
