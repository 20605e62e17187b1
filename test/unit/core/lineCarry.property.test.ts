// Carries AI runs through random histories of random edits and compares every line with a model that remembers which
// commit last wrote each line and what that commit's note said about it.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { carryPair, carryThrough, LineCarrier, mapRuns, type FileDiff, type Hunk } from '../../../src/core/lineCarry';
import type { Attribution } from '../../../src/core/model';
import { noteRuns, spelled, type SpelledRun } from '../noteFiles';

const AGENTS: readonly Attribution[] = [
  { agent: 'copilot', model: 'openai/gpt-5', source: 'inline-completion', at: '2026-01-01T10:00:00Z' },
  { agent: 'claude-code', model: 'anthropic/claude-opus-4-5', source: 'agent-hook', at: '2026-01-01T11:00:00Z' },
  { agent: 'cursor', source: 'chat-edit', at: '2026-01-01T12:00:00Z' },
];

/** A line as the model knows it: who wrote it (an index into AGENTS, or -1 for a person). */
interface Line {
  readonly id: number;
  readonly owner: number;
}

/** One change to the old version: at old line `at`, remove `remove` lines and insert `insert`. */
interface Edit {
  readonly at: number;
  readonly remove: number;
  readonly insert: number;
}

/** A note's run as generated: lines [start, start+length) of the new version, by AGENTS[agent]. */
interface NoteRun {
  readonly start: number;
  readonly length: number;
  readonly agent: number;
}

const editArb = fc.record({ at: fc.nat(60), remove: fc.nat(4), insert: fc.nat(5) });
const noteArb = fc.record({ start: fc.nat(80), length: fc.integer({ min: 1, max: 6 }), agent: fc.nat(AGENTS.length - 1) });
const commitArb = fc.record({ edits: fc.array(editArb, { maxLength: 6 }), note: fc.array(noteArb, { maxLength: 4 }), rename: fc.boolean() });

let nextId = 0;

/** Applies edits (positions taken modulo the old length, made ordered and disjoint, as git prints hunks) and returns the new lines with the hunks. */
function apply(old: readonly Line[], edits: readonly Edit[]): { lines: Line[]; hunks: Hunk[]; fresh: Set<number> } {
  const lines: Line[] = [];
  const hunks: Hunk[] = [];
  const fresh = new Set<number>();
  let pos = 0;
  for (const e of [...edits].sort((a, b) => a.at - b.at)) {
    const at = Math.max(pos, Math.min(e.at, old.length));
    const remove = Math.min(e.remove, old.length - at);
    if (remove === 0 && e.insert === 0) continue;
    // A hunk right after another one would be the same hunk in git's output.
    if (hunks.length > 0 && at === pos) continue;
    lines.push(...old.slice(pos, at));
    const newStart = lines.length;
    for (let k = 0; k < e.insert; k++) {
      const line = { id: nextId++, owner: -1 };
      fresh.add(line.id);
      lines.push(line);
    }
    hunks.push({ oldStart: at, oldCount: remove, newStart, newCount: e.insert });
    pos = at + remove;
  }
  lines.push(...old.slice(pos));
  return { lines, hunks, fresh };
}

/** A note's runs on the new version (clipped to it), and the model's lines with the owners that note gives its new lines. */
function noted(lines: Line[], fresh: ReadonlySet<number>, note: readonly NoteRun[]): { runs: SpelledRun[]; lines: Line[] } {
  const runs: SpelledRun[] = [];
  const owner = new Map<number, number>();
  let from = 0;
  // Note runs do not overlap: each starts after the last one ended.
  for (const n of [...note].sort((a, b) => a.start - b.start)) {
    const start = Math.max(n.start, from);
    const end = Math.min(start + n.length, lines.length);
    if (end <= start) continue;
    runs.push({ start, end, kind: 'ai', attribution: AGENTS[n.agent]! });
    for (let i = start; i < end; i++) owner.set(i, n.agent);
    from = end;
  }
  // Only the lines this commit wrote take its note; a line it did not touch keeps the owner it had.
  return { runs, lines: lines.map((l, i) => (fresh.has(l.id) ? { id: l.id, owner: owner.get(i) ?? -1 } : l)) };
}

/** Per line, the agent the runs give it (-1 for none); fails on runs out of order, overlapping or outside the file. */
function expand(runs: readonly SpelledRun[], length: number): number[] {
  const out = new Array<number>(length).fill(-1);
  let last = 0;
  for (const r of runs) {
    assert.ok(r.start >= last && r.end > r.start && r.end <= length, `run ${r.start}-${r.end} out of order or outside ${length} lines`);
    for (let i = r.start; i < r.end; i++) out[i] = AGENTS.indexOf(r.attribution);
    last = r.end;
  }
  return out;
}

/** carryThrough of runs spelled out, spelled out again. */
function carriedThrough(runs: readonly SpelledRun[], hunks: readonly Hunk[]): SpelledRun[] {
  const note = noteRuns(runs);
  return spelled({ attributions: note.attributions, runs: carryThrough(note.runs, hunks, note.attributions) });
}

