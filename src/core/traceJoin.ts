// Joining two notes written for the same commit (two clones, or a carried note beside one already there): the union
// of their line runs per file; where they disagree on a line both contributors stay, never one side winning.
import type { Attribution, CommitFileProvenance, LineRun } from './model';

function runKey(r: LineRun): string {
  const a: Attribution = r.attribution;
  return JSON.stringify([r.start, r.end, r.kind, a.agent, a.model ?? null, a.source, a.session ?? null, a.at, a.detail ?? null]);
}

/** The files of both, each file's runs the union of both sides' (a run both hold once), its added lines the larger count. */
export function joinFileProvenance(a: readonly CommitFileProvenance[], b: readonly CommitFileProvenance[]): CommitFileProvenance[] {
  const byPath = new Map<string, { addedLines: number; runs: LineRun[]; keys: Set<string> }>();
  for (const f of [...a, ...b]) {
    const entry = byPath.get(f.path) ?? { addedLines: 0, runs: [], keys: new Set<string>() };
    entry.addedLines = Math.max(entry.addedLines, f.addedLines);
    for (const r of f.runs) {
      const k = runKey(r);
      if (entry.keys.has(k)) continue;
      entry.keys.add(k);
      entry.runs.push(r);
    }
    byPath.set(f.path, entry);
  }
  return [...byPath].map(([path, e]) => ({ path, addedLines: e.addedLines, runs: e.runs.sort((x, y) => x.start - y.start || x.end - y.end) }));
}

/** Whether `b` adds any run that `a` lacks. */
export function addsRuns(a: readonly CommitFileProvenance[], b: readonly CommitFileProvenance[]): boolean {
  const have = new Set(a.flatMap((f) => f.runs.map((r) => `${f.path}\0${runKey(r)}`)));
  return b.some((f) => f.runs.some((r) => !have.has(`${f.path}\0${runKey(r)}`)));
}
