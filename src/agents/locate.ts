// Reconstructs the text a file had before an agent's edit from the text after it, or gives up.
// Sound only by uniqueness: a written string that occurs exactly once in the result must be the one written.
import type { FileWrite, PatchHunk, Replacement } from './types';

/** Start offsets of every occurrence of `needle` (non-empty) in `text`. */
export function occurrences(text: string, needle: string): number[] {
  const out: number[] = [];
  if (needle === '') return out;
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) out.push(i);
  return out;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** The one place `needle` can be, using the agent's line hint only to choose among several. */
function uniqueOffset(text: string, needle: string, lineHint?: number): number | undefined {
  const at = occurrences(text, needle);
  if (at.length === 1) return at[0];
  if (at.length > 1 && lineHint !== undefined) {
    const onLine = at.filter((o) => lineOf(text, o) === lineHint);
    if (onLine.length === 1) return onLine[0];
  }
  return undefined;
}

/** Undoes replacements applied in order, last first; undefined when any step is ambiguous. */
export function undoReplacements(after: string, replacements: readonly Replacement[]): string | undefined {
  let text = after;
  for (let i = replacements.length - 1; i >= 0; i--) {
    const r = replacements[i]!;
    // Replaced occurrences cannot be told from ones that were there already.
    if (r.all) return undefined;
    if (r.newText === '') return undefined;
    const at = uniqueOffset(text, r.newText, r.lineHint);
    if (at === undefined) return undefined;
    text = text.slice(0, at) + r.oldText + text.slice(at + r.newText.length);
  }
  return text;
}

/** Applies replacements as the agents do (a single replacement needs a unique match); undefined when one would fail. */
export function applyReplacements(before: string, replacements: readonly Replacement[]): string | undefined {
  let text = before;
  for (const r of replacements) {
    if (r.oldText === '') {
      if (text !== '') return undefined;
      text = r.newText;
      continue;
    }
    const at = occurrences(text, r.oldText);
    if (at.length === 0 || (!r.all && at.length !== 1)) return undefined;
    text = r.all ? text.split(r.oldText).join(r.newText) : text.slice(0, at[0]) + r.newText + text.slice(at[0]! + r.oldText.length);
  }
  return text;
}

function indexOfLines(lines: readonly string[], seq: readonly string[], from: number): number {
  outer: for (let i = from; i + seq.length <= lines.length; i++) {
    for (let j = 0; j < seq.length; j++) if (lines[i + j] !== seq[j]) continue outer;
    return i;
  }
  return -1;
}

/** Undoes the hunks of a line patch, last first; undefined when a hunk's result is not unique. */
export function undoHunks(after: string, hunks: readonly PatchHunk[]): string | undefined {
  const lines = after.split('\n');
  // A final newline leaves one empty element that is not a line of its own.
  const trailing = lines.length > 0 && lines[lines.length - 1] === '' ? lines.pop() : undefined;
  for (let h = hunks.length - 1; h >= 0; h--) {
    const hunk = hunks[h]!;
    if (hunk.newLines.length === 0) return undefined;
    let at: number;
    if (hunk.atEnd) {
      at = lines.length - hunk.newLines.length;
      if (at < 0 || indexOfLines(lines, hunk.newLines, at) !== at) return undefined;
    } else {
      at = indexOfLines(lines, hunk.newLines, 0);
      if (at < 0 || indexOfLines(lines, hunk.newLines, at + 1) >= 0) return undefined;
    }
    lines.splice(at, hunk.newLines.length, ...hunk.oldLines);
  }
  if (trailing !== undefined) lines.push(trailing);
  return lines.join('\n');
}

/** Applies line hunks in order as Codex does (each after the previous one; no old lines: append at the end); undefined when one does not apply. */
export function applyHunks(before: string, hunks: readonly PatchHunk[]): string | undefined {
  const lines = before.split('\n');
  const trailing = lines.length > 0 && lines[lines.length - 1] === '' ? lines.pop() : undefined;
  let cursor = 0;
  for (const hunk of hunks) {
    let at: number;
    if (hunk.oldLines.length === 0) at = lines.length;
    else if (hunk.atEnd) {
      at = lines.length - hunk.oldLines.length;
      if (at < cursor || indexOfLines(lines, hunk.oldLines, at) !== at) return undefined;
    } else {
      at = indexOfLines(lines, hunk.oldLines, cursor);
      if (at < 0) return undefined;
    }
    lines.splice(at, hunk.oldLines.length, ...hunk.newLines);
    cursor = at + hunk.newLines.length;
  }
  if (trailing !== undefined || lines.length === 0) lines.push('');
  return lines.join('\n');
}

/** What the file should hold after `write` was applied to `before` and nothing else touched it; undefined when unknown. */
export function expectedAfter(write: FileWrite, before: string): string | undefined {
  switch (write.kind) {
    case 'write':
      return write.content;
    case 'replace':
      return applyReplacements(before, write.replacements);
    case 'patch':
      return applyHunks(before, write.hunks);
    case 'delete':
    case 'snapshot-only':
      return undefined;
  }
}

/**
 * The before-text of `write` given the text now on disk, when the payload alone determines it.
 * `write` content that does not match the disk means the payload is not what was written: give up.
 */
export function reconstructBefore(write: FileWrite, after: string): string | undefined {
  switch (write.kind) {
    case 'write':
      return write.created && write.content === after ? '' : undefined;
    case 'replace':
      return undoReplacements(after, write.replacements);
    case 'patch':
      return write.moveFrom === undefined ? undoHunks(after, write.hunks) : undefined;
    case 'delete':
    case 'snapshot-only':
      return undefined;
  }
}
