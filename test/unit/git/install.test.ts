import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { CHAINED_SUFFIX, HookName, MANAGED_MARKER, InstallError, installHooks, uninstallHooks } from '../../../src/git/install';
import { command as installCommand } from '../../../src/cli/commands/install';
import { command as uninstallCommand } from '../../../src/cli/commands/uninstall';
import { command as statusCommand } from '../../../src/cli/commands/status';
import { command as trailersCommand } from '../../../src/cli/commands/trailers';
import type { Command } from '../../../src/cli/command';

// Real git in temporary repositories; our hook body is a stand-in that logs its calls so the chaining is visible.

const HUSKY_BIN = path.resolve(__dirname, '../../../node_modules/husky/bin.js');

let tmp: string;
let env: NodeJS.ProcessEnv;

function run(cmd: string, args: readonly string[], cwd: string, input?: string): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args as string[], { cwd, env, input, encoding: 'utf8' });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function git(cwd: string, ...args: string[]): string {
  const r = run('git', args, cwd);
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function newRepo(name = 'repo'): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  fs.writeFileSync(path.join(dir, 'a.txt'), 'one\n');
  git(dir, 'add', 'a.txt');
  git(dir, 'commit', '-q', '-m', 'initial');
  return dir;
}

function logFile(): string {
  return path.join(tmp, 'hooks.log');
}

function readLog(): string[] {
  return fs.existsSync(logFile()) ? fs.readFileSync(logFile(), 'utf8').split('\n').filter(Boolean) : [];
}

function clearLog(): void {
  fs.rmSync(logFile(), { force: true });
}

/** Logs `ours <hook> <args>` (and post-rewrite's stdin); commit-msg blocks on BLOCK and crashes on CRASH in the message. */
function fakeBody(name: HookName): string {
  const log = JSON.stringify(logFile());
  const lines = ['#!/bin/sh', `printf 'ours ${name} %s\\n' "$*" >> ${log}`];
  if (name === 'post-rewrite') lines.push(`sed 's/^/ours-stdin /' >> ${log}`);
  if (name === 'post-commit') lines.push(`printf 'ours-env node=%s cli=%s electron=%s\\n' "$AI_PROVENANCE_NODE" "$AI_PROVENANCE_CLI" "\${ELECTRON_RUN_AS_NODE-}" >> ${log}`);
  if (name === 'commit-msg') {
    lines.push('if grep -q BLOCK "$1"; then echo "policy violation" >&2; exit 1; fi');
    lines.push('if grep -q CRASH "$1"; then exit 3; fi');
    // A redirection failing on a special builtin ends a POSIX shell at once, the whole hook with it (our body runs
    // in the wrapper's own shell).
    lines.push('if grep -q FATAL "$1"; then : > /nonexistent-ai-provenance-dir/x; echo "not reached" >&2; fi');
  }
  if (name === 'prepare-commit-msg') lines.push('if grep -q FATAL "$1"; then : > /nonexistent-ai-provenance-dir/x; fi');
  return lines.join('\n') + '\n';
}

/** A user's own hook that logs `user <hook>`, and fails commit-msg when the message says USERFAIL. */
function userHook(name: HookName, log = logFile()): string {
  const lines = ['#!/bin/sh', `printf 'user ${name} %s\\n' "$*" >> ${JSON.stringify(log)}`];
  if (name === 'post-rewrite' || name === 'reference-transaction') lines.push(`sed 's/^/user-stdin /' >> ${JSON.stringify(log)}`);
  // A ref update the user's reference-transaction refuses while prepared is aborted.
  if (name === 'reference-transaction') lines.push('if [ "$1" = prepared ] && [ -e refuse-ref-updates ]; then echo "user hook refuses the ref update" >&2; exit 1; fi');
  if (name === 'commit-msg') lines.push('if grep -q USERFAIL "$1"; then echo "user hook says no" >&2; exit 1; fi');
  return lines.join('\n') + '\n';
}

function install(cwd: string, runtime: { cliPath?: string; nodePath?: string; nodeIsElectron?: boolean } = {}): ReturnType<typeof installHooks> {
  return installHooks({ cwd, cliPath: '/opt/ai-provenance/dist/cli.js', nodePath: process.execPath, hookBody: fakeBody, ...runtime });
}

/** `user <hook>` / `ours <hook>` in the order they ran. */
function hookCalls(): string[] {
  return readLog()
    .filter((l) => /^(user|ours) /.test(l))
    .map((l) => l.split(' ').slice(0, 2).join(' '));
}

function envLine(): string | undefined {
  return readLog().find((l) => l.startsWith('ours-env '));
}

