// A shared "server" (a bare repository), a developer's clone whose AI commits go through the real CLI and hooks, and
// the commits a server makes when it merges a pull request, made the way GitHub makes them.
import { execFileSync, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { initRepo, lines, sh, tempDir, write } from './helpers';
import { cliBundle, hookedEnv, installHooks } from './hookEnv';

export const NOTES = 'refs/notes/ai-provenance';
export const MODEL = 'anthropic/claude-opus-4-5';

/** GitHub's web-flow committer on the commits it makes. */
export const GITHUB_COMMITTER: NodeJS.ProcessEnv = { GIT_COMMITTER_NAME: 'GitHub', GIT_COMMITTER_EMAIL: 'noreply@github.com' };

export function git(dir: string, args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}, input?: string): string {
  return execFileSync('git', args, { cwd: dir, env: { ...hookedEnv(), ...extraEnv }, encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
}

export function cli(cwd: string, args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cliBundle().cli, ...args], { cwd, env: { ...hookedEnv(), ...extraEnv }, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export interface BlameLine {
  readonly line: number;
  readonly kind: string;
  readonly agent?: string;
  readonly model?: string;
}

export function blame(dir: string, file: string): BlameLine[] {
  const r = cli(dir, ['blame', file, '--json']);
  if (r.status !== 0) throw new Error(`blame ${file}: ${r.stderr}`);
  return JSON.parse(r.stdout) as BlameLine[];
}

/** 1-based lines blame shows as `kind` by claude-code with its model. */
export function linesOf(b: readonly BlameLine[], kind = 'ai'): number[] {
  return b.filter((l) => l.kind === kind && l.agent === 'claude-code' && l.model === MODEL).map((l) => l.line);
}

export interface Scenario {
  readonly server: string;
  readonly dev: string;
  /** main before the pull request. */
  readonly base: string;
  /** The pull request's commits, oldest first, and its head. */
  readonly commits: readonly string[];
  readonly head: string;
  /** The fork (a bare repository) the pull request comes from, when it does: its branch and notes are there. */
  readonly fork?: string;
}

/**
 * main holds src/a.ts (10 lines). The pull request `feature` has three commits, each through the real hooks:
 * 1. "Add parser": an agent adds lines 11-14 of src/a.ts;
 * 2. "Tidy parser": a person rewrites line 12 by hand (no record);
 * 3. "Add tests": an agent writes src/b.ts (3 lines) and a person adds line 15 of src/a.ts.
 * The developer pushes the branch and the notes. `extraAiLines`: more agent lines after "ai four" in the first commit
 * (and before "person five"). `fork`: the developer's origin is a fork of the server, which holds the branch and the
 * notes; the server has the pull request's commits only as GitHub keeps them, in refs/pull/12/head.
 */
export function prScenario(config?: object, opts: { extraAiLines?: number; fork?: boolean } = {}): Scenario {
  const server = tempDir('aip-server-');
  sh(server, 'git', 'init', '-q', '--bare', '-b', 'main');
  const dev = initRepo();
  installHooks(path.join(dev, '.git', 'hooks'));
  git(dev, ['remote', 'add', 'origin', server]);
  if (config) write(dev, '.ai-provenance.json', JSON.stringify(config));
  write(dev, 'src/a.ts', lines(10));
  git(dev, ['add', '.']);
  git(dev, ['commit', '-qm', 'base']);
  git(dev, ['push', '-q', 'origin', 'main']);
  const base = git(dev, ['rev-parse', 'HEAD']).trim();
  let fork: string | undefined;
  if (opts.fork) {
    fork = tempDir('aip-fork-');
    sh(fork, 'git', 'clone', '-q', '--bare', server, '.');
    git(dev, ['remote', 'set-url', 'origin', fork]);
  }
  git(dev, ['checkout', '-qb', 'feature']);

  const extra = Array.from({ length: opts.extraAiLines ?? 0 }, (_, i) => `ai extra ${i + 1}\n`).join('');
  write(dev, 'src/a.ts', lines(10) + 'ai one\nai two\nai three\nai four\n' + extra);
  record(dev, `src/a.ts:11-${14 + (opts.extraAiLines ?? 0)}`);
  git(dev, ['commit', '-qam', 'Add parser']);
  write(dev, 'src/a.ts', lines(10) + 'ai one\nperson rewrote two\nai three\nai four\n' + extra);
  git(dev, ['commit', '-qam', 'Tidy parser']);
  write(dev, 'src/b.ts', 'test one\ntest two\ntest three\n');
  record(dev, 'src/b.ts');
  write(dev, 'src/a.ts', lines(10) + 'ai one\nperson rewrote two\nai three\nai four\n' + extra + 'person five\n');
  git(dev, ['add', '.']);
  git(dev, ['commit', '-qm', 'Add tests']);
  git(dev, ['push', '-q', 'origin', 'feature', NOTES]);
  if (fork) sh(server, 'git', 'fetch', '-q', fork, 'feature:refs/pull/12/head');
  const commits = git(dev, ['rev-list', '--reverse', `${base}..feature`]).trim().split('\n');
  return { server, dev, base, commits, head: commits[commits.length - 1]!, ...(fork ? { fork } : {}) };
}

export function record(dir: string, target: string): void {
  const r = cli(dir, ['record', '--agent', 'claude-code', '--model', MODEL, target]);
  if (r.status !== 0) throw new Error(`record ${target}: ${r.stderr}`);
}

/** A clone of the server where the server's own commits are made (no hooks, no notes). */
function serverWorkspace(s: Scenario): string {
  const dir = tempDir('aip-web-');
  sh(dir, 'git', 'clone', '-q', s.server, '.');
  sh(dir, 'git', 'config', 'commit.gpgsign', 'false');
  return dir;
}

/** Someone else's change lands on main first, so the server's commits sit on a newer main. */
export function advanceMain(s: Scenario): void {
  const dir = serverWorkspace(s);
  write(dir, 'README.md', 'readme\n');
  sh(dir, 'git', 'add', '.');
  sh(dir, 'git', 'commit', '-qm', 'Add README');
  sh(dir, 'git', 'push', '-q', 'origin', 'main');
}

/** GitHub's "Squash and merge": one commit on main, its message the PR title, the commits' subjects and co-authors. */
export function githubSquash(s: Scenario, number = 12, title = 'Parser'): string {
  const dir = serverWorkspace(s);
  sh(dir, 'git', 'fetch', '-q', 'origin', s.fork ? `refs/pull/${number}/head` : 'feature');
  const tree = sh(dir, 'git', 'merge-tree', '--write-tree', 'origin/main', 'FETCH_HEAD').trim().split('\n')[0]!;
  const bodies = sh(dir, 'git', 'log', '--reverse', '--format=* %s%n%n%b', `origin/main..FETCH_HEAD`).replace(/\n{3,}/g, '\n\n').trim();
  const message = `${title} (#${number})\n\n${bodies}\n\n---------\n\nCo-authored-by: Bob Reviewer <bob@example.com>\n`;
  const sha = execFileSync('git', ['commit-tree', tree, '-p', 'origin/main', '-F', '-'], {
    cwd: dir,
    input: message,
    encoding: 'utf8',
    env: { ...hookedEnv(), GIT_AUTHOR_NAME: 'Ann Author', GIT_AUTHOR_EMAIL: 'ann@example.com', ...GITHUB_COMMITTER },
  }).trim();
  sh(dir, 'git', 'push', '-q', 'origin', `${sha}:refs/heads/main`);
  return sha;
}

/** GitHub's "Rebase and merge": every commit replayed onto main with GitHub as committer (new ids even when not needed). */
export function githubRebase(s: Scenario): string {
  const dir = serverWorkspace(s);
  sh(dir, 'git', 'fetch', '-q', 'origin', 'feature:feature');
  execFileSync('git', ['rebase', '-q', '--no-ff', 'origin/main', 'feature'], { cwd: dir, env: { ...hookedEnv(), ...GITHUB_COMMITTER }, stdio: 'ignore' });
  const sha = sh(dir, 'git', 'rev-parse', 'HEAD').trim();
  sh(dir, 'git', 'push', '-q', 'origin', `${sha}:refs/heads/main`);
  return sha;
}

/** GitHub's "Create a merge commit". */
export function githubMergeCommit(s: Scenario, number = 12): string {
  return mergeCommit(s, `Merge pull request #${number} from ann/feature`, GITHUB_COMMITTER);
}

/** GitLab's merge commit (merge method "Merge commit"), committed by the user who merged; refs/merge-requests/7/head kept. */
export function gitlabMergeCommit(s: Scenario): string {
  sh(s.server, 'git', 'update-ref', 'refs/merge-requests/7/head', s.head);
  return mergeCommit(s, "Merge branch 'feature' into 'main'\n\nParser\n\nSee merge request acme/shop!7", { GIT_COMMITTER_NAME: 'Bob Reviewer', GIT_COMMITTER_EMAIL: 'bob@example.com' });
}

function mergeCommit(s: Scenario, message: string, committer: NodeJS.ProcessEnv): string {
  const dir = serverWorkspace(s);
  sh(dir, 'git', 'fetch', '-q', 'origin', 'feature:feature');
  execFileSync('git', ['merge', '-q', '--no-ff', '-m', message, 'feature'], { cwd: dir, env: { ...hookedEnv(), ...committer }, stdio: 'ignore' });
  const sha = sh(dir, 'git', 'rev-parse', 'HEAD').trim();
  sh(dir, 'git', 'push', '-q', 'origin', `${sha}:refs/heads/main`);
  return sha;
}

/** A CI runner's checkout of main (all history, as actions/checkout with fetch-depth: 0) plus the PR branch and the notes. */
export function ciClone(s: Scenario): string {
  const dir = tempDir('aip-ci-');
  sh(dir, 'git', 'clone', '-q', s.server, '.');
  sh(dir, 'git', 'fetch', '-q', 'origin', 'feature', `${NOTES}:${NOTES}`);
  return dir;
}

/** The developer's view after `git pull` and fetching the notes. */
export function pullMain(s: Scenario): void {
  git(s.dev, ['checkout', '-q', 'main']);
  git(s.dev, ['pull', '-q', '--ff-only', 'origin', 'main']);
  git(s.dev, ['fetch', '-q', 'origin', `+${NOTES}:${NOTES}`]);
}

/** What GitHub keeps for every pull request, even after its branch is deleted: refs/pull/N/head. */
export function githubPullRef(s: Scenario, sha: string, number = 12): void {
  sh(s.server, 'git', 'update-ref', `refs/pull/${number}/head`, sha);
}

/** "Delete branch" after the merge: the PR's commits stay reachable only through refs/pull/N/head. */
export function deleteBranch(s: Scenario, branch = 'feature'): void {
  sh(s.server, 'git', 'update-ref', '-d', `refs/heads/${branch}`);
}

/** A team config committed to main on the server (after the PR's commits were made). */
export function configOnMain(s: Scenario, config: object): void {
  const dir = serverWorkspace(s);
  write(dir, '.ai-provenance.json', JSON.stringify(config));
  sh(dir, 'git', 'add', '.');
  sh(dir, 'git', 'commit', '-qm', 'Add the team config');
  sh(dir, 'git', 'push', '-q', 'origin', 'main');
}

/** GitHub's "Update branch" with rebase: the PR's commits replayed onto main, the branch and refs/pull/N/head moved. */
export function githubUpdateBranchRebase(s: Scenario, number = 12): string {
  const dir = serverWorkspace(s);
  // A fork's branch is rebased in the fork (with "Allow edits by maintainers").
  const home = s.fork ?? 'origin';
  sh(dir, 'git', 'fetch', '-q', home, 'feature:feature');
  execFileSync('git', ['rebase', '-q', '--no-ff', 'origin/main', 'feature'], { cwd: dir, env: { ...hookedEnv(), ...GITHUB_COMMITTER }, stdio: 'ignore' });
  const sha = sh(dir, 'git', 'rev-parse', 'HEAD').trim();
  sh(dir, 'git', 'push', '-q', '-f', home, `${sha}:refs/heads/feature`);
  if (s.fork) sh(s.server, 'git', 'fetch', '-q', s.fork, `+feature:refs/pull/${number}/head`);
  githubPullRef(s, sha, number);
  return sha;
}

/**
 * GitLab's merge with "Squash commits": a squash commit on the branch's base with the head's tree, then a merge commit
 * of it into main. Returns both.
 */
export function gitlabSquashMerge(s: Scenario): { squash: string; merge: string } {
  const dir = serverWorkspace(s);
  sh(dir, 'git', 'fetch', '-q', 'origin', 'feature:feature');
  const mergeBase = sh(dir, 'git', 'merge-base', 'origin/main', 'feature').trim();
  const env = { ...hookedEnv(), GIT_AUTHOR_NAME: 'Ann Author', GIT_AUTHOR_EMAIL: 'ann@example.com', GIT_COMMITTER_NAME: 'Ann Author', GIT_COMMITTER_EMAIL: 'ann@example.com' };
  const squash = execFileSync('git', ['commit-tree', 'feature^{tree}', '-p', mergeBase, '-m', 'Parser'], { cwd: dir, env, encoding: 'utf8' }).trim();
  const tree = sh(dir, 'git', 'merge-tree', '--write-tree', 'origin/main', squash).trim().split('\n')[0]!;
  const merge = execFileSync('git', ['commit-tree', tree, '-p', 'origin/main', '-p', squash, '-m', "Merge branch 'feature' into 'main'\n\nParser\n\nSee merge request acme/shop!7"], { cwd: dir, env, encoding: 'utf8' }).trim();
  sh(dir, 'git', 'push', '-q', 'origin', `${merge}:refs/heads/main`);
  sh(s.server, 'git', 'update-ref', 'refs/merge-requests/7/head', s.head);
  return { squash, merge };
}

/**
 * GitLab's fast-forward merge of a branch behind main: GitLab rebases the branch first (new commits, committed by the
 * user who merged; the old head kept in a refs/keep-around ref, as GitLab keeps the heads of a merge request's
 * versions), then main moves to the rebased head. Returns it.
 */
export function gitlabRebaseFastForward(s: Scenario): string {
  const dir = serverWorkspace(s);
  sh(dir, 'git', 'fetch', '-q', 'origin', 'feature:feature');
  execFileSync('git', ['rebase', '-q', '--no-ff', 'origin/main', 'feature'], { cwd: dir, env: { ...hookedEnv(), GIT_COMMITTER_NAME: 'Bob Reviewer', GIT_COMMITTER_EMAIL: 'bob@example.com' }, stdio: 'ignore' });
  const sha = sh(dir, 'git', 'rev-parse', 'HEAD').trim();
  sh(dir, 'git', 'push', '-q', '-f', 'origin', `${sha}:refs/heads/feature`, `${sha}:refs/heads/main`);
  sh(s.server, 'git', 'update-ref', `refs/keep-around/${s.head}`, s.head);
  sh(s.server, 'git', 'update-ref', 'refs/merge-requests/7/head', sha);
  return sha;
}

/** main changes `file` to `content` on the server (someone else's pull request merged first). */
export function changeOnMain(s: Scenario, file: string, content: string): string {
  const dir = serverWorkspace(s);
  write(dir, file, content);
  sh(dir, 'git', 'commit', '-qam', `Change ${file}`);
  sh(dir, 'git', 'push', '-q', 'origin', 'main');
  return sh(dir, 'git', 'rev-parse', 'HEAD').trim();
}

/**
 * A rebase of `feature` onto main that stops on conflicts, made where no hooks run (so its notes are for CI to carry)
 * and force-pushed: at each stop, the files `resolutions[subject of the commit]` names are written as given. Returns
 * the new head; refs/pull/N/head follows it.
 */
export function rebaseResolvingConflicts(s: Scenario, resolutions: Record<string, Record<string, string>>, number = 12): string {
  const dir = serverWorkspace(s);
  sh(dir, 'git', 'fetch', '-q', 'origin', 'feature:feature');
  const env = { ...hookedEnv(), GIT_EDITOR: 'true', GIT_AUTHOR_NAME: 'Ann Author', GIT_AUTHOR_EMAIL: 'ann@example.com', GIT_COMMITTER_NAME: 'Ann Author', GIT_COMMITTER_EMAIL: 'ann@example.com' };
  let r = spawnSync('git', ['rebase', '-q', 'origin/main', 'feature'], { cwd: dir, env, encoding: 'utf8' });
  for (let stops = 0; r.status !== 0; stops++) {
    const subject = sh(dir, 'git', 'log', '-1', '--format=%s', 'REBASE_HEAD').trim();
    const files = resolutions[subject];
    if (!files || stops > 10) throw new Error(`rebase stopped at "${subject}" with no resolution given: ${r.stdout}${r.stderr}`);
    for (const [file, content] of Object.entries(files)) {
      write(dir, file, content);
      sh(dir, 'git', 'add', file);
    }
    r = spawnSync('git', ['rebase', '--continue'], { cwd: dir, env, encoding: 'utf8' });
  }
  const sha = sh(dir, 'git', 'rev-parse', 'HEAD').trim();
  sh(dir, 'git', 'push', '-q', '-f', 'origin', `${sha}:refs/heads/feature`);
  githubPullRef(s, sha, number);
  return sha;
}
