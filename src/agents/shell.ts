// Which files a shell command changed: the dirty files before it against the dirty files after it.
// A file clean before equals its index blob, so only dirty files need copying into the snapshot.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { catFileBatch, git } from '../git/run';
import { fromRepoPath, type Repo } from '../git/repo';
import { sha1, type GitMarks, type ShellFile, type ShellSnapshot } from './snapshots';

/** Files larger than this are remembered by hash only. */
const MAX_KEPT_FILE = 2 * 1024 * 1024;
const MAX_KEPT_TOTAL = 32 * 1024 * 1024;

export interface DirtyFile {
  readonly path: string;
  /** Not in the index: a new file, or one whose index entry was removed. */
  readonly untracked: boolean;
}

/** Paths that differ from the index or HEAD, plus untracked ones (ignored files excluded, as git sees them). */
export async function dirtyFiles(repo: Repo): Promise<DirtyFile[]> {
  const { stdout } = await git(['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames', '--ignore-submodules=all'], { cwd: repo.root });
  const out: DirtyFile[] = [];
  for (const rec of stdout.split('\0')) {
    if (rec.length < 4) continue;
    const xy = rec.slice(0, 2);
    out.push({ path: rec.slice(3), untracked: xy === '??' || xy[0] === 'D' });
  }
  return out;
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await fsp.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

async function revision(repo: Repo, ref: string): Promise<string> {
  const r = await git(['rev-parse', '-q', '--verify', ref], { cwd: repo.root, okCodes: [1, 128] });
  return r.exitCode === 0 ? r.stdout.trim() : '';
}

export async function gitMarks(repo: Repo): Promise<GitMarks> {
  const [head, stash, origHead, index] = await Promise.all([
    revision(repo, 'HEAD'),
    revision(repo, 'refs/stash'),
    revision(repo, 'ORIG_HEAD'),
    fsp.stat(path.join(repo.gitDir, 'index')).then((s) => s.mtimeMs, () => 0),
  ]);
  return { head, stash, origHead, index };
}

function sameMarks(a: GitMarks, b: GitMarks): boolean {
  return a.head === b.head && a.stash === b.stash && a.origHead === b.origHead && a.index === b.index;
}

export async function takeShellSnapshot(repo: Repo, by: string, now = Date.now()): Promise<ShellSnapshot> {
  const dirty: Record<string, ShellFile> = {};
  let kept = 0;
  const marksP = gitMarks(repo);
  for (const f of await dirtyFiles(repo)) {
    const text = await readText(fromRepoPath(repo, f.path));
    // A deleted file is remembered as empty: if it comes back, all of it is new.
    const content = text ?? '';
    const keep = content.length <= MAX_KEPT_FILE && kept + content.length <= MAX_KEPT_TOTAL;
    if (keep) kept += content.length;
    dirty[f.path] = keep ? { sha1: sha1(content), text: content } : { sha1: sha1(content) };
  }
  return { at: now, by, git: await marksP, dirty };
}

/** Index contents of `paths` in one `git cat-file --batch`; a path not in the index maps to ''. */
export function indexTexts(repo: Repo, paths: readonly string[]): Promise<Map<string, string>> {
  return blobTexts(repo, paths, ':');
}

/** HEAD's contents of `paths`; a path not in HEAD maps to ''. */
export function headTexts(repo: Repo, paths: readonly string[]): Promise<Map<string, string>> {
  return blobTexts(repo, paths, 'HEAD:');
}

async function blobTexts(repo: Repo, paths: readonly string[], prefix: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (paths.length === 0) return out;
  const objects = await catFileBatch(repo.root, paths.map((p) => `${prefix}${p}`));
  paths.forEach((p, i) => {
    const o = objects[i];
    out.set(p, o?.type === 'blob' ? o.content.toString('utf8') : '');
  });
  return out;
}

export interface ShellChange {
  readonly path: string;
  readonly before: string;
  readonly after: string;
  /** When the file was last written. */
  readonly mtime: number;
}

/** File systems with a coarse clock store mtimes rounded down by up to this much. */
export const MTIME_SLACK_MS = 2_000;

/**
 * Files whose content changed since `snap` and were written after it; `unknown` lists changed files too large to
 * diff. `gitMoved`: git itself moved HEAD, the index, the stash or ORIG_HEAD meanwhile, and nothing is attributed
 * (what a stash pop, checkout or reset brings back was written by people or recorded before).
 */
export async function shellChanges(repo: Repo, snap: ShellSnapshot): Promise<{ changes: ShellChange[]; unknown: string[]; gitMoved: boolean }> {
  if (snap.git && !sameMarks(snap.git, await gitMarks(repo))) return { changes: [], unknown: [], gitMoved: true };
  const nowDirty = await dirtyFiles(repo);
  const candidates = new Set<string>([...Object.keys(snap.dirty), ...nowDirty.map((f) => f.path)]);
  const cleanBefore = [...candidates].filter((p) => !(p in snap.dirty));
  const untrackedNow = new Set(nowDirty.filter((f) => f.untracked).map((f) => f.path));
  // Clean before means equal to the index then; untracked now and not dirty before means it did not exist.
  const base = await indexTexts(repo, cleanBefore.filter((p) => !untrackedNow.has(p)));
  const changes: ShellChange[] = [];
  const unknown: string[] = [];
  for (const p of [...candidates].sort()) {
    const file = fromRepoPath(repo, p);
    const mtime = await fsp.stat(file).then((st) => st.mtimeMs, () => undefined);
    // Changed before the command started: not its doing.
    if (mtime === undefined || mtime < snap.at - MTIME_SLACK_MS) continue;
    const after = await readText(file);
    if (after === undefined) continue;
    const kept = snap.dirty[p];
    let before: string | undefined;
    if (kept) {
      if (kept.sha1 === sha1(after)) continue;
      before = kept.text;
      if (before === undefined) {
        unknown.push(p);
        continue;
      }
    } else {
      before = base.get(p) ?? '';
    }
    if (before !== after) changes.push({ path: p, before, after, mtime });
  }
  return { changes, unknown, gitMoved: false };
}
