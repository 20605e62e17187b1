// Drives the tracker with random edit scripts against a naive model that remembers who wrote every character.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Attribution, LineProvenance, TextChange } from '../../../src/core/model';
import type { SpelledRun } from '../noteFiles';
import { LineTracker } from '../../../src/core/tracker';
import { fromLines, toNoteRuns } from '../../../src/core/lineRuns';

const AGENTS: readonly Attribution[] = [
  { agent: 'copilot', model: 'openai/gpt-5', source: 'inline-completion', at: '2026-01-01T10:00:00Z' },
  { agent: 'claude-code', model: 'anthropic/claude-opus-4-5', source: 'chat-edit', at: '2026-01-01T11:00:00Z' },
  { agent: 'cursor', source: 'chat-edit', at: '2026-01-01T12:00:00Z' },
];
const PERSON = 0;
/** How many entries one grouped undo may combine, as the tracker promises. */
const COMBINE_ENTRIES = 200;

// ---------------------------------------------------------------------------------------------------------------
// The model: a document is an array of units, each a character (with author and scar) or one whole line break.

interface Unit {
  readonly ch: string;
  readonly brk: boolean;
  /** 0 for a person, i + 1 for AGENTS[i]. */
  readonly author: number;
  readonly scar: boolean;
}

type Doc = readonly Unit[];

interface Loc {
  readonly line: number;
  readonly character: number;
  readonly offset: number;
}

function textOf(doc: Doc): string {
  return doc.map((u) => u.ch).join('');
}

function units(text: string, author: number): Unit[] {
  return (text.match(/\r\n|\r|\n|[\s\S]/g) ?? []).map((ch) => ({ ch, brk: ch === '\n' || ch === '\r' || ch === '\r\n', author, scar: false }));
}

function locOf(doc: Doc, index: number): Loc {
  let line = 0;
  let character = 0;
  let offset = 0;
  for (let k = 0; k < index; k++) {
    offset += doc[k].ch.length;
    if (doc[k].brk) {
      line++;
      character = 0;
    } else {
      character += doc[k].ch.length;
    }
  }
  return { line, character, offset };
}

function indexOf(doc: Doc, line: number, character: number): number {
  let k = 0;
  for (let l = 0; l < line; k++) if (doc[k].brk) l++;
  return k + character;
}

function lineLength(doc: Doc, line: number): number {
  let k = indexOf(doc, line, 0);
  let n = 0;
  while (k < doc.length && !doc[k].brk) {
    k++;
    n++;
  }
  return n;
}

/** The rule under test, written out on the characters: insert, and scar where a person deleted. */
function applyModel(doc: Doc, c: TextChange, author: number): Unit[] {
  const { start, end } = c.range;
  const si = indexOf(doc, start.line, start.character);
  const ei = indexOf(doc, end.line, end.character);
  const ins = units(c.text, author);
  const out = [...doc.slice(0, si), ...ins, ...doc.slice(ei)];
  if (author !== PERSON || ei === si) return out;
  const multi = end.line > start.line;
  const wholeLines =
    c.text === '' &&
    multi &&
    ((start.character === 0 && end.character === 0) ||
      (start.character === lineLength(doc, start.line) && end.character === lineLength(doc, end.line)));
  if (wholeLines) return out;
  const scar = (k: number): void => {
    out[k] = { ...out[k], scar: true };
  };
  if (si > 0 && !out[si - 1].brk) scar(si - 1);
  else {
    const after = si + ins.length;
    if (!ins.some((u) => u.brk) && after < out.length && !out[after].brk) scar(after);
  }
  return out;
}

function provenanceOf(doc: Doc): LineProvenance[] {
  const lines: Unit[][] = [[]];
  for (const u of doc) {
    if (u.brk) lines.push([]);
    else lines[lines.length - 1].push(u);
  }
  return lines.map((chars) => {
    const order: number[] = [];
    const count = new Map<number, number>();
    let touched = false;
    for (const u of chars) {
      if (u.author === PERSON || u.scar) touched = true;
      if (u.author === PERSON) continue;
      if (!count.has(u.author)) order.push(u.author);
      count.set(u.author, (count.get(u.author) ?? 0) + 1);
    }
    if (order.length === 0) return { kind: 'human' };
    let best = order[0];
    for (const a of order) if ((count.get(a) ?? 0) > (count.get(best) ?? 0)) best = a;
    return { kind: touched ? 'mixed' : 'ai', attribution: AGENTS[best - 1] };
  });
}

