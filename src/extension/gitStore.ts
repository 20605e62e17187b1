// The Store over src/git: repository discovery, the working state, and `ai-provenance blame --json` for history.
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import type { CompiledConfig } from '../core/config';
import type { LineProvenance } from '../core/model';
import type { PendingFile } from '../core/pending';
import { readPending } from '../git/pending';
import { discoverRepo, findRepoOnDisk, NotARepositoryError, stateDir, type Repo } from '../git/repo';
import { WorkingState } from '../git/workingState';
import type { BlameLine, RepoRef, Store } from './store';

interface Found extends RepoRef {
  readonly state: WorkingState;
  readonly repo: Repo;
}

export class GitStore implements Store {
  private readonly byDir = new Map<string, Promise<Found | undefined>>();

  /**
   * @param cliPath the bundled `dist/cli.js`
   * @param trusted whether git and the CLI may run, and the working state be written; untrusted workspaces find the
   *   repository by reading `.git` only, and read the working state without writing it
   * @param workspaceFolders where a `.git` file's `gitdir:` may lead in an untrusted workspace
   */
  constructor(
    private readonly cliPath: string,
    private readonly trusted: () => boolean,
    private readonly workspaceFolders: () => readonly string[],
  ) {}

  /** Forgets every repository found so far (trust was granted: find them again with git, writable). */
  reset(): void {
    this.byDir.clear();
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
    if (this.trusted()) {
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
    const state = WorkingState.forRepo(repo, { readOnly: !this.trusted() });
    return { root: repo.root, stateDir: stateDir(repo), gitDir: repo.gitDir, commonDir: repo.commonDir, state, repo };
  }

  read(repo: RepoRef, relPath: string, text: string): Promise<readonly LineProvenance[] | undefined> {
    return (repo as Found).state.read(relPath, text);
  }

  write(repo: RepoRef, relPath: string, text: string, lines: readonly LineProvenance[]): Promise<void> {
    return (repo as Found).state.write(relPath, text, lines);
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

  blame(repo: RepoRef, relPath: string): Promise<readonly BlameLine[]> {
    if (!this.trusted()) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      execFile(
        process.execPath,
        [this.cliPath, 'blame', relPath, '--json'],
        // The extension host may be Electron: make it behave as plain Node for the CLI.
        { cwd: repo.root, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, maxBuffer: 256 * 1024 * 1024 },
        (err, stdout, stderr) => {
          if (err) {
            reject(new Error(`ai-provenance blame ${relPath}: ${String(stderr).trim().split('\n')[0] || err.message}`));
            return;
          }
          try {
            resolve(parseBlame(String(stdout)));
          } catch (e) {
            reject(e instanceof Error ? e : new Error(String(e)));
          }
        },
      );
    });
  }
}

/** Keeps the well-formed entries of `blame --json` output. */
export function parseBlame(json: string): BlameLine[] {
  const raw: unknown = JSON.parse(json);
  const list: unknown = Array.isArray(raw) ? raw : typeof raw === 'object' && raw !== null ? (raw as { lines?: unknown }).lines : undefined;
  if (!Array.isArray(list)) throw new Error('ai-provenance blame: unexpected output (no line list)');
  const out: BlameLine[] = [];
  for (const item of list) {
    if (typeof item !== 'object' || item === null) continue;
    const r = item as Record<string, unknown>;
    if (typeof r.line !== 'number' || (r.kind !== 'human' && r.kind !== 'ai' && r.kind !== 'mixed')) continue;
    const s = (k: string): string | undefined => (typeof r[k] === 'string' && r[k] !== '' ? (r[k] as string) : undefined);
    out.push({ line: r.line, kind: r.kind, agent: s('agent'), model: s('model'), source: s('source'), commit: s('commit'), at: s('at') });
  }
  return out;
}
