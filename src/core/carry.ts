// Carrying recorded line provenance to a text changed outside the recorder: a sequence alignment of the recorded
// lines with the new ones, blocks of AI lines moved elsewhere, and whether an edited line still holds its old text.
//
// One rule carries lines through hunks (`carryLines`, each hunk's lines by `changedRegion`): git's diffs (ci's squash
// and rebase carry, post-rewrite, `stats`), the content carry of `reanchor`, and the working state's `carry` all end
// in it. `carry` (an entry re-anchored to the text now on disk) first does four things a git diff's carry does not,
// because the corpus depends on each of them and a diff between two versions git holds has no need of them:
// - It aligns line hashes, not texts: an entry keeps only the hash of a person's line, so a person's line matches
//   exactly or not at all, and an old AI line (its text kept) also matches a line that differs only in whitespace.
// - It withholds what nothing anchors: unchanged lines keep their provenance only in a chain of runs that vouches for
//   them (see `carry`), and a changed region only beside such a chain. Between two versions git holds, every unchanged
//   line is the same line; between an entry written long ago and today's file, a lone `}` or two short lines that
//   come back among a person's new text are chance (test/unit/core/carry.test.ts: "gives nothing to the same short
//   lines a person typed among their own new text"). With every unchanged line carried the corpus keeps 100%
//   precision but carry's tests fail.
// - It finds blocks of AI lines moved within the file (`movesOf`); hunks, being in order, cannot express a move (git
//   blame without -M does not follow one either). Without it the corpus falls to 95.7% recall (the "moved" scenarios:
//   a block moved up by the person before the first commit loses its author).
// - With line hashes only (an older entry, no new texts) a changed region's AI lines pair in order as `mixed`, where a
//   git hunk read without texts gives its lines none; the hunks `carry` builds carry `undefined` texts for that.
// Moved lines are taken out before the hunks are built, so that the rest is in order and carries by the one rule.
import { diffArrays, type ArrayChange } from 'diff';
import { substantive } from './lines';
import { HUMAN, isAi, type Attribution, type LineProvenance } from './model';
import type { Hunk } from './lineCarry';
import { fromLines, hasAi, humanLines, toLines, type LineRuns } from './lineRuns';

/** A line diff gives up beyond this many differing lines, or after this long (see `lineDiff`). */
const MAX_LINE_EDITS = 10_000;
const LINE_DIFF_MS = 1_000;
/** A line at least this long (trimmed, with a letter or digit) is not typed again word for word by chance. */
const DISTINCTIVE_LENGTH = 16;
/** At most this many lines removed and added on each side of a run a distinctive line anchors. */
const SMALL_CHANGE = 2;
/** Candidate places looked at per new line when looking for a moved block (a file of many `}` stays linear). */
const MAX_MOVE_CANDIDATES = 64;
/** Line comparisons all the search for moved blocks of one call may make; beyond, nothing more is taken for moved. */
const MOVE_BUDGET = 2_000_000;
/** Lines longer than this are compared as wholes when telling a touch-up from a rewrite. */
const MAX_COMPARED_LINE = 2_000;
/** Old times new lines of a changed region beyond which its lines pair in order instead of by their text. */
const MAX_PAIR_CHECKS = 2_500;
/** A line this many character edits away from its old text or more is a rewrite. */
const MAX_LINE_CHAR_EDITS = 400;
/** A shared run of at least this many non-blank characters (with a letter or digit) is text that remained, not chance. */
const MEANINGFUL_RUN = 6;

const WORD = /[\p{L}\p{N}_$]/u;
const WORDS = /[\p{L}\p{N}_$]+/gu;

/** A line long enough that a person is not expected to type it again word for word by chance. */
export function distinctive(line: string): boolean {
  const t = line.trim();
  return t.length >= DISTINCTIVE_LENGTH && /[\p{L}\p{N}]/u.test(t);
}


/**
 * The line diff every carry aligns texts with (jsdiff's, on lines, line hashes or line indices with `same`), or
 * undefined when the texts are too different to align within MAX_LINE_EDITS or LINE_DIFF_MS: callers then carry nothing.
 */
export function lineDiff<T>(oldItems: readonly T[], newItems: readonly T[], same?: (a: T, b: T) => boolean): ArrayChange<T>[] | undefined {
  return diffArrays(oldItems.slice(), newItems.slice(), { maxEditLength: MAX_LINE_EDITS, timeout: LINE_DIFF_MS, ...(same ? { comparator: same } : {}) });
}

