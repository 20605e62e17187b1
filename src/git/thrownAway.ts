// AI lines git threw away (`git restore`, `checkout -- FILE`, `reset --hard`, `stash`, a forced branch switch) run no
// hook of ours, so the next read looks for what git leaves: the index entry's time says when git last found or made
// the file equal to the staged version, and a file git wrote anew was born after the AI lines were recorded. An
// editor that saves by writing a new file and renaming it over the old one (JetBrains' safe write, vim) makes a file
// anew too, but git never saw that file: the index still names the one before it.
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { filterRuns } from '../core/lineRuns';
import { readBlobs } from './diff';
import { fromRepoPath, type Repo } from './repo';
import { git } from './run';
import type { WorkingState } from './workingState';

/** Paths per `ls-files` call: a long list must not outgrow a command line (Windows: 32K characters). */
const BATCH = 200;

interface Suspect {
  /** When the entry (the file's AI lines) was last written. */
  readonly recordedAt: bigint;
  /** The file was created after that: git wrote it anew (or an editor saved it by replacing it). */
  readonly recreated: boolean;
  /** When the file was created, and its inode number. */
  readonly bornAt: bigint;
  readonly ino: bigint;
}

/**
 * Settles the entries among `paths` whose file changed after their AI lines were recorded and that git set to
 * another version meanwhile: when the index shows the file was its staged version since, the entry is carried through
 * that version (AI lines it lacks are forgotten); when the file was created since, its AI lines stay only if all of
 * them are in it again, and then only those whose text is unchanged (a person's text never inherits one as `mixed`).
 * Starts git only for files changed since their entry was written; returns the paths whose entries were rewritten.
 */
export async function forgetThrownAway(repo: Repo, state: WorkingState, paths: readonly string[]): Promise<string[]> {
  const suspects = new Map<string, Suspect>();
  for (const p of paths) {
    try {
      const entry = statSync(state.entryFile(p), { bigint: true });
      const file = statSync(fromRepoPath(repo, p), { bigint: true });
      // Nothing changed the file since its AI lines were last recorded.
      if (file.mtimeNs <= entry.mtimeNs) continue;
      suspects.set(p, { recordedAt: entry.mtimeNs, recreated: file.birthtimeNs > entry.mtimeNs, bornAt: file.birthtimeNs, ino: file.ino });
    } catch {
      continue;
    }
  }
  if (suspects.size === 0) return [];
  const index = await indexEntries(repo, [...suspects.keys()]);
  const rewritten: string[] = [];
  const kept = new Map<string, Suspect>();
  for (const [p, s] of suspects) {
    if (s.recreated && savedByReplacing(repo, s, index.get(p))) {
      // Read as an edit in place, and recorded on the text as it is now: a later `git add` records this file's inode.
      if (await settleOnDisk(repo, state, p)) rewritten.push(p);
    } else if (s.recreated && (await forgetRewritten(repo, state, p))) rewritten.push(p);
    else kept.set(p, s);
  }
  if (kept.size === 0) return rewritten;
  const staged = stagedSince(kept, index);
  const blobs = await readBlobs(repo, [...new Set(staged.values())]);
  for (const [p, s] of kept) {
    const blob = staged.get(p);
    const text = blob !== undefined ? blobs.get(blob)?.toString('utf8') : undefined;
    if (text !== undefined) await state.update(p, text, (lines) => lines);
    if (s.recreated) {
      const disk = onDisk(repo, p);
      if (disk === undefined) continue;
      await state.update(p, disk, (lines) => filterRuns(lines, (_, kind) => kind === 'ai'));
    }
    if (text !== undefined || s.recreated) rewritten.push(p);
  }
  return rewritten;
}

/**
 * Forgets the AI lines of a file made anew since they were recorded unless all of them are in it again (git put
 * that version back, a tool rewrote the file whole): otherwise git wrote another version or a person wrote the file
 * again, and an AI line's text coming back in it is no evidence. True when the entry was deleted.
 */
async function forgetRewritten(repo: Repo, state: WorkingState, p: string): Promise<boolean> {
  const disk = onDisk(repo, p);
  return disk !== undefined && state.forgetUnlessWhole(p, disk);
}

/** Re-anchors the entry of `p` on the file as it is now; false when the file cannot be read. */
async function settleOnDisk(repo: Repo, state: WorkingState, p: string): Promise<boolean> {
  const disk = onDisk(repo, p);
  if (disk !== undefined) await state.update(p, disk, (lines) => lines);
  return disk !== undefined;
}

function onDisk(repo: Repo, p: string): string | undefined {
  try {
    return readFileSync(fromRepoPath(repo, p), 'utf8');
  } catch {
    return undefined;
  }
}

interface IndexEntry {
  readonly blob: string;
  /** When git last wrote the file or found it equal to this blob (0: not recorded). */
  readonly mtimeNs: bigint;
  /** The inode of the file git last wrote or looked at (0: not recorded). */
  readonly ino: bigint;
}

/** The stage-0 index entries of `paths`, with the file times and inodes git recorded. */
async function indexEntries(repo: Repo, paths: readonly string[]): Promise<Map<string, IndexEntry>> {
  const out = new Map<string, IndexEntry>();
  for (let i = 0; i < paths.length; i += BATCH) {
    const r = await git(['--literal-pathspecs', 'ls-files', '--debug', '-s', '-z', '--', ...paths.slice(i, i + BATCH)], { cwd: repo.root });
    for (const m of r.stdout.matchAll(/^\d{6} ([0-9a-f]{40,64}) 0\t([^\0]*)\0\s*ctime: \d+:\d+\n\s*mtime: (\d+):(\d+)\n\s*dev: \d+\s+ino: (\d+)\n/gm)) {
      const [, blob, p, sec, nsec, ino] = m as unknown as [string, string, string, string, string, string];
      out.set(p, { blob, mtimeNs: BigInt(sec) * 1_000_000_000n + BigInt(nsec), ino: BigInt(ino) });
    }
  }
  return out;
}

/** The staged blob of each suspect whose index entry git recorded after the suspect's AI lines were. */
function stagedSince(suspects: ReadonlyMap<string, Suspect>, index: ReadonlyMap<string, IndexEntry>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [p, s] of suspects) {
    const e = index.get(p);
    // A time git did not record (0) says nothing.
    if (e && e.mtimeNs !== 0n && e.mtimeNs > s.recordedAt) out.set(p, e.blob);
  }
  return out;
}

/**
 * Whether a file made anew since its AI lines were recorded is an editor's save that replaced it, and git wrote no
 * version of it since: every git command that writes a tracked file records the time and the new file's inode in the
 * index, and this one's index entry is older than the AI lines and names another file; no reflog that git moves after
 * it rewrote files (HEAD, ORIG_HEAD, the stash list) moved since the file was made either. Unsure (no index entry, no
 * time or inode recorded: Windows, a file system without stable inodes) is git's.
 */
function savedByReplacing(repo: Repo, s: Suspect, entry: IndexEntry | undefined): boolean {
  if (!entry || entry.ino === 0n || s.ino === 0n || entry.ino === s.ino || entry.mtimeNs === 0n || entry.mtimeNs > s.recordedAt) return false;
  const logs = [path.join(repo.gitDir, 'logs', 'HEAD'), path.join(repo.gitDir, 'ORIG_HEAD'), path.join(repo.commonDir, 'logs', 'refs', 'stash')];
  return logs.every((f) => {
    const st = statSync(f, { bigint: true, throwIfNoEntry: false });
    return !st || st.mtimeNs < s.bornAt;
  });
}
