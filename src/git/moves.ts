// Lines a change moves (within a file or to another): blocks of added lines equal to lines the same change removes.
// A moved line keeps the author it had where it came from, as blame and the notes say; a person moving AI code does
// not make it theirs.
import { splitLines, substantive } from '../core/lines';
import type { LineProvenance } from '../core/model';
import { fromLines, lineAt, type LineRuns } from '../core/lineRuns';
import { blameAt } from './blame';
import { movedAcross } from './lazyCore';
import { listNotes } from './notes';
import type { FileChange } from './diff';
import { fromRepoPath, type Repo } from './repo';
import { readOptional } from './fsAtomic';
import type { WorkingState } from './workingState';

/** A moved block must be this long in characters (without white space), so that `}` and `return;` never count. */
const MIN_BLOCK_CHARS = 40;

interface Source {
  readonly path: string;
  /** Line in the old version, 0-based. */
  readonly line: number;
}

/** Removed lines with the same text beyond this many are not looked through (a file of identical lines). */
const MAX_SOURCES_PER_TEXT = 50;

/** A change's lines (old or new version) by line number, from the diff's texts. */
function linesOf(ranges: readonly (readonly [number, number])[], texts: readonly string[]): Map<number, string> {
  const out = new Map<number, string>();
  let k = 0;
  for (const [s, e] of ranges) for (let i = s; i < e; i++) out.set(i, texts[k++] ?? '');
  return out;
}

/**
 * For each change whose added lines include a block moved from lines `base`'s blame and notes call AI: the
 * provenance of those added lines, by line of the new version. Starts git (one blame per source file) only when
 * the diff has a moved block.
 */
export async function movedProvenance(repo: Repo, base: string, changes: readonly FileChange[]): Promise<Map<FileChange, LineRuns>> {
  const out = new Map<FileChange, LineRuns>();
  const byText = new Map<string, Source[]>();
  const removedAt = new Map<string, Map<number, string>>();
  for (const c of changes) {
    if (c.removedCount === 0) continue;
    const from = c.oldPath ?? c.path;
    const lines = linesOf(c.removed, c.removedText);
    removedAt.set(from, lines);
    for (const [i, text] of lines) {
      if (text.trim() === '') continue;
      const list = byText.get(text) ?? [];
      if (list.length < MAX_SOURCES_PER_TEXT) list.push({ path: from, line: i });
      byText.set(text, list);
    }
  }
  if (byText.size === 0) return out;
  // Blocks found, per change: [first new line, source, length].
  const found = new Map<FileChange, { lines: Map<number, string>; blocks: [number, Source, number][] }>();
  for (const c of changes) {
    if (c.addedCount === 0 || !c.addedText.some((t) => byText.has(t))) continue;
    const lines = linesOf(c.added, c.addedText);
    const blocks: [number, Source, number][] = [];
    for (const [s, e] of c.added) {
      let i = s;
      while (i < e) {
        let best: [Source, number] | undefined;
        for (const src of byText.get(lines.get(i)!) ?? []) {
          const old = removedAt.get(src.path)!;
          let n = 0;
          while (i + n < e && old.get(src.line + n) === lines.get(i + n)) n++;
          if (!best || n > best[1]) best = [src, n];
        }
        let chars = 0;
        for (let d = 0; best && d < best[1]; d++) chars += lines.get(i + d)!.replace(/\s/g, '').length;
        if (best && chars >= MIN_BLOCK_CHARS) {
          blocks.push([i, best[0], best[1]]);
          i += best[1];
        } else i++;
      }
    }
    if (blocks.length > 0) found.set(c, { lines, blocks });
  }
  // Without notes nothing moved can be AI: no blame.
  if (found.size === 0 || (await listNotes(repo)).size === 0) return out;
  const sources = [...new Set([...found.values()].flatMap((f) => f.blocks.map(([, src]) => src.path)))];
  const blamed = new Map(await Promise.all(sources.map(async (p) => [p, await blameAt(repo, base, p)] as const)));
  for (const [c, { lines, blocks }] of found) {
    const prov = new Map<number, LineProvenance>();
    for (const [at, src, n] of blocks) {
      const old = blamed.get(src.path);
      for (let d = 0; d < n; d++) {
        const p = old && lineAt(old.provenance, src.line + d);
        // The blamed line must be the very text that moved: blame reads `base`, the diff its version of the file.
        if (p && p.kind !== 'human' && old?.lines[src.line + d] === lines.get(at + d)) prov.set(at + d, p);
      }
    }
    if (prov.size > 0) out.set(c, byLine(prov));
  }
  return out;
}

/** Stands for a line an entry does not record as AI: equal to no line of a file. */
const NOT_AI = '\0';

/**
 * For each change, its added lines `open` leaves unattributed that are a block of AI lines the working state records
 * for another file, no longer there on disk (cut and pasted, or the file renamed before its first commit): their
 * provenance, by line of the new version. A block that is still in its file was copied, not moved: nothing is carried.
 */