/**
 * For each part of a character diff of `oldText` into `newText`, whether it is an unchanged part that is text which
 * remained rather than coincidence: it holds a whole word (two characters or more) that is a whole word in both
 * texts, or a run of MEANINGFUL_RUN non-blank characters with a letter or digit. Changed parts are false.
 */
export function meaningfulParts(oldText: string, newText: string, parts: readonly ArrayChange<string>[]): boolean[] {
  let o = 0;
  let n = 0;
  return parts.map((p) => {
    const seg = p.value.join('');
    if (p.removed) {
      o += seg.length;
      return false;
    }
    if (p.added) {
      n += seg.length;
      return false;
    }
    const ok = meaningfulAt(oldText, o, newText, n, seg);
    o += seg.length;
    n += seg.length;
    return ok;
  });
}

function meaningfulAt(oldText: string, o: number, newText: string, n: number, seg: string): boolean {
  const nonBlank = seg.replace(/\s+/gu, '');
  if (nonBlank.length >= MEANINGFUL_RUN && /[\p{L}\p{N}]/u.test(nonBlank)) return true;
  const wordAt = (text: string, i: number): boolean => i >= 0 && i < text.length && WORD.test(text[i]!);
  for (const m of seg.matchAll(WORDS)) {
    if (m[0].length < 2) continue;
    const s = m.index!;
    const e = s + m[0].length;
    if (wordAt(oldText, o + s - 1) || wordAt(newText, n + s - 1) || wordAt(oldText, o + e) || wordAt(newText, n + e)) continue;
    return true;
  }
  return false;
}

/**
 * Which parts of a character diff of `oldText` into `newText` to keep as unchanged: the meaningful ones (see
 * `meaningfulParts`), and others only on new lines that hold a meaningful one (such a line keeps its old author
 * anyway; keeping its `;` keeps the change small). Elsewhere a shared space or letter is coincidence, not kept.
 */
export function keptParts(oldText: string, newText: string, parts: readonly ArrayChange<string>[]): boolean[] {
  const meaningful = meaningfulParts(oldText, newText, parts);
  // The new line (counted in line breaks before it) of each unchanged part's first and last character.
  const spans: [number, number][] = [];
  const holds = new Set<number>();
  let line = 0;
  parts.forEach((p, k) => {
    if (p.removed) return;
    const first = line;
    for (const t of p.value) if (t === '\n' || t === '\r' || t === '\r\n') line++;
    const last = p.value.length > 0 && /[\r\n]$/.test(p.value[p.value.length - 1]!) ? line - 1 : line;
    spans[k] = [first, last];
    if (meaningful[k]) for (let l = first; l <= last; l++) holds.add(l);
  });
  return parts.map((p, k) => {
    if (p.added || p.removed) return false;
    if (meaningful[k]) return true;
    const [first, last] = spans[k]!;
    for (let l = first; l <= last; l++) if (!holds.has(l)) return false;
    return true;
  });
}

/**
 * Whether `newLine` still holds meaningful text of `oldLine` (a touch-up), rather than being typed anew (a rewrite):
 * meaningful runs in common that make up at least half of the old line's non-blank text (`return` and a variable
 * name kept around new code are a rewrite).
 */
export function keepsText(oldLine: string, newLine: string): boolean {
  if (oldLine.length > MAX_COMPARED_LINE || newLine.length > MAX_COMPARED_LINE) return oldLine.trim() === newLine.trim();
  const a = Array.from(oldLine);
  const b = Array.from(newLine);
  const parts = diffArrays(a, b, { maxEditLength: MAX_LINE_CHAR_EDITS });
  if (parts === undefined) return false;
  const meaningful = meaningfulParts(oldLine, newLine, parts);
  const nonBlank = (t: string): number => t.replace(/\s+/gu, '').length;
  const kept = parts.reduce((n, p, k) => (meaningful[k] ? n + nonBlank(p.value.join('')) : n), 0);
  return kept > 0 && kept * 2 >= nonBlank(oldLine);
}