function runsOf(prov: readonly LineProvenance[]): SpelledRun[] {
  const runs: SpelledRun[] = [];
  prov.forEach((p, i) => {
    if (p.kind === 'human' || !p.attribution) return;
    const last = runs[runs.length - 1];
    if (last && last.end === i && last.kind === p.kind && last.attribution === p.attribution) runs[runs.length - 1] = { ...last, end: i + 1 };
    else runs.push({ start: i, end: i + 1, kind: p.kind, attribution: p.attribution });
  });
  return runs;
}

// ---------------------------------------------------------------------------------------------------------------
// Events shaped as VS Code sends them.

function change(doc: Doc, from: number, to: number, text: string): TextChange {
  const a = locOf(doc, from);
  const b = locOf(doc, to);
  return { range: { start: { line: a.line, character: a.character }, end: { line: b.line, character: b.character } }, rangeOffset: a.offset, rangeLength: b.offset - a.offset, text };
}

interface Edit {
  /** Unit ranges in the document before the event, ascending, not overlapping. */
  readonly ranges: readonly (readonly [number, number, string])[];
}

/** Changes sorted from the end backwards, so each range is valid before and after the earlier ones. */
function forwardChanges(doc: Doc, edit: Edit): TextChange[] {
  return [...edit.ranges].reverse().map(([from, to, text]) => change(doc, from, to, text));
}

/** The exact inverse of an event: each inserted text, located in the document after the event, replaced by what it deleted. */
function inverseChanges(before: Doc, after: Doc, edit: Edit): TextChange[] {
  let shift = 0;
  const inv: TextChange[] = [];
  for (const [from, to, text] of edit.ranges) {
    const n = units(text, PERSON).length;
    inv.push(change(after, from + shift, from + shift + n, textOf(before.slice(from, to))));
    shift += n - (to - from);
  }
  return inv.reverse();
}

/** One change replacing the smallest differing stretch: how a grouped undo step may arrive. */
function minimalChange(from: Doc, to: Doc): TextChange[] {
  let p = 0;
  while (p < from.length && p < to.length && from[p].ch === to[p].ch) p++;
  let s = 0;
  while (s < from.length - p && s < to.length - p && from[from.length - 1 - s].ch === to[to.length - 1 - s].ch) s++;
  if (p === from.length - s && p === to.length - s) return [];
  return [change(from, p, from.length - s, textOf(to.slice(p, to.length - s)))];
}

// ---------------------------------------------------------------------------------------------------------------
// Scripts.

interface HistoryEntry {
  readonly before: Doc;
  readonly after: Doc;
  readonly forward: TextChange[];
  readonly backward: TextChange[];
}

type Step =
  | { readonly t: 'edit'; readonly author: number; readonly cuts: readonly number[]; readonly texts: readonly string[] }
  | { readonly t: 'undo' | 'redo'; readonly how: 'exact' | 'grouped' | 'stray'; readonly depth: number; readonly cuts: readonly number[]; readonly texts: readonly string[] }
  | { readonly t: 'mark'; readonly a: number; readonly b: number; readonly author: number };

