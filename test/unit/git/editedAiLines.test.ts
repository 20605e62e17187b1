// A person's edit of an AI line committed earlier: the working state no longer holds the line, HEAD's note does.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { blameFile } from '../../../src/git/blame';
import { discoverRepo } from '../../../src/git/repo';
import { WorkingState } from '../../../src/git/workingState';
import { aiLines, cleanupTemp, initRepo, lines, write } from './helpers';
import { cliBundle, hookedEnv, installEarlierHooks, installHooks, noteRuns, takeNodeStarts } from './hookEnv';
import { fromLines } from '../../../src/core/lineRuns';

function git(dir: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd: dir, env: hookedEnv(), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/** Runs git in `dir` with GIT_TRACE on; returns the git commands our hooks started (git's own upkeep left out). */
function hookGitCalls(dir: string, ...args: string[]): string[] {
  const trace = path.join(dir, '.git', 'trace.log');
  const r = spawnSync('git', args, { cwd: dir, env: { ...hookedEnv(), GIT_TRACE: trace }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  const calls = readFileSync(trace, 'utf8')
    .split('\n')
    .map((l) => / trace: built-in: (git .*)$/.exec(l)?.[1])
    .filter((c): c is string => c !== undefined && !/^git (commit|maintenance|gc) /.test(c));
  rmSync(trace);
  return calls;
}

function message(dir: string): string {
  return git(dir, 'log', '-1', '--format=%B');
}

/** HEAD: an AI commit whose note says lines 2-3 of a.ts are claude-code's; nothing is pending afterwards. */
async function repoWithAiCommit(earlierHooks?: string): Promise<string> {
  const dir = initRepo();
  if (earlierHooks) installEarlierHooks(dir, earlierHooks);
  else installHooks(path.join(dir, '.git', 'hooks'));
  write(dir, 'a.ts', lines(4));
  write(dir, 'b.ts', lines(2, 'other'));
  git(dir, 'add', '.');
  git(dir, 'commit', '-qm', 'base');
  const text = 'line 1\nai line 2\nai line 3\nline 2\nline 3\nline 4\n';
  write(dir, 'a.ts', text);
  await WorkingState.forRepo(await discoverRepo(dir)).write('a.ts', text, fromLines(aiLines(7, [[2, 3]])));
  git(dir, 'commit', '-qam', 'AI lines');
  assert.deepEqual(noteRuns(dir), ['a.ts: 2-3 ai claude-code']);
  assert.deepEqual(await WorkingState.forRepo(await discoverRepo(dir)).paths(), []);
  return dir;
}

describe('a person editing AI lines an earlier commit added', function () {
  this.timeout(60_000);
  before(() => cliBundle());
  after(cleanupTemp);

  it('makes the edited line mixed in the next commit, with trailers that count it', async () => {
    const dir = await repoWithAiCommit();
    write(dir, 'a.ts', 'line 1\nai line 2, fixed by a person\nai line 3\nline 2\nline 3\nline 4\n');
    git(dir, 'commit', '-qam', 'Fix a line');
    assert.deepEqual(noteRuns(dir), ['a.ts: 2-2 mixed claude-code']);
    const msg = message(dir);
    assert.match(msg, /^Assisted-by: claude-code/m, msg);
    assert.match(msg, /^AI-Lines: 1\/1$/m, msg);
  });

  it('counts only the edited AI line among other lines a person adds or changes', async () => {
    const dir = await repoWithAiCommit();
    write(dir, 'a.ts', 'line 1 changed\nai line 2\nai line 3 edited\nline 2\nline 3\nline 4\nnew line\n');
    git(dir, 'commit', '-qam', 'Edit');
    assert.deepEqual(noteRuns(dir), ['a.ts: 3-3 mixed claude-code']);
    assert.match(message(dir), /^AI-Lines: 1\/3$/m);
  });

  it('starts no Node for a person\'s commit that only adds lines, even right after an AI commit', async () => {
    const dir = await repoWithAiCommit();
    write(dir, 'a.ts', 'line 1\nai line 2\nai line 3\nline 2\nline 3\nline 4\nadded by a person\n');
    write(dir, 'b.ts', 'other 1 changed\nother 2\n');
    takeNodeStarts();
    git(dir, 'commit', '-qam', 'Human');
    assert.deepEqual(takeNodeStarts(), []);
    assert.doesNotMatch(message(dir), /Assisted-by|AI-Lines/);
    assert.deepEqual(noteRuns(dir), []);
  });

  it('leaves a human line human when a person changes it in a file HEAD\'s note covers', async () => {
    const dir = await repoWithAiCommit();
    write(dir, 'a.ts', 'line 1\nai line 2\nai line 3\nline 2 changed\nline 3\nline 4\n');
    git(dir, 'commit', '-qam', 'Human edit');
    assert.doesNotMatch(message(dir), /Assisted-by|AI-Lines/);
    assert.deepEqual(noteRuns(dir), []);
  });

  it('makes the edited line mixed when a person\'s commit of another file came between', async () => {
    const dir = await repoWithAiCommit();
    write(dir, 'b.ts', 'other 1 changed\nother 2\n');
    git(dir, 'commit', '-qam', 'Human');
    assert.doesNotMatch(message(dir), /Assisted-by|AI-Lines/);
    write(dir, 'a.ts', 'line 1\nai line 2 edited\nai line 3\nline 2\nline 3\nline 4\n');
    git(dir, 'commit', '-qam', 'Human again');
    assert.deepEqual(noteRuns(dir), ['a.ts: 2-2 mixed claude-code']);
    assert.match(message(dir), /^AI-Lines: 1\/1$/m);
  });

  it('makes mixed a person\'s edit of an AI line an earlier commit than HEAD\'s noted commit added', async () => {
    const dir = await repoWithAiCommit();
    const text = 'line 1\nai line 2\nai line 3\nline 2\nline 3\nline 4\nlater ai line\n';
    write(dir, 'a.ts', text);
    await WorkingState.forRepo(await discoverRepo(dir)).write('a.ts', text, fromLines(aiLines(8, [[7, 7]])));
    git(dir, 'commit', '-qam', 'More AI');
    assert.deepEqual(noteRuns(dir), ['a.ts: 7-7 ai claude-code']);
    write(dir, 'a.ts', 'line 1\nai line 2 edited\nai line 3\nline 2\nline 3\nline 4\nlater ai line\n');
    git(dir, 'commit', '-qam', 'Edit the older AI line');
    assert.deepEqual(noteRuns(dir), ['a.ts: 2-2 mixed claude-code']);
    assert.match(message(dir), /^AI-Lines: 1\/1$/m);
  });

  it('starts no Node for a person\'s commit that only adds lines, two commits after an AI commit', async () => {
    const dir = await repoWithAiCommit();
    write(dir, 'b.ts', 'other 1 changed\nother 2\n');
    git(dir, 'commit', '-qam', 'Human');
    write(dir, 'a.ts', 'line 1\nai line 2\nai line 3\nline 2\nline 3\nline 4\nadded by a person\n');
    takeNodeStarts();
    git(dir, 'commit', '-qam', 'Human again');
    assert.deepEqual(takeNodeStarts(), []);
    assert.doesNotMatch(message(dir), /Assisted-by|AI-Lines/);
  });

  it('runs no git process in the hooks for a person\'s commits of other files after an AI commit', async () => {
    const dir = await repoWithAiCommit();
    for (const round of [1, 2, 3]) {
      write(dir, 'b.ts', `other 1 changed ${round}\nother 2\n`);
      assert.deepEqual(hookGitCalls(dir, 'commit', '-qam', `Human ${round}`), [], `commit ${round} after the AI commit`);
    }
    // A person's edit of the AI line later still counts.
    write(dir, 'a.ts', 'line 1\nai line 2 edited\nai line 3\nline 2\nline 3\nline 4\n');
    git(dir, 'commit', '-qam', 'Edit the AI line');
    assert.deepEqual(noteRuns(dir), ['a.ts: 2-2 mixed claude-code']);
  });

  it('makes mixed a person\'s edit of an AI line that was on disk, unstaged, when the AI commit was made', async () => {
    const dir = initRepo();
    installHooks(path.join(dir, '.git', 'hooks'));
    write(dir, 'a.ts', lines(4));
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'base');
    const text = 'line 1\nai line 2\nai line 3\nline 2\nline 3\nline 4\n';
    write(dir, 'a.ts', text);
    await WorkingState.forRepo(await discoverRepo(dir)).write('a.ts', text, fromLines(aiLines(7, [[2, 3]])));
    git(dir, 'add', 'a.ts');
    // The person touches up both AI lines before the commit, without staging the edit.
    write(dir, 'a.ts', 'line 1\nai line 2 edited\nai line 3 edited\nline 2\nline 3\nline 4\n');
    git(dir, 'commit', '-qm', 'AI lines');
    assert.deepEqual(noteRuns(dir), ['a.ts: 2-3 ai claude-code']);
    // With no entry left for the file (dropped here by hand), only HEAD's note says which lines are AI: the file
    // differed from the commit all along, so the hook must ask git even though it is older than the commit.
    const state = WorkingState.forRepo(await discoverRepo(dir));
    const entry = readFileSync(state.entryFile('a.ts'), 'utf8');
    await state.forget('a.ts', entry);
    assert.deepEqual(await state.paths(), []);
    write(dir, 'b.ts', 'other\n');
    git(dir, 'add', 'b.ts');
    git(dir, 'commit', '-qm', 'Human');
    git(dir, 'commit', '-qam', 'The edit');
    assert.deepEqual(noteRuns(dir), ['a.ts: 2-3 mixed claude-code']);
  });

  it('starts no Node for a person\'s edit in a repository whose commits have no note', async () => {
    const dir = initRepo();
    installHooks(path.join(dir, '.git', 'hooks'));
    write(dir, 'a.ts', lines(4));
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'base');
    write(dir, 'a.ts', 'line 1\nline 2 edited\nline 3\nline 4\n');
    takeNodeStarts();
    git(dir, 'commit', '-qam', 'Human');
    assert.deepEqual(takeNodeStarts(), []);
  });
});

describe('a person editing, in a merge resolution, an AI line a parent\'s note names', function () {
  this.timeout(60_000);
  before(() => cliBundle());
  after(cleanupTemp);

  it('makes it mixed in the merge commit\'s note, which has no trailers', async () => {
    const dir = await repoWithAiCommit();
    git(dir, 'branch', 'feature');
    git(dir, 'reset', '-q', '--hard', 'HEAD~1');
    write(dir, 'a.ts', 'line 1\nline 2 on main\nline 3\nline 4\n');
    git(dir, 'commit', '-qam', 'main');
    assert.notEqual(spawnSync('git', ['merge', '-q', 'feature'], { cwd: dir, env: hookedEnv() }).status, 0, 'the merge must conflict');
    write(dir, 'a.ts', 'line 1\nai line 2, adapted by a person\nai line 3\nline 2 on main\nline 3\nline 4\n');
    git(dir, 'commit', '-qam', 'Merge feature');
    assert.equal(git(dir, 'rev-list', '--parents', '-n', '1', 'HEAD').trim().split(' ').length, 3, 'a merge commit');
    assert.deepEqual(noteRuns(dir), ['a.ts: 2-2 mixed claude-code']);
    assert.doesNotMatch(message(dir), /Assisted-by|AI-Lines/);
  });

  it('follows the file to the name the other side gave it (a carry through git\'s diff from each parent, renames paired)', async () => {
    const dir = initRepo();
    installHooks(path.join(dir, '.git', 'hooks'));
    const rest = lines(20).split('\n').slice(1).join('\n');
    write(dir, 'a.ts', `line 1\n${rest}`);
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'base');
    git(dir, 'switch', '-qc', 'feature');
    const text = `line 1\nai line 2\nai line 3\n${rest}`;
    write(dir, 'a.ts', text);
    await WorkingState.forRepo(await discoverRepo(dir)).write('a.ts', text, fromLines(aiLines(23, [[2, 3]])));
    git(dir, 'commit', '-qam', 'AI lines');
    assert.deepEqual(noteRuns(dir), ['a.ts: 2-3 ai claude-code']);
    git(dir, 'switch', '-q', 'main');
    git(dir, 'mv', 'a.ts', 'rates.ts');
    write(dir, 'rates.ts', `line 1\nline 2 on main\n${rest.split('\n').slice(1).join('\n')}`);
    git(dir, 'commit', '-qam', 'main renames a.ts');
    assert.notEqual(spawnSync('git', ['merge', '-q', 'feature'], { cwd: dir, env: hookedEnv() }).status, 0, 'the merge must conflict');
    write(dir, 'rates.ts', `line 1\nai line 2, adapted by a person\nai line 3\nline 2 on main\n${rest.split('\n').slice(1).join('\n')}`);
    git(dir, 'add', 'rates.ts');
    git(dir, 'commit', '-qm', 'Merge feature');
    assert.equal(git(dir, 'rev-list', '--parents', '-n', '1', 'HEAD').trim().split(' ').length, 3, 'a merge commit');
    assert.deepEqual(noteRuns(dir), ['rates.ts: 2-2 mixed claude-code']);
  });
});