interface Run {
  readonly equal: boolean;
  readonly oldAt: number;
  readonly newAt: number;
  removed: number;
  added: number;
  anchored: boolean;
  nonBlank: number;
  human: boolean;
  telling: boolean;
  top: boolean;
  /** A changed gap whose every line is an AI line a person touched up in place (keeps some of its text). */
  touchedUp?: boolean;
  /** A changed gap where at most SMALL_CHANGE new lines took the place of more lines, all of them AI. */
  replacedAi?: boolean;
}

/**
 * Carries provenance from old lines to new ones, keeping it only where the match is anchored. `oldKeys`/`newKeys` are
 * line texts or line hashes, '' for a blank line; `newLines` the new text's lines (to judge how telling a line is);
 * `oldTexts` the texts of old AI lines where known (to tell a touch-up from a rewrite).
 *
 * Unchanged lines (a sequence alignment) are grouped into chains: runs joined by a gap that only deleted or only
 * inserted lines, or touched up a line or two of AI text in place, so their order and neighbours are the recorded
 * ones. A chain carries its lines' provenance, short lines included, when it holds at least three non-blank lines, or
 * two with a human line among them (AI lines still sitting in the person's text), the top of both files counting as
 * one such line, or two at the top; or a distinctive line with at most SMALL_CHANGE lines changed on either side. A
 * lone `}` or two short lines that come back among a person's new text inherit nothing. A block of AI lines found
 * unchanged at a new place (moved) keeps its provenance when it holds two non-blank lines and a distinctive line or
 * three lines with letters: a lone `}` never moves.
 * The rest, without the moved lines, is in order and goes through `carryLines` as a diff's hunks do: a changed region
 * next to an anchored chain by `changedRegion` (a changed line paired with an AI or mixed one is `mixed`, or `human`
 * when the old AI text is known and none of it meaningfully remains), any other gives nothing. Inserted and blank
 * lines are human.
 */
export function carry(
  oldKeys: readonly string[],
  oldProv: LineRuns,
  newKeys: readonly string[],
  newLines?: readonly string[],
  oldTexts?: readonly (string | undefined)[],
): LineRuns {
  if (!hasAi(oldProv)) return humanLines(newKeys.length);
  return fromLines(carryEach(oldKeys, toLines(oldProv), newKeys, newLines, oldTexts));
}

/** `carry` line by line: the alignment looks lines up at random. */
function carryEach(
  oldKeys: readonly string[],
  oldProv: readonly LineProvenance[],
  newKeys: readonly string[],
  newLines?: readonly string[],
  oldTexts?: readonly (string | undefined)[],
): LineProvenance[] {
  const out = new Array<LineProvenance>(newKeys.length).fill(HUMAN);
  if (!oldProv.some(isAi)) return out;
  const parts = alignLines(oldKeys, oldProv, newKeys, newLines, oldTexts);
  if (!parts) return out;
  const runs = alignRuns(parts, oldKeys, oldProv, newLines);

  // A distinctive line anchors its run only where a few lines changed around it (a person's touch-up): where much
  // changed, it may be a line the person typed again themselves (an import, a `} catch (error) {`).
  const small = (r: Run | undefined): boolean => r === undefined || (r.removed <= SMALL_CHANGE && r.added <= SMALL_CHANGE);
  runs.forEach((r, k) => {
    if (r.equal && !r.anchored && r.telling && small(runs[k - 1]) && small(runs[k + 1])) r.anchored = true;
  });
  for (const r of runs) {
    if (r.equal || r.added === 0 || r.added > SMALL_CHANGE || r.added >= r.removed) continue;
    let all = true;
    for (let j = 0; j < r.removed && all; j++) all = isAi(oldProv[r.oldAt + j]!);
    r.replacedAi = all;
  }
  if (newLines && oldTexts) {
    for (const r of runs) {
      if (r.equal || r.removed !== r.added || r.removed > SMALL_CHANGE) continue;
      let all = true;
      for (let j = 0; j < r.removed && all; j++) {
        const was = oldTexts[r.oldAt + j];
        all = was !== undefined && isAi(oldProv[r.oldAt + j]!) && keepsText(was, newLines[r.newAt + j] ?? '');
      }
      r.touchedUp = all;
    }
  }
  anchorChains(runs);

  // Lines the alignment matched are taken; of the rest, blocks of AI lines found elsewhere are moved ones.
  const oldUsed = new Uint8Array(oldKeys.length);
  const newUsed = new Uint8Array(newKeys.length);
  for (const r of runs) if (r.equal) for (let j = 0; j < r.added; j++) (oldUsed[r.oldAt + j] = 1), (newUsed[r.newAt + j] = 1);
  // Without the new text (line hashes only), a block cannot be judged: nothing moves.
  const moved = newLines === undefined ? new Map<number, number>() : movesOf(oldKeys, newKeys, newLines, oldUsed, newUsed, (j) => isAi(oldProv[j]!));

  // Without the moved lines the alignment keeps the order of both texts: its hunks go through carryLines, as a git
  // diff's do, with what no anchored run vouches for withheld (an unanchored run, a gap between unanchored runs).
  const keptOld: number[] = [];
  const keptNew: number[] = [];
  const prov: LineProvenance[] = [];
  const hunks: Hunk[] = [];
  runs.forEach((r, k) => {
    const vouched = r.equal ? r.anchored : runs[k - 1]?.anchored === true || runs[k + 1]?.anchored === true;
    const oldStart = keptOld.length;
    const newStart = keptNew.length;
    for (let j = 0; j < r.removed; j++) {
      if (r.equal || !oldUsed[r.oldAt + j]) keptOld.push(r.oldAt + j), prov.push(vouched ? oldProv[r.oldAt + j]! : HUMAN);
    }
    for (let j = 0; j < r.added; j++) if (r.equal || !newUsed[r.newAt + j]) keptNew.push(r.newAt + j);
    if (r.equal || (keptOld.length === oldStart && keptNew.length === newStart)) return;
    const olds = keptOld.slice(oldStart);
    const news = keptNew.slice(newStart);
    hunks.push({
      oldStart,
      oldCount: olds.length,
      newStart,
      newCount: news.length,
      oldLines: oldTexts && olds.map((o) => oldTexts[o]),
      newLines: vouched ? news.map((at) => (newKeys[at] === '' ? '' : newLines?.[at])) : undefined,
    });
  });
  carryLines(prov, hunks, keptNew.length).forEach((p, i) => (out[keptNew[i]!] = p));
  for (const [at, o] of moved) out[at] = newKeys[at] === '' ? HUMAN : oldProv[o]!;
  return out;
}

