// What a commit (or the index) changes: one `diff-index`/`diff-tree` call with raw, numstat and -U0 hunks, parsed from -z output.
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { catFileBatch, git, gitBuffer } from './run';
import type { Repo } from './repo';

export interface FileChange {
  /** A, M, R, C, T (D is never returned: a deletion adds no lines). */
  readonly status: string;
  /** Repository-relative path in the new version. */
  readonly path: string;
  /** The old path for renames and copies. */
  readonly oldPath?: string;
  readonly oldBlob: string;
  readonly newBlob: string;
  readonly newMode: string;
  readonly binary: boolean;
  /** Added or changed line ranges in the new version, 0-based, end exclusive, ascending. */
  readonly added: readonly (readonly [number, number])[];
  readonly addedCount: number;
  /** Lines removed or changed in the old version (0 for binary files). */
  readonly removedCount: number;
  /** Their ranges in the old version, 0-based, end exclusive, ascending. */
  readonly removed: readonly (readonly [number, number])[];
  /** Their texts, in the order of `removed`. */
  readonly removedText: readonly string[];
  /** The added lines' texts, in the order of `added`. */
  readonly addedText: readonly string[];
}

/** The flags of every diff we parse; prepare-commit-msg's shell runs the same `diff-index` (hookScripts.ts). */
export const DIFF_FLAGS = ['-M', '--raw', '--numstat', '-z', '-p', '-U0', '--no-color', '--no-ext-diff', '--no-textconv', '--no-abbrev', '--no-relative', '--full-index'] as const;

/** Changes of the index against `base` (a commit or tree). */
export async function indexChanges(repo: Repo, base: string): Promise<FileChange[]> {
  const out = await gitBuffer(['diff-index', '--cached', ...DIFF_FLAGS, base, '--'], { cwd: repo.root });
  return parseDiffOutput(out.stdout.toString('utf8'));
}

/** Ends the staged diff prepare-commit-msg's shell computes while Node starts: `\n<marker> <diff exit status>\n`. */
export const PRECOMPUTED_END = 'ai-provenance-diff-exit';

/**
 * Parses what the shell wrote: the output of `git diff-index --cached DIFF_FLAGS HEAD --`, then the end marker with
 * the diff's exit status. Undefined when the diff failed (no HEAD yet, say) or the stream is not of that form: the
 * caller then asks git itself.
 */
export function parsePrecomputed(out: Buffer): FileChange[] | undefined {
  const end = out.lastIndexOf(`\n${PRECOMPUTED_END} `);
  if (end < 0 || !/^0\n?$/.test(out.subarray(end + PRECOMPUTED_END.length + 2).toString('latin1'))) return undefined;
  return parseDiffOutput(out.subarray(0, end).toString('utf8'));
}

/** Changes of commit `target` against `base` (its parent, or the empty tree). */
export async function commitChanges(repo: Repo, base: string, target: string): Promise<FileChange[]> {
  const out = await gitBuffer(['diff-tree', '-r', ...DIFF_FLAGS, base, target, '--'], { cwd: repo.root });
  return parseDiffOutput(out.stdout.toString('utf8'));
}

interface RawRecord {
  oldMode: string;
  newMode: string;
  oldBlob: string;
  newBlob: string;
  status: string;
  path: string;
  oldPath?: string;
}

/** Parses `--raw --numstat -z -p -U0` output: NUL-separated raw records, then numstat records, then the patch text. */
export function parseDiffOutput(out: string): FileChange[] {
  if (out === '') return [];
  let pos = 0;
  const field = (): string => {
    const end = out.indexOf('\0', pos);
    if (end < 0) throw new Error(`unexpected end of diff output at offset ${pos}`);
    const f = out.slice(pos, end);
    pos = end + 1;
    return f;
  };
  const raws: RawRecord[] = [];
  while (out[pos] === ':') {
    const meta = field().slice(1).split(' ');
    if (meta.length < 5) throw new Error(`malformed raw diff record at offset ${pos}`);
    const [oldMode, newMode, oldBlob, newBlob, statusScore] = meta as [string, string, string, string, string];
    const status = statusScore.charAt(0);
    if (status === 'R' || status === 'C') {
      const oldPath = field();
      raws.push({ oldMode, newMode, oldBlob, newBlob, status, oldPath, path: field() });
    } else raws.push({ oldMode, newMode, oldBlob, newBlob, status, path: field() });
  }
  const binary: boolean[] = [];
  const removed: number[] = [];
  for (let i = 0; i < raws.length; i++) {
    const f = field();
    const m = /^(-|\d+)\t(-|\d+)\t(.*)$/s.exec(f);
    if (!m) throw new Error(`malformed numstat record '${f}'`);
    binary.push(m[1] === '-');
    removed.push(m[2] === '-' ? 0 : Number(m[2]));
    // A rename's numstat has an empty path field followed by the old and new paths.
    if (m[3] === '') {
      field();
      field();
    }
  }
  if (out[pos] === '\0') pos++;
  const hunks = patchHunks(out.slice(pos), raws.map((r) => r.status));
  const changes: FileChange[] = [];
  raws.forEach((r, i) => {
    if (r.status === 'D' || r.status === 'U' || r.newMode === '160000') return;
    const ranges = binary[i] ? [] : (hunks[i]?.added ?? []);
    changes.push({
      status: r.status,
      path: r.path,
      ...(r.oldPath !== undefined ? { oldPath: r.oldPath } : {}),
      oldBlob: r.oldBlob,
      newBlob: r.newBlob,
      newMode: r.newMode,
      binary: binary[i] ?? false,
      added: ranges,
      addedCount: ranges.reduce((n, [s, e]) => n + e - s, 0),
      removedCount: removed[i] ?? 0,
      removed: binary[i] ? [] : (hunks[i]?.removed ?? []),
      removedText: binary[i] ? [] : (hunks[i]?.removedText ?? []),
      addedText: binary[i] ? [] : (hunks[i]?.addedText ?? []),
    });
  });
  return changes;
}

