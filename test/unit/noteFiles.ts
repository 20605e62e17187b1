// Tests spell a note's runs out with their attribution objects; a CommitFileProvenance holds them as NoteRuns, which
// these helpers build the way a note's reader does: a table of the attribution values the runs name, in the order
// they are first named (equal values, one entry).
import { attributionKey, type Attribution, type CommitFileProvenance } from '../../src/core/model';
import type { AttributedRun, NoteRuns } from '../../src/core/lineRuns';

/** A run spelled out: lines [start, end), 0-based, with its attribution. */
export interface SpelledRun {
  readonly start: number;
  readonly end: number;
  readonly kind: AttributedRun['kind'];
  readonly attribution: Attribution;
}

/** The runs as NoteRuns, in the order given. */
export function noteRuns(runs: readonly SpelledRun[]): NoteRuns {
  const attributions: Attribution[] = [];
  const ids = new Map<string, number>();
  const out: AttributedRun[] = runs.map((r) => {
    const key = attributionKey(r.attribution);
    let id = ids.get(key);
    if (id === undefined) {
      id = attributions.push(r.attribution) - 1;
      ids.set(key, id);
    }
    return { start: r.start, end: r.end, kind: r.kind, id };
  });
  return { attributions, runs: out };
}

/** A file of a commit's note with these runs. */
export function noteFile(path: string, addedLines: number, runs: readonly SpelledRun[]): CommitFileProvenance {
  return { path, addedLines, ...noteRuns(runs) };
}

/** The runs of a file spelled out again. */
export function spelled(f: NoteRuns): SpelledRun[] {
  return f.runs.map((r) => ({ start: r.start, end: r.end, kind: r.kind, attribution: f.attributions[r.id]! }));
}