/** A line's text without its whitespace: a formatter's re-indent, trimmed end or tabs turned to spaces leave it as it was. */
function squeezed(line: string): string {
  return line.replace(/\s+/gu, '');
}

/**
 * The line diff of old keys into new ones. Where the old AI lines' texts are known, an old AI line also matches a new
 * line that differs from it only in whitespace (a formatter changed no authorship); a person's lines, known only by
 * their keys, match exactly, and a blank line never matches a line with text.
 */
function alignLines(
  oldKeys: readonly string[],
  oldProv: readonly LineProvenance[],
  newKeys: readonly string[],
  newLines: readonly string[] | undefined,
  oldTexts: readonly (string | undefined)[] | undefined,
): ArrayChange<number>[] | undefined {
  const oldAt = oldKeys.map((_, i) => i);
  const newAt = newKeys.map((_, j) => j);
  if (!newLines || !oldTexts) return lineDiff(oldAt, newAt, (i, j) => oldKeys[i] === newKeys[j]);
  const oldSqueezed = oldKeys.map((_, i) => {
    const t = oldTexts[i];
    return t === undefined || !isAi(oldProv[i]!) ? undefined : squeezed(t);
  });
  const newSqueezed = newKeys.map((_, j) => squeezed(newLines[j] ?? ''));
  const same = (i: number, j: number): boolean => oldKeys[i] === newKeys[j] || (oldSqueezed[i] !== undefined && oldSqueezed[i] !== '' && oldSqueezed[i] === newSqueezed[j]);
  return lineDiff(oldAt, newAt, same);
}

/**
 * What becomes of recorded lines inside a changed region, where `newLines` took the place of old lines with provenance
 * `oldProv`: the one rule for the working state, a staged or carried version and a diff's hunk. `oldTexts`: the old
 * lines' texts where known; `newLines`: the new texts, undefined where only a line hash is known, '' for a blank line.
 *
 * By a person (no `author`): a new line pairs with the next old AI line, in order, whose text it keeps: one that
 * differs from it only in whitespace keeps its provenance (a formatter), one that meaningfully keeps its text is
 * `mixed` (a touch-up), and a line that keeps text of none (retyped, or new) is human. Where the number of lines
 * changed, a new line that keeps text of several old ones keeps what they share (a pattern typed again), not one
 * line's text: it pairs with none. Without the texts, or in a region too large to compare, lines pair in order (as an
 * older entry always did) and a changed AI line is `mixed`, or judged by the rule above when both texts are known.
 * By an agent: a new line paired in order with an old `ai` line is `ai`, with any other `mixed`, and an added line
 * `ai`. A blank new line is human either way.
 */
