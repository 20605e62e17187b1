// A commit that reuses another commit's message (-C, -F) must not keep that commit's AI trailers when it has no AI lines.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { discoverRepo } from '../../../src/git/repo';
import { WorkingState } from '../../../src/git/workingState';
import { aiLines, cleanupTemp, initRepo, lines, tempDir, write } from './helpers';
import { installHooks, takeNodeStarts, hookedEnv, hookedGit } from './hookEnv';
import { fromLines } from '../../../src/core/lineRuns';

const env = hookedEnv;
const git = hookedGit;

function message(dir: string, rev = 'HEAD'): string {
  return git(dir, 'log', '-1', '--format=%B', rev);
}

function hasNote(dir: string, rev = 'HEAD'): boolean {
  return spawnSync('git', ['notes', '--ref=refs/notes/ai-provenance', 'list', rev], { cwd: dir, env: env() }).status === 0;
}

/** A repository whose HEAD is an AI commit (a.ts lines 2-3 by an agent) with its trailers. */
async function repoWithAiCommit(): Promise<{ dir: string; aiCommit: string }> {
  const dir = initRepo();
  installHooks(path.join(dir, '.git', 'hooks'));
  write(dir, 'README', 'hi\n');
  git(dir, 'add', '.');
  git(dir, 'commit', '-qm', 'base');
  const text = lines(4);
  write(dir, 'a.ts', text);
  await WorkingState.forRepo(await discoverRepo(dir)).write('a.ts', text, fromLines(aiLines(5, [[2, 3]])));
  git(dir, 'add', 'a.ts');
  git(dir, 'commit', '-qm', 'feature');
  assert.match(message(dir), /Assisted-by: claude-code/);
  return { dir, aiCommit: git(dir, 'rev-parse', 'HEAD').trim() };
}

describe('reused commit messages', () => {
  beforeEach(() => takeNodeStarts());
  after(cleanupTemp);

  it('git commit -a -C <ai commit> on a human change drops Assisted-by and AI-Lines and writes no note', async () => {
    const { dir, aiCommit } = await repoWithAiCommit();
    write(dir, 'README', 'hi\nmore from a person\n');
    git(dir, 'commit', '-q', '-a', '-C', aiCommit);
    const msg = message(dir);
    assert.match(msg, /^feature\n/);
    assert.doesNotMatch(msg, /Assisted-by|AI-Lines|AI-Critical/i);
    assert.equal(hasNote(dir), false);
  });

  it('git commit -F <saved message> on a human change drops our trailers and keeps the others', async () => {
    const { dir } = await repoWithAiCommit();
    const saved = path.join(tempDir(), 'msg');
    writeFileSync(saved, 'reuse\n\nbody text\n\nassisted-by: copilot\nAI-Lines: 3/3\nSigned-off-by: Ann Author <ann@example.com>\n');
    write(dir, 'README', 'changed by a person\n');
    git(dir, 'commit', '-q', '-a', '-F', saved);
    const msg = message(dir);
    assert.doesNotMatch(msg, /Assisted-by|AI-Lines/i);
    assert.match(msg, /body text/);
    assert.match(msg, /Signed-off-by: Ann Author <ann@example.com>/);
  });

  it('git commit -C <ai commit> with AI lines of its own gets exactly its own trailers', async () => {
    const { dir, aiCommit } = await repoWithAiCommit();
    const text = 'one\ntwo\n';
    write(dir, 'b.ts', text);
    await WorkingState.forRepo(await discoverRepo(dir)).write('b.ts', text, fromLines(aiLines(3, [[1, 1]])));
    git(dir, 'add', 'b.ts');
    git(dir, 'commit', '-q', '-C', aiCommit);
    const msg = message(dir);
    assert.equal(msg.match(/Assisted-by: claude-code/g)?.length, 1);
    assert.match(msg, /AI-Lines: 1\/2/);
  });

  it('a cherry-pick keeps the picked commit\'s trailers (a replay is left alone)', async () => {
    const { dir, aiCommit } = await repoWithAiCommit();
    git(dir, 'switch', '-qc', 'other', 'HEAD~1');
    git(dir, 'cherry-pick', aiCommit);
    assert.match(message(dir), /Assisted-by: claude-code/);
    assert.match(message(dir), /AI-Lines: 2\/4/);
  });

  it('a human commit whose message has none of our trailers starts no Node', async () => {
    const { dir } = await repoWithAiCommit();
    write(dir, 'README', 'changed\n');
    takeNodeStarts();
    git(dir, 'commit', '-q', '-a', '-m', 'plain\n\nAssisted by nobody: AI-Lines are mentioned in prose only');
    assert.deepEqual(takeNodeStarts(), []);
  });
});
