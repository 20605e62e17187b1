// AI lines a stash holds come back with `git stash pop`, even when a person commits in between.
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { cleanupTemp, initRepo, tempDir, write } from './helpers';
import { cliBundle, hookedEnv, hookedGit as git, installHooks, noteRuns, takeNodeStarts } from './hookEnv';

const BASE = 'export function total(items) {\n  let sum = 0;\n  for (const item of items) sum += item.price;\n  return sum;\n}\n';
const AI = BASE.replace('  return sum;\n', '  const rounded = Math.round(sum * 100) / 100;\n  return rounded;\n');

function cli(dir: string, ...args: string[]): string {
  return execFileSync(process.execPath, [cliBundle().cli, ...args], { cwd: dir, env: hookedEnv(), encoding: 'utf8' });
}

function pending(dir: string): string[] {
  return (JSON.parse(cli(dir, 'status', '--json')) as { path: string; aiLines: number }[]).map((f) => `${f.path}: ${f.aiLines}`);
}

/** app.js and README.md committed by a person, with our hooks. */
function repoWithApp(): string {
  const dir = initRepo();
  installHooks(path.join(dir, '.git', 'hooks'));
  write(dir, 'app.js', BASE);
  write(dir, 'README.md', 'app\n');
  git(dir, 'add', '.');
  git(dir, 'commit', '-qm', 'base');
  return dir;
}

/**
 * An agent's two lines (4-5) of app.js recorded in the working tree of `dir`, then stashed (`edit`: a person's change
 * after the agent's, not recorded, that the stash holds too).
 */
function stashAiLines(dir: string, edit: (text: string) => string = (t) => t): string {
  write(dir, 'app.js', AI);
  cli(dir, 'record', '--agent', 'cursor', 'app.js:4-5');
  write(dir, 'app.js', edit(AI));
  git(dir, 'stash', '-q');
  return dir;
}

function repoWithStashedAiLines(edit?: (text: string) => string): string {
  return stashAiLines(repoWithApp(), edit);
}

/** A person's commit of another file: its hook reads the working state, which sets the stashed AI lines aside. */
function commitReadme(dir: string, text: string): void {
  write(dir, 'README.md', text);
  git(dir, 'commit', '-qam', text.trim());
}