function commit(cwd: string, message: string, ...extra: string[]): { status: number; stderr: string } {
  fs.appendFileSync(path.join(cwd, 'a.txt'), `${message}\n`);
  git(cwd, 'add', 'a.txt');
  return run('git', ['commit', '-q', '-m', message, ...extra], cwd);
}

/** Every file under `dir` (skipping git's index and logs, which commits touch), with bytes and mode. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      const rel = path.relative(dir, p);
      const st = fs.lstatSync(p);
      if (e.isDirectory()) {
        out.set(rel + '/', (st.mode & 0o7777).toString(8));
        walk(p);
      } else {
        out.set(rel, `${(st.mode & 0o7777).toString(8)} ${fs.readFileSync(p).toString('base64')}`);
      }
    }
  };
  walk(dir);
  return out;
}

function ours(log: string[]): string[] {
  return log.filter((l) => l.startsWith('ours ')).map((l) => l.split(' ')[1]);
}

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

async function cli(cmd: Command, cwd: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Sink();
  const stderr = new Sink();
  const code = await cmd.run(args, { cwd, stdout, stderr, stdin: Readable.from([]) });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

beforeEach(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'aip-install-')));
  const gitconfig = path.join(tmp, 'gitconfig');
  fs.writeFileSync(gitconfig, '[user]\n\tname = Test User\n\temail = test@example.com\n[init]\n\tdefaultBranch = main\n');
  env = { ...process.env, HOME: tmp, XDG_CONFIG_HOME: path.join(tmp, '.config'), GIT_CONFIG_GLOBAL: gitconfig, GIT_CONFIG_NOSYSTEM: '1' };
  for (const k of Object.keys(env)) if (k.startsWith('GIT_') && !k.startsWith('GIT_CONFIG')) delete env[k];
  // installHooks runs git in this process; the same isolation has to hold for it.
  process.env.GIT_CONFIG_GLOBAL = gitconfig;
  process.env.GIT_CONFIG_NOSYSTEM = '1';
});

afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('install', function () {

  describe('in a plain repository', () => {
    it('runs our prepare-commit-msg, commit-msg and post-commit on a commit, and post-rewrite with its input on amend', async () => {
      const repo = newRepo();
      const report = await install(repo);
      assert.equal(report.mode, 'plain');
      assert.equal(report.hooksDir, path.join(repo, '.git', 'hooks'));

      assert.equal(commit(repo, 'second').status, 0);
      assert.deepEqual(ours(readLog()), ['prepare-commit-msg', 'commit-msg', 'post-commit']);
      assert.match(readLog()[0], /^ours prepare-commit-msg \.git\/COMMIT_EDITMSG message$/);

      clearLog();
      const before = git(repo, 'rev-parse', 'HEAD').trim();
      assert.equal(run('git', ['commit', '-q', '--amend', '--no-edit'], repo).status, 0);
      const after = git(repo, 'rev-parse', 'HEAD').trim();
      assert.ok(readLog().includes('ours post-rewrite amend'));
      assert.ok(readLog().includes(`ours-stdin ${before} ${after}`), readLog().join('\n'));
    });

    it('stops a commit only on a policy violation from our commit-msg, never on an internal failure', async () => {
      const repo = newRepo();
      await install(repo);
      const blocked = commit(repo, 'BLOCK this');
      assert.equal(blocked.status, 1);
      assert.match(blocked.stderr, /policy violation/);

      const crashed = commit(repo, 'CRASH inside');
      assert.equal(crashed.status, 0);
      assert.match(crashed.stderr, /ai-provenance: internal error in the commit-msg hook \(exit 3\)/);
      assert.equal(git(repo, 'log', '-1', '--format=%s').trim(), 'CRASH inside');

      const fatal = commit(repo, 'FATAL shell error');
      assert.equal(fatal.status, 0, fatal.stderr);
      assert.match(fatal.stderr, /ai-provenance: internal error in the prepare-commit-msg hook \(exit 2\); ignored/);
      assert.match(fatal.stderr, /ai-provenance: internal error in the commit-msg hook \(exit 2\); ignored/);
      assert.doesNotMatch(fatal.stderr, /not reached/);
      assert.equal(git(repo, 'log', '-1', '--format=%s').trim(), 'FATAL shell error');
    });

    it('keeps the commit going when our hook body is missing', async () => {
      const repo = newRepo();
      await install(repo);
      fs.rmSync(path.join(repo, '.git', 'ai-provenance', 'hooks'), { recursive: true });
      const r = commit(repo, 'no body');
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr, '');
    });

    it('gives a clear error outside a git repository', async () => {
      const dir = path.join(tmp, 'plain-dir');
      fs.mkdirSync(dir);
      await assert.rejects(install(dir), (e: unknown) => e instanceof InstallError && e.message === `${dir}: not a git repository with a working tree`);
    });

    it('gives a clear error when the hooks directory cannot be created', async () => {
      const repo = newRepo();
      // Runs as any user: a path below a regular file can never be created (permission bits do not stop root).
      fs.writeFileSync(path.join(repo, 'blocker'), '');
      git(repo, 'config', 'core.hooksPath', 'blocker/hooks');
      await assert.rejects(install(repo), (e: unknown) => e instanceof InstallError && /blocker\/hooks: cannot create the hooks directory \(ENOTDIR\)$/.test(e.message));
    });
  });

  describe('with an existing hook', () => {
    function addUserHooks(hooksDir: string): void {
      fs.mkdirSync(hooksDir, { recursive: true });
      for (const name of ['prepare-commit-msg', 'commit-msg', 'post-rewrite'] as const) {
        fs.writeFileSync(path.join(hooksDir, name), userHook(name), { mode: 0o750 });
      }
    }

    it('runs the user hook first, then ours, both with the same arguments and post-rewrite input', async () => {
      const repo = newRepo();
      addUserHooks(path.join(repo, '.git', 'hooks'));
      const report = await install(repo);
      assert.equal(report.hooks.find((h) => h.name === 'commit-msg')?.chained, path.join(repo, '.git', 'hooks', `commit-msg${CHAINED_SUFFIX}`));

      assert.equal(commit(repo, 'second').status, 0);
      assert.deepEqual(hookCalls(), [
        'user prepare-commit-msg',
        'ours prepare-commit-msg',
        'user commit-msg',
        'ours commit-msg',
        'ours post-commit',
      ]);

      clearLog();
      assert.equal(run('git', ['commit', '-q', '--amend', '--no-edit'], repo).status, 0);
      const log = readLog();
      assert.equal(log.filter((l) => l.startsWith('user-stdin ')).length, 1, log.join('\n'));
      assert.equal(log.filter((l) => l.startsWith('ours-stdin ')).length, 1, log.join('\n'));
    });

    it("still refuses a commit the user's commit-msg refuses", async () => {
      const repo = newRepo();
      addUserHooks(path.join(repo, '.git', 'hooks'));
      await install(repo);
      const r = commit(repo, 'USERFAIL please');
      assert.equal(r.status, 1);
      assert.match(r.stderr, /user hook says no/);
      assert.equal(git(repo, 'log', '-1', '--format=%s').trim(), 'initial');
    });

    it("lets the commit through when the user's hook passes and ours fails internally", async () => {
      const repo = newRepo();
      addUserHooks(path.join(repo, '.git', 'hooks'));
      await install(repo);
      assert.equal(commit(repo, 'CRASH again').status, 0);
      assert.equal(git(repo, 'log', '-1', '--format=%s').trim(), 'CRASH again');
    });

    it("runs the user's reference-transaction on every ref update with its input, still lets it refuse one, and uninstall puts it back", async () => {
      const repo = newRepo();
      const file = path.join(repo, '.git', 'hooks', 'reference-transaction');
      fs.writeFileSync(file, userHook('reference-transaction'), { mode: 0o755 });
      await install(repo);
      assert.match(fs.readFileSync(file, 'utf8'), /ai-provenance-managed-hook/);
      assert.equal(commit(repo, 'second').status, 0);
      const head = git(repo, 'rev-parse', 'HEAD').trim();
      assert.deepEqual(
        // git 2.46 and later also run it for a 'preparing' state first.
        readLog().filter((l) => l.startsWith('user ') && !l.endsWith(' preparing')),
        ['user reference-transaction prepared', 'user reference-transaction committed'],
      );
      assert.ok(readLog().includes(`user-stdin ${git(repo, 'rev-parse', 'HEAD~1').trim()} ${head} refs/heads/main`), readLog().join('\n'));
      // Ours starts nothing for a commit: no push is waiting for its notes.
      assert.deepEqual(ours(readLog()), ['prepare-commit-msg', 'commit-msg', 'post-commit']);

      fs.writeFileSync(path.join(repo, 'refuse-ref-updates'), '');
      const refused = run('git', ['branch', 'other'], repo);
      assert.notEqual(refused.status, 0);
      assert.match(refused.stderr, /user hook refuses the ref update/);
      assert.equal(run('git', ['rev-parse', '-q', '--verify', 'refs/heads/other'], repo).status, 1);

      await uninstallHooks(repo);
      assert.equal(fs.readFileSync(file, 'utf8'), userHook('reference-transaction'));
      assert.equal(fs.statSync(file).mode & 0o777, 0o755);
    });

    it('does not run a user hook that git would not run (not executable)', async () => {
      const repo = newRepo();
      const hooks = path.join(repo, '.git', 'hooks');
      fs.writeFileSync(path.join(hooks, 'commit-msg'), userHook('commit-msg'), { mode: 0o644 });
      await install(repo);
      assert.equal(commit(repo, 'USERFAIL ignored as before').status, 0);
      assert.deepEqual(readLog().filter((l) => l.startsWith('user ')), []);
    });
  });

  describe('with core.hooksPath', () => {
    it('installs into a relative hooks path, resolved from the top level even when run in a subdirectory', async () => {
      const repo = newRepo();
      git(repo, 'config', 'core.hooksPath', '.githooks');
      fs.mkdirSync(path.join(repo, 'src', 'deep'), { recursive: true });
      const report = await install(path.join(repo, 'src', 'deep'));
      assert.equal(report.hooksDir, path.join(repo, '.githooks'));
      assert.ok(fs.existsSync(path.join(repo, '.githooks', 'commit-msg')));
      assert.equal(commit(repo, 'second').status, 0);
      assert.deepEqual(ours(readLog()), ['prepare-commit-msg', 'commit-msg', 'post-commit']);
    });

    it('installs into an absolute hooks path and removes the folder it created on uninstall', async () => {
      const repo = newRepo();
      const hooks = path.join(tmp, 'shared-hooks');
      git(repo, 'config', 'core.hooksPath', hooks);
      await install(repo);
      assert.equal(commit(repo, 'second').status, 0);
      assert.deepEqual(ours(readLog()), ['prepare-commit-msg', 'commit-msg', 'post-commit']);
      await uninstallHooks(repo);
      assert.equal(fs.existsSync(hooks), false);
    });

    it('moves the install when core.hooksPath changes between two installs', async () => {
      const repo = newRepo();
      await install(repo);
      git(repo, 'config', 'core.hooksPath', '.githooks');
      const report = await install(repo);
      assert.equal(report.movedFrom, path.join(repo, '.git', 'hooks'));
      assert.equal(fs.existsSync(path.join(repo, '.git', 'hooks', 'commit-msg')), false);
      assert.equal(commit(repo, 'second').status, 0);
      assert.deepEqual(ours(readLog()), ['prepare-commit-msg', 'commit-msg', 'post-commit']);
    });
  });

  describe('when core.hooksPath changes after install', () => {
    const warning = /^ai-provenance: git hooks are not installed where git looks for them \((.*)\); run 'ai-provenance install'$/;

    function warnings(stderr: string): string[] {
      return stderr.split('\n').filter((l) => warning.test(l));
    }

    it('says so in one line from status and trailers when husky is added later, and not once installed again', async () => {
      const repo = newRepo();
      await install(repo);
      for (const cmd of [statusCommand, trailersCommand]) {
        const r = await cli(cmd, repo);
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(warnings(r.stderr), [], 'no warning while git runs our hooks');
      }
      fs.writeFileSync(path.join(repo, 'package.json'), '{\n  "name": "demo",\n  "private": true\n}\n');
      assert.equal(run(process.execPath, [HUSKY_BIN, 'init'], repo).status, 0);
      // husky init writes a pre-commit running `npm test`.
      fs.writeFileSync(path.join(repo, '.husky', 'pre-commit'), 'true\n');
      clearLog();
      assert.equal(commit(repo, 'hooks silently skipped').status, 0);
      assert.deepEqual(ours(readLog()), [], 'git no longer runs our hooks');
      for (const cmd of [statusCommand, trailersCommand]) {
        const r = await cli(cmd, path.join(repo, '.husky'));
        assert.equal(r.code, 0, r.stderr);
        const lines = warnings(r.stderr);
        assert.equal(lines.length, 1, r.stderr);
        assert.equal(warning.exec(lines[0]!)?.[1], path.join(repo, '.husky', '_'));
      }
      await install(repo);
      assert.deepEqual(warnings((await cli(statusCommand, repo)).stderr), []);
      assert.deepEqual(warnings((await cli(trailersCommand, repo)).stderr), []);
    });

    it('warns when core.hooksPath is unset again, and not in a repository where install never ran', async () => {
      const repo = newRepo();
      git(repo, 'config', 'core.hooksPath', '.githooks');
      assert.deepEqual(warnings((await cli(statusCommand, repo)).stderr), [], 'nothing was installed');
      await install(repo);
      git(repo, 'config', '--unset', 'core.hooksPath');
      const lines = warnings((await cli(statusCommand, repo)).stderr);
      assert.equal(lines.length, 1);
      assert.equal(warning.exec(lines[0]!)?.[1], path.join(repo, '.git', 'hooks'));
    });
  });

  describe('with husky 9', () => {
    function huskyRepo(): string {
      const repo = newRepo();
      fs.writeFileSync(path.join(repo, 'package.json'), '{\n  "name": "demo",\n  "private": true\n}\n');
      const r = run(process.execPath, [HUSKY_BIN, 'init'], repo);
      assert.equal(r.status, 0, r.stderr);
      // husky init writes a pre-commit running `npm test`; a user's commit-msg check stands in for commitlint.
      fs.writeFileSync(path.join(repo, '.husky', 'pre-commit'), 'true\n');
      fs.writeFileSync(path.join(repo, '.husky', 'commit-msg'), userHook('commit-msg'));
      git(repo, 'add', '-A');
      git(repo, 'commit', '-q', '-m', 'husky');
      clearLog();
      return repo;
    }

    /** What `npm install` does through the `prepare: husky` script. */
    function regenerateHusky(repo: string): void {
      fs.rmSync(path.join(repo, '.husky', '_'), { recursive: true, force: true });
      const r = run(process.execPath, [HUSKY_BIN], repo);
      assert.equal(r.status, 0, r.stderr);
    }

    it("adds a block to .husky/<hook>, runs the user's husky script and ours, and survives husky regenerating .husky/_", async () => {
      const repo = huskyRepo();
      assert.equal(git(repo, 'config', 'core.hooksPath').trim(), '.husky/_');
      const report = await install(repo);
      assert.equal(report.mode, 'husky');
      assert.equal(report.hooksDir, path.join(repo, '.husky'));
      // husky runs only the hooks it knows, so a .husky/reference-transaction would do nothing: ours goes where git runs it.
      assert.equal(report.hooks.find((h) => h.name === 'reference-transaction')?.file, path.join(repo, '.husky', '_', 'reference-transaction'));
      assert.equal(fs.existsSync(path.join(repo, '.husky', 'reference-transaction')), false);

      assert.equal(commit(repo, 'second').status, 0);
      assert.deepEqual(hookCalls(), [
        'ours prepare-commit-msg',
        'user commit-msg',
        'ours commit-msg',
        'ours post-commit',
      ]);

      regenerateHusky(repo);
      assert.equal(fs.existsSync(path.join(repo, '.husky', '_', 'reference-transaction')), false, 'husky made its folder anew');
      clearLog();
      assert.equal(commit(repo, 'third').status, 0);
      assert.deepEqual(ours(readLog()), ['prepare-commit-msg', 'commit-msg', 'post-commit']);

      const refused = commit(repo, 'USERFAIL under husky');
      assert.equal(refused.status, 1);
      assert.equal(commit(repo, 'BLOCK under husky').status, 1);
      assert.equal(commit(repo, 'CRASH under husky').status, 0);
    });

    it('hands post-rewrite input to both the husky script and ours', async () => {
      const repo = huskyRepo();
      fs.writeFileSync(path.join(repo, '.husky', 'post-rewrite'), userHook('post-rewrite'));
      await install(repo);
      clearLog();
      assert.equal(run('git', ['commit', '-q', '--amend', '--no-edit'], repo).status, 0);
      const log = readLog();
      assert.equal(log.filter((l) => l.startsWith('user-stdin ')).length, 1, log.join('\n'));
      assert.equal(log.filter((l) => l.startsWith('ours-stdin ')).length, 1, log.join('\n'));
    });

    it('runs in a linked worktree once the team has committed the .husky blocks', async () => {
      const repo = huskyRepo();
      await install(repo);
      git(repo, 'add', '.husky');
      git(repo, 'commit', '-q', '--no-verify', '-m', 'ai-provenance hooks');
      const wt = path.join(tmp, 'husky-wt');
      git(repo, 'worktree', 'add', '-q', '-b', 'feature', wt);
      // .husky/_ is generated and ignored, so a new worktree gets it from `npm install` like any husky project.
      regenerateHusky(wt);
      clearLog();
      assert.equal(commit(wt, 'in worktree').status, 0);
      assert.deepEqual(hookCalls(), ['ours prepare-commit-msg', 'user commit-msg', 'ours commit-msg', 'ours post-commit']);
    });

    it('restores .husky exactly on uninstall, deleting only the scripts it created', async () => {
      const repo = huskyRepo();
      const before = snapshot(repo);
      await install(repo);
      assert.ok(fs.readFileSync(path.join(repo, '.husky', 'commit-msg'), 'utf8').includes('ai-provenance'));
      await install(repo);
      regenerateHusky(repo);
      await install(repo);
      // husky's own `npm install` run keeps what it does not write.
      assert.equal(run(process.execPath, [HUSKY_BIN], repo).status, 0);
      assert.ok(fs.readFileSync(path.join(repo, '.husky', '_', 'reference-transaction'), 'utf8').includes(MANAGED_MARKER));
      await uninstallHooks(repo);
      assert.deepEqual(snapshot(repo), before);
    });

    it("chains to a reference-transaction of the user's in .husky/_ and puts it back on uninstall", async () => {
      const repo = huskyRepo();
      const theirs = path.join(repo, '.husky', '_', 'reference-transaction');
      fs.writeFileSync(theirs, '#!/bin/sh\necho "user $1" >> "$(git rev-parse --git-dir)/user-ref.txt"\ncat > /dev/null\n', { mode: 0o755 });
      const before = snapshot(path.join(repo, '.husky'));
      const report = await install(repo);
      assert.equal(report.hooks.find((h) => h.name === 'reference-transaction')?.chained, theirs + CHAINED_SUFFIX);
      assert.equal(commit(repo, 'second').status, 0);
      assert.match(fs.readFileSync(path.join(repo, '.git', 'user-ref.txt'), 'utf8'), /^user committed$/m);
      await uninstallHooks(repo);
      assert.deepEqual(snapshot(path.join(repo, '.husky')), before);
    });
  });

  describe('in a linked worktree', () => {
    it('installs into the common hooks folder so every worktree of the clone runs them', async () => {
      const repo = newRepo();
      const wt = path.join(tmp, 'wt');
      git(repo, 'worktree', 'add', '-q', '-b', 'feature', wt);
      const report = await install(wt);
      assert.equal(report.hooksDir, path.join(repo, '.git', 'hooks'));
      assert.equal(commit(wt, 'in worktree').status, 0);
      assert.deepEqual(ours(readLog()), ['prepare-commit-msg', 'commit-msg', 'post-commit']);
      clearLog();
      assert.equal(commit(repo, 'in main').status, 0);
      assert.deepEqual(ours(readLog()), ['prepare-commit-msg', 'commit-msg', 'post-commit']);
    });
  });

  describe('in a submodule', () => {
    it("installs into the submodule's own hooks folder", async () => {
      const lib = newRepo('lib');
      const outer = newRepo('outer');
      git(outer, '-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', lib, 'lib');
      const sub = path.join(outer, 'lib');
      const report = await install(sub);
      assert.equal(report.hooksDir, path.join(outer, '.git', 'modules', 'lib', 'hooks'));
      assert.equal(commit(sub, 'in submodule').status, 0);
      assert.deepEqual(ours(readLog()), ['prepare-commit-msg', 'commit-msg', 'post-commit']);
    });
  });

  describe('finding node and the CLI', () => {
    it('gives our hook the node and CLI recorded at install time', async () => {
      const repo = newRepo();
      const cli = path.join(tmp, 'cli.js');
      fs.writeFileSync(cli, '');
      await install(repo, { cliPath: cli });
      assert.equal(commit(repo, 'second').status, 0);
      assert.equal(envLine(), `ours-env node=${process.execPath} cli=${cli} electron=`);
    });

    it('falls back to node on PATH and to the project’s node_modules/.bin/ai-provenance when they are gone', async () => {
      const repo = newRepo();
      await install(repo, { cliPath: path.join(tmp, 'gone', 'cli.js'), nodePath: path.join(tmp, 'gone', 'node') });
      fs.mkdirSync(path.join(repo, 'node_modules', '.bin'), { recursive: true });
      fs.writeFileSync(path.join(repo, 'node_modules', '.bin', 'ai-provenance'), '');
      assert.equal(commit(repo, 'second').status, 0);
      assert.equal(envLine(), `ours-env node=node cli=${path.join(repo, 'node_modules', '.bin', 'ai-provenance')} electron=`);
    });

    it("runs VS Code's Electron as node only when there is no node on PATH", async () => {
      const repo = newRepo();
      const electron = path.join(tmp, 'code');
      fs.writeFileSync(electron, '#!/bin/sh\n', { mode: 0o755 });
      await install(repo, { nodePath: electron, nodeIsElectron: true });
      assert.equal(commit(repo, 'with node on PATH').status, 0);
      assert.match(envLine() ?? '', /^ours-env node=node cli=\S+ electron=$/);

      // A PATH with git and the tools the hooks use, but no node.
      const bin = path.join(tmp, 'bin');
      fs.mkdirSync(bin);
      for (const tool of ['git', 'sed', 'grep', 'cat']) {
        const found = run('sh', ['-c', `command -v ${tool}`], tmp).stdout.trim();
        fs.symlinkSync(found, path.join(bin, tool));
      }
      clearLog();
      const saved = env.PATH;
      env.PATH = bin;
      try {
        assert.equal(commit(repo, 'without node on PATH').status, 0);
      } finally {
        env.PATH = saved;
      }
      assert.match(envLine() ?? '', new RegExp(`^ours-env node=${electron} cli=\\S+ electron=1$`));
    });
  });

  describe('twice, and uninstall', () => {
    it('changes nothing the second time, byte for byte', async () => {
      const repo = newRepo();
      fs.writeFileSync(path.join(repo, '.git', 'hooks', 'commit-msg'), userHook('commit-msg'), { mode: 0o755 });
      await install(repo);
      const once = snapshot(repo);
      const second = await install(repo);
      assert.deepEqual(snapshot(repo), once);
      assert.ok(second.hooks.every((h) => !h.changed));
      assert.equal(commit(repo, 'second').status, 0);
      assert.equal(readLog().filter((l) => l.startsWith('user commit-msg')).length, 1);
    });

    it('restores the repository exactly, including chained hooks and their modes', async () => {
      const repo = newRepo();
      const hooks = path.join(repo, '.git', 'hooks');
      fs.writeFileSync(path.join(hooks, 'commit-msg'), userHook('commit-msg'), { mode: 0o750 });
      fs.writeFileSync(path.join(hooks, 'post-commit'), '#!/bin/sh\r\necho "no newline at end"', { mode: 0o700 });
      const before = snapshot(repo);
      await install(repo);
      await install(repo);
      const report = await uninstallHooks(repo);
      assert.deepEqual(snapshot(repo), before);
      assert.deepEqual([...report.restored].sort(), [path.join(hooks, 'commit-msg'), path.join(hooks, 'post-commit')]);
    });

    it('takes away what the hooks kept between the hooks of a commit, in every worktree, and keeps the recorded AI lines', async () => {
      const repo = newRepo();
      fs.writeFileSync(path.join(repo, 'x'), 'x\n');
      execFileSync('git', ['add', '.'], { cwd: repo });
      execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.com', 'commit', '-qm', 'x', '--no-verify'], { cwd: repo });
      execFileSync('git', ['worktree', 'add', '-q', `${repo}-wt`], { cwd: repo });
      await install(repo);
      const gitDirs = [path.join(repo, '.git'), path.join(repo, '.git', 'worktrees', path.basename(`${repo}-wt`))];
      for (const d of gitDirs) {
        fs.mkdirSync(path.join(d, 'ai-provenance-commit', 'advance'), { recursive: true });
        fs.writeFileSync(path.join(d, 'ai-provenance-commit', 'done'), 'ok\n');
        fs.writeFileSync(path.join(d, 'ai-provenance-commit.tree'), 'abc\n');
        fs.writeFileSync(path.join(d, 'ai-provenance-config-reported'), 'line');
      }
      const entry = path.join(repo, '.git', 'ai-provenance', 'entries', 'main', 'x.json');
      fs.mkdirSync(path.dirname(entry), { recursive: true });
      fs.writeFileSync(entry, '{}');
      await uninstallHooks(repo);
      for (const d of gitDirs) assert.deepEqual(fs.readdirSync(d).filter((n) => n.startsWith('ai-provenance-')), [], d);
      assert.equal(fs.readFileSync(entry, 'utf8'), '{}', 'recorded AI lines stay');
      execFileSync('git', ['worktree', 'remove', '--force', `${repo}-wt`], { cwd: repo });
    });

    it('removes a hooks folder it had to create', async () => {
      const repo = newRepo();
      fs.rmSync(path.join(repo, '.git', 'hooks'), { recursive: true });
      const before = snapshot(repo);
      await install(repo);
      await uninstallHooks(repo);
      assert.deepEqual(snapshot(repo), before);
    });

    it('reports nothing to do when nothing is installed', async () => {
      const repo = newRepo();
      const before = snapshot(repo);
      const report = await uninstallHooks(repo);
      assert.deepEqual(report, { topLevel: repo, removed: [], restored: [] });
      assert.deepEqual(snapshot(repo), before);
    });
  });

  describe('after the checkout moves', () => {
    it('keeps running our hooks, and a second install rewrites the recorded paths', async () => {
      const repo = newRepo('old-place');
      await install(repo);
      const moved = path.join(tmp, 'new-place');
      fs.renameSync(repo, moved);
      assert.equal(commit(moved, 'after move').status, 0);
      assert.deepEqual(ours(readLog()), ['prepare-commit-msg', 'commit-msg', 'post-commit']);

      await install(moved);
      const wrapper = fs.readFileSync(path.join(moved, '.git', 'hooks', 'commit-msg'), 'utf8');
      assert.ok(wrapper.includes(path.join(moved, '.git', 'ai-provenance', 'hooks', 'commit-msg')));
      assert.ok(!wrapper.includes('old-place'));
      await uninstallHooks(moved);
      assert.equal(fs.existsSync(path.join(moved, '.git', 'hooks', 'commit-msg')), false);
      assert.equal(fs.existsSync(path.join(moved, '.git', 'ai-provenance')), false);
    });
  });
});

