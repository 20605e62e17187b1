// AI lines whose text was thrown away (checkout, stash, reset, branch switch) must not come back on text a person types later.
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { discoverRepo } from '../../../src/git/repo';
import { anchoredReanchor, lineHash, WorkingState } from '../../../src/git/workingState';
import { aiLines, cleanupTemp, initRepo, write } from './helpers';
import { cliBundle, hookedEnv, hookedGit, installEarlierHooks, installHooks, takeNodeStarts } from './hookEnv';
import { fromLines, toLines } from '../../../src/core/lineRuns';
import { perLine } from './helpers';

const git = hookedGit;

function cli(dir: string, ...args: string[]): string {
  return execFileSync(process.execPath, [cliBundle().cli, ...args], { cwd: dir, env: hookedEnv(), encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

function statusJson(dir: string): { path: string; aiLines: number; mixedLines: number }[] {
  return JSON.parse(cli(dir, 'status', '--json')) as { path: string; aiLines: number; mixedLines: number }[];
}

const AI_TEXT = 'a\nb\nc\n  return null;\n}\n';
const PERSON_TEXT = 'function f(x) {\n  if (x) {\n    return x;\n  }\n  return null;\n}\n';
const TOTAL = 'export function total(items) {\n  let sum = 0;\n  for (const i of items) sum += i.price;\n  return sum;\n}\n';
const ROUNDED_LINE = '  const rounded = Math.round(sum * 100) / 100;\n';
const TOTAL_AI = TOTAL.replace('  return sum;\n', `${ROUNDED_LINE}  if (rounded !== sum) console.warn('rounded');\n  return sum;\n`);
const TOTAL_PERSON = TOTAL.replace('  return sum;\n', `${ROUNDED_LINE}  return rounded;\n`);

function pendingMarker(dir: string): string {
  return path.join(dir, '.git', 'ai-provenance', 'pending');
}

/** A repository with f.txt committed as a,b,c and our hooks; AI lines 4-5 recorded in the working tree. */
function repoWithAiLines(): string {
  const dir = initRepo();
  installHooks(path.join(dir, '.git', 'hooks'));
  write(dir, 'f.txt', 'a\nb\nc\n');
  git(dir, 'add', '.');
  git(dir, 'commit', '-qm', 'base');
  write(dir, 'f.txt', AI_TEXT);
  cli(dir, 'record', '--agent', 'copilot', 'f.txt:4-5');
  assert.deepEqual(statusJson(dir).map((s) => [s.path, s.aiLines]), [['f.txt', 2]]);
  return dir;
}

/** A repository with `file` committed as TOTAL and our hooks; the agent's two lines 4-5 of TOTAL_AI recorded in the working tree. */
function repoWithRoundedLine(file: string): string {
  const dir = initRepo();
  installHooks(path.join(dir, '.git', 'hooks'));
  write(dir, file, TOTAL);
  git(dir, 'add', '.');
  git(dir, 'commit', '-qm', 'base');
  write(dir, file, TOTAL_AI);
  cli(dir, 'record', '--agent', 'codex', `${file}:4-5`);
  return dir;
}

function commitPersonText(dir: string): string {
  write(dir, 'f.txt', PERSON_TEXT);
  git(dir, 'commit', '-qam', 'person');
  return git(dir, 'log', '-1', '--format=%B');
}

describe('AI lines that were thrown away', function () {
  // Real commits with hooks: seconds on a busy machine, not mocha's default 2 s.
  this.timeout(60_000);
  beforeEach(() => takeNodeStarts());
  after(cleanupTemp);

  const throwAways: [string, (dir: string) => void][] = [
    ['git checkout -- FILE', (dir) => git(dir, 'checkout', '--', 'f.txt')],
    ['git stash', (dir) => git(dir, 'stash', '-q')],
    ['git reset --hard', (dir) => git(dir, 'reset', '-q', '--hard')],
    ['git restore FILE', (dir) => git(dir, 'restore', 'f.txt')],
    ['git restore --staged --worktree FILE', (dir) => git(dir, 'restore', '--staged', '--worktree', 'f.txt')],
    ['git checkout -f BRANCH', (dir) => git(dir, 'checkout', '-qf', '-b', 'other')],
    [
      'git switch --discard-changes BRANCH',
      (dir) => {
        git(dir, 'branch', 'other');
        git(dir, 'switch', '-q', '--discard-changes', 'other');
      },
    ],
  ];
  for (const [name, throwAway] of throwAways) {
    describe(`after ${name}`, () => {
      it('status reports nothing and the entry and the pending marker are gone', () => {
        const dir = repoWithAiLines();
        throwAway(dir);
        assert.deepEqual(statusJson(dir), []);
        assert.equal(existsSync(pendingMarker(dir)), false, 'pending marker left behind');
      });

      it('a person writing similar lines later commits them with no AI trailers and no note', () => {
        const dir = repoWithAiLines();
        throwAway(dir);
        write(dir, 'f.txt', 'a\nb\nc\n  return null; // nothing found\n}\n');
        git(dir, 'commit', '-qam', 'person');
        assert.doesNotMatch(git(dir, 'log', '-1', '--format=%B'), /Assisted-by|AI-Lines/);
        assert.equal(spawnSync('git', ['notes', '--ref=refs/notes/ai-provenance', 'list', 'HEAD'], { cwd: dir }).status, 1, 'no note');
      });

      it('blame shows a person\'s similar lines written later as theirs', () => {
        const dir = repoWithAiLines();
        throwAway(dir);
        write(dir, 'f.txt', 'a\nb\nc\n  return null; // nothing found\n}\n');
        const kinds = (JSON.parse(cli(dir, 'blame', 'f.txt', '--json')) as { kind: string }[]).map((l) => l.kind);
        assert.deepEqual(kinds, ['human', 'human', 'human', 'human', 'human']);
      });

      it('a person writing the same closing lines later commits with no AI trailers and no note', () => {
        const dir = repoWithAiLines();
        throwAway(dir);
        const msg = commitPersonText(dir);
        assert.doesNotMatch(msg, /Assisted-by|AI-Lines/);
        assert.deepEqual(statusJson(dir), []);
      });

      it('a person typing a distinctive AI line again in their own code commits it with no AI trailers', () => {
        const dir = repoWithRoundedLine('f.txt');
        throwAway(dir);
        write(dir, 'f.txt', TOTAL_PERSON);
        git(dir, 'commit', '-qam', 'cents');
        assert.doesNotMatch(git(dir, 'log', '-1', '--format=%B'), /Assisted-by|AI-Lines/);
        assert.deepEqual(statusJson(dir), []);
      });
    });
  }

  it('a person typing the same lines before anything reads the state gets no AI lines either', async () => {
    const dir = repoWithAiLines();
    git(dir, 'checkout', '--', 'f.txt');
    write(dir, 'f.txt', PERSON_TEXT);
    const state = WorkingState.forRepo(await discoverRepo(dir));
    const back = perLine(await state.read('f.txt', PERSON_TEXT));
    assert.deepEqual(back?.filter((l) => l.kind !== 'human'), []);
    assert.deepEqual(await state.paths(), [], 'entry deleted once it describes no AI line');
    assert.equal(existsSync(pendingMarker(dir)), false);
  });

  it('the commit after a branch switch starts no Node once the leftover entry is gone', () => {
    const dir = repoWithAiLines();
    git(dir, 'stash', '-q');
    git(dir, 'switch', '-qc', 'other');
    write(dir, 'g.txt', 'x\n');
    git(dir, 'add', 'g.txt');
    takeNodeStarts();
    git(dir, 'commit', '-qm', 'first after the switch');
    // This commit's prepare-commit-msg runs Node once and removes the entry; the next commit has no reason to.
    assert.equal(existsSync(pendingMarker(dir)), false);
    write(dir, 'g.txt', 'y\n');
    git(dir, 'commit', '-qam', 'second');
    takeNodeStarts();
    write(dir, 'g.txt', 'z\n');
    git(dir, 'commit', '-qam', 'third');
    assert.deepEqual(takeNodeStarts(), []);
  });

  it('keeps AI lines that are still in the file when a staged version lacks them (partial staging)', async () => {
    const dir = initRepo();
    write(dir, 'f.txt', 'a\nb\nc\n');
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'base');
    write(dir, 'f.txt', AI_TEXT);
    const state = WorkingState.forRepo(await discoverRepo(dir));
    await state.write('f.txt', AI_TEXT, fromLines(aiLines(5, [[4, 5]])));
    assert.deepEqual((perLine(await state.read('f.txt', 'a\nb\nc\n')))?.filter((l) => l.kind !== 'human'), []);
    assert.deepEqual(await state.paths(), ['f.txt'], 'the file on disk still has the AI lines');
  });
});

describe('AI lines of a file that is deleted', function () {
  // Real commits with hooks: seconds on a busy machine, not mocha's default 2 s.
  this.timeout(60_000);
  beforeEach(() => takeNodeStarts());
  after(cleanupTemp);

  function repoWithBase(): string {
    const dir = initRepo();
    installHooks(path.join(dir, '.git', 'hooks'));
    write(dir, 'f.txt', 'a\nb\nc\n');
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'base');
    return dir;
  }

  it('are forgotten when git never knew the file: status lists nothing and commits start no Node again', () => {
    const dir = repoWithBase();
    write(dir, 'scratch $(x) *.ts', 'const generated = "by the agent";\n');
    cli(dir, 'record', '--agent', 'claude-code', 'scratch $(x) *.ts');
    assert.equal(existsSync(pendingMarker(dir)), true);
    rmSync(path.join(dir, 'scratch $(x) *.ts'));
    assert.deepEqual(statusJson(dir), []);
    assert.equal(existsSync(pendingMarker(dir)), false, 'pending goes with the last entry');
    write(dir, 'g.txt', 'by hand\n');
    git(dir, 'add', '.');
    takeNodeStarts();
    git(dir, 'commit', '-qm', 'human');
    assert.deepEqual(takeNodeStarts(), []);
  });

  it('are not carried onto the file a person writes again by hand with some of the same lines', () => {
    const dir = repoWithBase();
    write(dir, 'util.js', 'export function clamp(x, lo, hi) {\n  return Math.min(hi, Math.max(lo, x));\n}\n');
    cli(dir, 'record', '--agent', 'claude-code', 'util.js');
    rmSync(path.join(dir, 'util.js'));
    write(dir, 'util.js', 'export function clamp(x, lo, hi) {\n  return x < lo ? lo : x > hi ? hi : x;\n}\n');
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'clamp');
    assert.doesNotMatch(git(dir, 'log', '-1', '--format=%B'), /Assisted-by|AI-Lines/);
    assert.equal(spawnSync('git', ['notes', '--ref=refs/notes/ai-provenance', 'list', 'HEAD'], { cwd: dir }).status, 1, 'no note');
    assert.deepEqual(statusJson(dir), []);
  });

  it('are kept while a stash holds the new file, and are there again after `git stash pop`', () => {
    for (const stash of [['stash', '-q', '-u'], ['stash', '-q']]) {
      const dir = repoWithBase();
      write(dir, 'infra/s3.tf', 'acl = "public-read-write-for-all"\n');
      cli(dir, 'record', '--agent', 'claude-code', 'infra/s3.tf');
      if (stash.length === 2) git(dir, 'add', 'infra/s3.tf');
      git(dir, ...stash);
      assert.equal(existsSync(path.join(dir, 'infra/s3.tf')), false);
      assert.match(cli(dir, 'status'), /^infra\/s3\.tf: deleted or unreadable/m, stash.join(' '));
      write(dir, 'g.txt', 'hotfix\n');
      git(dir, 'add', 'g.txt');
      git(dir, 'commit', '-qm', 'hotfix');
      git(dir, 'stash', 'pop', '-q');
      assert.deepEqual(statusJson(dir).map((s) => [s.path, s.aiLines]), [['infra/s3.tf', 1]], stash.join(' '));
    }
  });

  it('are kept while git can bring the file back, and go once its deletion is committed', () => {
    const dir = repoWithBase();
    write(dir, 'f.txt', 'a\nb\nc\nconst answer = computeTheAnswer();\n');
    cli(dir, 'record', '--agent', 'claude-code', 'f.txt:4-4');
    rmSync(path.join(dir, 'f.txt'));
    assert.match(cli(dir, 'status'), /^f\.txt: deleted or unreadable/m);
    git(dir, 'rm', '-q', 'f.txt');
    git(dir, 'commit', '-qm', 'remove f');
    assert.deepEqual(statusJson(dir), []);
    assert.equal(existsSync(pendingMarker(dir)), false);
  });
});

