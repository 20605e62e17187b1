// The one form in which a file's line provenance passes between modules: a line count, a table of attributions and
// sorted runs of AI lines naming them by index. Per-line arrays are an algorithm's private working form (random
// access while it diffs or merges) and the form of the edges that speak per line (the extension API); an entry of
// the working state stores runs of this very shape, and so does the note side: a commit's AI lines per file
// (CommitFileProvenance, as a note is read and written, carried and joined) are NoteRuns, the same table and runs
// without a line count. Agent Trace ranges are converted at its edge only (core/agentTrace).
import { HUMAN, type Attribution, type LineKind, type LineProvenance } from './model';

/** Lines [start, end) (0-based, end exclusive) of one kind, written by `attributions[id]`. */
export interface AttributedRun {
  readonly start: number;
  readonly end: number;
  readonly kind: Exclude<LineKind, 'human'>;
  readonly id: number;
}

/**
 * The provenance of `lineCount` lines: lines no run covers are a person's. Runs are sorted, do not overlap, lie
 * within the lines, and two that touch differ in kind or attribution (so equal provenance has equal runs).
 * Attributions are told apart by identity: one object per author, as a tracker or a note's reader hands them out.
 */
export interface LineRuns {
  readonly lineCount: number;
  readonly attributions: readonly Attribution[];
  readonly runs: readonly AttributedRun[];
}

/**
 * A note's AI runs of one file (CommitFileProvenance's): runs naming `attributions` by index. Unlike LineRuns the
 * file's line count is not known and runs may overlap (a joined note keeps both contributors of a line); runs that
 * touch are not merged (each is a range of the note). A note's reader gives them in line order, with a table of just
 * the attributions they name, in the order they are first named. `A`: what a reader keeps of an attribution (the
 * figures of `stats` keep only its agent and model).
 */
export interface NoteRuns<A = Attribution> {
  readonly attributions: readonly A[];
  readonly runs: readonly AttributedRun[];
}

/** Collects a note's runs as they come (in the order given, nothing merged), interning attributions by identity. */
export class NoteRunsBuilder {
  private readonly attributions: Attribution[] = [];
  private readonly ids = new Map<Attribution, number>();
  private readonly runs: AttributedRun[] = [];

  add(start: number, end: number, kind: Exclude<LineKind, 'human'>, attribution: Attribution): void {
    let id = this.ids.get(attribution);
    if (id === undefined) {
      id = this.attributions.push(attribution) - 1;
      this.ids.set(attribution, id);
    }
    this.runs.push({ start, end, kind, id });
  }

  done(): NoteRuns {
    return { attributions: this.attributions, runs: this.runs };
  }
}

/** `count` lines of a person's. */
export function humanLines(count: number): LineRuns {
  return { lineCount: count, attributions: [], runs: [] };
}

/** Builds runs line by line, interning attributions by identity and merging what touches. */
export class RunsBuilder {
  protected readonly attributions: Attribution[] = [];
  private readonly ids = new Map<Attribution, number>();
  private readonly runs: AttributedRun[] = [];
  private lastAttribution?: Attribution;
  private lastId = -1;
  // The last run, kept open while the next lines extend it: only a finished run becomes an object.
  private start = 0;
  private end = 0;
  private kind: Exclude<LineKind, 'human'> = 'ai';
  private id = -1;

  /** Lines [start, end) are `kind` by `attribution`; calls come in line order and do not overlap. */
  add(start: number, end: number, kind: Exclude<LineKind, 'human'>, attribution: Attribution): void {
    if (end <= start) return;
    // Runs of one author usually follow one another: the last one's id is reused without a map look-up.
    let id = attribution === this.lastAttribution ? this.lastId : this.ids.get(attribution);
    if (id === undefined) {
      id = this.attributions.push(attribution) - 1;
      this.ids.set(attribution, id);
    }
    this.lastAttribution = attribution;
    this.lastId = id;
    if (this.id === id && this.end === start && this.kind === kind) {
      this.end = end;
      return;
    }
    this.close();
    this.start = start;
    this.end = end;
    this.kind = kind;
    this.id = id;
  }

