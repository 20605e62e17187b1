import { strict as assert } from 'node:assert';
import type * as ChildProcess from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Attribution, LineProvenance } from '../../../src/core/model';
import { discoverRepo, findRepoOnDisk, ForeignGitDirError } from '../../../src/git/repo';
import { ReadOnlyStateError, WorkingState } from '../../../src/git/workingState';
import { GitStore } from '../../../src/extension/gitStore';
import { RepoWatchers } from '../../../src/extension/repoWatcher';
import { notesRefspec } from '../../../src/git/notesSync';
import type { CommittedRuns, RepoRef } from '../../../src/extension/store';
import { treeDigest } from '../../security/treeDigest';
import { copyBuiltCli } from '../cliBuild';
import { aiLineNumbers, aiLines, GIT_ENV } from '../git/helpers';
import { fromLines } from '../../../src/core/lineRuns';
import { perLine } from '../git/helpers';

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', args, { cwd, stdio: 'ignore', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' } });
}

describe('git store', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = realpathSync(mkdtempSync(path.join(tmpdir(), 'aip-store-')));
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  describe('finding the repository without running git (untrusted workspaces)', () => {
    const discoverWithoutGit = async (dir: string, within: readonly string[]) => findRepoOnDisk(dir, { within, env: {} });

    it('finds the same root and common dir as git for a file deep in a repository', async () => {
      const repo = path.join(tmp, 'r');
      mkdirSync(path.join(repo, 'a', 'b'), { recursive: true });
      git(repo, 'init', '-q');
      const byGit = await discoverRepo(path.join(repo, 'a', 'b'));
      const byFs = await discoverWithoutGit(path.join(repo, 'a', 'b'), [repo]);
      assert.equal(byFs?.root, byGit.root);
      assert.equal(byFs?.commonDir, byGit.commonDir);
      assert.equal(byFs?.worktreeId, 'main');
    });

    it('reads the object format as git does, so a sha256 repository is not taken for sha1', async () => {
      const repo = path.join(tmp, 'r');
      mkdirSync(repo);
      git(repo, 'init', '-q', '--object-format=sha256');
      const byGit = await discoverRepo(repo);
      assert.equal(byGit.objectFormat, 'sha256');
      assert.deepEqual(await discoverWithoutGit(repo, [repo]), byGit);
    });

    it('follows a linked worktree to the shared common dir, as git does', async () => {
      const repo = path.join(tmp, 'r');
      mkdirSync(repo);
      git(repo, 'init', '-q');
      git(repo, 'commit', '-q', '--allow-empty', '-m', 'first');
      git(repo, 'worktree', 'add', '-q', path.join(tmp, 'wt'));
      const byGit = await discoverRepo(path.join(tmp, 'wt'));
      const byFs = await discoverWithoutGit(path.join(tmp, 'wt'), [tmp]);
      assert.equal(byFs?.root, byGit.root);
      assert.equal(byFs?.commonDir, byGit.commonDir);
      assert.equal(byFs?.worktreeId, byGit.worktreeId);
    });

    it('does not follow a linked worktree whose git dir is outside the workspace folders', async () => {
      const repo = path.join(tmp, 'r');
      mkdirSync(repo);
      git(repo, 'init', '-q');
      git(repo, 'commit', '-q', '--allow-empty', '-m', 'first');
      git(repo, 'worktree', 'add', '-q', path.join(tmp, 'wt'));
      await assert.rejects(discoverWithoutGit(path.join(tmp, 'wt'), [path.join(tmp, 'wt')]), (err: Error) => err instanceof ForeignGitDirError && /outside the workspace folders/.test(err.message));
    });

    it('does not follow a .git file or link that leads to another repository, and follows one that stays inside', async () => {
      const other = path.join(tmp, 'other');
      mkdirSync(other);
      git(other, 'init', '-q');
      const ws = path.join(tmp, 'ws');
      mkdirSync(path.join(ws, 'byfile'), { recursive: true });
      mkdirSync(path.join(ws, 'bylink'));
      writeFileSync(path.join(ws, 'byfile', '.git'), `gitdir: ${path.join(other, '.git')}\n`);
      symlinkSync(path.join(other, '.git'), path.join(ws, 'bylink', '.git'));
      await assert.rejects(discoverWithoutGit(path.join(ws, 'byfile'), [ws]), ForeignGitDirError);
      await assert.rejects(discoverWithoutGit(path.join(ws, 'bylink'), [ws]), ForeignGitDirError);
      // A submodule's `.git` file points into the superproject's `.git/modules`: inside the workspace folder.
      mkdirSync(path.join(ws, '.git', 'modules', 'sub'), { recursive: true });
      writeFileSync(path.join(ws, '.git', 'modules', 'sub', 'HEAD'), 'ref: refs/heads/main\n');
      mkdirSync(path.join(ws, 'sub'));
      writeFileSync(path.join(ws, 'sub', '.git'), 'gitdir: ../.git/modules/sub\n');
      assert.equal((await discoverWithoutGit(path.join(ws, 'sub'), [ws]))?.commonDir, path.join(ws, '.git', 'modules', 'sub'));
    });

    it('finds nothing outside a repository', async () => {
      assert.equal(await discoverWithoutGit(tmp, [tmp]), undefined);
    });
  });

  describe('in an untrusted workspace', () => {
    it('reads what is recorded but prunes nothing, writes nothing and runs nothing', async () => {
      const repo = path.join(tmp, 'r');
      mkdirSync(repo);
      git(repo, 'init', '-q');
      writeFileSync(path.join(repo, 'a.ts'), 'one\ntwo\nthree\n');
      const writer = WorkingState.forRepo(await discoverRepo(repo));
      await writer.write('a.ts', 'one\ntwo\nthree\n', fromLines(aiLines(4, [[1, 3]])));
      await writer.write('b.ts', 'x\n', fromLines(aiLines(2, [[1, 1]])));
      writeFileSync(path.join(repo, 'a.ts'), 'other\n');
      const before = treeDigest(path.join(repo, '.git'));

      const store = new GitStore(() => false, () => [repo]);
      const ref = await store.repoFor(path.join(repo, 'a.ts'));
      assert.ok(ref);
      assert.deepEqual(aiLineNumbers((perLine(await store.read(ref, 'a.ts', 'other\n'))) as LineProvenance[]), []);
      assert.deepEqual(aiLineNumbers((perLine(await store.read(ref, 'b.ts', 'x\n'))) as LineProvenance[]), [1]);
      assert.equal(await store.history(ref, 'a.ts'), undefined);
      await assert.rejects(store.write(ref, 'c.ts', 'x\n', fromLines(aiLines(2, [[1, 1]]))), ReadOnlyStateError);
      await assert.rejects(store.rename(ref, 'b.ts', 'd.ts'), ReadOnlyStateError);
      assert.deepEqual(treeDigest(path.join(repo, '.git')), before);
    });

    it('leaves the records of another repository alone when a .git file names it', async () => {
      const other = path.join(tmp, 'other');
      mkdirSync(other);
      git(other, 'init', '-q');
      await WorkingState.forRepo(await discoverRepo(other)).write('a.ts', 'one\ntwo\nthree\n', fromLines(aiLines(4, [[1, 3]])));
      const before = treeDigest(other);
      const ws = path.join(tmp, 'ws');
      mkdirSync(ws);
      writeFileSync(path.join(ws, '.git'), `gitdir: ${path.join(other, '.git')}\n`);
      writeFileSync(path.join(ws, 'a.ts'), 'other\n');
      const store = new GitStore(() => false, () => [ws]);
      await assert.rejects(store.repoFor(path.join(ws, 'a.ts')), ForeignGitDirError);
      assert.deepEqual(treeDigest(other), before);
    });
  });

  describe('history', () => {
    const SHELL: Attribution = { agent: 'claude-code', model: 'anthropic/claude-opus-4-5', source: 'agent-hook', session: 'sess-42', at: '2026-01-01T00:00:00.000Z', detail: 'shell' };

    /** A repository whose second line an agent wrote and a real commit (hooks installed by the CLI, as users do) noted. */
    async function committedAiLine(): Promise<string> {
      const repo = path.join(tmp, 'r');
      mkdirSync(repo);
      git(repo, 'init', '-q');
      execFileSync(process.execPath, [copyBuiltCli(path.join(tmp, 'cli')), 'install'], { cwd: repo, env: GIT_ENV, stdio: 'ignore' });
      writeFileSync(path.join(repo, 'a.ts'), 'one\ntwo\nthree\n');
      await WorkingState.forRepo(await discoverRepo(repo)).write('a.ts', 'one\ntwo\nthree\n', fromLines(aiLines(4, [[2, 2]], SHELL)));
      execFileSync('git', ['add', 'a.ts'], { cwd: repo, env: GIT_ENV });
      execFileSync('git', ['commit', '-q', '-m', 'add a'], { cwd: repo, env: GIT_ENV });
      return repo;
    }

    /** What the extension reads of `file`'s history in `repo` (a trusted workspace). */
    async function historyOf(repo: string, file: string): Promise<CommittedRuns> {
      const store = new GitStore(() => true, () => [repo]);
      const ref = await store.repoFor(path.join(repo, file));
      assert.ok(ref);
      const history = await store.history(ref, file);
      assert.ok(history);
      return history;
    }

    /** Each run as [start, end, kind, commit]. */
    const runsOf = (history: CommittedRuns): unknown[] => history.lines.runs.map((r) => [r.start, r.end, r.kind, history.commits[r.id]]);

    it('gives each committed line the attribution its note has, session, detail and model included, without starting a CLI', async () => {
      const repo = await committedAiLine();
      const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
      // Counts the Node processes started meanwhile: the CLI would be one (git itself is not Node).
      const started: string[] = [];
      // The module object itself (an import's namespace is read-only), which src/ reads each function from at each call.
      const cp = require('node:child_process') as { -readonly [K in 'execFile' | 'spawn']: (typeof ChildProcess)[K] };
      const { execFile, spawn } = cp;
      cp.execFile = ((file: string, ...rest: unknown[]) => (started.push(file), (execFile as (...a: unknown[]) => unknown)(file, ...rest))) as typeof execFile;
      cp.spawn = ((file: string, ...rest: unknown[]) => (started.push(file), (spawn as (...a: unknown[]) => unknown)(file, ...rest))) as typeof spawn;
      try {
        const history = await historyOf(repo, 'a.ts');
        assert.deepEqual(runsOf(history), [[1, 2, 'ai', head]]);
        assert.equal(history.lines.lineCount, 3);
        assert.deepEqual(history.lines.attributions[0], SHELL);
      } finally {
        cp.execFile = execFile;
        cp.spawn = spawn;
      }
      assert.deepEqual(started.filter((f) => f === process.execPath), [], 'no Node process (the CLI) was started');
    });

    it("shows a teammate's AI lines whose note only a fetch brought (refs/notes/remotes/origin/ai-provenance), with their agent and model", async () => {
      const cli = copyBuiltCli(path.join(tmp, 'cli'));
      const run = (cwd: string, file: string, ...args: string[]): string => execFileSync(file, args, { cwd, env: GIT_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      const server = path.join(tmp, 'server.git');
      run(tmp, 'git', 'init', '-q', '--bare', '-b', 'main', server);
      // The teammate commits lines an agent wrote (real hooks note them) and pushes; the push publishes the notes.
      const mate = path.join(tmp, 'mate');
      run(tmp, 'git', 'clone', '-q', server, mate);
      run(mate, process.execPath, cli, 'install');
      writeFileSync(path.join(mate, 'a.ts'), 'one\ntwo\nthree\nfour\n');
      run(mate, process.execPath, cli, 'record', '--agent', 'codex', '--model', 'openai/gpt-5', '--session', 'mate-7', 'a.ts:2-3');
      run(mate, 'git', 'add', 'a.ts');
      run(mate, 'git', '-c', 'commit.gpgsign=false', 'commit', '-q', '-m', 'add a');
      const commit = run(mate, 'git', 'rev-parse', 'HEAD').trim();
      run(mate, 'git', 'push', '-q', 'origin', 'main');
      assert.match(run(server, 'git', 'notes', '--ref=ai-provenance', 'list'), new RegExp(commit), 'the push published the note');

      // The user's clone: installed after cloning, so its notes come only through the fetch refspec install adds.
      const user = path.join(tmp, 'user');
      run(tmp, 'git', 'clone', '-q', server, user);
      run(user, process.execPath, cli, 'install');
      run(user, 'git', 'fetch', '-q', 'origin');
      const refs = (): string => run(user, 'git', 'for-each-ref', '--format=%(refname)', 'refs/notes/');
      assert.equal(refs(), 'refs/notes/remotes/origin/ai-provenance\n', 'the note is on the tracking ref only');

      const history = await historyOf(user, 'a.ts');
      assert.deepEqual(runsOf(history), [[1, 3, 'ai', commit]]);
      assert.deepEqual(
        history.lines.attributions.map((a) => [a.agent, a.model, a.session]),
        [['codex', 'openai/gpt-5', 'mate-7']],
      );
      assert.equal(refs(), 'refs/notes/remotes/origin/ai-provenance\n', 'reading merged nothing into the clone\'s own notes');
    });

    it('reads nothing of history in an untrusted workspace, and writes nothing', async () => {
      const repo = await committedAiLine();
      const before = treeDigest(path.join(repo, '.git'));
      const store = new GitStore(() => false, () => [repo]);
      const ref = await store.repoFor(path.join(repo, 'a.ts'));
      assert.ok(ref);
      assert.equal(await store.history(ref, 'a.ts'), undefined);
      assert.deepEqual(treeDigest(path.join(repo, '.git')), before);
    });
  });

  describe('writing a document reloaded from disk', () => {
    it("keeps the lines an agent recorded meanwhile, adds the document's own, and marks no other line AI", async () => {
      const repo = path.join(tmp, 'r');
      mkdirSync(repo);
      git(repo, 'init', '-q');
      const store = new GitStore(() => true, () => [repo]);
      const ref = await store.repoFor(path.join(repo, 'a.ts'));
      assert.ok(ref);
      const text = 'one\ntwo\nthree\nfour\n';
      const agent = WorkingState.forRepo(await discoverRepo(repo));
      await agent.write('a.ts', text, fromLines(aiLines(5, [[2, 3]])));
      await store.writeKeeping(ref, 'a.ts', text, fromLines(aiLines(5, [[4, 4]])));
      assert.deepEqual(aiLineNumbers(await agent.read('a.ts', text)), [2, 3, 4]);
      // A plain write still replaces what is recorded: a person's word wins.
      await store.write(ref, 'a.ts', text, fromLines(aiLines(5, [])));
      assert.equal(await agent.read('a.ts', text), undefined);
      await store.writeKeeping(ref, 'a.ts', text, fromLines(aiLines(5, [])));
      assert.equal(await agent.read('a.ts', text), undefined);
    });
  });

  describe("the window's own writes of the working state", () => {
    // VS Code's file watcher runs only inside VS Code: here the test fires its callbacks after each write, as the
    // watcher would (the integration suite runs the real one).
    /** The repository `repo` watched by a RepoWatchers whose callbacks for `pattern` `fire` calls; what it reloaded. */
    async function watching(repo: string, trusted: boolean, pattern: string): Promise<{ ref: RepoRef; store: GitStore; reloads: string[]; fire(): Promise<void>; dispose(): void }> {
      const store = new GitStore(() => trusted, () => [repo]);
      const ref = await store.repoFor(path.join(repo, 'a.ts'));
      assert.ok(ref);
      const reloads: string[] = [];
      const callbacks: (() => unknown)[] = [];
      const watchers = new RepoWatchers(
        store,
        (_dir, p, onChange) => {
          if (p === pattern) callbacks.push(onChange);
          return { dispose: () => undefined };
        },
        (stateDir, history) => reloads.push(`${path.relative(repo, stateDir)}${history ? ' with history' : ''}`),
      );
      watchers.ensure(ref);
      return { ref, store, reloads, fire: async () => void (await Promise.all(callbacks.map((c) => c()))), dispose: () => watchers.dispose() };
    }

    async function watched(trusted: boolean): Promise<{ repo: string; ref: RepoRef; store: GitStore; reloads: string[]; fire(): Promise<void> }> {
      const repo = path.join(tmp, 'r');
      mkdirSync(repo);
      git(repo, 'init', '-q');
      return { repo, ...(await watching(repo, trusted, 'generation')) };
    }

    it('reloads no document for a write of its own, and does for every other writer', async () => {
      const { repo, ref, store, reloads, fire } = await watched(true);
      await store.write(ref, 'a.ts', 'one\ntwo\n', fromLines(aiLines(3, [[1, 1]])));
      await fire();
      await store.write(ref, 'a.ts', 'one\ntwo\n', fromLines(aiLines(3, [[1, 2]])));
      await fire();
      assert.deepEqual(reloads, [], 'own writes');

      // Another writer (a hook, an agent, the CLI, another window) uses a working state of its own.
      const other = WorkingState.forRepo(await discoverRepo(repo));
      await other.write('b.ts', 'x\n', fromLines(aiLines(2, [[1, 1]])));
      await fire();
      assert.deepEqual(reloads, ['.git/ai-provenance']);

      // Another writer's change followed by the window's own before the watcher reports either: still read again.
      await other.write('b.ts', 'x\ny\n', fromLines(aiLines(3, [[1, 2]])));
      await store.write(ref, 'a.ts', 'one\n', fromLines(aiLines(2, [[1, 1]])));
      await fire();
      assert.deepEqual(reloads, ['.git/ai-provenance', '.git/ai-provenance']);
      await store.write(ref, 'a.ts', 'one\ntwo\n', fromLines(aiLines(3, [[1, 1]])));
      await fire();
      assert.equal(reloads.length, 2, 'own write after the reload');
    });

    it('reads history again after a fetch only when the fetched notes refs changed (an autofetch that brought none reloads nothing)', async () => {
      // A server, and the user's clone; its FETCH_HEAD watcher's callback is fired by hand after each fetch, as VS
      // Code's watcher would (the real one runs in test/integration/extension-fetched-notes.test.ts).
      const server = path.join(tmp, 'server.git');
      const mate = path.join(tmp, 'mate');
      const repo = path.join(tmp, 'r');
      git(tmp, 'init', '-q', '--bare', server);
      git(tmp, 'clone', '-q', server, mate);
      git(mate, 'commit', '-q', '--allow-empty', '-m', 'one');
      git(mate, 'push', '-q', 'origin', 'HEAD');
      git(tmp, 'clone', '-q', server, repo);
      // The refspec install configures (a pattern, so a server without notes is no error).
      git(repo, 'config', '--add', 'remote.origin.fetch', notesRefspec('origin'));
      const { reloads, fire, dispose } = await watching(repo, true, 'FETCH_HEAD');
      const fetch = async (): Promise<void> => {
        git(repo, 'fetch', '-q', 'origin');
        await fire();
      };
      await fetch();
      assert.deepEqual(reloads, [], 'a fetch that brought no notes');
      git(mate, 'notes', '--ref=ai-provenance', 'add', '-m', '{}', 'HEAD');
      git(mate, 'push', '-q', 'origin', 'refs/notes/ai-provenance');
      await fetch();
      const history = '.git/ai-provenance with history';
      assert.deepEqual(reloads, [history], 'the first fetch of the notes');
      await fetch();
      assert.deepEqual(reloads, [history], 'nothing new');
      git(mate, 'notes', '--ref=ai-provenance', 'add', '-f', '-m', '{"x":1}', 'HEAD');
      git(mate, 'push', '-q', 'origin', 'refs/notes/ai-provenance');
      git(repo, 'pack-refs', '--all');
      await fetch();
      assert.deepEqual(reloads, [history, history], 'moved notes');
      dispose();
    });

    it('in an untrusted workspace reads again on every change, as it writes none', async () => {
      const { repo, reloads, fire } = await watched(false);
      await WorkingState.forRepo(await discoverRepo(repo)).write('b.ts', 'x\n', fromLines(aiLines(2, [[1, 1]])));
      await fire();
      await fire();
      assert.deepEqual(reloads, ['.git/ai-provenance', '.git/ai-provenance']);
    });
  });
});
