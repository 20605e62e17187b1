// Carrying line provenance through diffs: git's `-U0` diffs, in the one pass `stats` makes over a history and `ci`
// makes over a pull request, and the line diffs of a content carry (reanchor), line by line (`carryLines`, in
// core/carry beside `changedRegion`, the rule it applies, and shared with the working state's `carry`). Lines
// outside hunks shift by what was inserted or removed before them; the lines of a hunk read with its texts go by the
// rule for a changed region (changedRegion: a re-spacing keeps the author, a touch-up is mixed, a rewrite human), and
// a hunk read without them removes what it replaces. Through a commit of a
// history, its added lines get only what its own note says, so a line a later commit changed is no longer the earlier
// commit's, as `git blame` has it.
import { changedPairs } from './carry';
import type { ArrayChange } from 'diff';
import type { AttributedRun, NoteRuns } from './lineRuns';
import type { Attribution, CommitFileProvenance } from './model';

/** One hunk of a `-U0` diff as line regions: old lines [oldStart, oldStart+oldCount) became new [newStart, newStart+newCount), 0-based. */
export interface Hunk {
  readonly oldStart: number;
  readonly oldCount: number;
  readonly newStart: number;
  readonly newCount: number;
  /**
   * The texts of the lines removed and added, where the diff was read with them; undefined for a line known only by
   * its hash (a person's line in a working-state entry).
   */
  readonly oldLines?: readonly (string | undefined)[];
  readonly newLines?: readonly (string | undefined)[];
}

export interface FileDiff {
  /** Path in the commit (the new path of a rename). */
  readonly path: string;
  /** The path before a rename or copy; absent otherwise. */
  readonly oldPath?: string;
  readonly oldBlob: string;
  readonly newBlob: string;
  /** A, M, R, C or T (deletions are left out: they leave no version behind). */
  readonly status: string;
  /** False for binary files, symbolic links and submodules: they have no lines. */
  readonly text: boolean;
  readonly hunks: readonly Hunk[];
}

export interface Span {
  start: number;
  end: number;
}

/**
 * Runs of the old version moved through a diff: lines a hunk removes go, the rest shift by the lines inserted or
 * removed before them. Runs sorted by start (they may overlap); hunks in order and not overlapping (as git prints them).
 * `piece` makes the part of run `r` that starts at its old line `from` and now covers [start, end) (by default a copy
 * with the new bounds): runs that say where each of their lines came from adjust that for a part cut from the middle.
 */
export function mapRuns<R extends Span>(runs: readonly R[], hunks: readonly Hunk[], piece: (r: R, from: number, start: number, end: number) => R = (r, _, start, end) => ({ ...r, start, end })): R[] {
  const out: R[] = [];
  // Where the hunks stand at the current run's start; runs may overlap (a joined note keeps both contributors).
  let h0 = 0;
  let delta0 = 0;
  for (const r of runs) {
    while (h0 < hunks.length && hunks[h0]!.oldStart + hunks[h0]!.oldCount <= r.start) {
      delta0 += hunks[h0]!.newCount - hunks[h0]!.oldCount;
      h0++;
    }
    let h = h0;
    let delta = delta0;
    let s = r.start;
    while (s < r.end) {
      while (h < hunks.length && hunks[h]!.oldStart + hunks[h]!.oldCount <= s) {
        delta += hunks[h]!.newCount - hunks[h]!.oldCount;
        h++;
      }
      const next = hunks[h];
      if (next && next.oldStart <= s) {
        s = next.oldStart + next.oldCount;
        continue;
      }
      const end = Math.min(r.end, next ? next.oldStart : r.end);
      // A run the diff leaves where it was is the same run: runs are never changed in place (joinRuns copies on
      // joining), and most runs of a long file lie where a commit changes nothing.
      out.push(delta === 0 && s === r.start && end === r.end ? r : piece(r, s, s + delta, end + delta));
      s = end;
    }
  }
  return out;
}

/** The lines a diff adds to the new version, as ranges. */
export function addedRanges(hunks: readonly Hunk[]): [number, number][] {
  return hunks.filter((h) => h.newCount > 0).map((h) => [h.newStart, h.newStart + h.newCount]);
}

/** The parts of `runs` inside `ranges` (both sorted by start, neither overlapping itself). */
export function clipRuns<R extends Span>(runs: readonly R[], ranges: readonly (readonly [number, number])[]): R[] {
  const out: R[] = [];
  let i = 0;
  for (const r of runs) {
    while (i < ranges.length && ranges[i]![1] <= r.start) i++;
    for (let j = i; j < ranges.length && ranges[j]![0] < r.end; j++) {
      const start = Math.max(r.start, ranges[j]![0]);
      const end = Math.min(r.end, ranges[j]![1]);
      if (end > start) out.push({ ...r, start, end });
    }
  }
  return out;
}

