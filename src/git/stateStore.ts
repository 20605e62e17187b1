// The working state's store: where its files live, the one lock its writers take, and how `pending` and
// `generation` follow the entries. What an entry holds is the entry format's part (stateEntry.ts).
//
// Layout of <git-common-dir>/ai-provenance/ (what the extension watches; the hook scripts read some of it without
// Node, see src/git/hooks/README.md):
//   entries/<worktree-id>/<sha1(path)>.json  one entry per file with AI lines; replaced by rename on every write, deleted when none remain
//   generation                               rewritten after every change: watch this one file to learn that anything changed
//   pending                                  exists iff some entry exists; the hook scripts test it without starting Node
//   lock                                     held (O_EXCL) by the one writer at a time; stale locks of dead processes are broken
//   stashed/<worktree-id>/<sha1(path)>.json  entries whose AI lines a stash holds, kept aside until the file has them again
//   stashed/<worktree-id>/paths, checked     their files, a line each, and when they were last looked at (for the hook scripts)
//   stashed/log                              the stash list's reflog when they were: a pop or a drop changes it
//
// Writes never follow a symbolic link: files are made with O_EXCL | O_NOFOLLOW and renamed into place (a link at
// the name is replaced, its target untouched), and a folder of the state that is a link is refused. A read-only
// instance (untrusted workspaces) writes nothing at all: no pruning, no lock, no `pending` or `generation`.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { atomicWrite, isNotFound, makeDir, UnsafeStateError, unlinkIfThere, type StateFs } from './fsAtomic';
import { sha1 } from './stateEntry';

/** A write was asked of a working state opened read-only (an untrusted workspace). */
export class ReadOnlyStateError extends Error {
  override name = 'ReadOnlyStateError';
  constructor(readonly file: string) {
    super(`${file}: the ai-provenance working state is open read-only here (untrusted workspace); nothing was written`);
  }
}

export class StateLockTimeoutError extends Error {
  override name = 'StateLockTimeoutError';
  constructor(readonly file: string) {
    super(`${file}: could not lock the ai-provenance working state (held by another process)`);
  }
}

const LOCK_TIMEOUT_MS = 10_000;
const STALE_LOCK_MS = 30_000;

/** The names of the layout above, for one worktree (`worktreeId`: `main`, or the linked worktree's git dir name). */
export class StateLayout {
  constructor(
    readonly dir: string,
    readonly worktreeId: string,
  ) {}

  get lock(): string {
    return path.join(this.dir, 'lock');
  }

  get pending(): string {
    return path.join(this.dir, 'pending');
  }

  get generation(): string {
    return path.join(this.dir, 'generation');
  }

  /** Every worktree's entries folder is in here. */
  get allEntries(): string {
    return path.join(this.dir, 'entries');
  }

  get entries(): string {
    return path.join(this.allEntries, this.worktreeId);
  }

  entryFile(repoPath: string): string {
    return path.join(this.entries, `${sha1(repoPath)}.json`);
  }

  get allStashed(): string {
    return path.join(this.dir, 'stashed');
  }

  get stashed(): string {
    return path.join(this.allStashed, this.worktreeId);
  }

  get stashLogCopy(): string {
    return path.join(this.allStashed, 'log');
  }

  /** Written when unstash looks at the files of the entries kept aside: a hook starts Node for one changed since. */
  get checkedMark(): string {
    return path.join(this.stashed, 'checked');
  }

  get stashedPaths(): string {
    return path.join(this.stashed, 'paths');
  }
}

/** Runs `fn` holding the lock; the state folder is made on first use (one file system call less on every later update). */
export async function holdLock<T>(io: StateFs, layout: StateLayout, fn: () => Promise<T>): Promise<T> {
  const lock = layout.lock;
  const deadline = Date.now() + LOCK_TIMEOUT_MS;
  let wait = 2;
  for (;;) {
    try {
      await io.createExclusive(lock, `${process.pid} ${hostname()} node\n`);
      break;
    } catch (err) {
      if (isNotFound(err)) {
        await makeDir(io, layout.dir);
        continue;
      }
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (await breakIfStale(io, lock)) continue;
      if (Date.now() > deadline) throw new StateLockTimeoutError(lock);
      await sleep(wait + Math.random() * wait);
      wait = Math.min(wait * 2, 50);
    }
  }
  try {
    return await fn();
  } finally {
    await unlinkIfThere(io, lock);
  }
}

