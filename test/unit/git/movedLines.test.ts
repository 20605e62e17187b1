// AI code a person moves, within a file or to another one, keeps its author: in blame and in the moving commit's note.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { discoverRepo } from '../../../src/git/repo';
import { WorkingState } from '../../../src/git/workingState';
import { moveSources } from '../../../src/git/moves';
import { aiLines, cleanupTemp, initRepo, write } from './helpers';
import { cliBundle, hookedEnv, hookedGit as git, installHooks, noteRuns } from './hookEnv';
import { fromLines } from '../../../src/core/lineRuns';

const HEAD_LINES = 'import { format } from "./format";\n\nexport function a(): number {\n  return 1;\n}\n';
const AI_BLOCK = 'export function total(items: Item[]): number {\n  return items.reduce((sum, item) => sum + item.price * item.count, 0);\n}\n';
const TAIL = '\nexport function b(): number {\n  return 2;\n}\n';

function blameKinds(dir: string, file: string): string[] {
  const out = JSON.parse(execFileSync(process.execPath, [cliBundle().cli, 'blame', file, '--json'], { cwd: dir, env: hookedEnv(), encoding: 'utf8' })) as { kind: string; agent?: string }[];
  return out.map((l) => (l.kind === 'human' ? 'human' : `${l.kind} ${l.agent}`));
}

/** HEAD~1: a.ts by a person; HEAD: an agent's block (lines 6-8 of a.ts) in the middle, with its note. */
async function repoWithAiBlock(): Promise<string> {
  const dir = await repoWithUncommittedBlock();
  git(dir, 'commit', '-qam', 'An agent adds total()');
  assert.deepEqual(noteRuns(dir), ['a.ts: 6-8 ai claude-code']);
  return dir;
}

/** a.ts (and b.ts) committed by a person; the agent's block (lines 6-8) added to a.ts and not committed. */
async function repoWithUncommittedBlock(): Promise<string> {
  const dir = initRepo();
  installHooks(path.join(dir, '.git', 'hooks'));
  write(dir, 'a.ts', HEAD_LINES + TAIL);
  write(dir, 'b.ts', 'export const b = 1;\n');
  git(dir, 'add', '.');
  git(dir, 'commit', '-qm', 'base');
  const text = HEAD_LINES + AI_BLOCK + TAIL;
  write(dir, 'a.ts', text);
  await WorkingState.forRepo(await discoverRepo(dir)).write('a.ts', text, fromLines(aiLines(text.split('\n').length, [[6, 8]])));
  return dir;
}

