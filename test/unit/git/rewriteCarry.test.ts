// Notes through local history rewrites (post-rewrite): carried through git's own diff from each original commit to its
// rewritten twin, renames followed, a person's touch on an AI line judged as the working state judges it.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { discoverRepo } from '../../../src/git/repo';
import { WorkingState } from '../../../src/git/workingState';
import { aiLines, cleanupTemp, initRepo, tempDir, write } from './helpers';
import { cliBundle, hookedEnv, hookedGit as git, installHooks, noteRuns } from './hookEnv';
import { fromLines } from '../../../src/core/lineRuns';

function newRepo(): string {
  const dir = initRepo();
  installHooks(path.join(dir, '.git', 'hooks'));
  return dir;
}

/** A hooked repository with one commit that holds none of the files the test writes. */
function repoWithBase(): string {
  const dir = newRepo();
  write(dir, 'README', 'base\n');
  git(dir, 'add', '.');
  git(dir, 'commit', '-qm', 'base');
  return dir;
}

/** Commits `text` as `file` with the 1-based line ranges `ranges` recorded as written by the agent. */
async function commitAi(dir: string, file: string, text: string, ranges: [number, number][], message: string, extra: string[] = []): Promise<void> {
  write(dir, file, text);
  await WorkingState.forRepo(await discoverRepo(dir)).write(file, text, fromLines(aiLines(text.split('\n').length, ranges)));
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', ...extra, '-m', message);
}

