// Repository discovery and repository-relative paths, aware of linked worktrees and submodules.
import { readFileSync, realpathSync } from 'node:fs';
import * as path from 'node:path';
import type * as Run from './run';

// Loaded on first use: agent hooks that find the repository on disk never need child_process.
function run(): typeof Run {
  return require('./run') as typeof Run;
}

export interface Repo {
  /** Absolute top level of the working tree (of the submodule, inside one). */
  readonly root: string;
  /** Absolute per-worktree git dir (`.git`, `.git/worktrees/<id>`, `.git/modules/<name>`). */
  readonly gitDir: string;
  /** Absolute git dir shared by all worktrees of the clone; the working state lives under it. */
  readonly commonDir: string;
  /** `main` for the main worktree, else the linked worktree's id; separates working state per checkout. */
  readonly worktreeId: string;
  /** `sha1` or `sha256`. */
  readonly objectFormat: string;
}

export class NotARepositoryError extends Error {
  override name = 'NotARepositoryError';
  constructor(readonly cwd: string) {
    super(`${cwd}: not inside a git working tree`);
  }
}

/**
 * `git rev-parse` answers, one per query (each query a list of its arguments), through one process; a path with a
 * line break in it makes the lines ambiguous, and then each query is asked on its own. Rejects with GitError.
 */
export async function revParse(cwd: string, queries: readonly (readonly string[])[]): Promise<string[]> {
  const out = (await run().git(['rev-parse', ...queries.flat()], { cwd })).stdout.replace(/\n$/, '');
  const lines = out.split('\n');
  if (lines.length === queries.length) return lines;
  return Promise.all(queries.map(async (q) => (await run().git(['rev-parse', ...q], { cwd })).stdout.replace(/\n$/, '')));
}

/** Finds the repository containing `cwd` with a single `git rev-parse`. */
export async function discoverRepo(cwd: string): Promise<Repo> {
  let answers: string[];
  try {
    answers = await revParse(cwd, [['--show-toplevel'], ['--absolute-git-dir'], ['--git-common-dir'], ['--show-object-format']]);
  } catch (err) {
    if (err instanceof run().GitError) throw new NotARepositoryError(cwd);
    throw err;
  }
  const [root, gitDir, common, format] = answers;
  if (!root || !gitDir || !common) throw new NotARepositoryError(cwd);
  const commonDir = path.resolve(cwd, common);
  const worktreeId = samePath(gitDir, commonDir) ? 'main' : path.basename(gitDir);
  return { root, gitDir, commonDir: canonical(commonDir), worktreeId, objectFormat: format || 'sha1' };
}

/**
 * A Repo from directories already known (a hook script found them without running git): `root` is the top of the
 * working tree, where git runs hooks. The object format comes from the shared config file.
 */
export function repoFromDirs(root: string, gitDir: string, commonDir: string): Repo {
  let format = 'sha1';
  try {
    if (/^\s*objectformat\s*=\s*sha256\s*$/im.test(readFileSync(path.join(commonDir, 'config'), 'utf8'))) format = 'sha256';
  } catch {
    // No readable config: git's default object format.
  }
  const worktreeId = samePath(gitDir, commonDir) ? 'main' : path.basename(gitDir);
  return { root, gitDir, commonDir: canonical(commonDir), worktreeId, objectFormat: format };
}

/** The empty tree's id, the diff base of a first commit. */
export function emptyTree(repo: Repo): string {
  return repo.objectFormat === 'sha256'
    ? '6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321'
    : '4b825dc642cb6eb9a060e54bf8d69288fbee4904';
}

/** Directory of the per-clone working state, shared by every worktree, window, hook and CLI run. */
export function stateDir(repo: Repo): string {
  return path.join(repo.commonDir, 'ai-provenance');
}

/** Turns a path given on the command line (relative to `cwd`) into a repository-relative `/` path; throws if outside. */
export function toRepoPath(repo: Repo, file: string, cwd: string): string {
  const abs = canonical(path.resolve(cwd, file));
  const rel = path.relative(canonical(repo.root), abs);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new Error(`${file}: outside the repository at ${repo.root}`);
  }
  return rel.split(path.sep).join('/');
}

/** The absolute path on disk of a repository-relative path. */
export function fromRepoPath(repo: Repo, repoPath: string): string {
  return path.join(repo.root, ...repoPath.split('/'));
}

export async function headCommit(repo: Repo): Promise<string | undefined> {
  const r = await run().git(['rev-parse', '-q', '--verify', 'HEAD^{commit}'], { cwd: repo.root, okCodes: [1, 128] });
  return r.exitCode === 0 ? r.stdout.trim() : undefined;
}

// Resolves symlinks of the longest existing prefix so that /tmp vs /private/tmp style aliases compare equal.
function canonical(p: string): string {
  let head = p;
  const tail: string[] = [];
  for (;;) {
    try {
      return path.join(realpathSync.native(head), ...tail.reverse());
    } catch {
      const parent = path.dirname(head);
      if (parent === head) return p;
      tail.push(path.basename(head));
      head = parent;
    }
  }
}

function samePath(a: string, b: string): boolean {
  return canonical(a) === canonical(b);
}