describe('carrying AI runs through diffs (property)', () => {
  it('after any history of edits, every line carries the note of the commit that last wrote it, and only that', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), fc.array(commitArb, { minLength: 1, maxLength: 8 }), (size, commits) => {
        const carrier = new LineCarrier();
        let model: Line[] = Array.from({ length: size }, () => ({ id: nextId++, owner: -1 }));
        let path = 'src/a.ts';
        let blob = 'base';
        commits.forEach((c, n) => {
          const { lines, hunks, fresh } = apply(model, c.edits);
          const note = noted(lines, fresh, c.note);
          const newPath = c.rename ? `src/r${n}.ts` : path;
          const diff: FileDiff = { path: newPath, ...(c.rename && { oldPath: path }), oldBlob: blob, newBlob: `v${n}`, status: c.rename ? 'R' : 'M', text: true, hunks };
          carrier.commit([diff], new Map([[newPath, noteRuns(note.runs)]]));
          model = note.lines;
          path = newPath;
          blob = `v${n}`;
          assert.deepEqual(expand(spelled(carrier.runs(path, blob)), model.length), model.map((l) => l.owner));
        });
      }),
      { numRuns: 400 },
    );
  });

  it('through a diff with no note, unchanged lines keep their runs and changed or new lines get none', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.array(fc.nat(AGENTS.length), { maxLength: 60 }), fc.array(editArb, { maxLength: 8 }), (size, owners, edits) => {
        const old: Line[] = Array.from({ length: size }, (_, i) => ({ id: nextId++, owner: (owners[i] ?? AGENTS.length) === AGENTS.length ? -1 : owners[i]! }));
        const runs: SpelledRun[] = old.flatMap((l, i) => (l.owner < 0 ? [] : [{ start: i, end: i + 1, kind: 'ai' as const, attribution: AGENTS[l.owner]! }]));
        const { lines, hunks, fresh } = apply(old, edits);
        const carried = expand(carriedThrough(runs, hunks), lines.length);
        assert.deepEqual(
          carried,
          lines.map((l) => (fresh.has(l.id) ? -1 : l.owner)),
        );
      }),
      { numRuns: 400 },
    );
  });

  it('a rewritten commit gets its original\'s runs on the lines it adds that the rewrite left unchanged, under a new name too', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 60 }),
        fc.array(fc.nat(AGENTS.length), { maxLength: 60 }),
        fc.array(editArb, { maxLength: 8 }),
        fc.boolean(),
        fc.array(fc.boolean(), { maxLength: 80 }),
        (size, owners, edits, rename, adds) => {
          const old: Line[] = Array.from({ length: size }, (_, i) => ({ id: nextId++, owner: (owners[i] ?? AGENTS.length) === AGENTS.length ? -1 : owners[i]! }));
          const runs: SpelledRun[] = old.flatMap((l, i) => (l.owner < 0 ? [] : [{ start: i, end: i + 1, kind: 'ai' as const, attribution: AGENTS[l.owner]! }]));
          const { lines, hunks, fresh } = apply(old, edits);
          const path = rename ? 'src/b.ts' : 'src/a.ts';
          // A path the original and the rewritten commit hold alike is not in the pair's diff.
          const pairDiff: FileDiff[] =
            hunks.length === 0 && !rename ? [] : [{ path, ...(rename && { oldPath: 'src/a.ts' }), oldBlob: 'old', newBlob: 'new', status: rename ? 'R' : 'M', text: true, hunks }];
          // The lines the rewritten commit adds against its own parent: any of them.
          const added = lines.map((_, i) => adds[i] ?? false);
          const own: Hunk[] = [];
          added.forEach((a, i) => {
            if (!a) return;
            const last = own[own.length - 1];
            if (last && last.newStart + last.newCount === i) own[own.length - 1] = { ...last, newCount: last.newCount + 1 };
            else own.push({ oldStart: 0, oldCount: 0, newStart: i, newCount: 1 });
          });
          const [file] = carryPair(new Map([['src/a.ts', noteRuns(runs)]]), pairDiff, [{ path, oldBlob: 'parent', newBlob: 'new', status: 'M', text: true, hunks: own }]);
          assert.equal(file?.addedLines, added.filter(Boolean).length);
          assert.deepEqual(
            expand(file ? spelled(file) : [], lines.length),
            lines.map((l, i) => (added[i] && !fresh.has(l.id) ? l.owner : -1)),
          );
        },
      ),
      { numRuns: 400 },
    );
  });

  it('moves overlapping runs (two contributors on one line) each as it would move alone', () => {
    const spanArb = fc.record({ start: fc.nat(50), length: fc.integer({ min: 1, max: 12 }) });
    fc.assert(
      fc.property(fc.array(spanArb, { maxLength: 8 }), fc.array(editArb, { maxLength: 8 }), (spans, edits) => {
        const old: Line[] = Array.from({ length: 70 }, () => ({ id: nextId++, owner: -1 }));
        const { hunks } = apply(old, edits);
        const runs = spans.map((p, i) => ({ start: p.start, end: p.start + p.length, i })).sort((a, b) => a.start - b.start);
        const key = (r: { start: number; end: number; i: number }): string => `${r.i}:${r.start}-${r.end}`;
        assert.deepEqual(mapRuns(runs, hunks).map(key).sort(), runs.flatMap((r) => mapRuns([r], hunks)).map(key).sort());
      }),
      { numRuns: 400 },
    );
  });

  describe('through hunks read with their texts (the rule of the working state)', () => {
    type Fate = 'gone' | 'respaced' | 'touched' | 'retyped';
    /** A line of the model with its text; `kind` of an AI line as its run says. */
    interface TextLine {
      readonly text: string;
      readonly owner: number;
      readonly kind: 'ai' | 'mixed';
    }
    /** Ten letters from `n`: texts of two lines share no word and no run of six characters. */
    const word = (n: number): string => {
      let x = (Math.imul(n + 1, 2654435761) >>> 0) ^ 0x5bd1e995;
      let w = '';
      for (let k = 0; k < 10; k++) {
        x = (Math.imul(x ^ (x >>> 15), 2246822519) + k) >>> 0;
        w += String.fromCharCode(97 + (x % 26));
      }
      return w;
    };
    let nextWord = 0;
    const text = (): string => `${word(nextWord++)} ${word(nextWord++)}`;
    const hunkEditArb = fc.record({
      at: fc.nat(40),
      fates: fc.array(fc.constantFrom<Fate>('gone', 'respaced', 'touched', 'retyped'), { maxLength: 4 }),
      insert: fc.nat(3),
    });

    it('keeps every unchanged line, keeps a re-spaced AI line, makes a touched-up one mixed, and gives retyped or new lines nothing', () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 40 }), fc.array(fc.nat(AGENTS.length), { maxLength: 40 }), fc.array(fc.boolean(), { maxLength: 40 }), fc.array(hunkEditArb, { maxLength: 6 }), (size, owners, mixed, edits) => {
          const old: TextLine[] = Array.from({ length: size }, (_, i) => ({ text: text(), owner: (owners[i] ?? AGENTS.length) === AGENTS.length ? -1 : owners[i]!, kind: mixed[i] ? 'mixed' : 'ai' }));
          const runs: SpelledRun[] = old.flatMap((l, i) => (l.owner < 0 ? [] : [{ start: i, end: i + 1, kind: l.kind, attribution: AGENTS[l.owner]! }]));
          // The new version, each line with what it should carry ('' for nothing), and the hunks as git prints them.
          const lines: { text: string; expect: string }[] = [];
          const hunks: Hunk[] = [];
          const expectOf = (l: TextLine, kind: string): string => (l.owner < 0 ? '' : `${kind}:${l.owner}`);
          let pos = 0;
          for (const e of [...edits].sort((a, b) => a.at - b.at)) {
            const at = Math.max(pos, Math.min(e.at, old.length));
            const removed = old.slice(at, at + e.fates.length);
            if (removed.length === 0 && e.insert === 0) continue;
            if (hunks.length > 0 && at === pos) continue;
            for (const l of old.slice(pos, at)) lines.push({ text: l.text, expect: expectOf(l, l.kind) });
            const newStart = lines.length;
            removed.forEach((l, k) => {
              const fate = e.fates[k]!;
              if (fate === 'respaced') lines.push({ text: `  ${l.text.replace(' ', '   ')} `, expect: expectOf(l, l.kind) });
              else if (fate === 'touched') lines.push({ text: `${l.text} ${word(nextWord++)}`, expect: expectOf(l, 'mixed') });
              else if (fate === 'retyped') lines.push({ text: text(), expect: '' });
            });
            for (let k = 0; k < e.insert; k++) lines.push({ text: text(), expect: '' });
            const added = lines.slice(newStart).map((l) => l.text);
            hunks.push({ oldStart: at, oldCount: removed.length, newStart, newCount: added.length, oldLines: removed.map((l) => l.text), newLines: added });
            pos = at + removed.length;
          }
          for (const l of old.slice(pos)) lines.push({ text: l.text, expect: expectOf(l, l.kind) });
          const got = new Array<string>(lines.length).fill('');
          let last = 0;
          for (const r of carriedThrough(runs, hunks)) {
            assert.ok(r.start >= last && r.end > r.start && r.end <= lines.length, `run ${r.start}-${r.end} out of order or outside ${lines.length} lines`);
            for (let i = r.start; i < r.end; i++) got[i] = `${r.kind}:${AGENTS.indexOf(r.attribution)}`;
            last = r.end;
          }
          assert.deepEqual(got, lines.map((l) => l.expect));
        }),
        { numRuns: 400 },
      );
    });
  });
});
