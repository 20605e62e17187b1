// Joins two Agent Trace notes on the same commit (PRODUCT.md §11.1): the union of their line ranges per file, and
// where they name different contributors for a line, both are kept. The result does not depend on which side is
// which, and joining it again with either side gives it back, so clones that join the same notes agree byte for byte.
import { buildTraceRecord, parseTraceRecord, serializeTraceRecord, type TraceRecord } from './agentTrace';
import { attributionKey, type CommitFileProvenance, type LineRun } from './model';

export type NoteMergeResult = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly error: string };

function runKey(r: LineRun): string {
  return `${r.kind}\0${attributionKey(r.attribution)}`;
}

/** One contributor's runs joined where they overlap or touch; runs of different contributors stay apart. */
export function unionRuns(runs: readonly LineRun[]): LineRun[] {
  const byKey = new Map<string, LineRun[]>();
  for (const r of runs) {
    if (r.end <= r.start) continue;
    const k = runKey(r);
    const list = byKey.get(k);
    if (list) list.push(r);
    else byKey.set(k, [r]);
  }
  const out: { run: LineRun; key: string }[] = [];
  for (const [key, list] of byKey) {
    list.sort((a, b) => a.start - b.start || a.end - b.end);
    let cur: LineRun | undefined;
    for (const r of list) {
      if (cur && r.start <= cur.end) cur = { ...cur, end: Math.max(cur.end, r.end) };
      else {
        if (cur) out.push({ run: cur, key });
        cur = r;
      }
    }
    if (cur) out.push({ run: cur, key });
  }
  out.sort((a, b) => a.run.start - b.run.start || a.run.end - b.run.end || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return out.map((o) => o.run);
}

function joinFiles(a: readonly CommitFileProvenance[], b: readonly CommitFileProvenance[]): CommitFileProvenance[] {
  const byPath = new Map<string, { addedLines: number; runs: LineRun[] }>();
  for (const f of [...a, ...b]) {
    const cur = byPath.get(f.path);
    if (cur) {
      // Both notes count the same commit's diff; a note written from fewer recorded lines never counts more.
      cur.addedLines = Math.max(cur.addedLines, f.addedLines);
      cur.runs.push(...f.runs);
    } else byPath.set(f.path, { addedLines: f.addedLines, runs: [...f.runs] });
  }
  return [...byPath].map(([path, f]) => ({ path, addedLines: f.addedLines, runs: unionRuns(f.runs) }));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The joined note of two notes on one commit. Fields that cannot be joined are chosen without regard to order: the
 * smaller id, the later timestamp and the tool of the later note. An unreadable side is an error, never dropped.
 */
export function mergeNoteTexts(aText: string, bText: string): NoteMergeResult {
  if (aText === bText) return { ok: true, text: aText };
  const a = parseTraceRecord(aText);
  if (!a.ok) return { ok: false, error: a.error };
  const b = parseTraceRecord(bText);
  if (!b.ok) return { ok: false, error: b.error };
  const revA = a.record.vcs?.revision;
  const revB = b.record.vcs?.revision;
  if (revA !== undefined && revB !== undefined && revA !== revB) {
    return { ok: false, error: `the notes describe different commits (${revA} and ${revB})` };
  }
  const later: TraceRecord = compare(a.record.timestamp, b.record.timestamp) > 0 || (a.record.timestamp === b.record.timestamp && compare(aText, bText) > 0) ? a.record : b.record;
  const record = buildTraceRecord({
    revision: revA ?? revB ?? '',
    files: joinFiles(a.files, b.files),
    toolVersion: later.tool?.version ?? '',
    id: compare(a.record.id, b.record.id) <= 0 ? a.record.id : b.record.id,
    timestamp: later.timestamp,
  });
  return { ok: true, text: serializeTraceRecord(record) };
}

/** Whether joining `b` into `a` would add a line: some run of `b` that `a`'s runs of the same contributor do not cover. */
export function addsLines(a: readonly CommitFileProvenance[], b: readonly CommitFileProvenance[]): boolean {
  const runs = (files: readonly CommitFileProvenance[]): string => JSON.stringify(files.filter((f) => f.runs.length > 0).map((f) => [f.path, f.runs]));
  return runs(joinFiles(a, b)) !== runs(joinFiles(a, []));
}