function gitStatus(dir: string, args: string[], extra: NodeJS.ProcessEnv = {}): { status: number | null; stderr: string } {
  const r = spawnSync('git', args, { cwd: dir, env: { ...hookedEnv(), ...extra }, encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

/** Rebases onto main (which must succeed) and gives the lines GIT_TRACE wrote meanwhile. */
function tracedRebase(dir: string): string[] {
  const trace = path.join(tempDir('aip-trace-'), 'trace.log');
  writeFileSync(trace, '');
  const r = gitStatus(dir, ['rebase', '-q', 'main'], { GIT_TRACE: trace });
  assert.equal(r.status, 0, r.stderr);
  return readFileSync(trace, 'utf8').split('\n');
}

const BASE = 'export function price(items) {\n  let sum = 0;\n  return sum;\n}\n';
const AI_BODY = [
  '  const total = items.reduce((sum, item) => sum + item.price, 0);',
  '  const taxed = total * (1 + TAX_RATE);',
  '  return Math.round(taxed * 100) / 100;',
];
const WITH_AI = `export function price(items) {\n${AI_BODY.join('\n')}\n}\n`;

/** A repository whose `feature` branch has one commit writing AI lines 2-4 of price.ts, with main one commit ahead. */
async function featureWithAi(mainChange: (dir: string) => void): Promise<string> {
  const dir = newRepo();
  write(dir, 'price.ts', BASE);
  git(dir, 'add', '.');
  git(dir, 'commit', '-qm', 'base');
  git(dir, 'switch', '-qc', 'feature');
  await commitAi(dir, 'price.ts', WITH_AI, [[2, 4]], 'price by the agent');
  assert.deepEqual(noteRuns(dir), ['price.ts: 2-4 ai claude-code']);
  git(dir, 'switch', '-q', 'main');
  mainChange(dir);
  git(dir, 'switch', '-q', 'feature');
  return dir;
}

/** A commit on main that leaves the feature's files alone. */
function mainWork(dir: string): void {
  write(dir, 'README', 'main\n');
  git(dir, 'add', '.');
  git(dir, 'commit', '-qm', 'main work');
}

describe('notes through local rewrites (post-rewrite)', function () {
  // Real commits with hooks: seconds on a busy machine, not mocha's default 2 s.
  this.timeout(120_000);
  before(() => cliBundle());
  after(cleanupTemp);

  it('rebase onto a branch that renamed the file: the note follows the file to its new name', async () => {
    const dir = await featureWithAi((d) => {
      git(d, 'mv', 'price.ts', 'pricing.ts');
      git(d, 'commit', '-qm', 'rename');
    });
    const r = gitStatus(dir, ['rebase', '-q', 'main']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(readFileSync(path.join(dir, 'pricing.ts'), 'utf8'), WITH_AI, 'git applied the change to the renamed file');
    assert.deepEqual(noteRuns(dir), ['pricing.ts: 2-4 ai claude-code']);
  });

  it('rebase with a conflict a person resolves: an AI line they touched up is mixed, one they rewrote is theirs', async () => {
    const dir = await featureWithAi((d) => {
      write(d, 'price.ts', BASE.replace('return sum;', 'return sum; // checked'));
      git(d, 'commit', '-qam', 'main touches the same line');
    });
    assert.notEqual(gitStatus(dir, ['rebase', '-q', 'main']).status, 0, 'the rebase must stop on the conflict');
    // The person keeps the first AI line, adds a surcharge to the second, and writes the third anew.
    write(dir, 'price.ts', `export function price(items) {\n${AI_BODY[0]}\n  const taxed = total * (1 + TAX_RATE + SURCHARGE);\n  return taxed.toFixed(2); // checked\n}\n`);
    git(dir, 'add', 'price.ts');
    const r = gitStatus(dir, ['rebase', '--continue'], { GIT_EDITOR: 'true' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(noteRuns(dir), ['price.ts: 2-2 ai claude-code', 'price.ts: 3-3 mixed claude-code']);
  });

  it('amend that renames the file keeps the note on the renamed lines', async () => {
    const dir = repoWithBase();
    await commitAi(dir, 'price.ts', WITH_AI, [[2, 4]], 'price by the agent');
    git(dir, 'mv', 'price.ts', 'pricing.ts');
    git(dir, 'commit', '-q', '--amend', '--no-edit');
    assert.deepEqual(noteRuns(dir), ['pricing.ts: 2-4 ai claude-code']);
  });

  it('an amend that renames the file while Node cannot run: the next commit\'s hook carries the note to the new name', async () => {
    const dir = repoWithBase();
    await commitAi(dir, 'price.ts', WITH_AI, [[2, 4]], 'price by the agent');
    git(dir, 'mv', 'price.ts', 'pricing.ts');
    const amend = gitStatus(dir, ['commit', '-q', '--amend', '--no-edit'], { AI_PROVENANCE_NODE: 'no-such-node-binary' });
    assert.equal(amend.status, 0, amend.stderr);
    assert.match(git(dir, 'log', '-1', '--format=%B'), /^AI-Unjudged: /m);
    assert.deepEqual(noteRuns(dir), []);
    const amended = git(dir, 'rev-parse', 'HEAD').trim();
    // Lines pending make the next commit's hook start Node, which first makes good what the amend's hooks could not.
    await commitAi(dir, 'tax.ts', 'export const TAX_RATE = lookupRate(region, new Date());\n', [[1, 1]], 'tax by the agent');
    assert.deepEqual(noteRuns(dir, amended), ['pricing.ts: 2-4 ai claude-code']);
    assert.deepEqual(noteRuns(dir), ['tax.ts: 1-1 ai claude-code']);
  });

  it('rebase -i fixup of a commit that moved the file: the squashed commit holds the AI lines under the new name', async () => {
    const dir = await featureWithAi(mainWork);
    git(dir, 'mv', 'price.ts', 'pricing.ts');
    git(dir, 'commit', '-qm', 'fixup! price by the agent');
    const r = gitStatus(dir, ['rebase', '-q', '-i', '--autosquash', 'main'], { GIT_SEQUENCE_EDITOR: 'true' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(git(dir, 'rev-list', '--count', 'main..HEAD').trim(), '1');
    assert.deepEqual(noteRuns(dir), ['pricing.ts: 2-4 ai claude-code']);
  });

  it('rebase -i squash of a person\'s touch-up onto the agent\'s commit: the touched line is mixed, not ai', async () => {
    const dir = await featureWithAi(mainWork);
    write(dir, 'price.ts', WITH_AI.replace('(1 + TAX_RATE)', '(1 + TAX_RATE + SURCHARGE)'));
    git(dir, 'commit', '-qam', 'surcharge');
    const r = gitStatus(dir, ['rebase', '-q', '-i', 'main'], { GIT_SEQUENCE_EDITOR: `sed -i '2s/^pick/squash/'`, GIT_EDITOR: 'true' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(git(dir, 'rev-list', '--count', 'main..HEAD').trim(), '1');
    assert.deepEqual(noteRuns(dir), ['price.ts: 2-2 ai claude-code', 'price.ts: 3-3 mixed claude-code', 'price.ts: 4-4 ai claude-code']);
  });

  it('rebase --rebase-merges: a merge whose conflict an agent resolved keeps its note when the person resolves it again alike', async () => {
    const dir = repoWithBase();
    write(dir, 'rate.ts', 'top\nvalue = 0\nbottom\n');
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'rate');
    git(dir, 'switch', '-qc', 'side');
    write(dir, 'rate.ts', 'top\nvalue = 1\nbottom\n');
    git(dir, 'commit', '-qam', 'side');
    git(dir, 'switch', '-qc', 'topic', 'main');
    write(dir, 'rate.ts', 'top\nvalue = 2\nbottom\n');
    git(dir, 'commit', '-qam', 'topic');
    assert.notEqual(gitStatus(dir, ['merge', '-q', 'side']).status, 0, 'the merge must conflict');
    const resolved = 'top\nvalue = Math.max(1, 2) // resolved by an agent\nbottom\n';
    await commitAi(dir, 'rate.ts', resolved, [[2, 2]], 'merge side');
    assert.deepEqual(noteRuns(dir), ['rate.ts: 2-2 ai claude-code']);
    const merge = git(dir, 'rev-parse', 'HEAD').trim();
    git(dir, 'switch', '-q', 'main');
    mainWork(dir);
    git(dir, 'switch', '-q', 'topic');
    assert.notEqual(gitStatus(dir, ['rebase', '-q', '--rebase-merges', 'main'], { GIT_EDITOR: 'true' }).status, 0, 'the merge conflicts again');
    write(dir, 'rate.ts', resolved);
    git(dir, 'add', 'rate.ts');
    const r = gitStatus(dir, ['rebase', '--continue'], { GIT_EDITOR: 'true' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(git(dir, 'rev-list', '--parents', '-n', '1', 'HEAD').trim().split(' ').length, 3, 'HEAD is the recreated merge');
    assert.notEqual(git(dir, 'rev-parse', 'HEAD').trim(), merge, 'the merge was made anew');
    assert.deepEqual(noteRuns(dir), ['rate.ts: 2-2 ai claude-code']);
  });

  it('with notes.rewriteRef set, the notes git copied itself (one as it was, two run together) give way to the carried ones', async () => {
    const dir = await featureWithAi((d) => {
      git(d, 'mv', 'price.ts', 'pricing.ts');
      git(d, 'commit', '-qm', 'rename');
    });
    await commitAi(dir, 'tax.ts', 'export const TAX_RATE = lookupRate(region, new Date());\n', [[1, 1]], 'tax by the agent');
    const copying = ['-c', 'notes.rewriteRef=refs/notes/ai-provenance'];
    let r = gitStatus(dir, [...copying, 'rebase', '-q', 'main']);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(noteRuns(dir, 'HEAD~1'), ['pricing.ts: 2-4 ai claude-code']);
    r = gitStatus(dir, [...copying, 'rebase', '-q', '-i', 'main'], { GIT_SEQUENCE_EDITOR: `sed -i '2s/^pick/squash/'`, GIT_EDITOR: 'true' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(git(dir, 'rev-list', '--count', 'main..HEAD').trim(), '1');
    assert.deepEqual(noteRuns(dir), ['pricing.ts: 2-4 ai claude-code', 'tax.ts: 1-1 ai claude-code']);
  });

  describe('with notes.rewriteRef naming our ref (git copies the replaced commit\'s note itself)', () => {
    const copying = (dir: string): void => void git(dir, 'config', 'notes.rewriteRef', 'refs/notes/ai-provenance');

    it('an amend where the person replaced every AI line: the copy goes, their lines are theirs', async () => {
      const dir = repoWithBase();
      copying(dir);
      await commitAi(dir, 'price.ts', WITH_AI, [[2, 4]], 'price by the agent');
      write(dir, 'price.ts', BASE);
      git(dir, 'commit', '-q', '--amend', '-am', 'price, written by hand');
      assert.deepEqual(noteRuns(dir), []);
    });

    it('a rebase conflict resolved with the person\'s own text: the copy goes, their lines are theirs', async () => {
      const dir = await featureWithAi((d) => {
        write(d, 'price.ts', BASE.replace('return sum;', 'return sum; // checked'));
        git(d, 'commit', '-qam', 'main touches the same line');
      });
      copying(dir);
      assert.notEqual(gitStatus(dir, ['rebase', '-q', 'main']).status, 0, 'the rebase must stop on the conflict');
      write(dir, 'price.ts', 'export function price(items) {\n  return items.length * FLAT_FEE; // checked\n}\n');
      git(dir, 'add', 'price.ts');
      const r = gitStatus(dir, ['rebase', '--continue'], { GIT_EDITOR: 'true' });
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(noteRuns(dir), []);
    });

    it('an amend that adds AI lines: the note post-commit wrote stands, without the copy run into it', async () => {
      const dir = repoWithBase();
      copying(dir);
      await commitAi(dir, 'price.ts', WITH_AI, [[2, 4]], 'price by the agent');
      await commitAi(dir, 'price.ts', `${WITH_AI}export const TAX_RATE = lookupRate(region, new Date());\n`, [[2, 4], [6, 6]], 'price and tax', ['--amend']);
      assert.equal(git(dir, 'rev-list', '--count', 'HEAD').trim(), '2', 'the amend replaced the agent\'s commit');
      assert.deepEqual(noteRuns(dir), ['price.ts: 2-4 ai claude-code', 'price.ts: 6-6 ai claude-code']);
    });

    for (const mode of ['overwrite', 'cat_sort_uniq']) {
      it(`with notes.rewriteMode ${mode}, an amend that adds AI lines keeps them (git's copy replaced the note post-commit wrote)`, async () => {
        const dir = repoWithBase();
        copying(dir);
        git(dir, 'config', 'notes.rewriteMode', mode);
        await commitAi(dir, 'price.ts', WITH_AI, [[2, 4]], 'price by the agent');
        await commitAi(dir, 'price.ts', `${WITH_AI}export const TAX_RATE = lookupRate(region, new Date());\n`, [[2, 4], [6, 6]], 'price and tax', ['--amend']);
        assert.equal(git(dir, 'rev-list', '--count', 'HEAD').trim(), '2', 'the amend replaced the agent\'s commit');
        assert.deepEqual(noteRuns(dir), ['price.ts: 2-4 ai claude-code', 'price.ts: 6-6 ai claude-code']);
        // A person's amend after it: the agent's lines stay, theirs is theirs.
        write(dir, 'price.ts', `// Prices in cents.\n${WITH_AI}export const TAX_RATE = lookupRate(region, new Date());\n`);
        git(dir, 'commit', '-q', '--amend', '-a', '--no-edit');
        assert.deepEqual(noteRuns(dir), ['price.ts: 3-5 ai claude-code', 'price.ts: 7-7 ai claude-code']);
      });
    }
  });

  it('a rebase of five noted commits diffs them all in two git processes', async () => {
    const dir = repoWithBase();
    git(dir, 'switch', '-qc', 'feature');
    for (let i = 0; i < 5; i++) await commitAi(dir, `f${i}.ts`, `export const v${i} = compute(${i}, 'value number ${i}');\n`, [[1, 1]], `f${i}`);
    git(dir, 'switch', '-q', 'main');
    write(dir, 'README', 'main\n');
    git(dir, 'commit', '-qam', 'main work');
    git(dir, 'switch', '-q', 'feature');
    const trace = tracedRebase(dir);
    for (let i = 0; i < 5; i++) assert.deepEqual(noteRuns(dir, `HEAD~${4 - i}`), [`f${i}.ts: 1-1 ai claude-code`]);
    const diffs = trace.filter((l) => /trace: (built-in|exec|run_command): git diff(-tree|-index|-files)? /.test(l));
    assert.equal(diffs.length, 2, `two diff processes for the whole rebase (which files changed, then their lines), ran:\n${diffs.join('\n')}`);
  });

  it('rebase onto a base that regenerated a large file the notes never name: only the noted files\' lines are read', async () => {
    const lock = (v: number): string => Array.from({ length: 20_000 }, (_, i) => `"dep-${i}": "${v}.0.${i}",`).join('\n') + '\n';
    const dir = newRepo();
    write(dir, 'lock.json', lock(1));
    write(dir, 'price.ts', BASE);
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'base');
    git(dir, 'switch', '-qc', 'feature');
    await commitAi(dir, 'price.ts', WITH_AI, [[2, 4]], 'price by the agent');
    await commitAi(dir, 'tax.ts', 'export const TAX_RATE = lookupRate(region, new Date());\n', [[1, 1]], 'tax by the agent');
    git(dir, 'switch', '-q', 'main');
    write(dir, 'lock.json', lock(2));
    git(dir, 'mv', 'price.ts', 'pricing.ts');
    git(dir, 'commit', '-qam', 'regenerate the lock file, rename price.ts');
    git(dir, 'switch', '-q', 'feature');
    const trace = tracedRebase(dir);
    assert.deepEqual(noteRuns(dir, 'HEAD~1'), ['pricing.ts: 2-4 ai claude-code']);
    assert.deepEqual(noteRuns(dir), ['tax.ts: 1-1 ai claude-code']);
    const lines = trace.filter((l) => /trace: (built-in|exec|run_command): git diff-tree .*'?-p'? /.test(l));
    assert.equal(lines.length, 1, 'one line diff for the whole rebase');
    for (const l of lines) {
      assert.match(l, / '?--'? .*price\.ts.*pricing\.ts/, `the line diff is limited to the noted files and their new names:\n${l}`);
      assert.doesNotMatch(l, /lock\.json/);
    }
  });
});