describe('AI lines a person moves', function () {
  this.timeout(60_000);
  before(() => cliBundle());
  after(cleanupTemp);

  it('within the file: blame still shows them as the agent\'s, and the moving commit\'s note records them', async () => {
    const dir = await repoWithAiBlock();
    write(dir, 'a.ts', HEAD_LINES + TAIL + '\n' + AI_BLOCK);
    git(dir, 'commit', '-qam', 'Move total() to the end');
    assert.deepEqual(noteRuns(dir), ['a.ts: 11-13 ai claude-code']);
    assert.match(git(dir, 'log', '-1', '--format=%B'), /^AI-Lines: 3\/4$/m);
    assert.deepEqual(blameKinds(dir, 'a.ts').slice(10), ['ai claude-code', 'ai claude-code', 'ai claude-code']);
  });

  it('to another file: blame follows them there, and the moving commit\'s note records them', async () => {
    const dir = await repoWithAiBlock();
    write(dir, 'a.ts', HEAD_LINES + TAIL);
    write(dir, 'b.ts', 'export const b = 1;\n\n' + AI_BLOCK);
    git(dir, 'commit', '-qam', 'Move total() to b.ts');
    assert.deepEqual(noteRuns(dir), ['b.ts: 3-5 ai claude-code']);
    assert.deepEqual(blameKinds(dir, 'b.ts'), ['human', 'human', 'ai claude-code', 'ai claude-code', 'ai claude-code']);
  });

  it('blame follows a block moved in a commit whose hooks did not run', async () => {
    const dir = await repoWithAiBlock();
    write(dir, 'a.ts', HEAD_LINES + TAIL);
    write(dir, 'c.ts', AI_BLOCK);
    git(dir, 'add', '.');
    git(dir, '-c', 'core.hooksPath=/dev/null', 'commit', '-qm', 'Move total() to c.ts');
    assert.deepEqual(noteRuns(dir), [], 'no hook wrote a note');
    assert.deepEqual(blameKinds(dir, 'c.ts'), ['ai claude-code', 'ai claude-code', 'ai claude-code']);
  });

  it('an uncommitted AI block cut into a new file before its first commit: the commit records it there', async () => {
    const dir = await repoWithUncommittedBlock();
    write(dir, 'a.ts', HEAD_LINES + TAIL);
    write(dir, 'c.ts', AI_BLOCK);
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'total() in its own module');
    assert.deepEqual(noteRuns(dir), ['c.ts: 1-3 ai claude-code']);
    assert.match(git(dir, 'log', '-1', '--format=%B'), /^AI-Lines: 3\/3$/m);
  });

  it('an uncommitted AI block copied to a new file, and still in its own, is not carried', async () => {
    const dir = await repoWithUncommittedBlock();
    write(dir, 'c.ts', AI_BLOCK);
    git(dir, 'add', 'c.ts');
    git(dir, 'commit', '-qm', 'A copy of total()');
    assert.deepEqual(noteRuns(dir), []);
  });

  it('git mv of an AI file never committed: the first commit records its AI lines under the new name', async () => {
    const dir = initRepo();
    installHooks(path.join(dir, '.git', 'hooks'));
    write(dir, 'b.ts', 'export const b = 1;\n');
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'base');
    write(dir, 'util.ts', AI_BLOCK);
    await WorkingState.forRepo(await discoverRepo(dir)).write('util.ts', AI_BLOCK, fromLines(aiLines(4, [[1, 3]])));
    git(dir, 'add', 'util.ts');
    git(dir, 'mv', 'util.ts', 'total.ts');
    git(dir, 'commit', '-qm', 'total');
    assert.deepEqual(noteRuns(dir), ['total.ts: 1-3 ai claude-code']);
  });

  it('a person moving lines of their own gets no AI lines', async () => {
    const dir = await repoWithAiBlock();
    write(dir, 'a.ts', HEAD_LINES.replace('  return 1;\n}\n', '') + AI_BLOCK + '  return 1;\n}\n' + TAIL);
    git(dir, 'commit', '-qam', 'Reorder');
    assert.deepEqual(noteRuns(dir), []);
    assert.doesNotMatch(git(dir, 'log', '-1', '--format=%B'), /Assisted-by|AI-Lines/);
  });
});

describe('which recorded entries a commit looks through for moved AI lines', () => {
  const entry = (...ai: string[]): (string | undefined)[] => ['import x from "x";', ...ai, undefined];

  it('only the entries recording one of the added worded lines, in entry order', () => {
    const look = moveSources([
      entry('const total = items.reduce((s, i) => s + i.price, 0);', '}'),
      entry('export const b = 1;'),
      entry('}', 'return total;'),
    ]);
    assert.deepEqual(look(['const total = items.reduce((s, i) => s + i.price, 0);', '}']), [0]);
    assert.deepEqual(look(['return total;', 'export const b = 1;']), [1, 2]);
  });

  it('punctuation and blank lines never make an entry a candidate (no moved block is only those)', () => {
    const look = moveSources([entry('}', ');', ''), entry('}')]);
    assert.deepEqual(look(['}', ');', '']), []);
  });

  it('in a commit of thousands of recorded files each file has only its own entry as candidate, not every other one', () => {
    const entries = Array.from({ length: 3000 }, (_, i) => entry(`export const value${i} = compute(${i});`, '}'));
    const look = moveSources(entries);
    for (const i of [0, 1500, 2999]) assert.deepEqual(look([`export const value${i} = compute(${i});`, '}']), [i]);
  });

  it('a worded line many entries record (a common import) points at none of them', () => {
    const common = 'import { strict as assert } from "node:assert";';
    const look = moveSources(Array.from({ length: 60 }, (_, i) => entry(common, `const own${i} = ${i};`)));
    assert.deepEqual(look([common]), []);
    assert.deepEqual(look([common, 'const own7 = 7;']), [7]);
  });
});
