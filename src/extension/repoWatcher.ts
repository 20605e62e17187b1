// Watches, per repository, the working state and the refs that move with history, and tells the open documents of
// that repository to read again only what another writer changed. Free of 'vscode': the file watcher is handed in.
import type { RepoRef, Store } from './store';

export interface Disposable {
  dispose(): void;
}

/** Calls `onChange` whenever a file matching `pattern` under `dir` is created or changed (VS Code's file watcher). */
export type Watch = (dir: string, pattern: string, onChange: () => unknown) => Disposable;

export class RepoWatchers implements Disposable {
  private readonly watched = new Map<string, Disposable>();

  /** `reload(stateDir, history)`: the open documents of that repository read the working state (and history) again. */
  constructor(
    private readonly store: Pick<Store, 'changedByOthers'>,
    private readonly watch: Watch,
    private readonly reload: (stateDir: string, history: boolean) => void,
  ) {}

  /** Starts watching `repo`, once. */
  ensure(repo: RepoRef): void {
    if (this.watched.has(repo.stateDir)) return;
    // Every writer of the working state rewrites `generation` after its change.
    const state = this.watch(repo.stateDir, 'generation', () => this.stateChanged(repo));
    // A commit moves `logs/HEAD`; the post-commit hook's note moves `refs/notes/ai-provenance`; a fetch, a tracking
    // ref. A remote's first fetch makes the tracking ref's folders with it, faster than the file watcher follows into
    // them: the user's fetch rewrites `FETCH_HEAD` last, in a folder watched already (ours write none).
    const history = [repo.gitDir, repo.commonDir]
      .filter((d, i, all) => all.indexOf(d) === i)
      .map((d) => this.watch(d, '{logs/HEAD,FETCH_HEAD,refs/notes/ai-provenance,refs/notes/remotes/*/ai-provenance}', () => this.reload(repo.stateDir, true)));
    this.watched.set(repo.stateDir, { dispose: () => [state, ...history].forEach((w) => w.dispose()) });
  }

  /** The window's own changes are in its documents already: only other writers' (hooks, agents, the CLI, other windows) are read again. */
  private async stateChanged(repo: RepoRef): Promise<void> {
    if (await this.store.changedByOthers(repo)) this.reload(repo.stateDir, false);
  }

  dispose(): void {
    for (const w of this.watched.values()) w.dispose();
    this.watched.clear();
  }
}