export function changedRegion(
  oldProv: readonly LineProvenance[],
  oldTexts: readonly (string | undefined)[] | undefined,
  newLines: readonly (string | undefined)[],
  author?: Attribution,
): LineProvenance[] {
  const out = new Array<LineProvenance>(newLines.length).fill(HUMAN);
  if (author) {
    const ai: LineProvenance = { kind: 'ai', attribution: author };
    const mixed: LineProvenance = { kind: 'mixed', attribution: author };
    newLines.forEach((line, j) => {
      if (line !== '') out[j] = j >= oldProv.length ? ai : oldProv[j]!.kind === 'ai' ? ai : mixed;
    });
    return out;
  }
  const aiOld = (o: number): boolean => isAi(oldProv[o]!) && oldProv[o]!.attribution !== undefined;
  return changedPairs(aiOld, oldProv.length, oldTexts, newLines).map((pair) => {
    if (!pair) return HUMAN;
    const was = oldProv[pair.old]!;
    return pair.keeps ? was : { kind: 'mixed', attribution: was.attribution };
  });
}

/** A new line of a changed region paired with old line `old`: `keeps` its provenance (whitespace only), or a touch-up (mixed). */
export interface ChangedPair {
  readonly old: number;
  readonly keeps: boolean;
}

/**
 * The pairing behind `changedRegion` by a person (see there): for each new line, the old AI line (`aiOld`) it pairs
 * with, or undefined (human). It looks at which old lines are AI and at the texts only, never at who wrote them, so
 * runs of several attributions over one region pair the same as the region's lines one by one.
 */
export function changedPairs(
  aiOld: (o: number) => boolean,
  oldCount: number,
  oldTexts: readonly (string | undefined)[] | undefined,
  newLines: readonly (string | undefined)[],
): (ChangedPair | undefined)[] {
  const out = new Array<ChangedPair | undefined>(newLines.length).fill(undefined);
  /** New line `line` as a touch-up of old line `o`, when it keeps the old text; undefined otherwise. */
  const judged = (o: number, was: string, line: string): ChangedPair | undefined => {
    const sq = squeezed(line);
    if (sq !== '' && squeezed(was) === sq) return { old: o, keeps: true };
    return keepsText(was, line) ? { old: o, keeps: false } : undefined;
  };
  const known = oldTexts !== undefined && newLines.every((l) => l !== undefined);
  if (!known || oldCount * newLines.length > MAX_PAIR_CHECKS) {
    const paired = Math.min(oldCount, newLines.length);
    for (let j = 0; j < paired; j++) {
      const line = newLines[j];
      if (!aiOld(j) || line === '') continue;
      const was = oldTexts?.[j];
      out[j] = was === undefined || line === undefined ? { old: j, keeps: false } : judged(j, was, line);
    }
    return out;
  }
  const inPlace = oldCount === newLines.length;
  let from = 0;
  newLines.forEach((line, at) => {
    if (line === '' || line === undefined) return;
    const kept: ChangedPair[] = [];
    for (let o = from; o < oldCount && (kept.length === 0 || (!inPlace && kept.length < 2)); o++) {
      const was = oldTexts![o];
      const p = aiOld(o) && was !== undefined ? judged(o, was, line) : undefined;
      if (p) kept.push(p);
    }
    if (kept.length !== 1) return;
    out[at] = kept[0];
    from = kept[0]!.old + 1;
  });
  return out;
}

/**
 * A new version's provenance line by line through the hunks of a line diff in order (a git diff's, jsdiff's, or the
 * working state's alignment): unchanged lines keep the old line's, the lines of each hunk go by `changedRegion` (with
 * `author`, what an agent's edit made of them), and a hunk read without its new texts gives its lines none.
 */