  done(lineCount: number): LineRuns {
    this.close();
    return { lineCount, attributions: this.attributions, runs: this.runs };
  }

  /** The object for a finished run. */
  protected run(start: number, end: number, kind: Exclude<LineKind, 'human'>, id: number): AttributedRun {
    return { start, end, kind, id };
  }

  private close(): void {
    if (this.id < 0) return;
    this.runs.push(this.run(this.start, this.end, this.kind, this.id));
    this.id = -1;
  }
}

/**
 * A RunsBuilder that hands out the run objects of `previous` (runs are never changed) where a run comes out the same:
 * same lines, kind, id and attribution. Rebuilding after an edit that leaves most runs where they were then allocates
 * only the runs that changed, and the unchanged ones, already old to the garbage collector, cost it nothing.
 */
export class ReusingRunsBuilder extends RunsBuilder {
  private at = 0;

  constructor(private readonly previous: LineRuns) {
    super();
  }

  protected override run(start: number, end: number, kind: Exclude<LineKind, 'human'>, id: number): AttributedRun {
    const runs = this.previous.runs;
    while (this.at < runs.length && runs[this.at]!.start < start) this.at++;
    const p = runs[this.at];
    if (p && p.start === start && p.end === end && p.kind === kind && p.id === id && this.previous.attributions[id] === this.attributions[id]) return p;
    return super.run(start, end, kind, id);
  }
}

/** Runs of per-line provenance (an edge's or an algorithm's per-line form). */
export function fromLines(lines: readonly (LineProvenance | undefined)[]): LineRuns {
  const b = new RunsBuilder();
  for (let i = 0; i < lines.length; i++) {
    const p = lines[i];
    if (p && p.kind !== 'human' && p.attribution) b.add(i, i + 1, p.kind, p.attribution);
  }
  return b.done(lines.length);
}

/** One provenance per line; lines of one run share one object. */
export function toLines(r: LineRuns): LineProvenance[] {
  const out = new Array<LineProvenance>(r.lineCount).fill(HUMAN);
  for (const run of r.runs) {
    const p: LineProvenance = { kind: run.kind, attribution: r.attributions[run.id] };
    for (let i = run.start; i < run.end; i++) out[i] = p;
  }
  return out;
}

/** The provenance of one line (binary search). */
export function lineAt(r: LineRuns, line: number): LineProvenance {
  let lo = 0;
  let hi = r.runs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (r.runs[mid]!.end <= line) lo = mid + 1;
    else hi = mid;
  }
  const run = r.runs[lo];
  return run && run.start <= line ? { kind: run.kind, attribution: r.attributions[run.id]! } : HUMAN;
}

/** Lines [start, end) as a provenance of their own (line `start` becomes line 0). */
export function slice(r: LineRuns, start: number, end: number): LineRuns {
  const from = Math.max(0, Math.min(start, r.lineCount));
  const to = Math.max(from, Math.min(end, r.lineCount));
  const b = new RunsBuilder();
  for (const run of r.runs) {
    if (run.end <= from || run.start >= to) continue;
    b.add(Math.max(run.start, from) - from, Math.min(run.end, to) - from, run.kind, r.attributions[run.id]!);
  }
  return b.done(to - from);
}

/** The lines moved down by `by` (up when negative) in a file of `lineCount` lines; what falls outside is dropped. */
export function shift(r: LineRuns, by: number, lineCount: number): LineRuns {
  const b = new RunsBuilder();
  for (const run of r.runs) {
    b.add(Math.max(0, run.start + by), Math.min(lineCount, run.end + by), run.kind, r.attributions[run.id]!);
  }
  return b.done(lineCount);
}

/** Keeps the runs whose attribution `keep` accepts; the others' lines become a person's. */
export function filterRuns(r: LineRuns, keep: (a: Attribution, kind: Exclude<LineKind, 'human'>) => boolean): LineRuns {
  const b = new RunsBuilder();
  for (const run of r.runs) {
    const a = r.attributions[run.id]!;
    if (keep(a, run.kind)) b.add(run.start, run.end, run.kind, a);
  }
  return b.done(r.lineCount);
}