/** Throws UnsafeStateError when the state folder, `entries` or this worktree's entries folder is a link or a file. */
export async function refuseLinkedFolders(io: StateFs, layout: StateLayout): Promise<void> {
  const dirs = [layout.dir, layout.allEntries, layout.entries];
  const kinds = await Promise.all(dirs.map((d) => io.kind(d)));
  kinds.forEach((k, i) => {
    if (k !== undefined && k !== 'dir') throw new UnsafeStateError(dirs[i]!);
  });
}

/** Writes an entry file, making the entries folders on first use, as the lock's folder is. */
export async function writeEntryFile(io: StateFs, layout: StateLayout, file: string, text: string): Promise<void> {
  try {
    await atomicWrite(file, text, io);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await makeDir(io, layout.allEntries);
    await makeDir(io, path.dirname(file));
    await atomicWrite(file, text, io);
  }
}

/** Keeps `pending` and `generation` in step with the entries; called with the lock held. `written`: an entry was just stored, so one exists. */
/** Returns the new generation token. */
export async function markChanged(io: StateFs, layout: StateLayout, written: boolean): Promise<string> {
  const any = written || (await hasEntries(io, layout.allEntries));
  // Unlinking a link removes the link; anything but a plain file at `pending` (a link) is replaced by one.
  if (!any) await unlinkIfThere(io, layout.pending);
  else if ((await io.kind(layout.pending)) !== 'file') await atomicWrite(layout.pending, '', io);
  // Renamed into place, as every write here, so that a link planted at `generation` is replaced, not followed.
  const token = `${Date.now()} ${randomBytes(4).toString('hex')}`;
  await atomicWrite(layout.generation, `${token}\n`, io);
  return token;
}

/** The text of `file`; undefined when there is none. */
export async function readIfThere(io: StateFs, file: string): Promise<string | undefined> {
  try {
    return await io.readFile(file);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** The names in folder `dir`; none when it does not exist. */
export async function namesIn(io: StateFs, dir: string): Promise<string[]> {
  try {
    return await io.readdir(dir);
  } catch (err) {
    if (isNotFound(err)) return [];
    throw err;
  }
}

/** Whether any worktree's folder under `dir` (but `except`) holds an entry. */
export async function hasEntries(io: StateFs, dir: string, except?: string): Promise<boolean> {
  for (const d of await namesIn(io, dir)) {
    if (d === except) continue;
    try {
      if ((await io.readdir(path.join(dir, d))).some((n) => n.endsWith('.json'))) return true;
    } catch (err) {
      if (!isNotFound(err) && (err as NodeJS.ErrnoException).code !== 'ENOTDIR') throw err;
    }
  }
  return false;
}

async function breakIfStale(io: StateFs, lock: string): Promise<boolean> {
  let content: string;
  let mtime: number;
  try {
    // Writers make the lock a plain file: a link (or anything else) there is no writer's, and is removed, not read.
    const kind = await io.kind(lock);
    if (kind === undefined) return true;
    if (kind !== 'file') {
      await unlinkIfThere(io, lock);
      return true;
    }
    content = await io.readFile(lock);
    mtime = await io.mtimeMs(lock);
  } catch (err) {
    if (isNotFound(err)) return true;
    throw err;
  }
  const [pidText, host] = content.trim().split(' ');
  const pid = Number(pidText);
  const dead = host === hostname() && Number.isInteger(pid) && pid > 0 && !alive(pid);
  // An empty lock older than a second belongs to a writer that died between create and write.
  const abandoned = content === '' && Date.now() - mtime > 1000;
  if (!dead && !abandoned && Date.now() - mtime < STALE_LOCK_MS) return false;
  await unlinkIfThere(io, lock);
  return true;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