describe('blame of a person\'s uncommitted edit of a committed AI line', function () {
  this.timeout(60_000);
  before(() => cliBundle());
  after(cleanupTemp);

  it('shows the edited line mixed for the agent, a rewritten one human, before anything is committed', async () => {
    const dir = await repoWithAiCommit();
    write(dir, 'a.ts', 'line 1\nai line 2, fixed by a person\nsomething else entirely\nline 2\nline 3\nline 4\n');
    const repo = await discoverRepo(dir);
    const blamed = await blameFile(repo, 'a.ts', WorkingState.forRepo(repo));
    assert.deepEqual(blamed.map((l) => `${l.kind}${l.agent ? `@${l.agent}` : ''}`), ['human', 'mixed@claude-code', 'human', 'human', 'human', 'human']);
  });

  it('keeps a re-indented committed AI line the agent\'s', async () => {
    const dir = await repoWithAiCommit();
    write(dir, 'a.ts', 'line 1\n  ai line 2\nai line 3\nline 2\nline 3\nline 4\n');
    const repo = await discoverRepo(dir);
    const blamed = await blameFile(repo, 'a.ts', WorkingState.forRepo(repo));
    assert.deepEqual(blamed.map((l) => l.kind), ['human', 'ai', 'ai', 'human', 'human', 'human']);
  });
});