describe('AI lines in a stash', function () {
  this.timeout(60_000);
  before(() => cliBundle());
  after(cleanupTemp);

  it('a person commit of the stashed file in between: after `git stash pop` the commit records the AI lines', () => {
    const dir = repoWithStashedAiLines();
    write(dir, 'app.js', BASE.replace('total(items)', 'total(items = [])'));
    git(dir, 'commit', '-qam', 'default');
    assert.deepEqual(noteRuns(dir), []);
    assert.doesNotMatch(git(dir, 'log', '-1', '--format=%B'), /Assisted-by|AI-Lines/);
    git(dir, 'stash', 'pop', '-q');
    git(dir, 'commit', '-qam', 'round');
    assert.deepEqual(noteRuns(dir), ['app.js: 4-5 ai cursor']);
    assert.match(git(dir, 'log', '-1', '--format=%B'), /^AI-Lines: 2\/2$/m);
  });

  it('a dropped stash takes them: a person typing other lines later gets none', () => {
    const dir = repoWithStashedAiLines();
    write(dir, 'app.js', BASE.replace('total(items)', 'total(items = [])'));
    git(dir, 'commit', '-qam', 'default');
    git(dir, 'stash', 'drop', '-q');
    write(dir, 'app.js', BASE.replace('  return sum;\n', '  const cents = Math.round(sum * 100);\n  return cents / 100;\n'));
    git(dir, 'commit', '-qam', 'cents');
    assert.deepEqual(noteRuns(dir), []);
    assert.doesNotMatch(git(dir, 'log', '-1', '--format=%B'), /Assisted-by|AI-Lines/);
  });

  it('`git stash apply` (the stash is kept): the next commit records the AI lines, and nothing stays pending after it', () => {
    const dir = repoWithStashedAiLines();
    commitReadme(dir, 'app\nmore\n');
    git(dir, 'stash', 'apply', '-q');
    git(dir, 'commit', '-qam', 'round');
    assert.deepEqual(noteRuns(dir), ['app.js: 4-5 ai cursor']);
    assert.match(git(dir, 'log', '-1', '--format=%B'), /^AI-Lines: 2\/2$/m);
    // The stash still holds the lines: they are committed, not pending again.
    assert.deepEqual(pending(dir), []);
    commitReadme(dir, 'app\nmore\nagain\n');
    assert.deepEqual(noteRuns(dir), []);
  });

  it('`git stash pop` that conflicts keeps the stash: the commit of the resolution that keeps the AI lines records them', () => {
    const dir = repoWithStashedAiLines();
    write(dir, 'app.js', BASE.replace('  return sum;\n', '  return sum || 0;\n'));
    git(dir, 'commit', '-qam', 'default');
    const pop = spawnSync('git', ['stash', 'pop', '-q'], { cwd: dir, env: hookedEnv(), encoding: 'utf8' });
    assert.notEqual(pop.status, 0, 'the pop conflicts');
    assert.match(git(dir, 'stash', 'list'), /stash@\{0\}/);
    // The person resolves it with the stash's version.
    git(dir, 'checkout', '--theirs', 'app.js');
    git(dir, 'add', 'app.js');
    git(dir, 'commit', '-qm', 'round');
    assert.deepEqual(noteRuns(dir), ['app.js: 4-5 ai cursor']);
    assert.match(git(dir, 'log', '-1', '--format=%B'), /^AI-Lines: 2\/2$/m);
  });

  it('a person edit after the agent\'s, stashed with it: after `git stash pop` the commit records the AI lines', () => {
    const dir = repoWithStashedAiLines((t) => t.replace('total(items)', 'total(items = [])'));
    commitReadme(dir, 'app\nmore\n');
    git(dir, 'stash', 'pop', '-q');
    git(dir, 'commit', '-qam', 'round');
    assert.deepEqual(noteRuns(dir), ['app.js: 4-5 ai cursor']);
    assert.match(git(dir, 'log', '-1', '--format=%B'), /^AI-Lines: 2\/3$/m);
  });

  it('`status` right after `git stash pop` lists the AI lines again', () => {
    const dir = repoWithStashedAiLines();
    commitReadme(dir, 'app\nmore\n');
    assert.deepEqual(pending(dir), []);
    git(dir, 'stash', 'pop', '-q');
    assert.deepEqual(pending(dir), ['app.js: 2']);
  });

  it('a person commit of other files while AI lines wait in a stash starts no Node', () => {
    const dir = repoWithStashedAiLines();
    // status sets the lines aside.
    assert.deepEqual(pending(dir), []);
    takeNodeStarts();
    commitReadme(dir, 'app\nmore\n');
    commitReadme(dir, 'app\nmore\nagain\n');
    assert.deepEqual(takeNodeStarts(), []);
  });

  it('lines a commit without our hooks took after `git stash apply` are not pending again', () => {
    const dir = repoWithStashedAiLines();
    commitReadme(dir, 'app\nmore\n');
    git(dir, 'stash', 'apply', '-q');
    // No hook of ours runs (a commit from another tool).
    git(dir, '-c', 'core.hooksPath=/dev/null', 'commit', '-qam', 'round');
    assert.deepEqual(pending(dir), []);
  });

  it('`git stash apply` in a linked worktree: its commit records the AI lines', () => {
    const main = repoWithApp();
    const side = path.join(tempDir(), 'side');
    git(main, 'worktree', 'add', '-q', side, '-b', 'side');
    stashAiLines(side);
    commitReadme(side, 'app\nside\n');
    git(side, 'stash', 'apply', '-q');
    git(side, 'commit', '-qam', 'round');
    assert.deepEqual(noteRuns(side), ['app.js: 4-5 ai cursor']);
  });
});