describe('ai-provenance install / uninstall commands', function () {

  it('install reports each hook, then "already installed"; uninstall reports what it removed', async () => {
    const repo = newRepo();
    const first = await cli(installCommand, repo);
    assert.equal(first.code, 0, first.stderr);
    const names = ['prepare-commit-msg', 'commit-msg', 'post-commit', 'post-rewrite', 'pre-push', 'reference-transaction'];
    assert.equal(first.stdout, names.map((h) => `installed: .git/hooks/${h}\n`).join(''));
    const second = await cli(installCommand, repo);
    assert.equal(second.stdout, names.map((h) => `already installed: .git/hooks/${h}\n`).join(''));
    const un = await cli(uninstallCommand, repo);
    assert.equal(un.code, 0);
    assert.match(un.stdout, /^removed: \.git\/hooks\/commit-msg$/m);
    assert.equal((await cli(uninstallCommand, repo)).stdout, 'nothing to uninstall\n');
  });

  it('fails with one line outside a repository, and with exit 2 on unexpected arguments', async () => {
    const dir = path.join(tmp, 'not-a-repo');
    fs.mkdirSync(dir);
    const r = await cli(installCommand, dir);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `ai-provenance install: ${dir}: not a git repository with a working tree\n`);
    const u = await cli(uninstallCommand, dir);
    assert.equal(u.code, 1);
    assert.equal(u.stderr.split('\n').length, 2);
    assert.equal((await cli(installCommand, dir, 'extra')).code, 2);
    assert.equal((await cli(installCommand, dir, '--agents', ' , ')).code, 2);
    assert.equal((await cli(uninstallCommand, dir, '--force')).code, 2);
  });

  it('install --agents with an unknown agent is a usage error that changes nothing', async () => {
    const repo = newRepo();
    const before = snapshot(repo);
    const r = await cli(installCommand, repo, '--agents', 'claude,foo,claude-code,foo');
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, "ai-provenance install: unknown agents 'claude', 'foo' in --agents (valid: claude-code, codex, cursor, gemini-cli, copilot, kiro)\n");
    assert.deepEqual(snapshot(repo), before, 'no git hook, settings file or manifest written');
    const control = await cli(installCommand, repo, '--agents', 'a\nb');
    assert.equal(control.code, 2);
    assert.equal(control.stderr, 'ai-provenance install: unknown agent "a\\nb" in --agents (valid: claude-code, codex, cursor, gemini-cli, copilot, kiro)\n');
    assert.deepEqual(snapshot(repo), before);
  });

  it('install --agents with a settings file it cannot merge says where, and installs nothing, git hooks included', async () => {
    const repo = newRepo();
    fs.mkdirSync(path.join(repo, '.gemini'));
    fs.writeFileSync(path.join(repo, '.gemini', 'settings.json'), '{ "hooks": [ }\n');
    const before = snapshot(repo);
    const r = await cli(installCommand, repo, '--agents', 'claude-code,gemini-cli');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^ai-provenance install: \.gemini\/settings\.json:1:\d+: /);
    assert.equal(r.stderr.split('\n').filter(Boolean).length, 1, r.stderr);
    assert.deepEqual(snapshot(repo), before, 'no git hook, settings file or manifest written');
  });

  it('install --agents adds our hook to the agents’ settings, and uninstall takes it out again', async () => {
    const repo = newRepo();
    const before = snapshot(repo);
    const r = await cli(installCommand, repo, '--agents', 'claude-code,cursor');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^agent hook added: \.claude\/settings\.json$/m);
    assert.match(r.stdout, /^agent hook added: \.cursor\/hooks\.json$/m);
    assert.match(fs.readFileSync(path.join(repo, '.claude', 'settings.json'), 'utf8'), /hook claude-code/);
    const bad = await cli(installCommand, repo, '--agents', 'vim');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^ai-provenance install: unknown agent 'vim'/);
    const u = await cli(uninstallCommand, repo);
    assert.match(u.stdout, /^agent hook removed: \.claude\/settings\.json$/m);
    assert.deepEqual(snapshot(repo), before);
  });
});
