import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { HUMAN, type Attribution, type LineProvenance } from '../../../src/core/model';
import { countLines, filterRuns, overlay, subtract, fromLines, humanLines, lineAt, ReusingRunsBuilder, sameRuns, shift, slice, toLines, type LineRuns } from '../../../src/core/lineRuns';

const AUTHORS: readonly Attribution[] = [
  { agent: 'copilot', model: 'openai/gpt-5', source: 'inline-completion', at: '2026-01-01T00:00:00Z' },
  { agent: 'claude-code', source: 'agent-hook', session: 's1', at: '2026-01-02T00:00:00Z', detail: 'shell' },
  // Equal in value to the first but another object: a committed author beside an uncommitted one stays apart.
  { agent: 'copilot', model: 'openai/gpt-5', source: 'inline-completion', at: '2026-01-01T00:00:00Z' },
];
const PROVS: readonly LineProvenance[] = [HUMAN, ...AUTHORS.flatMap((a) => [{ kind: 'ai' as const, attribution: a }, { kind: 'mixed' as const, attribution: a }])];

/** Per-line provenance in blocks, as files have it (a line's neighbours are often of its author). */
const linesArb = fc
  .array(fc.record({ p: fc.nat(PROVS.length - 1), n: fc.integer({ min: 1, max: 5 }) }), { maxLength: 12 })
  .map((blocks) => blocks.flatMap(({ p, n }) => new Array<LineProvenance>(n).fill(PROVS[p]!)));

/** Per line: kind and attribution object, the part of a provenance that means anything. */
const view = (lines: readonly LineProvenance[]): [string, Attribution | undefined][] => lines.map((l) => [l.kind, l.attribution]);

function wellFormed(r: LineRuns): void {
  let prev: LineRuns['runs'][number] | undefined;
  for (const run of r.runs) {
    assert.ok(run.start >= 0 && run.start < run.end && run.end <= r.lineCount, `run ${JSON.stringify(run)} within ${r.lineCount} lines`);
    assert.ok(run.id >= 0 && run.id < r.attributions.length, 'attribution id in the table');
    if (prev) {
      assert.ok(prev.end <= run.start, 'sorted, not overlapping');
      assert.ok(prev.end < run.start || prev.kind !== run.kind || r.attributions[prev.id] !== r.attributions[run.id], 'touching runs merged');
    }
    prev = run;
  }
}

describe('line runs', () => {
  it('round-trip per-line provenance without losing a line, kind or attribution object', () => {
    fc.assert(
      fc.property(linesArb, (lines) => {
        const r = fromLines(lines);
        wellFormed(r);
        assert.deepEqual(view(toLines(r)), view(lines));
        assert.equal(r.lineCount, lines.length);
        lines.forEach((l, i) => assert.deepEqual(view([lineAt(r, i)]), view([l])));
        assert.equal(countLines(r), lines.filter((l) => l.kind !== 'human').length);
        assert.equal(countLines(r, 'mixed'), lines.filter((l) => l.kind === 'mixed').length);
        assert.ok(sameRuns(r, fromLines(toLines(r))));
      }),
    );
  });

  it('slice as the per-line slice does', () => {
    fc.assert(
      fc.property(linesArb, fc.nat(70), fc.nat(70), (lines, a, b) => {
        const [s, e] = a <= b ? [a, b] : [b, a];
        const r = slice(fromLines(lines), s, e);
        wellFormed(r);
        assert.deepEqual(view(toLines(r)), view(lines.slice(s, e)));
      }),
    );
  });

  it('shift as inserting or removing lines at the top does', () => {
    fc.assert(
      fc.property(linesArb, fc.integer({ min: -20, max: 20 }), fc.nat(80), (lines, by, count) => {
        const r = shift(fromLines(lines), by, count);
        wellFormed(r);
        const moved = by >= 0 ? [...new Array<LineProvenance>(by).fill(HUMAN), ...lines] : lines.slice(-by);
        const expected = Array.from({ length: count }, (_, i) => moved[i] ?? HUMAN);
        assert.deepEqual(view(toLines(r)), view(expected));
      }),
    );
  });

  it('tell equal provenance from different, attributions by identity', () => {
    fc.assert(
      fc.property(linesArb, linesArb, (x, y) => {
        const same = x.length === y.length && x.every((l, i) => l.kind === y[i]!.kind && l.attribution === y[i]!.attribution);
        assert.equal(sameRuns(fromLines(x), fromLines(y)), same);
      }),
    );
  });

  it('filter runs by attribution, the rest a person\'s', () => {
    fc.assert(
      fc.property(linesArb, (lines) => {
        const r = filterRuns(fromLines(lines), (a) => a !== AUTHORS[1]);
        wellFormed(r);
        assert.deepEqual(view(toLines(r)), view(lines.map((l) => (l.attribution === AUTHORS[1] ? HUMAN : l))));
      }),
    );
  });

  it('subtract the lines another provenance covers', () => {
    fc.assert(
      fc.property(linesArb, linesArb, (lines, cut) => {
        const r = subtract(fromLines(lines), fromLines(cut));
        wellFormed(r);
        assert.deepEqual(view(toLines(r)), view(lines.map((l, i) => (cut[i] && cut[i]!.kind !== 'human' ? HUMAN : l))));
      }),
    );
  });

  it('overlay: a person\'s lines of one take the other\'s AI lines', () => {
    fc.assert(
      fc.property(linesArb, linesArb, (own, rest) => {
        const r = overlay(fromLines(own), fromLines(rest));
        wellFormed(r);
        assert.deepEqual(view(toLines(r)), view(own.map((l, i) => (l.kind === 'human' && rest[i] ? rest[i]! : l))));
      }),
    );
  });

  it('come out the same when rebuilt over earlier runs, sharing exactly the runs that did not change', () => {
    fc.assert(
      fc.property(linesArb, linesArb, fc.boolean(), (before, after, edited) => {
        // Either unrelated lines, or the same lines with a stretch retyped (what a tracker rebuilds after an edit).
        const lines = edited ? [...before.slice(0, before.length >> 1), ...after.slice(0, 3), ...before.slice((before.length >> 1) + 3)] : after;
        const previous = fromLines(before);
        const b = new ReusingRunsBuilder(previous);
        lines.forEach((p, i) => {
          if (p.kind !== 'human' && p.attribution) b.add(i, i + 1, p.kind, p.attribution);
        });
        const r = b.done(lines.length);
        wellFormed(r);
        assert.deepEqual(r, fromLines(lines));
        for (const run of r.runs) {
          const same = previous.runs.find((p) => p.start === run.start && p.end === run.end && p.kind === run.kind && p.id === run.id && previous.attributions[p.id] === r.attributions[run.id]);
          assert.equal(previous.runs.includes(run), same !== undefined, `run ${JSON.stringify(run)} shared exactly when unchanged`);
          if (same) assert.equal(run, same);
        }
      }),
    );
  });

  it('have no runs for a person\'s lines', () => {
    assert.deepEqual(toLines(humanLines(3)), [HUMAN, HUMAN, HUMAN]);
    assert.equal(fromLines([HUMAN, HUMAN]).runs.length, 0);
  });
});