export function carryLines(oldProv: readonly LineProvenance[], hunks: readonly Hunk[], newCount: number, author?: Attribution): LineProvenance[] {
  const out = new Array<LineProvenance>(newCount);
  let o = 0;
  let n = 0;
  for (const h of hunks) {
    while (n < h.newStart) out[n++] = oldProv[o++]!;
    const region = h.newLines === undefined ? [] : changedRegion(oldProv.slice(h.oldStart, h.oldStart + h.oldCount), h.oldLines, h.newLines, author);
    for (let k = 0; k < h.newCount; k++) out[n++] = region[k] ?? HUMAN;
    o = h.oldStart + h.oldCount;
  }
  while (n < newCount) out[n++] = oldProv[o++]!;
  return out;
}

/** Equal and changed runs of a line diff, with what each equal run holds. */
function alignRuns(parts: readonly ArrayChange<number>[], oldKeys: readonly string[], oldProv: readonly LineProvenance[], newLines?: readonly string[]): Run[] {
  const runs: Run[] = [];
  let oldAt = 0;
  let newAt = 0;
  for (const part of parts) {
    if (part.added || part.removed) {
      let last = runs[runs.length - 1];
      if (!last || last.equal) {
        last = { equal: false, oldAt, newAt, removed: 0, added: 0, anchored: false, nonBlank: 0, human: false, telling: false, top: false };
        runs.push(last);
      }
      if (part.removed) {
        last.removed += part.count;
        oldAt += part.count;
      } else {
        last.added += part.count;
        newAt += part.count;
      }
      continue;
    }
    let nonBlank = 0;
    let human = false;
    let telling = false;
    for (let j = 0; j < part.count; j++) {
      if (oldKeys[oldAt + j] === '') continue;
      nonBlank++;
      if (!isAi(oldProv[oldAt + j]!)) human = true;
      if (newLines !== undefined && distinctive(newLines[newAt + j] ?? '')) telling = true;
    }
    // A lone AI line at the top is as weak a witness as a distinctive one: a file's first line is often typed
    // again as it was (an import, a shebang).
    const top = oldAt === 0 && newAt === 0;
    runs.push({ equal: true, oldAt, newAt, removed: part.count, added: part.count, anchored: false, nonBlank, human, telling: telling || (top && nonBlank >= 1), top });
    oldAt += part.count;
    newAt += part.count;
  }
  return runs;
}

/**
 * A gap that keeps the order of the lines around it: it only deleted, only inserted, touched up AI lines in place, or
 * put a line or two of a person's in place of more AI lines.
 */
function thin(gap: Run): boolean {
  return gap.removed === 0 || gap.added === 0 || gap.touchedUp === true || gap.replacedAi === true;
}

/**
 * Joins equal runs separated by a thin gap (see `thin`) into chains, and anchors every run of
 * a chain that is anchored as a whole. The top of both files is as good a neighbour as a line; the end is not (files
 * end alike: `}`).
 */
function anchorChains(runs: Run[]): void {
  let k = 0;
  while (k < runs.length) {
    if (!runs[k]!.equal) {
      k++;
      continue;
    }
    const chain = [runs[k]!];
    let next = k + 2;
    while (next < runs.length && runs[next]!.equal && thin(runs[next - 1]!)) {
      chain.push(runs[next]!);
      next += 2;
    }
    const nonBlank = chain.reduce((n, r) => n + r.nonBlank, 0);
    const human = chain.some((r) => r.human);
    const top = chain[0]!.top ? 1 : 0;
    const anchored = chain.some((r) => r.anchored) || nonBlank >= 3 || (nonBlank + top >= 2 && human) || (nonBlank >= 2 && top === 1);
    if (anchored) for (const r of chain) r.anchored = true;
    k = next - 1;
  }
}

/**
 * The lines of `newText` that are lines of `oldText` moved elsewhere (new line index → old line index): blocks the
 * line diff leaves unmatched on both sides, found unchanged, with two non-blank lines and a distinctive one or three
 * with words, counting only old lines `eligible` (all by default). An edit that moves code moves its lines' authors.
 */
export function movedLines(oldText: readonly string[], newText: readonly string[], eligible: (oldAt: number) => boolean = () => true): Map<number, number> {
  const parts = lineDiff(oldText, newText);
  if (!parts) return new Map();
  const oldUsed = new Uint8Array(oldText.length);
  const newUsed = new Uint8Array(newText.length);
  let o = 0;
  let n = 0;
  for (const part of parts) {
    if (part.removed) o += part.count;
    else if (part.added) n += part.count;
    else for (let k = 0; k < part.count; k++) (oldUsed[o++] = 1), (newUsed[n++] = 1);
  }
  return movesOf(oldText, newText, newText, oldUsed, newUsed, eligible);
}

