// AI lines a stash holds come back with `git stash pop`, even when a person commits in between.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { cleanupTemp, initRepo, write } from './helpers';
import { cliBundle, hookedEnv, hookedGit as git, installHooks, noteRuns } from './hookEnv';

const BASE = 'export function total(items) {\n  let sum = 0;\n  for (const item of items) sum += item.price;\n  return sum;\n}\n';
const AI = BASE.replace('  return sum;\n', '  const rounded = Math.round(sum * 100) / 100;\n  return rounded;\n');

function cli(dir: string, ...args: string[]): string {
  return execFileSync(process.execPath, [cliBundle().cli, ...args], { cwd: dir, env: hookedEnv(), encoding: 'utf8' });
}

/** app.js committed by a person; an agent's two lines (4-5) recorded in the working tree, then stashed. */
function repoWithStashedAiLines(): string {
  const dir = initRepo();
  installHooks(path.join(dir, '.git', 'hooks'));
  write(dir, 'app.js', BASE);
  git(dir, 'add', '.');
  git(dir, 'commit', '-qm', 'base');
  write(dir, 'app.js', AI);
  cli(dir, 'record', '--agent', 'cursor', 'app.js:4-5');
  git(dir, 'stash', '-q');
  return dir;
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
});