/**
 * A new version's runs: the old version's moved through the hunks, on the lines of hunks read with their texts what
 * `changedRegion` makes of the old lines they replace, and on the lines the hunks add `own` (the new commit's note),
 * which speaks alone for the lines it names. All runs name `attributions`.
 */
export function carryThrough(old: readonly AttributedRun[], hunks: readonly Hunk[], attributions: readonly Attribution[], own: readonly AttributedRun[] = []): AttributedRun[] {
  const moved = mapRuns(old, hunks);
  const mine = own.length > 0 ? clipRuns([...own].sort((a, b) => a.start - b.start), addedRanges(hunks)) : [];
  const changed = withoutLines(insideHunks(old, hunks, attributions), mine);
  const all = mine.length > 0 || changed.length > 0 ? [...moved, ...changed, ...mine].sort((a, b) => a.start - b.start) : moved;
  return joinRuns(all, attributions);
}

/**
 * A rewritten commit's AI lines (a rebase, an amend, a cherry-pick, a server's rebase merge): the original's note
 * carried through the diff from the original to the new commit (`pairDiff`, read with its texts, renames followed),
 * kept on the lines the new commit adds (`own`, its diff against its parent). `ignored` paths get nothing.
 */
export function carryPair(
  note: ReadonlyMap<string, NoteRuns>,
  pairDiff: readonly FileDiff[],
  own: readonly FileDiff[],
  ignored: (path: string) => boolean = () => false,
): CommitFileProvenance[] {
  const moved = new Map(pairDiff.map((d) => [d.path, d]));
  const out: CommitFileProvenance[] = [];
  for (const c of own) {
    if (!c.text || ignored(c.path)) continue;
    const added = addedRanges(c.hunks);
    const addedLines = added.reduce((n, [s, e]) => n + e - s, 0);
    const d = moved.get(c.path);
    // A path the pair's diff does not name is as the original commit left it.
    const from = !d ? note.get(c.path) : d.status === 'A' || !d.text ? undefined : note.get(d.oldPath ?? d.path);
    if (!from) {
      out.push({ path: c.path, addedLines, attributions: [], runs: [] });
      continue;
    }
    const runs = d ? carryThrough(from.runs, d.hunks, from.attributions) : from.runs;
    out.push({ path: c.path, addedLines, attributions: from.attributions, runs: joinRuns(clipRuns(runs, added), from.attributions) });
  }
  return out;
}

/** The hunks, with their texts, of a line diff as jsdiff gives it. */
export function hunksOf(parts: readonly ArrayChange<string>[]): Hunk[] {
  const hunks: Hunk[] = [];
  let o = 0;
  let n = 0;
  let open: { oldStart: number; oldCount: number; newStart: number; newCount: number; oldLines: string[]; newLines: string[] } | undefined;
  for (const part of parts) {
    if (!part.added && !part.removed) {
      open = undefined;
      o += part.count;
      n += part.count;
      continue;
    }
    if (!open) {
      open = { oldStart: o, oldCount: 0, newStart: n, newCount: 0, oldLines: [], newLines: [] };
      hunks.push(open);
    }
    if (part.removed) {
      for (const l of part.value) open.oldLines.push(l);
      open.oldCount += part.count;
      o += part.count;
    } else {
      for (const l of part.value) open.newLines.push(l);
      open.newCount += part.count;
      n += part.count;
    }
  }
  return hunks;
}

/**
 * What `changedRegion` makes of the old runs on the new lines of each hunk that holds its texts: the hunk's lines are
 * paired once, all runs together (a new line that keeps the text of two AI lines pairs with neither, whoever wrote
 * them), and a new line gets a piece of each run over the old line it pairs with (runs may overlap: a joined note
 * keeps both contributors).
 */
function insideHunks(runs: readonly AttributedRun[], hunks: readonly Hunk[], attributions: readonly Attribution[]): AttributedRun[] {
  const out: AttributedRun[] = [];
  let lo = 0;
  for (const h of hunks) {
    if (h.oldLines === undefined || h.newLines === undefined || h.oldCount === 0 || h.newCount === 0) continue;
    const end = h.oldStart + h.oldCount;
    while (lo < runs.length && runs[lo]!.end <= h.oldStart) lo++;
    // The runs over each of the hunk's old lines.
    const over: AttributedRun[][] = Array.from({ length: h.oldCount }, () => []);
    for (let i = lo; i < runs.length && runs[i]!.start < end; i++) {
      const r = runs[i]!;
      if (attributions[r.id] === undefined) continue;
      for (let l = Math.max(r.start, h.oldStart); l < Math.min(r.end, end); l++) over[l - h.oldStart]!.push(r);
    }
    changedPairs((o) => over[o]!.length > 0, h.oldCount, h.oldLines, h.newLines).forEach((pair, k) => {
      if (!pair) return;
      const at = h.newStart + k;
      for (const r of over[pair.old]!) out.push({ ...r, kind: pair.keeps ? r.kind : 'mixed', start: at, end: at + 1 });
    });
  }
  return joinRuns(out.sort((a, b) => a.start - b.start), attributions);
}