/** `r` with every line a run of `cut` covers made a person's. */
export function subtract(r: LineRuns, cut: LineRuns): LineRuns {
  const b = new RunsBuilder();
  let k = 0;
  for (const run of r.runs) {
    const a = r.attributions[run.id]!;
    let at = run.start;
    while (k < cut.runs.length && cut.runs[k]!.end <= at) k++;
    for (let j = k; j < cut.runs.length && cut.runs[j]!.start < run.end; j++) {
      const c = cut.runs[j]!;
      b.add(at, Math.max(at, c.start), run.kind, a);
      at = Math.max(at, c.end);
    }
    b.add(at, run.end, run.kind, a);
  }
  return b.done(r.lineCount);
}

/** `own`, with the lines it knows as a person's taken from `rest` where `rest` knows AI (both of one text's lines). */
export function overlay(own: LineRuns, rest: LineRuns): LineRuns {
  const from = subtract(rest, own);
  const all = [...own.runs.map((run) => ({ run, a: own.attributions[run.id]! })), ...from.runs.map((run) => ({ run, a: from.attributions[run.id]! }))];
  all.sort((x, y) => x.run.start - y.run.start);
  const b = new RunsBuilder();
  for (const { run, a } of all) b.add(run.start, Math.min(run.end, own.lineCount), run.kind, a);
  return b.done(own.lineCount);
}

/** Same lines, same kinds, same attribution objects (however the tables are ordered). */
export function sameRuns(a: LineRuns, b: LineRuns): boolean {
  if (a.lineCount !== b.lineCount || a.runs.length !== b.runs.length) return false;
  return a.runs.every((x, k) => {
    const y = b.runs[k]!;
    return x.start === y.start && x.end === y.end && x.kind === y.kind && a.attributions[x.id] === b.attributions[y.id];
  });
}

/** How many lines are of `kind` (`ai` and `mixed` together when omitted). */
export function countLines(r: LineRuns, kind?: Exclude<LineKind, 'human'>): number {
  let n = 0;
  for (const run of r.runs) if (kind === undefined || run.kind === kind) n += run.end - run.start;
  return n;
}

export function hasAi(r: LineRuns): boolean {
  return r.runs.length > 0;
}

/**
 * The first `count` lines of a file as a note's runs describe them, a later run winning where runs overlap, in time
 * linear in runs and lines however many runs a (hostile) note stacks on the same lines: each line is set once, by the
 * last run that covers it, found by walking the runs backwards and skipping lines already set.
 */
export function linesOf(note: NoteRuns, count: number): (LineProvenance | undefined)[] {
  const runs = note.runs;
  const out: (LineProvenance | undefined)[] = new Array(count);
  // nextFree[i]: the first line at or after i not set yet (path-halving union-find).
  const nextFree = Int32Array.from({ length: count + 1 }, (_, i) => i);
  const free = (i: number): number => {
    while (nextFree[i] !== i) {
      nextFree[i] = nextFree[nextFree[i]!]!;
      i = nextFree[i]!;
    }
    return i;
  };
  for (let k = runs.length - 1; k >= 0; k--) {
    const r = runs[k]!;
    const end = Math.min(r.end, count);
    const p: LineProvenance = { kind: r.kind, attribution: note.attributions[r.id] };
    for (let i = free(Math.min(Math.max(r.start, 0), count)); i < end; i = free(i + 1)) {
      out[i] = p;
      nextFree[i] = i + 1;
    }
  }
  return out;
}

/** A note's runs over a file of `count` lines. */
export function fromNoteRuns(note: NoteRuns, count: number): LineRuns {
  return fromLines(linesOf(note, count));
}

/** The runs with one attribution object per run (how tests spell runs out). */
export function toNoteRuns(r: LineRuns): { start: number; end: number; kind: Exclude<LineKind, 'human'>; attribution: Attribution }[] {
  return r.runs.map((run) => ({ start: run.start, end: run.end, kind: run.kind, attribution: r.attributions[run.id]! }));
}
