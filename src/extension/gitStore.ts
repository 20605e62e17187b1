// The Store over src/git: repository discovery, the working state, and committed history read in process with the
// code of `ai-provenance blame` (no CLI process, no JSON between them).
import * as path from 'node:path';
import type { CompiledConfig } from '../core/config';
import { overlay, type LineRuns } from '../core/lineRuns';
import type { PendingFile } from '../core/pending';
import type * as Blame from '../git/blame';
import { readPending } from '../git/pending';
import { discoverRepo, findRepoOnDisk, NotARepositoryError, stateDir, type Repo } from '../git/repo';
import { WorkingState } from '../git/workingState';
import type { CommittedRuns, RepoRef, Store } from './store';

interface Found extends RepoRef {
  readonly state: WorkingState;
  readonly repo: Repo;
  /** Absent in an untrusted workspace, which writes nothing: every change is another writer's. */
  readonly generations?: OwnGenerations;
}

/**
 * Tells a working state's changes this window made from those of other writers (hooks, agents, the CLI, other
 * windows) by the `generation` token each writer rewrites after its change.
 */
class OwnGenerations {
  /** A token whose state every open document of the repository has read, or written itself. */
  private known: string | undefined;

  /** This window replaced `previous` by `next`, the lock held: known only if `previous` was (else another writer's change is still to be read). */
  wrote(previous: string | undefined, next: string): void {
    if (previous === this.known) this.known = next;
  }

  /** `generation` says `token` now: false when the window knows that state; from now on it does (its documents read it next). */
  changed(token: string | undefined): boolean {
    if (token === this.known) return false;
    this.known = token;
    return true;
  }
}

// Loaded on the first history read: it brings the notes reader and the re-anchoring with it, which activation does not need.
let blameModule: typeof Blame | undefined;
function blameCode(): typeof Blame {
  blameModule ??= require('../git/blame') as typeof Blame;
  return blameModule;
}

export class GitStore implements Store {
  private readonly byDir = new Map<string, Promise<Found | undefined>>();
  private readonly generations = new Map<string, Promise<OwnGenerations>>();

  /**
   * @param trusted whether git may run and the working state be written; untrusted workspaces find the repository
   *   by reading `.git` only, read the working state without writing it, and read no history
   * @param workspaceFolders where a `.git` file's `gitdir:` may lead in an untrusted workspace
   */
  constructor(
    private readonly trusted: () => boolean,
    private readonly workspaceFolders: () => readonly string[],
  ) {}

  /** Forgets every repository found so far (trust was granted: find them again with git, writable). */
  reset(): void {
    this.byDir.clear();
    this.generations.clear();
  }

  repoFor(fsPath: string): Promise<RepoRef | undefined> {
    const dir = path.dirname(fsPath);
    let p = this.byDir.get(dir);
    if (!p) {
      p = this.discover(dir);
      this.byDir.set(dir, p);
      // A failed lookup is retried next time (the folder may become a repository).
      p.then((r) => r ?? this.byDir.delete(dir), () => this.byDir.delete(dir));
    }
    return p;
  }

  private async discover(dir: string): Promise<Found | undefined> {
    let repo: Repo | undefined;
    const trusted = this.trusted();
    if (trusted) {
      try {
        repo = await discoverRepo(dir);
      } catch (err) {
        if (err instanceof NotARepositoryError) return undefined;
        throw err;
      }
    } else {
      // No git in an untrusted workspace (its config could run commands): the repository is read from disk.
      repo = findRepoOnDisk(dir, { within: this.workspaceFolders(), env: {} });
    }
    if (!repo) return undefined;
    const states = stateDir(repo);
    const ref = { root: repo.root, stateDir: states, gitDir: repo.gitDir, commonDir: repo.commonDir, repo };
    if (!trusted) return { ...ref, state: WorkingState.forRepo(repo, { readOnly: true }) };
    let generations = this.generations.get(states);
    if (!generations) {
      // Read before any document of the repository reads its state: what it says now, they all read.
      generations = WorkingState.forRepo(repo)
        .generationToken()
        .catch(() => undefined)
        .then((token) => {
          const known = new OwnGenerations();
          known.changed(token);
          return known;
        });
      this.generations.set(states, generations);
    }
    const own = await generations;
    return { ...ref, generations: own, state: WorkingState.forRepo(repo, { onGeneration: (previous, next) => own.wrote(previous, next) }) };
  }

  async changedByOthers(repo: RepoRef): Promise<boolean> {
    const found = repo as Found;
    if (!found.generations) return true;
    try {
      return found.generations.changed(await found.state.generationToken());
    } catch {
      return true;
    }
  }

  read(repo: RepoRef, relPath: string, text: string): Promise<LineRuns | undefined> {
    return (repo as Found).state.read(relPath, text);
  }

  write(repo: RepoRef, relPath: string, text: string, lines: LineRuns): Promise<void> {
    return (repo as Found).state.write(relPath, text, lines);
  }

  writeKeeping(repo: RepoRef, relPath: string, text: string, lines: LineRuns): Promise<void> {
    return (repo as Found).state.update(relPath, text, (recorded) => (recorded.lineCount === lines.lineCount ? overlay(lines, recorded) : lines));
  }

  async rename(repo: RepoRef, from: string, to: string): Promise<void> {
    const state = (repo as Found).state;
    for (const p of await state.paths()) {
      if (p === from) await state.rename(p, to);
      else if (p.startsWith(`${from}/`)) await state.rename(p, `${to}${p.slice(from.length)}`);
    }
  }

  /** Files with AI lines not committed yet; reads only (no git process), so restricted mode may call it too. */
  async pending(repo: RepoRef, config: CompiledConfig, textOf: (relPath: string) => string | undefined): Promise<PendingFile[]> {
    const found = repo as Found;
    return (await readPending(found.repo, found.state, config, { textOf })).files;
  }

  async history(repo: RepoRef, relPath: string): Promise<CommittedRuns | undefined> {
    // git reads the repository's config, which could run commands: not in an untrusted workspace.
    if (!this.trusted()) return undefined;
    const found = repo as Found;
    const blame = blameCode();
    // As `ai-provenance blame` does. A writer of its own: lines a stash put back or git threw away are news for every
    // open document of the repository, read as another writer's change.
    await blame.settlePending(found.repo, WorkingState.forRepo(found.repo), [relPath]);
    return blame.committedLines(found.repo, relPath);
  }
}