describe('AI lines a person edits around outside the editor', function () {
  // Real commits with hooks: seconds on a busy machine, not mocha's default 2 s.
  this.timeout(60_000);
  after(cleanupTemp);

  it('keep a critical file blocked when one of its two AI lines is changed by hand (the other is still the AI\'s)', () => {
    const dir = initRepo();
    installHooks(path.join(dir, '.git', 'hooks'));
    write(dir, '.ai-provenance.json', JSON.stringify({ critical: [{ paths: ['infra/**'], reason: 'Production infrastructure', level: 'block' }] }));
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'policy');
    write(dir, 'infra/s3.tf', 'bucket = "logs"\nacl = "public-read"\n');
    cli(dir, 'record', '--agent', 'claude-code', 'infra/s3.tf');
    // A person changes the first line with a tool, not in the editor.
    write(dir, 'infra/s3.tf', 'bucket = "logs-prod"\nacl = "public-read"\n');
    assert.deepEqual(statusJson(dir).map((s) => [s.path, s.aiLines, s.mixedLines]), [['infra/s3.tf', 1, 1]]);
    git(dir, 'add', '.');
    const r = spawnSync('git', ['commit', '-qm', 's3'], { cwd: dir, env: hookedEnv(), encoding: 'utf8' });
    assert.notEqual(r.status, 0, 'the commit is refused');
    assert.match(r.stderr, /Production infrastructure/);
  });

  it('stay mixed where a person edited them in place, after git add and status read the file', () => {
    const dir = initRepo();
    installHooks(path.join(dir, '.git', 'hooks'));
    write(dir, 'f.ts', 'a\nb\n');
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'base');
    write(dir, 'f.ts', 'a\nb\nconst total = items.reduce((sum, item) => sum + item.price, 0);\nreturn formatCurrency(total, locale);\n');
    cli(dir, 'record', '--agent', 'copilot', 'f.ts:3-4');
    write(dir, 'f.ts', 'a\nb\nconst total = items.reduce((sum, item) => sum + item.price * item.count, 0);\nreturn formatCurrency(total, locale);\n');
    git(dir, 'add', 'f.ts');
    assert.deepEqual(statusJson(dir).map((s) => [s.path, s.aiLines, s.mixedLines]), [['f.ts', 1, 1]]);
    git(dir, 'commit', '-qm', 'edited');
    assert.match(git(dir, 'log', '-1', '--format=%B'), /^AI-Lines: 2\/2$/m);
  });

  it('stay where a tool re-indents the file by writing a new one over it, before anything reads it', () => {
    const dir = repoWithRoundedLine('f.js');
    // As `sed -i` and atomic-saving formatters do: a new file renamed over the old one.
    writeFileSync(path.join(dir, 'f.js.tmp'), TOTAL_AI.replace(/^( *)/gm, '$1$1'));
    renameSync(path.join(dir, 'f.js.tmp'), path.join(dir, 'f.js'));
    git(dir, 'commit', '-qam', 'formatted');
    assert.match(git(dir, 'log', '-1', '--format=%B'), /^AI-Lines: 2\/5$/m);
  });

  it('stay where an editor saves a person\'s edit of one of them by writing a new file over the old one (safe write)', () => {
    const dir = repoWithRoundedLine('f.js');
    // As JetBrains' safe write and vim (backupcopy=no) save: a new file renamed over the old one.
    writeFileSync(path.join(dir, 'f.js.tmp'), TOTAL_AI.replace("console.warn('rounded')", "console.warn('rounded', sum)"));
    renameSync(path.join(dir, 'f.js.tmp'), path.join(dir, 'f.js'));
    assert.deepEqual(statusJson(dir).map((s) => [s.path, s.aiLines, s.mixedLines]), [['f.js', 1, 1]]);
    git(dir, 'commit', '-qam', 'warn with the sum');
    assert.match(git(dir, 'log', '-1', '--format=%B'), /^AI-Lines: 2\/2$/m);
  });

  it('are forgotten when git restores the file and a person then saves their own by writing a new file over it', () => {
    const dir = repoWithRoundedLine('f.js');
    git(dir, 'checkout', '--', 'f.js');
    writeFileSync(path.join(dir, 'f.js.tmp'), TOTAL_PERSON);
    renameSync(path.join(dir, 'f.js.tmp'), path.join(dir, 'f.js'));
    assert.deepEqual(statusJson(dir), []);
    git(dir, 'commit', '-qam', 'rounded by hand');
    assert.doesNotMatch(git(dir, 'log', '-1', '--format=%B'), /Assisted-by|AI-Lines/);
  });

  it('are forgotten under the hook scripts an earlier version installed too', () => {
    const dir = initRepo();
    installEarlierHooks(dir, '0.1.0-protocol-4');
    write(dir, 'f.txt', 'a\nb\nc\n');
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'base');
    write(dir, 'f.txt', AI_TEXT);
    cli(dir, 'record', '--agent', 'copilot', 'f.txt:4-5');
    git(dir, 'restore', 'f.txt');
    write(dir, 'f.txt', 'a\nb\nc\n  return null; // nothing found\n}\n');
    git(dir, 'commit', '-qam', 'person');
    assert.doesNotMatch(git(dir, 'log', '-1', '--format=%B'), /Assisted-by|AI-Lines|AI-Unjudged/);
    assert.deepEqual(statusJson(dir), []);
  });
});