export async function movedFromState(
  repo: Repo,
  state: WorkingState,
  statePaths: readonly string[],
  changes: readonly FileChange[],
  ownEntry: (c: FileChange) => string | undefined,
  open: (c: FileChange, line: number) => boolean,
): Promise<Map<FileChange, LineRuns>> {
  const out = new Map<FileChange, LineRuns>();
  const targets = changes.filter((c) => c.addedCount > 0);
  if (targets.length === 0 || statePaths.length === 0) return out;
  const sources = (await Promise.all(statePaths.map(async (p) => [p, await state.recordedLines(p)] as const))).filter(
    (s): s is [string, NonNullable<(typeof s)[1]>] => s[1] !== undefined,
  );
  if (sources.length === 0) return out;
  const candidatesFor = moveSources(sources.map(([, rec]) => rec.texts));
  const oldTexts = new Map<number, string[]>();
  const onDisk = new Map<string, Promise<string>>();
  const diskText = (p: string): Promise<string> => {
    let t = onDisk.get(p);
    if (!t) onDisk.set(p, (t = readOptional(fromRepoPath(repo, p)).then((x) => x ?? '')));
    return t;
  };
  for (const c of targets) {
    const candidates = candidatesFor(c.addedText);
    // A change with no added line equal to a recorded AI line has nothing moved into it: no search.
    if (candidates.length === 0) continue;
    const lines = linesOf(c.added, c.addedText);
    const end = c.added[c.added.length - 1]![1];
    const newText = Array.from({ length: end }, (_, i) => lines.get(i) ?? NOT_AI);
    const prov = new Map<number, LineProvenance>();
    for (const at of candidates) {
      const [from, rec] = sources[at]!;
      // Lines of the file's own entry are carried by re-anchoring, or were thrown away (see thrownAway.ts).
      if (from === c.path || from === c.oldPath || from === ownEntry(c)) continue;
      let oldText = oldTexts.get(at);
      if (!oldText) oldTexts.set(at, (oldText = rec.texts.map((t) => t ?? NOT_AI)));
      const moved = movedAcross(oldText, newText, (j) => rec.texts[j] !== undefined, (i) => lines.has(i) && !prov.has(i) && open(c, i));
      if (moved.size === 0) continue;
      const left = '\n' + splitLines(await diskText(from)).join('\n') + '\n';
      for (const [start, len] of blocksOf(moved)) {
        const block = Array.from({ length: len }, (_, k) => newText[start + k]!);
        if (left.includes('\n' + block.join('\n') + '\n')) continue;
        for (let k = 0; k < len; k++) prov.set(start + k, lineAt(rec.provenance, moved.get(start + k)!));
      }
    }
    if (prov.size > 0) out.set(c, byLine(prov));
  }
  return out;
}

/**
 * Which of the entries (their recorded texts, `undefined` for a line not recorded as AI) a change adding `added` may
 * have taken a block from, in entry order. A moved block holds at least one worded line (see carry.ts `movable`), so
 * only entries recording one of the added worded lines as AI can be its source: a commit of thousands of recorded
 * files looks at each file's own few candidates, not at every other entry (which made such a commit quadratic). A text
 * that many entries record (a common import) points at none of them, as in movedProvenance.
 */
export function moveSources(entries: readonly (readonly (string | undefined)[])[]): (added: readonly string[]) => number[] {
  const holders = new Map<string, number[]>();
  for (const [at, texts] of entries.entries()) {
    for (const t of new Set(texts)) {
      if (t === undefined || !substantive(t)) continue;
      const list = holders.get(t);
      if (!list) holders.set(t, [at]);
      else if (list.length <= MAX_SOURCES_PER_TEXT) list.push(at);
    }
  }
  return (added) => {
    const found = new Set<number>();
    for (const t of added) {
      const list = holders.get(t);
      if (list && list.length <= MAX_SOURCES_PER_TEXT) for (const at of list) found.add(at);
    }
    return [...found].sort((x, y) => x - y);
  };
}

/** Runs `[first new line, length]` of a new → old line map whose old lines follow one another. */
function blocksOf(moved: ReadonlyMap<number, number>): [number, number][] {
  const out: [number, number][] = [];
  for (const i of [...moved.keys()].sort((a, b) => a - b)) {
    const last = out[out.length - 1];
    if (last && last[0] + last[1] === i && moved.get(i - 1) === moved.get(i)! - 1) last[1]++;
    else out.push([i, 1]);
  }
  return out;
}

/** Lines found one by one, as runs. */
function byLine(lines: ReadonlyMap<number, LineProvenance>): LineRuns {
  const out: LineProvenance[] = [];
  for (const [i, p] of lines) out[i] = p;
  return fromLines(out);
}
