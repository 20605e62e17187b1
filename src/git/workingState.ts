// The per-clone working state: AI lines of uncommitted work, one entry file per path, anchored by line hashes. The
// entry format (building, checking and re-anchoring an entry, line hashes) is in stateEntry.ts; the store (file
// layout, lock, `pending` and `generation`) in stateStore.ts; this class puts them together for its readers and
// writers, and sets aside the entries a stash holds. Its exports stay those of the module before the split.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { countLines, hasAi, humanLines, overlay, type LineRuns } from '../core/lineRuns';
import { asyncFs, atomicWrite, blockingFs, isNotFound, makeDir, readOptional, unlinkIfThere, type StateFs } from './fsAtomic';
import { fromRepoPath, stateDir, type Repo } from './repo';
import { advancedLines } from './advance';
import { stashesOf, type Stashes } from './stashed';
import { buildEntry, CorruptStateError, expand, holdsAll, parseEntry, parseIfSound, provenanceFor, TextFacts, textsOf, type Entry } from './stateEntry';
import { hasEntries, holdLock, markChanged, namesIn, readIfThere, ReadOnlyStateError, refuseLinkedFolders, StateLayout, writeEntryFile } from './stateStore';

export { anchoredReanchor, CorruptStateError, lineHash, sha1 } from './stateEntry';
export { ReadOnlyStateError, StateLockTimeoutError } from './stateStore';

export class WorkingState {
  /** Entry texts already read, by file; only for short-lived readers (a hook run) that asked for it. */
  private readonly cache: Map<string, string> | undefined;

  private readonly fs: StateFs;

  private readonly layout: StateLayout;

  private constructor(
    readonly dir: string,
    worktreeId: string,
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
    this.layout = new StateLayout(dir, worktreeId);
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
    return this.layout.pending;
  }

  /**
   * Re-anchored provenance of `path` for `text` (the file's current content, or a staged blob); undefined if nothing
   * is recorded. An entry that leaves no AI line on `text` nor on the file on disk (its lines were thrown away:
   * checkout, stash, reset) is deleted, so that text typed later never inherits it (not when read-only).
   */
  async read(repoPath: string, text: string): Promise<LineRuns | undefined> {
    const entry = await this.load(repoPath);
    if (!entry) return undefined;
    const facts = new TextFacts(text);
    const prov = provenanceFor(entry, facts);
    if (!this.readOnly && facts.sha1() !== entry.sha1 && !hasAi(prov)) await this.pruneIfGone(repoPath, entry, text);
    return prov;
  }

  /** Replace what is recorded for `path`: `text` is its content now, `lines` the provenance of each line of it (human-only → entry removed). */
  async write(repoPath: string, text: string, lines: LineRuns): Promise<void> {
    // The editor saves every edited file; one with no AI lines and no entry needs neither the lock nor a write.
    if (!hasAi(lines) && !existsSync(this.entryFile(repoPath))) return;
    await this.withLock(() => this.store(repoPath, new TextFacts(text), lines));
  }

  /**
   * Atomically read-modify-write (for recorders that merge: agent hooks, `record`). `fn` gets what is recorded
   * re-anchored onto `text`, and `at` giving it for another text (the file before an agent's edit).
   */
  async update(repoPath: string, text: string, fn: (current: LineRuns, at: (other: string) => LineRuns) => LineRuns): Promise<void> {
    await this.withLock(async () => {
      const entry = await this.load(repoPath);
      const at = (t: string): LineRuns => {
        const facts = new TextFacts(t);
        return entry ? provenanceFor(entry, facts) : humanLines(facts.lines().length);
      };
      // Reading and storing derive the same digest, lines and line hashes from `text`: computed once.
      const facts = new TextFacts(text);
      const current = entry ? provenanceFor(entry, facts) : humanLines(facts.lines().length);
      await this.store(repoPath, facts, fn(current, at));
    });
  }

  /** Repository-relative paths with recorded AI lines in this worktree. */
  async paths(): Promise<string[]> {
    const dir = this.entriesDir();
    const names = await namesIn(this.fs, dir);
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
    return (await readIfThere(this.fs, this.layout.generation))?.split('\n')[0];
  }

  /** Whether another worktree of this clone has entries (they keep `pending` alive). */
  async otherWorktreesHaveEntries(): Promise<boolean> {
    return hasEntries(this.fs, this.layout.allEntries, this.layout.worktreeId);
  }

