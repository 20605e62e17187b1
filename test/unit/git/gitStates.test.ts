// Every way git lets a person finish a squash, a merge, a cherry-pick or a revert: each gets the note and trailers
// of the AI lines it brings, whether the message comes from -m, -F, --no-edit or the editor.
import { strict as assert } from 'node:assert';
import { chmodSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { discoverRepo } from '../../../src/git/repo';
import { WorkingState } from '../../../src/git/workingState';
import { aiLines, cleanupTemp, initRepo, lines, tempDir, write } from './helpers';
import { cliBundle, hookedEnv, installEarlierHooks, installHooks, noteRuns } from './hookEnv';
import { fromLines } from '../../../src/core/lineRuns';

/** The hooked environment plus an editor that marks the message it was given (proves the editor ran). */
function env(): NodeJS.ProcessEnv {
  return { ...hookedEnv(), GIT_EDITOR: editor() };
}

let editorScript: string | undefined;
function editor(): string {
  if (editorScript) return editorScript;
  editorScript = path.join(tempDir(), 'editor.sh');
  writeFileSync(editorScript, '#!/bin/sh\n{ echo "Edited in the editor"; cat "$1"; } > "$1.new" && mv "$1.new" "$1"\n');
  chmodSync(editorScript, 0o755);
  return editorScript;
}

function git(dir: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd: dir, env: env(), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

function gitMayFail(dir: string, ...args: string[]): number | null {
  return spawnSync('git', args, { cwd: dir, env: env(), encoding: 'utf8' }).status;
}

function message(dir: string): string {
  return git(dir, 'log', '-1', '--format=%B');
}

/** The four ways of giving `git commit` its message once git has prepared one. */
const FINISH: Record<string, (dir: string) => void> = {
  '-m': (dir) => git(dir, 'commit', '-q', '-m', 'Finished with -m'),
  '-F': (dir) => {
    const f = path.join(tempDir(), 'msg');
    writeFileSync(f, 'Finished with -F\n');
    git(dir, 'commit', '-q', '-F', f);
  },
  '--no-edit': (dir) => git(dir, 'commit', '-q', '--no-edit'),
  editor: (dir) => {
    git(dir, 'commit', '-q');
    assert.match(message(dir), /^Edited in the editor\n/, 'the editor wrote the message');
  },
};

/**
 * main: base (a.ts human, 4 lines) and a human change to README. feature: an AI commit adding lines 5-6 to a.ts
 * (its note says so). The working state is empty afterwards, so only notes can say what is AI.
 */
async function repoWithAiBranch(previousHooks = false): Promise<{ dir: string; aiCommit: string }> {
  const dir = initRepo();
  if (previousHooks) installEarlierHooks(dir, '0.1.0-protocol-4');
  else installHooks(path.join(dir, '.git', 'hooks'));
  write(dir, 'a.ts', lines(4));
  write(dir, 'README', 'readme\n');
  git(dir, 'add', '.');
  git(dir, 'commit', '-qm', 'base');
  git(dir, 'switch', '-qc', 'feature');
  const text = lines(6);
  write(dir, 'a.ts', text);
  await WorkingState.forRepo(await discoverRepo(dir)).write('a.ts', text, fromLines(aiLines(7, [[5, 6]])));
  git(dir, 'commit', '-qam', 'AI lines');
  assert.deepEqual(noteRuns(dir), ['a.ts: 5-6 ai claude-code']);
  const aiCommit = git(dir, 'rev-parse', 'HEAD').trim();
  git(dir, 'switch', '-q', 'main');
  write(dir, 'README', 'readme\nchanged on main\n');
  git(dir, 'commit', '-qam', 'main change');
  return { dir, aiCommit };
}

/** A person deleted the AI lines, then changed the file; reverting the deletion conflicts, resolved with the AI lines back. */
async function revertStoppedOnConflict(): Promise<string> {
  const { dir, aiCommit } = await repoWithAiBranch();
  git(dir, 'merge', '-q', '--no-edit', aiCommit);
  write(dir, 'a.ts', lines(4));
  git(dir, 'commit', '-qam', 'drop the AI lines');
  const drop = git(dir, 'rev-parse', 'HEAD').trim();
  write(dir, 'a.ts', lines(4) + 'person\n');
  git(dir, 'commit', '-qam', 'a person adds a line');
  assert.notEqual(gitMayFail(dir, 'revert', drop), 0, 'the revert must conflict');
  write(dir, 'a.ts', lines(6));
  git(dir, 'add', 'a.ts');
  return dir;
}

function assertAiCommit(dir: string, how: string): void {
  assert.deepEqual(noteRuns(dir), ['a.ts: 5-6 ai claude-code'], `note after finishing with ${how}`);
  const msg = message(dir);
  assert.match(msg, /^Assisted-by: claude-code/m, `trailers after finishing with ${how}:\n${msg}`);
  assert.match(msg, /^AI-Lines: 2\/2$/m, `AI-Lines after finishing with ${how}:\n${msg}`);
  assert.equal((msg.match(/^Assisted-by:/gm) ?? []).length, 1, `one Assisted-by after finishing with ${how}:\n${msg}`);
}

describe('finishing what git prepared, with every kind of message', function () {
  this.timeout(60_000);
  before(() => cliBundle());
  after(cleanupTemp);

  /** An editor script: `body` is the shell command that writes the message file "$1". */
  function commitWithEditor(dir: string, body: string): void {
    const script = path.join(tempDir(), 'rewrite.sh');
    writeFileSync(script, `#!/bin/sh\n${body}\n`);
    chmodSync(script, 0o755);
    const r = spawnSync('git', ['commit', '-q'], { cwd: dir, env: { ...hookedEnv(), GIT_EDITOR: script }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  }

  it('git merge --squash, then an editor that rewrites the whole message: the trailers come back', async () => {
    const { dir } = await repoWithAiBranch();
    git(dir, 'merge', '-q', '--squash', 'feature');
    commitWithEditor(dir, 'printf "Squashed by a script\\n\\nIts own words.\\n" > "$1"');
    assert.match(message(dir), /^Squashed by a script\n\nIts own words\.\n/);
    assertAiCommit(dir, 'an editor rewriting the message');
  });

  it('an editor that deletes only our trailers, leaving git\'s comments, gets its way', async () => {
    const { dir } = await repoWithAiBranch();
    git(dir, 'merge', '-q', '--squash', 'feature');
    commitWithEditor(dir, 'grep -v -i -e "^assisted-by:" -e "^ai-lines:" "$1" > "$1.new"; mv "$1.new" "$1"');
    // The squashed commit's own message, indented in git's, keeps its lines; no trailer of this commit is added.
    assert.doesNotMatch(message(dir), /^(Assisted-by|AI-Lines):/m);
    assert.deepEqual(noteRuns(dir), ['a.ts: 5-6 ai claude-code']);
  });

  for (const [how, finish] of Object.entries(FINISH)) {
    it(`git merge --squash, then git commit ${how}: the squash's AI lines keep their note and trailers`, async () => {
      const { dir } = await repoWithAiBranch();
      git(dir, 'merge', '-q', '--squash', 'feature');
      finish(dir);
      assert.equal(git(dir, 'rev-list', '--parents', '-n', '1', 'HEAD').trim().split(' ').length, 2, 'a squash is no merge commit');
      assertAiCommit(dir, how);
    });

    it(`git cherry-pick -n, then git commit ${how}: the picked AI lines keep their note and trailers`, async () => {
      const { dir, aiCommit } = await repoWithAiBranch();
      git(dir, 'cherry-pick', '-n', aiCommit);
      finish(dir);
      assertAiCommit(dir, how);
    });

    it(`a cherry-pick stopped on a conflict, then git commit ${how}: the picked AI lines keep their note and trailers`, async () => {
      const { dir, aiCommit } = await repoWithAiBranch();
      write(dir, 'a.ts', lines(4) + 'main line\n');
      git(dir, 'commit', '-qam', 'main edits a.ts');
      assert.notEqual(gitMayFail(dir, 'cherry-pick', aiCommit), 0, 'the pick must conflict');
      write(dir, 'a.ts', lines(6));
      git(dir, 'add', 'a.ts');
      finish(dir);
      assertAiCommit(dir, how);
    });

    for (const previous of [false, true]) {
    it(`a merge stopped on a conflict resolved by an agent, then git commit ${how}${previous ? ', under the hooks of the previous version' : ''}: a note for the resolution, no trailers`, async () => {
      const { dir } = await repoWithAiBranch(previous);
      write(dir, 'a.ts', lines(4) + 'main line\n');
      git(dir, 'commit', '-qam', 'main edits a.ts');
      assert.notEqual(gitMayFail(dir, 'merge', '-q', 'feature'), 0, 'the merge must conflict');
      const resolved = lines(6) + 'resolved by an agent\n';
      write(dir, 'a.ts', resolved);
      await WorkingState.forRepo(await discoverRepo(dir)).write('a.ts', resolved, fromLines(aiLines(8, [[7, 7]])));
      git(dir, 'add', 'a.ts');
      finish(dir);
      assert.equal(git(dir, 'rev-list', '--parents', '-n', '1', 'HEAD').trim().split(' ').length, 3, 'a merge commit');
      assert.deepEqual(noteRuns(dir), ['a.ts: 7-7 ai claude-code']);
      assert.doesNotMatch(message(dir), /Assisted-by|AI-Lines|AI-Unjudged/);
      assert.deepEqual(await WorkingState.forRepo(await discoverRepo(dir)).paths(), []);
    });
    }

    it(`a revert stopped on a conflict, then git commit ${how}: the AI lines it restores are AI in its note`, async () => {
      const dir = await revertStoppedOnConflict();
      finish(dir);
      assertAiCommit(dir, how);
    });
  }

  it('a clean git revert of a deletion: the restored AI lines are AI in its note', async () => {
    const { dir, aiCommit } = await repoWithAiBranch();
    git(dir, 'merge', '-q', '--no-edit', aiCommit);
    write(dir, 'a.ts', lines(4));
    git(dir, 'commit', '-qam', 'drop the AI lines');
    git(dir, 'revert', '--no-edit', 'HEAD');
    assert.deepEqual(noteRuns(dir), ['a.ts: 5-6 ai claude-code']);
  });

  it('a cherry-pick of a commit whose note is not here keeps the trailers its message has', async () => {
    const { dir, aiCommit } = await repoWithAiBranch();
    git(dir, 'notes', '--ref=refs/notes/ai-provenance', 'remove', aiCommit);
    git(dir, 'cherry-pick', aiCommit);
    assert.match(message(dir), /^Assisted-by: claude-code/m);
    assert.match(message(dir), /^AI-Lines: 2\/2$/m);
  });

  it('a revert stopped on a conflict and finished with git revert --continue: the restored AI lines are AI in its note', async () => {
    const dir = await revertStoppedOnConflict();
    git(dir, 'revert', '--continue');
    assertAiCommit(dir, 'revert --continue');
  });

  it('a cherry-pick of several commits stopped on a conflict and finished with --continue keeps the note', async () => {
    const { dir, aiCommit } = await repoWithAiBranch();
    write(dir, 'a.ts', lines(4) + 'main line\n');
    git(dir, 'commit', '-qam', 'main edits a.ts');
    assert.notEqual(gitMayFail(dir, 'cherry-pick', `${aiCommit}~1..${aiCommit}`), 0, 'the pick must conflict');
    write(dir, 'a.ts', lines(6));
    git(dir, 'add', 'a.ts');
    git(dir, 'cherry-pick', '--continue');
    assertAiCommit(dir, '--continue');
  });
});
