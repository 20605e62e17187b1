// Repository discovery and repository-relative paths, aware of linked worktrees and submodules.
import { existsSync, lstatSync, readFileSync, realpathSync, statSync } from 'node:fs';
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
    // Not `--show-object-format`: git before 2.25 does not know it (and rev-parse echoes an option it does not know).
    answers = await revParse(cwd, [['--show-toplevel'], ['--absolute-git-dir'], ['--git-common-dir']]);
  } catch (err) {
    if (err instanceof run().GitError) throw new NotARepositoryError(cwd);
    throw err;
  }
  const [root, gitDir, common] = answers;
  if (!root || !gitDir || !common) throw new NotARepositoryError(cwd);
  return repoFromDirs(root, gitDir, path.resolve(cwd, common));
}

/** A `.git` file (or link) leads outside the workspace folders, which an untrusted workspace does not follow. */
export class ForeignGitDirError extends Error {
  override name = 'ForeignGitDirError';
  constructor(
    readonly dotGit: string,
    readonly target: string,
  ) {
    super(`${dotGit}: leads to ${target}, outside the workspace folders; not followed in an untrusted workspace`);
  }
}

export interface DiskDiscoveryOptions {
  /** GIT_DIR and friends move the repository where only git can tell: then nothing is found here. */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Folders (an untrusted workspace's) that a `.git` file or link, and a worktree's `commondir`, must lead into, else
   * ForeignGitDirError: a hostile `gitdir:` must not point the editor at another repository. A `.git` folder is
   * taken where it is found.
   */
  readonly within?: readonly string[];
}

function readTrim(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

function isInside(real: string, roots: readonly string[]): boolean {
  return roots.some((r) => real === r || real.startsWith(r.endsWith(path.sep) ? r : r + path.sep));
}

/**
 * The repository containing `cwd` as read from disk (the .git dir or file, `commondir`), without starting git:
 * agent hooks run on every edit, and an untrusted workspace may not run git at all. Undefined when only git itself
 * can tell (GIT_DIR and friends, core.worktree, a bare repository, a git dir without HEAD) or there is none.
 */
export function findRepoOnDisk(cwd: string, opts: DiskDiscoveryOptions = {}): Repo | undefined {
  const env = opts.env ?? process.env;
  if (env['GIT_DIR'] || env['GIT_WORK_TREE'] || env['GIT_COMMON_DIR'] || env['GIT_CEILING_DIRECTORIES'] || env['GIT_DISCOVERY_ACROSS_FILESYSTEM']) return undefined;
  let dir: string;
  try {
    dir = realpathSync.native(cwd);
  } catch {
    return undefined;
  }
  const roots = opts.within?.map((w) => canonical(path.resolve(w)));
  for (;;) {
    const dotGit = path.join(dir, '.git');
    const link = lstatSync(dotGit, { throwIfNoEntry: false });
    const st = link?.isSymbolicLink() ? statSync(dotGit, { throwIfNoEntry: false }) : link;
    if (link) {
      const followed = (p: string): string => {
        const real = canonical(p);
        if (roots && !isInside(real, roots)) throw new ForeignGitDirError(dotGit, real);
        return real;
      };
      // A link is checked where it leads even when that is a `gitdir:` file: nothing outside is read.
      const at = link.isSymbolicLink() ? followed(dotGit) : dotGit;
      let gitDir: string;
      if (st?.isDirectory()) gitDir = at;
      else {
        const m = /^gitdir: *(.+)$/m.exec(readTrim(dotGit) ?? '');
        if (!m) return undefined;
        gitDir = followed(path.resolve(dir, m[1]!.trim()));
      }
      if (!existsSync(path.join(gitDir, 'HEAD'))) return undefined;
      const common = readTrim(path.join(gitDir, 'commondir'));
      const commonDir = common ? followed(path.resolve(gitDir, common)) : realpathSync.native(gitDir);
      const config = readTrim(path.join(commonDir, 'config')) ?? '';
      // A configured work tree or a bare repository moves the top level away from where .git was found.
      if (/^\s*(worktree|bare\s*=\s*true)\b/im.test(config)) return undefined;
      const realGitDir = realpathSync.native(gitDir);
      return {
        root: dir,
        gitDir: realGitDir,
        commonDir,
        worktreeId: realGitDir === commonDir ? 'main' : path.basename(realGitDir),
        objectFormat: objectFormatOf(config),
      };
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** `findRepoOnDisk`, falling back to asking git. */
export async function findRepo(cwd: string): Promise<Repo> {
  return findRepoOnDisk(cwd) ?? (await discoverRepo(cwd));
}

function objectFormatOf(config: string): string {
  return /^\s*objectformat\s*=\s*sha256\s*$/im.test(config) ? 'sha256' : 'sha1';
}

/**
 * A Repo from directories already known (a hook script found them without running git): `root` is the top of the
 * working tree, where git runs hooks. The object format comes from the shared config file.
 */
export function repoFromDirs(root: string, gitDir: string, commonDir: string): Repo {
  // No readable config: git's default object format.
  const format = objectFormatOf(readTrim(path.join(commonDir, 'config')) ?? '');
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
