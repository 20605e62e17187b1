// Carrying provenance across a change made outside the tracker (a file edited on disk, a staged version).
import { diffArrays } from 'diff';
import type { Attribution, TextChange } from './model';
import { fromLines, toLines, type LineRuns } from './lineRuns';
import { carryLines, changedRegion, keptParts, lineDiff } from './carry';
import { hunksOf } from './lineCarry';
import { splitWithEols } from './lines';

export { splitLines } from './lines';

/** Texts up to this many characters (old plus new) are refined to a character diff. */
const MAX_CHAR_HUNK = 8_000;
/** The character diff of one hunk gives up beyond this many edits and replaces the hunk's lines instead. */
const MAX_CHAR_EDITS = 500;
/** Time all character refinements of one call may take together; the rest are replaced line by line. */
const CHAR_DIFF_MS = 500;

/**
 * Carries provenance from old lines to new lines by content: the hunks of a line diff (jsdiff on the line arrays;
 * works on line texts or on line hashes) carried as a git diff's are (`carryLines`). Unchanged lines keep theirs; the lines of each changed region go by `changedRegion` (inserted lines
 * are `ai` for `author`, `human` when author is undefined; a person's re-spacing keeps the author, a touch-up is
 * `mixed`, a rewrite `human`; with line hashes every change is a rewrite; blank lines carry no authorship).
 */
export function reanchor(oldLines: readonly string[], oldProv: LineRuns, newLines: readonly string[], author?: Attribution): LineRuns {
  if (oldProv.lineCount !== oldLines.length) {
    throw new RangeError(`reanchor: provenance of ${oldProv.lineCount} lines given for ${oldLines.length} lines`);
  }
  const parts = lineDiff(oldLines, newLines);
  // Too different to align: every line is new.
  if (!parts) return fromLines(changedRegion([], [], newLines, author));
  return fromLines(carryLines(toLines(oldProv), hunksOf(parts), newLines.length, author));
}

/** Line and column at an offset, advanced token by token. */
interface Cursor {
  line: number;
  character: number;
  offset: number;
}

function advance(at: Cursor, token: string): void {
  at.offset += token.length;
  if (token === '\n' || token === '\r' || token === '\r\n') {
    at.line++;
    at.character = 0;
  } else {
    at.character += token.length;
  }
}

/** Characters as edit units, with `\r\n` kept whole so no change ever splits a line break. */
function charTokens(text: string): string[] {
  return text.match(/\r\n|[\s\S]/gu) ?? [];
}

/**
 * The edits that turn oldText into newText, as VS Code-shaped changes in the order VS Code would send them, small
 * (line diff, then a character diff inside changed hunks of moderate size), so that replaying them through a
 * LineTracker attributes an external edit at character precision.
 */
export function changesBetween(oldText: string, newText: string): TextChange[] {
  if (oldText === newText) return [];
  const a = splitWithEols(oldText);
  const b = splitWithEols(newText);
  const oldTok = a.lines.map((l, i) => l + a.eols[i]);
  const newTok = b.lines.map((l, i) => l + b.eols[i]);
  const parts = lineDiff(oldTok, newTok);
  const deadline = Date.now() + CHAR_DIFF_MS;
  const changes: TextChange[] = [];
  if (!parts) {
    const last = a.lines.length - 1;
    changes.push(makeChange({ line: 0, character: 0, offset: 0 }, { line: last, character: a.lines[last].length, offset: oldText.length }, newText));
    return changes;
  }
  const at: Cursor = { line: 0, character: 0, offset: 0 };
  let removed: string[] = [];
  let added: string[] = [];
  let pending = false;
  const flush = (): void => {
    if (pending) hunkChanges(at, removed, added, changes, deadline);
    removed = [];
    added = [];
    pending = false;
  };
  for (const part of parts) {
    if (part.removed) {
      removed = removed.concat(part.value);
      pending = true;
    } else if (part.added) {
      added = added.concat(part.value);
      pending = true;
    } else {
      flush();
      at.offset += part.value.reduce((n, t) => n + t.length, 0);
      at.line += part.count;
      at.character = 0;
    }
  }
  flush();
  // VS Code sends an event's changes from the end of the document backwards.
  return changes.reverse();
}

/** Appends the changes of one line hunk starting at `at` (column 0 of its first line) and moves `at` past it. */
function hunkChanges(at: Cursor, removed: readonly string[], added: readonly string[], out: TextChange[], deadline: number): void {
  // Line by line when lines were edited in place, so one rewritten line cannot borrow characters from another.
  if (removed.length === added.length && removed.length > 1) {
    for (let k = 0; k < removed.length; k++) refine(at, removed[k], added[k], out, deadline);
  } else {
    refine(at, removed.join(''), added.join(''), out, deadline);
  }
}

/** Character changes turning `removed` into `added` at `at`, or one replacing change when they are too different to align. */
function refine(at: Cursor, removed: string, added: string, out: TextChange[], deadline: number): void {
  const start: Cursor = { ...at };
  const whole = (): void => {
    const end: Cursor = { ...start };
    for (const t of charTokens(removed)) advance(end, t);
    pushChange(out, start, end, added);
    Object.assign(at, end);
  };
  if (removed === added) {
    for (const t of charTokens(removed)) advance(at, t);
    return;
  }
  const left = deadline - Date.now();
  if (removed.length + added.length > MAX_CHAR_HUNK || left <= 0) return whole();
  const parts = diffArrays(charTokens(removed), charTokens(added), { maxEditLength: MAX_CHAR_EDITS, timeout: left });
  if (!parts) return whole();
  // Unchanged characters that are no word nor run of text in common (a space, an `a` of `pass` in new code) are
  // coincidence: replaced, so that the old authors stay only where their text really remains.
  const kept = keptParts(removed, added, parts);
  // When little of the old text survives, what does is scattered coincidence, and its old authors must not stay.
  const keptLength = parts.reduce((n, p, k) => (kept[k] ? n + p.value.join('').length : n), 0);
  if (keptLength * 2 < removed.length) return whole();
  let from: Cursor | undefined;
  let text = '';
  const emit = (): void => {
    if (from) pushChange(out, from, at, text);
    from = undefined;
    text = '';
  };
  parts.forEach((part, k) => {
    if (kept[k]) {
      emit();
      for (const t of part.value) advance(at, t);
      return;
    }
    from ??= { ...at };
    if (!part.added) for (const t of part.value) advance(at, t);
    if (!part.removed) text += part.value.join('');
  });
  emit();
}

/** Appends a change, merged with the previous one when they touch: applied apart, a `\r` and a `\n` could join into one line break. */
function pushChange(out: TextChange[], from: Cursor, to: Cursor, text: string): void {
  const prev = out[out.length - 1];
  if (prev && prev.rangeOffset + prev.rangeLength === from.offset) {
    out[out.length - 1] = {
      range: { start: prev.range.start, end: { line: to.line, character: to.character } },
      rangeOffset: prev.rangeOffset,
      rangeLength: to.offset - prev.rangeOffset,
      text: prev.text + text,
    };
    return;
  }
  out.push(makeChange(from, to, text));
}

function makeChange(from: Cursor, to: Cursor, text: string): TextChange {
  return {
    range: { start: { line: from.line, character: from.character }, end: { line: to.line, character: to.character } },
    rangeOffset: from.offset,
    rangeLength: to.offset - from.offset,
    text,
  };
}
