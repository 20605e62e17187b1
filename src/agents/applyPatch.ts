// Parser for the patch envelope of Codex's `apply_patch` tool
// (grammar: openai/codex codex-rs/apply-patch/apply_patch_tool_instructions.md).
import { PayloadError, type FileWrite, type PatchHunk } from './types';

const BEGIN = '*** Begin Patch';
const END = '*** End Patch';
const ADD = '*** Add File: ';
const DELETE = '*** Delete File: ';
const UPDATE = '*** Update File: ';
const MOVE = '*** Move to: ';
const EOF_MARK = '*** End of File';

/** Codex tolerates whitespace around marker lines; other lines keep every character. */
function marker(line: string): string {
  const t = line.trim();
  const isMarker = t === BEGIN || t === END || t === EOF_MARK || [ADD, DELETE, UPDATE, MOVE].some((m) => t.startsWith(m));
  return isMarker ? t : line;
}

export interface ParsedPatch {
  /** Every file the patch writes, in patch order. */
  readonly writes: readonly FileWrite[];
  /** Every path the patch reads or writes (sources of moves included), for before-edit snapshots. */
  readonly paths: readonly string[];
}

/** Parses an apply_patch body; throws PayloadError naming the patch line that is wrong. */
export function parseApplyPatch(body: string): ParsedPatch {
  const lines = body.replace(/\r\n/g, '\n').split('\n').map(marker);
  // Codex tolerates padding around the envelope markers, so do we.
  let i = lines.findIndex((l) => l.trim() !== '');
  if (i < 0 || lines[i]!.trim() !== BEGIN) throw new PayloadError(`patch line ${i + 1}: expected '${BEGIN}'`);
  i++;
  const writes: FileWrite[] = [];
  const paths: string[] = [];
  let ended = false;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line === END) {
      ended = true;
      break;
    }
    if (line.startsWith(ADD)) {
      const path = line.slice(ADD.length).trim();
      const content: string[] = [];
      i++;
      while (i < lines.length && lines[i]!.startsWith('+')) content.push(lines[i++]!.slice(1));
      // Codex ends every added line with a newline.
      writes.push({ kind: 'write', path, content: content.map((l) => l + '\n').join(''), created: true });
      paths.push(path);
      continue;
    }
    if (line.startsWith(DELETE)) {
      const path = line.slice(DELETE.length).trim();
      writes.push({ kind: 'delete', path });
      paths.push(path);
      i++;
      continue;
    }
    if (line.startsWith(UPDATE)) {
      const source = line.slice(UPDATE.length).trim();
      i++;
      let target = source;
      if (i < lines.length && lines[i]!.startsWith(MOVE)) target = lines[i++]!.slice(MOVE.length).trim();
      const hunks: PatchHunk[] = [];
      let oldLines: string[] = [];
      let newLines: string[] = [];
      let open = false;
      const close = (atEnd: boolean) => {
        if (oldLines.length || newLines.length) hunks.push({ oldLines, newLines, ...(atEnd ? { atEnd } : {}) });
        oldLines = [];
        newLines = [];
      };
      while (i < lines.length) {
        const l = lines[i]!;
        if (l.startsWith('@@')) {
          close(false);
          open = true;
        } else if (l === EOF_MARK) {
          close(true);
          open = false;
        } else if (l.startsWith('***')) {
          break;
        } else if (l.startsWith('+')) {
          newLines.push(l.slice(1));
          open = true;
        } else if (l.startsWith('-')) {
          oldLines.push(l.slice(1));
          open = true;
        } else if (l.startsWith(' ') || l === '') {
          // A bare empty line inside a hunk is an empty context line; at the very end it is the final newline.
          if (l === '' && i === lines.length - 1) break;
          oldLines.push(l.slice(1));
          newLines.push(l.slice(1));
          open = true;
        } else {
          throw new PayloadError(`patch line ${i + 1}: unexpected '${l.slice(0, 40)}' in update of ${source}`);
        }
        i++;
      }
      if (open) close(false);
      if (hunks.length === 0 && target === source) throw new PayloadError(`patch: update of ${source} has no hunks`);
      writes.push({ kind: 'patch', path: target, hunks, ...(target !== source ? { moveFrom: source } : {}) });
      paths.push(source);
      if (target !== source) paths.push(target);
      continue;
    }
    if (line.trim() === '') {
      i++;
      continue;
    }
    throw new PayloadError(`patch line ${i + 1}: unexpected '${line.slice(0, 40)}'`);
  }
  if (!ended) throw new PayloadError(`patch: missing '${END}' (truncated?)`);
  if (writes.length === 0) throw new PayloadError('patch: no file operations');
  return { writes, paths };
}