/** `runs` without the lines `taken` covers (both sorted by start). */
function withoutLines<R extends Span>(runs: readonly R[], taken: readonly Span[]): R[] {
  if (taken.length === 0 || runs.length === 0) return runs.slice();
  const covered = new Set<number>();
  for (const t of taken) for (let l = t.start; l < t.end; l++) covered.add(l);
  const out: R[] = [];
  for (const r of runs) {
    let s = r.start;
    for (let l = r.start; l <= r.end; l++) {
      if (l < r.end && !covered.has(l)) continue;
      if (l > s) out.push({ ...r, start: s, end: l });
      s = l + 1;
    }
  }
  return out;
}

/**
 * Adjacent runs of the same kind and attribution (split by lines removed between them) become one: the same id, or
 * entries of `attributions` of equal value. Input sorted by start.
 */
export function joinRuns(runs: readonly AttributedRun[], attributions: readonly Attribution[]): AttributedRun[] {
  const out: AttributedRun[] = [];
  for (const r of runs) {
    const last = out[out.length - 1];
    if (last && last.end === r.start && last.kind === r.kind && sameAttribution(attributions, last.id, r.id)) out[out.length - 1] = { ...last, end: r.end };
    else out.push(r);
  }
  return out;
}

function sameAttribution(attributions: readonly Attribution[], x: number, y: number): boolean {
  if (x === y) return true;
  const a = attributions[x];
  const b = attributions[y];
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

const NO_RUNS: NoteRuns = { attributions: [], runs: [] };

/**
 * The AI runs of every file version a range of commits wrote, fed oldest first (each commit's diff against its one
 * parent): each line belongs to the note of the commit that last changed it, as `git blame` joined with the notes.
 * A version is known by path and blob; versions the range did not write (older ones) have no AI lines.
 */
export class LineCarrier {
  private readonly versions = new Map<string, NoteRuns>();

  /** One commit: its diff against its parent and its note's runs per path. */
  commit(diffs: readonly FileDiff[], note?: ReadonlyMap<string, NoteRuns>): void {
    const next = diffs.map((d) => [key(d.path, d.newBlob), d.text ? this.carried(d, note?.get(d.path)) : NO_RUNS] as const);
    for (const [k, runs] of next) this.versions.set(k, runs);
  }

  /** The runs of the version of `path` with blob `blob`; none for a version the range did not write. */
  runs(path: string, blob: string): NoteRuns {
    return this.versions.get(key(path, blob)) ?? NO_RUNS;
  }

  /** The runs of the version a diff starts from. */
  before(d: FileDiff): NoteRuns {
    return d.status === 'A' || d.status === 'T' ? NO_RUNS : this.runs(d.oldPath ?? d.path, d.oldBlob);
  }

  /** The new version of `d`'s file, with `own` (the commit's note) on the lines it adds. */
  private carried(d: FileDiff, own: NoteRuns | undefined): NoteRuns {
    const old = this.before(d);
    if (!own || own.runs.length === 0) return old.runs.length === 0 ? NO_RUNS : { attributions: old.attributions, runs: carryThrough(old.runs, d.hunks, old.attributions) };
    if (old.runs.length === 0) return { attributions: own.attributions, runs: carryThrough([], d.hunks, own.attributions, own.runs) };
    // One table for both: the old version's entries still named, then the note's not among them by value.
    const table: Attribution[] = [];
    const oldIds = new Map<number, number>();
    for (const r of old.runs) if (!oldIds.has(r.id)) oldIds.set(r.id, table.push(old.attributions[r.id]!) - 1);
    const ownIds = own.attributions.map((a) => {
      const at = table.findIndex((t) => t === a || JSON.stringify(t) === JSON.stringify(a));
      return at >= 0 ? at : table.push(a) - 1;
    });
    const renamed = (runs: readonly AttributedRun[], ids: (id: number) => number): AttributedRun[] => runs.map((r) => (ids(r.id) === r.id ? r : { ...r, id: ids(r.id) }));
    return { attributions: table, runs: carryThrough(renamed(old.runs, (id) => oldIds.get(id)!), d.hunks, table, renamed(own.runs, (id) => ownIds[id]!)) };
  }
}

const key = (path: string, blob: string): string => `${path}\0${blob}`;
