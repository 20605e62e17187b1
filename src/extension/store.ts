// What the extension needs from the per-clone working state and from committed history; implemented over src/git.
import type { LineRuns } from '../core/lineRuns';
import type { CommittedRuns } from '../git/blame';

export type { CommittedRuns };

export interface RepoRef {
  /** Absolute path of the work tree root. */
  readonly root: string;
  /** `<git-common-dir>/ai-provenance`, watched for records made by hooks and the CLI. */
  readonly stateDir: string;
  /** Per-worktree git dir and the shared common dir, watched for commits (`logs/HEAD`) and new notes. */
  readonly gitDir: string;
  readonly commonDir: string;
}

export interface Store {
  /** The repository holding a file, or undefined outside git. */
  repoFor(fsPath: string): Promise<RepoRef | undefined>;
  /** The recorded provenance of a file's lines re-anchored onto `text`; undefined when nothing is recorded. */
  read(repo: RepoRef, relPath: string, text: string): Promise<LineRuns | undefined>;
  write(repo: RepoRef, relPath: string, text: string, lines: LineRuns): Promise<void>;
  /** As `write`, but lines recorded as AI on `text` when the lock is taken stay AI (a record the document has not read yet). */
  writeKeeping(repo: RepoRef, relPath: string, text: string, lines: LineRuns): Promise<void>;
  /** Moves what is recorded for a file, or for every file under a folder, to its new path. */
  rename(repo: RepoRef, from: string, to: string): Promise<void>;
  /**
   * The committed AI lines of the file on disk with their notes' attributions, read in this process as `ai-provenance
   * blame` reads them; undefined when git does not track the file or running git is not allowed.
   */
  history(repo: RepoRef, relPath: string): Promise<CommittedRuns | undefined>;
  /**
   * Whether the working state changed since its last change this window made or saw (`generation` moved): false
   * only when the last writer was this window, on top of a state it knew, so its open documents have nothing to read.
   */
  changedByOthers(repo: RepoRef): Promise<boolean>;
}
