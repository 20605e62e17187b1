// The per-clone working state: AI lines of uncommitted work, one entry file per path, anchored by line hashes.
//
// Layout of <git-common-dir>/ai-provenance/ (what the extension watches):
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
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import type { Attribution, LineProvenance, LineRun } from '../core/model';
import { HUMAN } from '../core/model';
import { splitLines } from '../core/lines';
import { carry } from './lazyCore';
import { asyncFs, atomicWrite, blockingFs, isNotFound, makeDir, readOptional, UnsafeStateError, unlinkIfThere, type StateFs } from './fsAtomic';
import { fromRepoPath, stateDir, type Repo } from './repo';
import { advancedLines } from './advance';
import { stashesOf, type Stashes } from './stashed';

export class CorruptStateError extends Error {
  override name = 'CorruptStateError';
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: corrupt ai-provenance working state: ${detail}`);
  }
}

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

/**
 * AI line texts (`texts`) came as an optional field, not as a new format: hooks keep running the CLI they were
 * installed with, and an earlier version reads an entry with `texts` (it ignores the field) but refuses a new format.
 */
const FORMAT = 'ai-provenance/working-state@1';
/** Characters per line hash in an entry's `hashes` string (48 bits, base64url). */
const HASH_WIDTH = 8;
/** AI line texts beyond this many characters in one entry are not kept (its changed AI lines are then `mixed`, as with an earlier version's entry). */
const MAX_TEXT_CHARS = 2_000_000;
const LOCK_TIMEOUT_MS = 10_000;
const STALE_LOCK_MS = 30_000;

interface Entry {
  readonly format: typeof FORMAT;
  readonly path: string;
  /** sha1 of the text the entry describes: equal means no re-anchoring is needed. */
  readonly sha1: string;
  readonly lineCount: number;
  /** One fixed-width hash per line, concatenated. */
  readonly hashes: string;
  readonly attributions: Attribution[];
  /** [start, end (exclusive), 'a' | 'm', attribution index]. */
  readonly runs: [number, number, 'a' | 'm', number][];
  /**
   * The text of every line the runs cover, in run order (absent from entries of earlier versions): AI text, which the commit will hold
   * anyway; it tells a person's touch-up of an AI line from their rewrite of it. Left out beyond MAX_TEXT_CHARS.
   */
  readonly texts?: string[];
}

export class WorkingState {
  /** Entry texts already read, by file; only for short-lived readers (a hook run) that asked for it. */
  private readonly cache: Map<string, string> | undefined;

  private readonly fs: StateFs;

  private constructor(
    readonly dir: string,
    private readonly worktreeId: string,
    /** Where a repository path lives on disk, to check the file itself before an entry is pruned. */
    private readonly onDisk: (repoPath: string) => string,
    cacheReads: boolean,
    blocking: boolean,
    private readonly readOnly: boolean,
    private readonly onCorrupt?: (err: CorruptStateError) => void,
    /** The stashes: a deleted entry whose AI lines one holds is kept aside until they are in the working tree again. */
    private readonly stashes?: Stashes,
    private readonly onGeneration?: (previous: string | undefined, next: string) => void,
  ) {
    this.cache = cacheReads ? new Map() : undefined;
    this.fs = blocking ? blockingFs : asyncFs;
  }

  /**
   * `cacheReads`: keep entry texts read in memory (a hook's one short run reads each several times).
   * `blocking`: use synchronous file system calls, for a short-lived process with nothing else to do meanwhile
   * (an agent hook): each saves a round trip through the thread pool.
   * `readOnly`: reads only (an untrusted workspace): stale entries are not pruned, and every write throws ReadOnlyStateError.
   * `onGeneration`: told, with the lock still held, of each generation token this instance writes and of the one it
   * replaced, so that a watcher of `generation` can tell its own writes from other writers' (the editor).
   */
  static forRepo(
    repo: Repo,
    opts: {
      cacheReads?: boolean;
      blocking?: boolean;
      readOnly?: boolean;
      onCorrupt?: (err: CorruptStateError) => void;
      onGeneration?: (previous: string | undefined, next: string) => void;
    } = {},
  ): WorkingState {
    return new WorkingState(stateDir(repo), repo.worktreeId, (p) => fromRepoPath(repo, p), opts.cacheReads ?? false, opts.blocking ?? false, opts.readOnly ?? false, opts.onCorrupt, stashesOf(repo), opts.onGeneration);
  }

  /** Whether any entry (of any worktree) exists, as the hook scripts see it. */
  get pendingMarker(): string {
    return path.join(this.dir, 'pending');
  }

  /**
   * Re-anchored provenance of `path` for `text` (the file's current content, or a staged blob); undefined if nothing
   * is recorded. An entry that leaves no AI line on `text` nor on the file on disk (its lines were thrown away:
   * checkout, stash, reset) is deleted, so that text typed later never inherits it (not when read-only).
   */
  async read(repoPath: string, text: string): Promise<LineProvenance[] | undefined> {
    const entry = await this.load(repoPath);
    if (!entry) return undefined;
    const facts = new TextFacts(text);
    const prov = provenanceFor(entry, facts);
    if (!this.readOnly && facts.sha1() !== entry.sha1 && !prov.some(isAi)) await this.pruneIfGone(repoPath, entry, text);
    return prov;
  }

  /** Replace what is recorded for `path`: `text` is its content now, `lines` the provenance of each line of it (human-only → entry removed). */
  async write(repoPath: string, text: string, lines: readonly LineProvenance[]): Promise<void> {
    // The editor saves every edited file; one with no AI lines and no entry needs neither the lock nor a write.
    if (lines.every((l) => l.kind === 'human') && !existsSync(this.entryFile(repoPath))) return;
    await this.withLock(() => this.store(repoPath, new TextFacts(text), lines));
  }

  /**
   * Atomically read-modify-write (for recorders that merge: agent hooks, `record`). `fn` gets what is recorded
   * re-anchored onto `text`, and `at` giving it for another text (the file before an agent's edit).
   */
  async update(repoPath: string, text: string, fn: (current: LineProvenance[], at: (other: string) => LineProvenance[]) => LineProvenance[]): Promise<void> {
    await this.withLock(async () => {
      const entry = await this.load(repoPath);
      const at = (t: string): LineProvenance[] => {
        const facts = new TextFacts(t);
        return entry ? provenanceFor(entry, facts) : new Array<LineProvenance>(facts.lines().length).fill(HUMAN);
      };
      // Reading and storing derive the same digest, lines and line hashes from `text`: computed once.
      const facts = new TextFacts(text);
      const current = entry ? provenanceFor(entry, facts) : new Array<LineProvenance>(facts.lines().length).fill(HUMAN);
      await this.store(repoPath, facts, fn(current, at));
    });
  }

  /** Repository-relative paths with recorded AI lines in this worktree. */
  async paths(): Promise<string[]> {
    const dir = this.entriesDir();
    let names: string[];
    try {
      names = await this.fs.readdir(dir);
    } catch (err) {
      if (isNotFound(err)) return [];
      throw err;
    }
    const entries = await Promise.all(
      names
        .filter((n) => n.endsWith('.json'))
        .map((n) =>
          this.loadFile(path.join(dir, n)).catch((err: unknown) => {
            // `onCorrupt` (a commit hook): an entry that cannot be read is reported and left out, and left in place;
            // reading that very file's entry still fails, so a commit of it cannot be judged without it.
            if (!(err instanceof CorruptStateError) || !this.onCorrupt) throw err;
            this.onCorrupt(err);
            return undefined;
          }),
        ),
    );
    return entries.flatMap((e) => (e ? [e.path] : [])).sort();
  }

  /**
   * The first line of `generation`, which every writer rewrites after it changed an entry: equal tokens read at two
   * times mean no entry changed in between (post-commit's shell relies on it). Undefined when there is none.
   */
  async generationToken(): Promise<string | undefined> {
    try {
      return (await this.fs.readFile(path.join(this.dir, 'generation'))).split('\n')[0];
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** Whether another worktree of this clone has entries (they keep `pending` alive). */
  async otherWorktreesHaveEntries(): Promise<boolean> {
    return hasEntries(this.fs, path.join(this.dir, 'entries'), this.worktreeId);
  }

  /** The raw text of an entry file, as last read (for a hook that precomputes a later swap). */
  async entryRaw(repoPath: string): Promise<string | undefined> {
    return this.readRaw(this.entryFile(repoPath));
  }

  /**
   * The lines recorded for `path` as its entry last saw them: each AI line's text (undefined elsewhere) and provenance.
   * Undefined when nothing is recorded or the entry keeps no texts (an earlier version's).
   */
  async recordedLines(repoPath: string): Promise<{ texts: (string | undefined)[]; provenance: LineProvenance[] } | undefined> {
    const entry = await this.load(repoPath);
    const texts = entry && textsOf(entry);
    return entry && texts ? { texts, provenance: expand(entry) } : undefined;
  }

  async rename(from: string, to: string): Promise<void> {
    if (from === to) return;
    await this.withLock(async () => {
      const entry = await this.load(from);
      if (!entry) return;
      await this.put(to, { ...entry, path: to });
      await this.remove(from);
      await this.afterChange(true);
    });
  }

  /** The file an entry of `repoPath` lives in (named in errors, watched by the extension). */
  entryFile(repoPath: string): string {
    return path.join(this.entriesDir(), `${sha1(repoPath)}.json`);
  }

  /** Runs `fn` holding the store's lock; exported for multi-file updates such as the post-commit advance. */
  async withLock<T>(fn: () => Promise<T>): Promise<T> {
    const lock = path.join(this.dir, 'lock');
    if (this.readOnly) throw new ReadOnlyStateError(lock);
    // Every write of the state happens under the lock: its folders are checked once here, before the lock is made in one.
    await this.refuseLinkedFolders();
    const deadline = Date.now() + LOCK_TIMEOUT_MS;
    let wait = 2;
    for (;;) {
      try {
        await this.fs.createExclusive(lock, `${process.pid} ${hostname()} node\n`);
        break;
      } catch (err) {
        // The state dir is made on first use only: one file system call less on every later update.
        if (isNotFound(err)) {
          await makeDir(this.fs, this.dir);
          continue;
        }
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        if (await breakIfStale(this.fs, lock)) continue;
        if (Date.now() > deadline) throw new StateLockTimeoutError(lock);
        await sleep(wait + Math.random() * wait);
        wait = Math.min(wait * 2, 50);
      }
    }
    try {
      return await fn();
    } finally {
      await unlinkIfThere(this.fs, lock);
    }
  }

  /** What `write` would store for these lines (undefined: the entry would be removed); lets a hook precompute a later swap. */
  entryText(repoPath: string, text: string, lines: readonly LineProvenance[]): string | undefined {
    const entry = buildEntry(repoPath, new TextFacts(text), lines);
    return entry && JSON.stringify(entry);
  }

  entriesDir(): string {
    return path.join(this.dir, 'entries', this.worktreeId);
  }

  /** Throws UnsafeStateError when the state folder, `entries` or this worktree's entries folder is a link or a file. */
  private async refuseLinkedFolders(): Promise<void> {
    const dirs = [this.dir, path.join(this.dir, 'entries'), this.entriesDir()];
    const kinds = await Promise.all(dirs.map((d) => this.fs.kind(d)));
    kinds.forEach((k, i) => {
      if (k !== undefined && k !== 'dir') throw new UnsafeStateError(dirs[i]!);
    });
  }

  /** Deletes the entry when it is still `entry` and the file on disk (when other than `text`) has no AI line left either. */
  private async pruneIfGone(repoPath: string, entry: Entry, text: string): Promise<void> {
    let disk: string | undefined;
    try {
      disk = await this.fs.readFile(this.onDisk(repoPath));
    } catch (err) {
      // A deleted file may come back (a branch switch back): its entry re-anchors then.
      if (isNotFound(err) || (err as NodeJS.ErrnoException).code === 'EISDIR') return;
      throw err;
    }
    if (disk !== text) {
      const facts = new TextFacts(disk);
      if (facts.sha1() === entry.sha1 || provenanceFor(entry, facts).some(isAi)) return;
    }
    await this.forget(repoPath, JSON.stringify(entry));
  }

  /**
   * Deletes the entry of `repoPath` when it still reads `raw` (the text the caller judged), so an entry written
   * meanwhile stays. For a file gone from the disk that git does not know either (see forgetOrphans).
   */
  async forget(repoPath: string, raw: string): Promise<void> {
    await this.withLock(async () => {
      const file = this.entryFile(repoPath);
      this.cache?.delete(file);
      if ((await this.readRaw(file)) !== raw) return;
      await this.remove(repoPath);
      await this.afterChange(false);
    });
  }

  /** Deletes the entry of `repoPath` unless every line it records as `ai` is found unchanged in `text`; true when it was deleted. */
  async forgetUnlessWhole(repoPath: string, text: string): Promise<boolean> {
    return this.withLock(async () => {
      const entry = await this.load(repoPath);
      if (!entry) return false;
      const ai = (lines: LineProvenance[]): number => lines.filter((l) => l.kind === 'ai').length;
      if (ai(provenanceFor(entry, new TextFacts(text))) >= ai(expand(entry))) return false;
      await this.remove(repoPath);
      await this.afterChange(false);
      return true;
    });
  }

  private async load(repoPath: string): Promise<Entry | undefined> {
    const entry = await this.loadFile(this.entryFile(repoPath));
    if (entry && entry.path !== repoPath) throw new CorruptStateError(this.entryFile(repoPath), `holds '${entry.path}', expected '${repoPath}'`);
    return entry;
  }

  private async loadFile(file: string): Promise<Entry | undefined> {
    const raw = await this.readRaw(file);
    return raw === undefined ? undefined : parseEntry(file, raw);
  }

  private async readRaw(file: string): Promise<string | undefined> {
    const cached = this.cache?.get(file);
    if (cached !== undefined) return cached;
    try {
      const raw = await this.fs.readFile(file);
      this.cache?.set(file, raw);
      return raw;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  private async store(repoPath: string, text: TextFacts, lines: readonly LineProvenance[]): Promise<void> {
    const entry = buildEntry(repoPath, text, lines);
    if (entry) await this.put(repoPath, entry);
    // A file with no AI lines and nothing recorded changes nothing, so watchers must not hear of it.
    else if (!(await this.remove(repoPath))) return;
    await this.afterChange(entry !== undefined);
  }

  private async put(repoPath: string, entry: Entry): Promise<void> {
    const file = this.entryFile(repoPath);
    this.cache?.delete(file);
    const text = JSON.stringify(entry);
    try {
      await atomicWrite(file, text, this.fs);
    } catch (err) {
      // The entries dir is made on first use only, as the lock's dir is.
      if (!isNotFound(err)) throw err;
      await makeDir(this.fs, path.join(this.dir, 'entries'));
      await makeDir(this.fs, path.dirname(file));
      await atomicWrite(file, text, this.fs);
    }
  }

  private async remove(repoPath: string): Promise<boolean> {
    const file = this.entryFile(repoPath);
    const raw = this.stashes && (await this.readRaw(file));
    this.cache?.delete(file);
    const entry = parseIfSound(file, raw || undefined);
    // Lines a stash holds come back with `git stash pop` or `apply`: the entry waits aside (see unstash), not in the live state.
    if (raw && entry && (await this.stashes?.holds(repoPath, (t) => holdsAll(entry, new TextFacts(t))))) {
      await makeDir(this.fs, path.join(this.dir, 'stashed'));
      await makeDir(this.fs, this.stashedDir());
      await atomicWrite(path.join(this.stashedDir(), path.basename(file)), raw, this.fs);
      await this.copyStashLog();
      // The file was thrown away before now: a change after this mark is one a commit's hook looks at.
      if ((await this.fs.kind(this.checkedMark())) === undefined) await atomicWrite(this.checkedMark(), '', this.fs);
      await this.listAside();
    }
    return unlinkIfThere(this.fs, file);
  }

  /** Copies the stash list as it is now beside the entries kept aside (the hook scripts compare the two). */
  private async copyStashLog(): Promise<void> {
    const log = this.stashes && (await readOptional(this.stashes.log));
    const copy = path.join(this.dir, 'stashed', 'log');
    if (log !== undefined && log !== '') await atomicWrite(copy, log, this.fs);
    else await unlinkIfThere(this.fs, copy);
  }

  private stashedDir(): string {
    return path.join(this.dir, 'stashed', this.worktreeId);
  }

  /** Written when unstash looks at the files of the entries kept aside: a hook starts Node for one changed since. */
  private checkedMark(): string {
    return path.join(this.stashedDir(), 'checked');
  }

  /**
   * Writes `paths` beside the entries kept aside: their files, a line each, for the hook scripts to compare with
   * `checked` (an empty line, for a path with a line break, stands for any file). Called with the lock held.
   */
  private async listAside(): Promise<void> {
    const dir = this.stashedDir();
    const names = (await this.fs.readdir(dir)).filter((n) => n.endsWith('.json'));
    const paths: string[] = [];
    for (const name of names) {
      const raw = await this.fs.readFile(path.join(dir, name)).catch(() => undefined);
      const entry = parseIfSound(path.join(dir, name), raw);
      if (entry) paths.push(/[\r\n]/.test(entry.path) ? '' : entry.path);
    }
    if (paths.length > 0) await atomicWrite(path.join(dir, 'paths'), `${paths.join('\n')}\n`, this.fs);
    else {
      await unlinkIfThere(this.fs, path.join(dir, 'paths'));
      await unlinkIfThere(this.fs, this.checkedMark());
    }
  }

  /**
   * Brings back the entries kept aside once the file on disk has every one of an entry's AI lines again (`git stash
   * pop`, `apply`, a pop that conflicted), whether or not a stash still holds them; lines HEAD has meanwhile are not
   * pending. An entry no stash holds any more (a dropped stash) is dropped.
   */
  async unstash(): Promise<void> {
    if (this.readOnly || !this.stashes) return;
    const dir = this.stashedDir();
    let names: string[];
    try {
      names = (await this.fs.readdir(dir)).filter((n) => n.endsWith('.json'));
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    if (names.length === 0) return;
    // Before the files are read: a change made while they are is newer than the mark, and looked at next time.
    await this.withLock(() => atomicWrite(this.checkedMark(), '', this.fs));
    for (const name of names) {
      const aside = path.join(dir, name);
      const raw = await this.readRaw(aside);
      this.cache?.delete(aside);
      const entry = parseIfSound(aside, raw);
      if (entry && (await this.bringBack(entry, aside))) continue;
      if (entry && (await this.stashes.holds(entry.path, (t) => holdsAll(entry, new TextFacts(t))))) continue;
      await this.withLock(() => unlinkIfThere(this.fs, aside));
    }
    await this.withLock(async () => {
      await this.copyStashLog();
      await this.listAside();
    });
  }

  /** Makes the entry kept aside at `aside` live again if the file has all its AI lines; true when it did. */
  private async bringBack(entry: Entry, aside: string): Promise<boolean> {
    const disk = await readOptional(this.onDisk(entry.path));
    if (disk === undefined) return false;
    const facts = new TextFacts(disk);
    if (!holdsAll(entry, facts)) return false;
    // A commit that took them as they are (one whose hooks did not run) left nothing pending.
    const committed = await this.stashes?.committed(entry.path);
    const back = committed === undefined ? provenanceFor(entry, facts) : advancedLines(disk, provenanceFor(entry, facts), committed);
    await this.withLock(async () => {
      await unlinkIfThere(this.fs, aside);
      const live = await this.load(entry.path);
      // Lines recorded since the stash (an agent's edit) keep what they say; the stashed ones fill the rest.
      const lines = live ? provenanceFor(live, facts).map((l, i) => (isAi(l) ? l : back[i]!)) : back;
      if (live || lines.some(isAi)) await this.store(entry.path, facts, lines);
    });
    return true;
  }

  /** Keeps `pending` and `generation` in step with the entries; called with the lock held. `written`: an entry was just stored, so one exists. */
  async afterChange(written = false): Promise<void> {
    if (this.readOnly) throw new ReadOnlyStateError(path.join(this.dir, 'generation'));
    const any = written || (await hasEntries(this.fs, path.join(this.dir, 'entries')));
    // Unlinking a link removes the link; anything but a plain file at `pending` (a link) is replaced by one.
    if (!any) await unlinkIfThere(this.fs, this.pendingMarker);
    else if ((await this.fs.kind(this.pendingMarker)) !== 'file') await atomicWrite(this.pendingMarker, '', this.fs);
    // A token that cannot be read is not reported: the watcher then takes the change for another writer's.
    const previous = this.onGeneration && (await this.generationToken().then((token) => ({ token }), () => undefined));
    const token = `${Date.now()} ${randomBytes(4).toString('hex')}`;
    // Renamed into place, as every write here, so that a link planted at `generation` is replaced, not followed.
    await atomicWrite(path.join(this.dir, 'generation'), `${token}\n`, this.fs);
    if (previous) this.onGeneration?.(previous.token, token);
  }
}

/** 48-bit line hashes (cyrb53), base64url, fixed width; collisions only matter within one file's diff. */
export function lineHash(line: string): string {
  const b = Buffer.allocUnsafe(6);
  writeLineHash(line, b, 0);
  return b.toString('base64url');
}

function writeLineHash(line: string, out: Buffer, at: number): void {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < line.length; i++) {
    const ch = line.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  out.writeUInt32BE(h1 >>> 0, at);
  out.writeUInt16BE(h2 & 0xffff, at + 4);
}

/** Blank lines get a hash that reads back as '' so reanchor still sees them as blank (blank lines carry no authorship). */
const BLANK_HASH = '........';

/** Every line's hash from one buffer and one base64 conversion: 6 bytes encode to exactly HASH_WIDTH characters. */
function hashesOf(lines: readonly string[]): string[] {
  const buf = Buffer.allocUnsafe(lines.length * 6);
  for (let k = 0; k < lines.length; k++) writeLineHash(lines[k]!, buf, k * 6);
  const all = buf.toString('base64url');
  return lines.map((l, k) => (l === '' ? BLANK_HASH : all.slice(k * HASH_WIDTH, (k + 1) * HASH_WIDTH)));
}

function forReanchor(hashes: string[]): string[] {
  return hashes.map((h) => (h === BLANK_HASH ? '' : h));
}

export function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/** What the store derives from a text, each computed on first use. */
class TextFacts {
  private digest: string | undefined;
  private split: string[] | undefined;
  private joinedHashes: string | undefined;

  constructor(readonly text: string) {}

  sha1(): string {
    return (this.digest ??= sha1(this.text));
  }

  lines(): string[] {
    return (this.split ??= splitLines(this.text));
  }

  /** Every line's hash, concatenated, as an entry stores them. */
  hashes(): string {
    return (this.joinedHashes ??= hashesOf(this.lines()).join(''));
  }

  /** Takes the hashes from an entry of this very text instead of computing them. */
  adopt(entry: Entry): void {
    if (entry.sha1 === this.sha1()) this.joinedHashes = entry.hashes;
  }
}

function splitHashes(joined: string, count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(joined.slice(i * HASH_WIDTH, (i + 1) * HASH_WIDTH));
  return out;
}

function buildEntry(repoPath: string, text: TextFacts, lines: readonly LineProvenance[]): Entry | undefined {
  const textLines = text.lines();
  const attributions: Attribution[] = [];
  const index = new Map<string, number>();
  const runs: Entry['runs'] = [];
  const n = Math.min(lines.length, textLines.length);
  for (let i = 0; i < n; i++) {
    const p = lines[i];
    if (!p || p.kind === 'human' || !p.attribution) continue;
    const key = JSON.stringify(p.attribution);
    let a = index.get(key);
    if (a === undefined) {
      a = attributions.push(p.attribution) - 1;
      index.set(key, a);
    }
    const k = p.kind === 'ai' ? 'a' : 'm';
    const last = runs[runs.length - 1];
    if (last && last[1] === i && last[2] === k && last[3] === a) last[1] = i + 1;
    else runs.push([i, i + 1, k, a]);
  }
  if (runs.length === 0) return undefined;
  const texts = runs.flatMap(([start, end]) => textLines.slice(start, end));
  const entry: Entry = { format: FORMAT, path: repoPath, sha1: text.sha1(), lineCount: textLines.length, hashes: text.hashes(), attributions, runs };
  return texts.reduce((n, t) => n + t.length, 0) > MAX_TEXT_CHARS ? entry : { ...entry, texts };
}

function expand(entry: Entry): LineProvenance[] {
  const out = new Array<LineProvenance>(entry.lineCount).fill(HUMAN);
  for (const [start, end, k, a] of entry.runs) {
    const p: LineProvenance = { kind: k === 'a' ? 'ai' : 'mixed', attribution: entry.attributions[a] };
    for (let i = start; i < end; i++) out[i] = p;
  }
  return out;
}

function provenanceFor(entry: Entry, text: TextFacts): LineProvenance[] {
  if (text.sha1() === entry.sha1) {
    text.adopt(entry);
    return expand(entry);
  }
  const newHashes = splitHashes(text.hashes(), text.lines().length);
  return anchoredReanchor(forReanchor(splitHashes(entry.hashes, entry.lineCount)), expand(entry), forReanchor(newHashes), text.lines(), textsOf(entry));
}

/** The old text of each line an entry's runs cover, by line; undefined for an entry without `texts`. */
function textsOf(entry: Entry): (string | undefined)[] | undefined {
  if (!entry.texts) return undefined;
  const out = new Array<string | undefined>(entry.lineCount);
  let k = 0;
  for (const [start, end] of entry.runs) for (let i = start; i < end; i++) out[i] = entry.texts[k++];
  return out;
}

function isAi(p: LineProvenance): boolean {
  return p.kind !== 'human';
}

/** Whether `text` has every AI line of `entry`, line by line (lines of a person around them may differ). */
function holdsAll(entry: Entry, text: TextFacts): boolean {
  const now = provenanceFor(entry, text);
  const then = expand(entry);
  const count = (lines: LineProvenance[], kind: LineProvenance['kind']): number => lines.filter((l) => l.kind === kind).length;
  return count(now, 'ai') >= count(then, 'ai') && count(now, 'mixed') + count(now, 'ai') >= count(then, 'mixed') + count(then, 'ai');
}

/**
 * Carries provenance from old line hashes to new ones, keeping it only where the match is anchored (see `carry` in
 * core/carry): unchanged lines in an unchanged order, blocks of AI lines moved elsewhere, and a changed AI line as
 * `mixed` only where its old text (`oldTexts`, when known) meaningfully remains. `newLines`: the new text's lines.
 */
export function anchoredReanchor(
  oldHashes: readonly string[],
  oldProv: readonly LineProvenance[],
  newHashes: readonly string[],
  newLines?: readonly string[],
  oldTexts?: readonly (string | undefined)[],
): LineProvenance[] {
  if (!oldProv.some(isAi)) return new Array<LineProvenance>(newHashes.length).fill(HUMAN);
  // jsdiff is loaded only when an entry must be re-anchored: a hook whose files are as recorded never needs it.
  return carry(oldHashes, oldProv, newHashes, newLines, oldTexts);
}

function parseEntry(file: string, raw: string): Entry {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch (err) {
    throw new CorruptStateError(file, `not valid JSON (${(err as Error).message})`);
  }
  const e = v as Partial<Entry> | null;
  if (!e || typeof e !== 'object' || e.format !== FORMAT) throw new CorruptStateError(file, 'unknown format');
  if (typeof e.path !== 'string' || typeof e.sha1 !== 'string' || typeof e.hashes !== 'string' || !Number.isInteger(e.lineCount)) {
    throw new CorruptStateError(file, 'missing fields');
  }
  const lineCount = e.lineCount as number;
  if (e.hashes.length !== lineCount * HASH_WIDTH) throw new CorruptStateError(file, `hashes do not cover ${lineCount} lines`);
  if (!Array.isArray(e.attributions) || !e.attributions.every((a) => a && typeof a.agent === 'string' && typeof a.source === 'string')) {
    throw new CorruptStateError(file, 'bad attributions');
  }
  const nAttr = e.attributions.length;
  if (
    !Array.isArray(e.runs) ||
    !e.runs.every(
      (r) =>
        Array.isArray(r) &&
        Number.isInteger(r[0]) &&
        Number.isInteger(r[1]) &&
        r[0] >= 0 &&
        r[0] < r[1] &&
        r[1] <= lineCount &&
        (r[2] === 'a' || r[2] === 'm') &&
        Number.isInteger(r[3]) &&
        r[3] >= 0 &&
        r[3] < nAttr,
    )
  ) {
    throw new CorruptStateError(file, 'bad line runs');
  }
  if (e.texts !== undefined) {
    const covered = e.runs.reduce((n, r) => n + r[1] - r[0], 0);
    if (!Array.isArray(e.texts) || e.texts.length !== covered || !e.texts.every((t) => typeof t === 'string')) {
      throw new CorruptStateError(file, `texts do not cover the ${covered} lines of its runs`);
    }
  }
  return e as Entry;
}

/** The entry in `raw`; undefined for none or a corrupt one (an entry kept aside that cannot be read is dropped). */
function parseIfSound(file: string, raw: string | undefined): Entry | undefined {
  try {
    return raw === undefined ? undefined : parseEntry(file, raw);
  } catch {
    return undefined;
  }
}

/** Runs of an entry's provenance list, for callers that want LineRun form. */
export function runsOf(lines: readonly LineProvenance[]): LineRun[] {
  const runs: LineRun[] = [];
  for (let i = 0; i < lines.length; i++) {
    const p = lines[i];
    if (!p || p.kind === 'human' || !p.attribution) continue;
    const last = runs[runs.length - 1];
    if (last && last.end === i && last.kind === p.kind && last.attribution === p.attribution) {
      runs[runs.length - 1] = { ...last, end: i + 1 };
    } else runs.push({ start: i, end: i + 1, kind: p.kind, attribution: p.attribution });
  }
  return runs;
}

/** Whether any worktree's folder under `dir` (but `except`) holds an entry. */
async function hasEntries(io: StateFs, dir: string, except?: string): Promise<boolean> {
  let subdirs: string[];
  try {
    subdirs = await io.readdir(dir);
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
  for (const d of subdirs) {
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