const piece = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('a', 'b') },
  { weight: 1, arbitrary: fc.constant(' ') },
  { weight: 2, arbitrary: fc.constant('\n') },
);
const insertText = fc.oneof({ weight: 2, arbitrary: fc.constant('') }, { weight: 5, arbitrary: fc.array(piece, { minLength: 1, maxLength: 5 }).map((p) => p.join('')) });
const cutsArb = fc.array(fc.nat(40), { minLength: 2, maxLength: 6 });
const texts = fc.array(insertText, { minLength: 3, maxLength: 3 });

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ t: fc.constant('edit' as const), author: fc.nat(3), cuts: cutsArb, texts }) },
  {
    weight: 4,
    arbitrary: fc.record({ t: fc.constant('undo' as const), how: fc.constantFrom('exact', 'exact', 'exact', 'grouped', 'stray'), depth: fc.integer({ min: 2, max: 4 }), cuts: cutsArb, texts }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ t: fc.constant('redo' as const), how: fc.constantFrom('exact', 'exact', 'exact', 'grouped', 'stray'), depth: fc.integer({ min: 2, max: 4 }), cuts: cutsArb, texts }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('mark' as const), a: fc.nat(8), b: fc.nat(8), author: fc.nat(3) }) },
);

const initialArb = fc.record({
  lines: fc.array(fc.array(fc.constantFrom('a', 'b', ' '), { maxLength: 4 }).map((c) => c.join('')), { minLength: 1, maxLength: 5 }),
  kinds: fc.array(fc.record({ kind: fc.constantFrom('human', 'ai', 'mixed'), agent: fc.nat(2) }), { minLength: 5, maxLength: 5 }),
  crlf: fc.boolean(),
});

class Harness {
  doc: Unit[];
  undo: HistoryEntry[] = [];
  redo: HistoryEntry[] = [];
  readonly tracker: LineTracker;
  readonly eol: string;

  constructor(init: { lines: string[]; kinds: { kind: string; agent: number }[]; crlf: boolean }) {
    this.eol = init.crlf ? '\r\n' : '\n';
    const prov: LineProvenance[] = init.lines.map((_, i) => {
      const k = init.kinds[i];
      return k.kind === 'human' ? { kind: 'human' } : { kind: k.kind as 'ai' | 'mixed', attribution: AGENTS[k.agent] };
    });
    this.doc = [];
    init.lines.forEach((l, i) => {
      if (i > 0) this.doc.push(...units(this.eol, PERSON));
      const p = prov[i];
      // A stored `mixed` line is its author's characters, all scarred: that is how the tracker reads the working state.
      const author = p.attribution ? AGENTS.indexOf(p.attribution) + 1 : PERSON;
      for (const u of units(l, author)) this.doc.push({ ...u, scar: p.kind === 'mixed' });
    });
    this.tracker = new LineTracker(init.lines.join(this.eol), fromLines(prov));
  }

  /** Non-overlapping ascending unit ranges from raw numbers; never one change covering a whole non-empty document. */
  ranges(cuts: readonly number[], texts: readonly string[]): [number, number, string][] {
    const n = this.doc.length;
    const pts = cuts.map((c) => c % (n + 1)).sort((x, y) => x - y);
    const out: [number, number, string][] = [];
    for (let k = 0; k + 1 < pts.length; k += 2) {
      // Never start or end between the two halves of a \r\n: line breaks are single units here.
      const text = texts[(k / 2) % texts.length].replace(/\n/g, this.eol);
      if (pts[k] === pts[k + 1] && text === '') continue;
      out.push([pts[k], pts[k + 1], text]);
    }
    if (out.length === 1 && out[0][0] === 0 && out[0][1] === n && n > 0) out[0] = [0, n - 1, out[0][2]];
    return out;
  }

  applyEvent(edit: Edit, author: number): { after: Unit[]; forward: TextChange[] } {
    const forward = forwardChanges(this.doc, edit);
    let after = this.doc;
    for (const c of forward) after = applyModel(after, c, author);
    return { after, forward };
  }

