// Joins two Agent Trace notes on the same commit (PRODUCT.md §11.1): the union of their line ranges per file, and
// where they name different contributors for a line, both are kept. The result does not depend on which side is
// which, and joining it again with either side gives it back, so clones that join the same notes agree byte for byte.
import { buildTraceRecord, parseTraceRecord, serializeTraceRecord, type TraceRecord } from './agentTrace';
import type { AttributedRun } from './lineRuns';
import { attributionKey, type Attribution, type CommitFileProvenance } from './model';

export type NoteMergeResult = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly error: string };

/** A run with its contributor's key: kind and attribution value. */
interface KeyedRun {
  readonly run: AttributedRun;
  readonly key: string;
}

/** One contributor's runs joined where they overlap or touch; runs of different contributors stay apart. */
function unionRuns(runs: readonly KeyedRun[]): AttributedRun[] {
  const byKey = new Map<string, AttributedRun[]>();
  for (const { run: r, key: k } of runs) {
    if (r.end <= r.start) continue;
    const list = byKey.get(k);
    if (list) list.push(r);
    else byKey.set(k, [r]);
  }
  const out: KeyedRun[] = [];
  for (const [key, list] of byKey) {
    list.sort((a, b) => a.start - b.start || a.end - b.end);
    let cur: AttributedRun | undefined;
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

/** Both sides' files per path, each path's runs naming one table of attribution values (equal values, one entry). */
function joinFiles(a: readonly CommitFileProvenance[], b: readonly CommitFileProvenance[]): CommitFileProvenance[] {
  const byPath = new Map<string, { addedLines: number; attributions: Attribution[]; ids: Map<string, number>; runs: KeyedRun[] }>();
  for (const f of [...a, ...b]) {
    let cur = byPath.get(f.path);
    if (cur) {
      // Both notes count the same commit's diff; a note written from fewer recorded lines never counts more.
      cur.addedLines = Math.max(cur.addedLines, f.addedLines);
    } else {
      cur = { addedLines: f.addedLines, attributions: [], ids: new Map(), runs: [] };
      byPath.set(f.path, cur);
    }
    // The joined table's id of each entry of this file's table, interned by value.
    const joined = f.attributions.map((attribution) => {
      const key = attributionKey(attribution);
      let id = cur.ids.get(key);
      if (id === undefined) {
        id = cur.attributions.push(attribution) - 1;
        cur.ids.set(key, id);
      }
      return id;
    });
    const keys = new Map<string, string>();
    for (const r of f.runs) {
      const id = joined[r.id]!;
      const k = `${r.kind}\0${id}`;
      let key = keys.get(k);
      if (key === undefined) {
        key = `${r.kind}\0${attributionKey(cur.attributions[id]!)}`;
        keys.set(k, key);
      }
      cur.runs.push({ run: r.id === id ? r : { ...r, id }, key });
    }
  }
  return [...byPath].map(([path, f]) => ({ path, addedLines: f.addedLines, attributions: f.attributions, runs: unionRuns(f.runs) }));
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
  const runs = (files: readonly CommitFileProvenance[]): string =>
    JSON.stringify(files.filter((f) => f.runs.length > 0).map((f) => [f.path, f.runs.map((r) => [r.start, r.end, r.kind, attributionKey(f.attributions[r.id]!)])]));
  return runs(joinFiles(a, b)) !== runs(joinFiles(a, []));
}
