// Watches, per repository, the working state and the refs that move with history, and tells the open documents of
// that repository to read again only what another writer changed. Free of 'vscode': the file watcher is handed in.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { RepoRef, Store } from './store';

/**
 * What the clone's fetched notes refs hold, read from its files (no git process from the extension host): the loose
 * `refs/notes/remotes/<remote>/ai-provenance` files and the packed-refs lines of those refs. '' where there are none
 * (or the refs are not kept in files: reftable).
 */
async function fetchedNotesSignature(commonDir: string): Promise<string> {
  const parts: string[] = [];
  const remotes = path.join(commonDir, 'refs', 'notes', 'remotes');
  for (const name of (await fs.readdir(remotes).catch(() => [] as string[])).sort()) {
    const id = await fs.readFile(path.join(remotes, name, 'ai-provenance'), 'utf8').catch(() => '');
    if (id !== '') parts.push(`${name} ${id.trim()}`);
  }
  const packed = await fs.readFile(path.join(commonDir, 'packed-refs'), 'utf8').catch(() => '');
  for (const line of packed.split('\n')) if (/ refs\/notes\/remotes\/[^/]+\/ai-provenance$/.test(line)) parts.push(line);
  return parts.join('\n');
}

/**
 * What to call when FETCH_HEAD changes: `onChange` runs only when the fetched notes refs changed since the last call
 * (or since this was made). Every fetch rewrites FETCH_HEAD, VS Code's autofetch too.
 */
export function onFetchedNotes(commonDir: string, onChange: () => void): () => Promise<void> {
  let last = fetchedNotesSignature(commonDir);
  return async () => {
    const [was, now] = await Promise.all([last, fetchedNotesSignature(commonDir)]);
    last = Promise.resolve(now);
    if (now !== was) onChange();
  };
}

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
    // them: the user's fetch rewrites `FETCH_HEAD` last, in a folder watched already (ours write none). Every fetch
    // does (VS Code's autofetch too), so that one reloads only when the fetched notes refs changed.
    const dirs = [repo.gitDir, repo.commonDir].filter((d, i, all) => all.indexOf(d) === i);
    const history = dirs.map((d) => this.watch(d, '{logs/HEAD,refs/notes/ai-provenance,refs/notes/remotes/*/ai-provenance}', () => this.reload(repo.stateDir, true)));
    const fetched = onFetchedNotes(repo.commonDir, () => this.reload(repo.stateDir, true));
    const fetches = dirs.map((d) => this.watch(d, 'FETCH_HEAD', fetched));
    this.watched.set(repo.stateDir, { dispose: () => [state, ...history, ...fetches].forEach((w) => w.dispose()) });
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