/** Splits a -U0 patch into per-file blocks (in raw order) and returns each block's added line ranges. */
export function parsePatchHunks(patch: string, statuses: readonly string[]): (readonly [number, number])[][] {
  return patchHunks(patch, statuses).map((h) => h.added);
}

type Ranges = (readonly [number, number])[];

interface Hunks {
  added: Ranges;
  removed: Ranges;
  /** The removed lines' texts, in the order of `removed`. */
  removedText: string[];
  /** The added lines' texts, in the order of `added`. */
  addedText: string[];
}

/** Per file block of a -U0 patch (in raw order): its added line ranges (new version), removed ones (old version) and their texts. */
function patchHunks(patch: string, statuses: readonly string[]): Hunks[] {
  const blocks: Hunks[] = [];
  let current: Hunks | undefined;
  // Removed and added lines still to come in the current hunk (-U0: '-' lines, then '+' lines).
  let pendingOld = 0;
  let pendingNew = 0;
  let lineStart = 0;
  while (lineStart < patch.length) {
    let lineEnd = patch.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = patch.length;
    const c = patch.charCodeAt(lineStart);
    if ((pendingOld > 0 && c === 0x2d) /* - */ || (pendingNew > 0 && c === 0x2b) /* + */) {
      const text = patch.slice(lineStart + 1, patch.charCodeAt(lineEnd - 1) === 0x0d ? lineEnd - 1 : lineEnd);
      if (c === 0x2d) {
        pendingOld--;
        current?.removedText.push(text);
      } else {
        pendingNew--;
        current?.addedText.push(text);
      }
    } else if (c === 0x64 /* d */ && patch.startsWith('diff --git ', lineStart)) {
      current = { added: [], removed: [], removedText: [], addedText: [] };
      pendingOld = 0;
      pendingNew = 0;
      blocks.push(current);
    } else if (c === 0x40 /* @ */ && current) {
      const m = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(patch.slice(lineStart, Math.min(lineEnd, lineStart + 200)));
      if (m) {
        const oldStart = Number(m[1]);
        const oldCount = m[2] === undefined ? 1 : Number(m[2]);
        if (oldCount > 0) current.removed.push([oldStart - 1, oldStart - 1 + oldCount]);
        pendingOld = oldCount;
        const start = Number(m[3]);
        const count = m[4] === undefined ? 1 : Number(m[4]);
        if (count > 0) current.added.push([start - 1, start - 1 + count]);
        pendingNew = count;
      }
    }
    lineStart = lineEnd + 1;
  }
  // A type change (e.g. symlink to file) prints a deletion block and a creation block for one raw record.
  const out: Hunks[] = [];
  const none: Hunks = { added: [], removed: [], removedText: [], addedText: [] };
  let b = 0;
  for (const s of statuses) {
    if (s === 'T') {
      b++;
      out.push(blocks[b++] ?? none);
    } else out.push(blocks[b++] ?? none);
  }
  return out;
}

export interface ReadBlobsOptions {
  /** A file that may hold the blob's bytes: used when its git object id matches, saving the `cat-file` process. */
  readonly onDisk?: (id: string) => string | undefined;
}

/** Reads blobs by id through one `git cat-file --batch`, or none when files on disk hold them all. */
export async function readBlobs(repo: Repo, ids: readonly string[], opts: ReadBlobsOptions = {}): Promise<Map<string, Buffer>> {
  const unique = [...new Set(ids)];
  const map = new Map<string, Buffer>();
  if (opts.onDisk) {
    const onDisk = opts.onDisk;
    const found = await Promise.all(unique.map((id) => onDisk(id)).map((file, i) => (file === undefined ? undefined : readIfBlob(repo, file, unique[i]!))));
    found.forEach((buf, i) => buf && map.set(unique[i]!, buf));
  }
  const rest = unique.filter((id) => !map.has(id));
  if (rest.length === 0) return map;
  const objects = await catFileBatch(repo.root, rest);
  rest.forEach((id, i) => {
    const o = objects[i];
    if (o) map.set(id, o.content);
  });
  return map;
}

/** The file's bytes when they are exactly blob `id` (its object id, as `git hash-object` computes it), else undefined. */
export async function readIfBlob(repo: Repo, file: string, id: string): Promise<Buffer | undefined> {
  let buf: Buffer;
  try {
    buf = await fsp.readFile(file);
  } catch {
    return undefined;
  }
  return blobId(repo, buf) === id ? buf : undefined;
}

/** The object id git gives `content` as a blob in this repository's object format. */
export function blobId(repo: Repo, content: Uint8Array): string {
  return createHash(repo.objectFormat === 'sha256' ? 'sha256' : 'sha1')
    .update(`blob ${content.length}\0`)
    .update(content)
    .digest('hex');
}

/** Whether a blob looks binary the way git decides it (a NUL in the first 8000 bytes). */
export function isBinary(buf: Buffer): boolean {
  return buf.subarray(0, 8000).includes(0);
}

/** `git ls-files -z` paths (index), for tests and status. */
export async function listFiles(repo: Repo, args: readonly string[] = []): Promise<string[]> {
  const { stdout } = await git(['ls-files', '-z', ...args], { cwd: repo.root });
  return parseNulList(stdout);
}

export function parseNulList(out: string): string[] {
  return out.split('\0').filter((s) => s !== '');
}