  /** The raw text of an entry file, as last read (for a hook that precomputes a later swap). */
  async entryRaw(repoPath: string): Promise<string | undefined> {
    return this.readRaw(this.entryFile(repoPath));
  }

  /**
   * The lines recorded for `path` as its entry last saw them: each AI line's text (undefined elsewhere) and provenance.
   * Undefined when nothing is recorded or the entry keeps no texts (an earlier version's).
   */
  async recordedLines(repoPath: string): Promise<{ texts: (string | undefined)[]; provenance: LineRuns } | undefined> {
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
    return this.layout.entryFile(repoPath);
  }

  /** Runs `fn` holding the store's lock; exported for multi-file updates such as the post-commit advance. */
  async withLock<T>(fn: () => Promise<T>): Promise<T> {
    if (this.readOnly) throw new ReadOnlyStateError(this.layout.lock);
    // Every write of the state happens under the lock: its folders are checked once here, before the lock is made in one.
    await refuseLinkedFolders(this.fs, this.layout);
    return holdLock(this.fs, this.layout, fn);
  }

  /** What `write` would store for these lines (undefined: the entry would be removed); lets a hook precompute a later swap. */
  entryText(repoPath: string, text: string, lines: LineRuns): string | undefined {
    const entry = buildEntry(repoPath, new TextFacts(text), lines);
    return entry && JSON.stringify(entry);
  }

  entriesDir(): string {
    return this.layout.entries;
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
      if (facts.sha1() === entry.sha1 || hasAi(provenanceFor(entry, facts))) return;
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
      if (countLines(provenanceFor(entry, new TextFacts(text)), 'ai') >= countLines(expand(entry), 'ai')) return false;
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
    const raw = await readIfThere(this.fs, file);
    if (raw !== undefined) this.cache?.set(file, raw);
    return raw;
  }

  private async store(repoPath: string, text: TextFacts, lines: LineRuns): Promise<void> {
    const entry = buildEntry(repoPath, text, lines);
    if (entry) await this.put(repoPath, entry);
    // A file with no AI lines and nothing recorded changes nothing, so watchers must not hear of it.
    else if (!(await this.remove(repoPath))) return;
    await this.afterChange(entry !== undefined);
  }

  private async put(repoPath: string, entry: Entry): Promise<void> {
    const file = this.entryFile(repoPath);
    this.cache?.delete(file);
    await writeEntryFile(this.fs, this.layout, file, JSON.stringify(entry));
  }

  private async remove(repoPath: string): Promise<boolean> {
    const file = this.entryFile(repoPath);
    const raw = this.stashes && (await this.readRaw(file));
    this.cache?.delete(file);
    const entry = parseIfSound(file, raw || undefined);
    // Lines a stash holds come back with `git stash pop` or `apply`: the entry waits aside (see unstash), not in the live state.
    if (raw && entry && (await this.stashes?.holds(repoPath, (t) => holdsAll(entry, new TextFacts(t))))) {
      await makeDir(this.fs, this.layout.allStashed);
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
    const copy = this.layout.stashLogCopy;
    if (log !== undefined && log !== '') await atomicWrite(copy, log, this.fs);
    else await unlinkIfThere(this.fs, copy);
  }

  private stashedDir(): string {
    return this.layout.stashed;
  }

  private checkedMark(): string {
    return this.layout.checkedMark;
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
    if (paths.length > 0) await atomicWrite(this.layout.stashedPaths, `${paths.join('\n')}\n`, this.fs);
    else {
      await unlinkIfThere(this.fs, this.layout.stashedPaths);
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
    const names = (await namesIn(this.fs, dir)).filter((n) => n.endsWith('.json'));
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
      const lines = live ? overlay(provenanceFor(live, facts), back) : back;
      if (live || hasAi(lines)) await this.store(entry.path, facts, lines);
    });
    return true;
  }

  /** Keeps `pending` and `generation` in step with the entries; called with the lock held. `written`: an entry was just stored, so one exists. */
  async afterChange(written = false): Promise<void> {
    if (this.readOnly) throw new ReadOnlyStateError(this.layout.generation);
    // A token that cannot be read is not reported: the watcher then takes the change for another writer's.
    const previous = this.onGeneration && (await this.generationToken().then((token) => ({ token }), () => undefined));
    const token = await markChanged(this.fs, this.layout, written);
    if (previous) this.onGeneration?.(previous.token, token);
  }
}

