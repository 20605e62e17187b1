// Cost of one keystroke-sized edit in the line tracker, on documents of 1k, 10k and 100k lines with 20% AI lines.
// Run: npx tsx bench/tracker.bench.ts [--json]
import type { Attribution, LineProvenance, TextChange } from '../src/core/model';
import { CarriedText, LineTracker, type EditOptions } from '../src/core/tracker';
import { seededRandom } from './random';
import { fromLines } from '../src/core/lineRuns';

const SIZES = [1_000, 10_000, 100_000];
const WARMUP = 5_000;
const EDITS = 40_000;

const AGENT: Attribution = { agent: 'copilot', model: 'openai/gpt-5', source: 'inline-completion', at: '2026-01-01T00:00:00Z' };

/** Source-like lines; every fifth block of five lines is AI-written (20%). */
function document(lines: number): { text: string; prov: LineProvenance[] } {
  const rnd = seededRandom(lines);
  const out: string[] = [];
  const prov: LineProvenance[] = [];
  for (let i = 0; i < lines; i++) {
    const indent = '  '.repeat(Math.floor(rnd() * 4));
    out.push(`${indent}const value${i} = compute(${Math.floor(rnd() * 1000)}, "item"); // line ${i}`);
    prov.push(Math.floor(i / 5) % 5 === 0 ? { kind: 'ai', attribution: AGENT } : { kind: 'human' });
  }
  return { text: out.join('\n'), prov };
}

function at(line: number, character: number, endLine: number, endCharacter: number, text: string): TextChange {
  return { range: { start: { line, character }, end: { line: endLine, character: endCharacter } }, rangeOffset: 0, rangeLength: 0, text };
}

/** A keystroke-sized edit at a random place: typing, Enter with indent, Backspace (sometimes joining lines), a small paste. */
function keystroke(t: LineTracker, rnd: () => number): { change: TextChange; author: Attribution | undefined } {
  const line = Math.floor(rnd() * t.lineCount);
  const len = t.lineText(line).length;
  const col = Math.floor(rnd() * (len + 1));
  const kind = rnd();
  const author = rnd() < 0.1 ? AGENT : undefined;
  if (kind < 0.55) return { change: at(line, col, line, col, 'x'), author };
  if (kind < 0.7) return { change: at(line, col, line, col, '\n    '), author };
  if (kind < 0.9) {
    if (col > 0) return { change: at(line, col - 1, line, col, ''), author };
    if (line > 0) return { change: at(line - 1, t.lineText(line - 1).length, line, 0, ''), author };
    return { change: at(line, 0, line, 0, 'y'), author };
  }
  return { change: at(line, col, line, col, 'if (a) {\n  b();\n}'), author };
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function measure(lines: number): { lines: number; medianUs: number; p99Us: number; linesMs: number; runsMs: number } {
  const { text, prov } = document(lines);
  const t = new LineTracker(text, fromLines(prov));
  // A person's edits go through what the editor does without an edit source: whole-line cuts and pastes carry AI text.
  const moves: EditOptions = { carried: new CarriedText(), carry: 'lines' };
  const rnd = seededRandom(42);
  const times: number[] = [];
  for (let k = 0; k < WARMUP + EDITS; k++) {
    const { change, author } = keystroke(t, rnd);
    const start = process.hrtime.bigint();
    t.applyChanges([change], author, undefined, author ? undefined : moves);
    const ns = Number(process.hrtime.bigint() - start);
    if (k >= WARMUP) times.push(ns / 1000);
  }
  const sorted = times.slice().sort((a, b) => a - b);
  // Views read the whole file after an edit: time each read right after one, median of several.
  const read = (fn: () => unknown): number => {
    const ms: number[] = [];
    for (let k = 0; k < 21; k++) {
      t.applyChanges([keystroke(t, rnd).change], undefined);
      const start = process.hrtime.bigint();
      fn();
      ms.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    return median(ms);
  };
  const linesMs = read(() => t.lines());
  const runsMs = read(() => t.provenance());
  return { lines, medianUs: median(times), p99Us: sorted[Math.floor(sorted.length * 0.99)], linesMs, runsMs };
}

const results = SIZES.map(measure);
const ratio = results[results.length - 1].medianUs / results[0].medianUs;
if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ results, ratio }, null, 2));
} else {
  console.log('tracker: one keystroke-sized edit (20% AI lines)');
  for (const r of results) {
    console.log(
      `  ${String(r.lines).padStart(7)} lines: median ${r.medianUs.toFixed(2)} µs, p99 ${r.p99Us.toFixed(2)} µs; lines() ${r.linesMs.toFixed(2)} ms, provenance() ${r.runsMs.toFixed(2)} ms`,
    );
  }
  console.log(`  ratio 100k/1k: ${ratio.toFixed(2)} (goal < 3; median at 100k goal < 20 µs)`);
}