/**
 * The lines of `newText` that `open` picks and that are lines of `oldText`, another file's, moved there (new line
 * index → old line index): blocks equal line for line, by the rules of movedLines, counting only old lines `eligible`.
 */
export function movedAcross(oldText: readonly string[], newText: readonly string[], eligible: (oldAt: number) => boolean, open: (newAt: number) => boolean): Map<number, number> {
  return movesOf(oldText, newText, newText, new Uint8Array(oldText.length), Uint8Array.from(newText, (_, i) => (open(i) ? 0 : 1)), eligible);
}

/**
 * The moved blocks among lines not yet used (see `findMoves`: equal by keys, line texts or hashes), each evidence
 * enough by its new texts `newLines` (see `movable`), as new line index → old line index. Marks them used.
 */
function movesOf(
  oldKeys: readonly string[],
  newKeys: readonly string[],
  newLines: readonly string[],
  oldUsed: Uint8Array,
  newUsed: Uint8Array,
  eligible: (oldAt: number) => boolean,
): Map<number, number> {
  const moved = new Map<number, number>();
  const moves = findMoves(oldKeys, newKeys, oldUsed, newUsed, eligible, (oldAt, newAt, len) => movable(newLines, newAt, len, (k) => eligible(oldAt + k)));
  for (const [oldAt, newAt, len] of moves) for (let k = 0; k < len; k++) moved.set(newAt + k, oldAt + k);
  return moved;
}

/**
 * Blocks `[oldAt, newAt, length]` of new lines not yet used that equal, key for key, old lines not yet used (the
 * first an `eligible` non-blank one), longest first from the top, each `accept`ed; marks them used.
 */
function findMoves(
  oldKeys: readonly string[],
  newKeys: readonly string[],
  oldUsed: Uint8Array,
  newUsed: Uint8Array,
  eligible: (oldAt: number) => boolean,
  accept: (oldAt: number, newAt: number, len: number) => boolean,
): [number, number, number][] {
  const places = new Map<string, number[]>();
  for (let j = 0; j < oldKeys.length; j++) {
    if (oldUsed[j] || oldKeys[j] === '' || !eligible(j)) continue;
    const list = places.get(oldKeys[j]!);
    if (list) list.push(j);
    else places.set(oldKeys[j]!, [j]);
  }
  const found: [number, number, number][] = [];
  if (places.size === 0) return found;
  let budget = MOVE_BUDGET;
  for (let i = 0; i < newKeys.length && budget > 0; i++) {
    if (newUsed[i]) continue;
    const candidates = places.get(newKeys[i]!);
    if (!candidates) continue;
    let best = 0;
    let bestAt = -1;
    let looked = 0;
    for (const j of candidates) {
      if (oldUsed[j]) continue;
      if (++looked > MAX_MOVE_CANDIDATES) break;
      let len = 0;
      while (i + len < newKeys.length && j + len < oldKeys.length && !newUsed[i + len] && !oldUsed[j + len] && newKeys[i + len] === oldKeys[j + len]) len++;
      budget -= len + 1;
      if (len > best) {
        best = len;
        bestAt = j;
      }
    }
    if (bestAt < 0 || !accept(bestAt, i, best)) continue;
    for (let k = 0; k < best; k++) {
      oldUsed[bestAt + k] = 1;
      newUsed[i + k] = 1;
    }
    found.push([bestAt, i, best]);
    i += best - 1;
  }
  return found;
}

/** Whether a block of `len` lines at `newAt` of `newLines` is evidence enough of a move, counting the lines `counts` picks. */
function movable(newLines: readonly string[], newAt: number, len: number, counts: (k: number) => boolean): boolean {
  let nonBlank = 0;
  let worded = 0;
  let telling = false;
  for (let k = 0; k < len; k++) {
    const line = newLines[newAt + k] ?? '';
    if (line === '' || !counts(k)) continue;
    nonBlank++;
    if (substantive(line)) worded++;
    if (distinctive(line)) telling = true;
  }
  return nonBlank >= 2 && (telling || worded >= 3);
}