describe('anchored re-anchoring', () => {
  const h = (text: string): string[] => text.split('\n').map((l) => (l === '' ? '' : lineHash(l)));
  const kinds = (oldText: string, ai: [number, number][], newText: string): string[] =>
    toLines(anchoredReanchor(h(oldText), fromLines(aiLines(h(oldText).length, ai)), h(newText))).map((p) => p.kind);
  /** As the working state calls it: with the new text's lines. */
  const kindsOf = (oldText: string, ai: [number, number][], newText: string): string[] =>
    toLines(anchoredReanchor(h(oldText), fromLines(aiLines(h(oldText).length, ai)), h(newText), newText.split('\n'))).map((p) => p.kind);

  it('never lets a lone `}` inherit AI', () => {
    assert.deepEqual(kinds('a\nb\n}\nc', [[3, 3]], 'x\n}\ny'), ['human', 'human', 'human']);
  });

  it('keeps an AI line that sits among unchanged human lines', () => {
    assert.deepEqual(kinds('h1\nh2\nAI\nh3', [[3, 3]], 'new\nh1\nh2\nAI\nh3'), ['human', 'human', 'human', 'ai', 'human']);
  });

  it('keeps a block of AI lines that is mostly unchanged', () => {
    assert.deepEqual(kinds('p\nq\nr\ns', [[1, 4]], 'p\nq\nr\nS!'), ['ai', 'ai', 'ai', 'mixed']);
  });

  it('keeps a distinctive AI line a person left as it was when they changed its neighbour', () => {
    const before = 'bucket = "logs"\nacl = "public-read"\n';
    const after = 'bucket = "logs-prod"\nacl = "public-read"\n';
    assert.deepEqual(kindsOf(before, [[1, 2]], after), ['mixed', 'ai', 'human']);
    // Judged on the text: short lines still need neighbours.
    assert.deepEqual(kindsOf('a = 1\nb = 2\n', [[1, 2]], 'a = 10\nb = 2\n'), ['human', 'human', 'human']);
  });

  it('gives nothing to a long line a person typed again among much new text of their own', () => {
    // The AI's version was thrown away (checkout) before anything read the state; the person wrote their own.
    const ai = '// auth\nconst KEY = load();\nimport { verify } from "./jwt";\nexport function check(t) {\n  const claims = verify(t, KEY);\n  return claims.admin === true;\n}\n';
    const person = '// checks tokens\nimport { logger } from "./log";\nimport { verify } from "./jwt";\nexport function check(token) {\n  try {\n    return verify(token, process.env.KEY).role === "admin";\n  } catch (error) {\n    logger.warn("bad token", error);\n    return false;\n  }\n}\n';
    assert.deepEqual(
      kindsOf(ai, [[2, 7]], person).filter((k) => k !== 'human'),
      [],
    );
    // A file's first line, typed again above a rewrite, is no witness either.
    const topAi = 'import React from "react";\nexport const App = () => <div>AI</div>;\nexport default App;\n';
    const topPerson = 'import React from "react";\nimport { useState } from "react";\nexport function App() {\n  const [n, setN] = useState(0);\n  return <button onClick={() => setN(n + 1)}>{n}</button>;\n}\n';
    assert.deepEqual(kindsOf(topAi, [[1, 3]], topPerson).filter((k) => k !== 'human'), []);
    const tryAi = 'run();\ntry {\n  go();\n} catch (error) {\n  report(error);\n}\n';
    const tryPerson = 'await setup();\ntry {\n  await start();\n  await check();\n  await finish();\n} catch (error) {\n  logger.warn("failed", error);\n  throw new Failure(error);\n}\n';
    assert.deepEqual(kindsOf(tryAi, [[1, 6]], tryPerson).filter((k) => k !== 'human'), []);
  });

  it('carries nothing onto two AI lines that come back at the end of a rewritten file', () => {
    assert.deepEqual(kinds('a\nb\nc\n  return null;\n}', [[4, 5]], 'f {\n  if {\n  }\n  return null;\n}'), ['human', 'human', 'human', 'human', 'human']);
  });
});