  step(s: Step): string {
    if (s.t === 'edit') {
      const edit = { ranges: this.ranges(s.cuts, s.texts) };
      if (edit.ranges.length === 0) return 'nothing';
      const { after, forward } = this.applyEvent(edit, s.author);
      const backward = inverseChanges(this.doc, after, edit);
      this.tracker.applyChanges(forward, s.author === PERSON ? undefined : AGENTS[s.author - 1]);
      this.undo.push({ before: this.doc, after, forward, backward });
      this.redo = [];
      this.doc = after;
      return `edit by ${s.author}: ${JSON.stringify(forward)}`;
    }
    if (s.t === 'mark') {
      const lines = textOf(this.doc).split(/\r\n|\n/).length;
      const a = Math.min(s.a, s.b) % (lines + 1);
      const b = Math.min(Math.max(s.a, s.b), lines);
      const from = a >= lines ? this.doc.length : indexOf(this.doc, a, 0);
      const to = b >= lines ? this.doc.length : indexOf(this.doc, b, 0);
      this.doc = this.doc.map((u, k) => (k >= from && k < to && !u.brk ? { ...u, author: s.author, scar: false } : u));
      this.tracker.mark(a, Math.max(a, b), s.author === PERSON ? undefined : AGENTS[s.author - 1]);
      this.undo = [];
      this.redo = [];
      return `mark ${a}..${b} as ${s.author}`;
    }
    const undo = s.t === 'undo';
    const stack = undo ? this.undo : this.redo;
    let changes: TextChange[];
    if (s.how === 'exact' && stack.length > 0) {
      const top = stack[stack.length - 1];
      changes = undo ? top.backward : top.forward;
    } else if (s.how === 'grouped' && stack.length > 0) {
      const entry = stack[stack.length - Math.min(s.depth, stack.length)];
      changes = minimalChange(this.doc, undo ? entry.before : entry.after);
    } else if (s.how === 'stray') {
      changes = forwardChanges(this.doc, { ranges: this.ranges(s.cuts, s.texts) });
    } else {
      return 'nothing';
    }
    if (changes.length === 0) return 'nothing';
    let target: Doc = this.doc;
    for (const c of changes) target = applyModel(target, c, PERSON);
    const want = textOf(target);
    this.tracker.applyChanges(changes, undefined, s.t);
    // The specification: the smallest number of recent entries whose combined inverse yields the event's text.
    for (let k = 1; k <= Math.min(COMBINE_ENTRIES, stack.length); k++) {
      const entry = stack[stack.length - k];
      const state = undo ? entry.before : entry.after;
      if (textOf(state) !== want) continue;
      const popped = stack.splice(stack.length - k, k);
      const moved: HistoryEntry =
        k === 1
          ? popped[0]
          : undo
            ? { before: state, after: this.doc, forward: minimalChange(state, this.doc), backward: minimalChange(this.doc, state) }
            : { before: this.doc, after: state, forward: minimalChange(this.doc, state), backward: minimalChange(state, this.doc) };
      (undo ? this.redo : this.undo).push(moved);
      this.doc = [...state];
      return `${s.t} of ${k} entries: ${JSON.stringify(changes)}`;
    }
    this.doc = [...target];
    this.undo = [];
    this.redo = [];
    return `unmatched ${s.t} applied as a person's edit: ${JSON.stringify(changes)}`;
  }

  check(log: readonly string[]): void {
    const where = `after:\n  ${log.join('\n  ')}`;
    assert.equal(this.tracker.text(), textOf(this.doc), `text ${where}`);
    const want = provenanceOf(this.doc);
    assert.equal(this.tracker.lineCount, want.length, `line count ${where}`);
    const got = this.tracker.lines();
    for (let i = 0; i < want.length; i++) {
      assert.equal(got[i].kind, want[i].kind, `kind of line ${i} ${where}`);
      assert.equal(got[i].attribution, want[i].attribution, `attribution of line ${i} ${where}`);
    }
    assert.deepEqual(toNoteRuns(this.tracker.provenance()), runsOf(want), `runs ${where}`);
    assert.equal(this.tracker.aiLineCount(), want.filter((p) => p.kind !== 'human').length, `AI line count ${where}`);
  }
}

describe('tracker (property)', function () {
  this.timeout(120_000);

  it('agrees with a character-by-character model of who wrote what through random edits, undo and redo', () => {
    fc.assert(
      fc.property(initialArb, fc.array(stepArb, { minLength: 1, maxLength: 14 }), (init, steps) => {
        const h = new Harness(init);
        const log: string[] = [`start ${JSON.stringify(h.tracker.text())}`];
        h.check(log);
        for (const s of steps) {
          log.push(h.step(s));
          h.check(log);
        }
      }),
      { numRuns: 10_000 },
    );
  });
});
