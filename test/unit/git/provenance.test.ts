import { strict as assert } from 'node:assert';
import { compileConfig, DEFAULT_CONFIG } from '../../../src/core/config';
import type { CommitFileProvenance } from '../../../src/core/model';
import { discoverRepo, type Repo } from '../../../src/git/repo';
import { stagedProvenance } from '../../../src/git/provenance';
import { WorkingState } from '../../../src/git/workingState';
import { aiLines, cleanupTemp, COPILOT, initRepo, lines, sh, write } from './helpers';
import { fromLines } from '../../../src/core/lineRuns';

/** `path: ai lines (1-based) / added` for compact comparisons. */
function summary(files: readonly CommitFileProvenance[]): string[] {
  return files.map((f) => `${f.path}: [${f.runs.flatMap((r) => Array.from({ length: r.end - r.start }, (_, i) => r.start + i + 1)).join(',')}]/${f.addedLines}`);
}

describe('staged provenance', () => {
  let dir: string;
  let repo: Repo;
  let state: WorkingState;
  beforeEach(async () => {
    dir = initRepo();
    repo = await discoverRepo(dir);
    state = WorkingState.forRepo(repo);
  });
  after(cleanupTemp);

  it('counts AI lines of a first commit (no HEAD) against the empty tree', async () => {
    write(dir, 'a.ts', lines(4));
    await state.write('a.ts', lines(4), fromLines(aiLines(5, [[2, 3]])));
    sh(dir, 'git', 'add', 'a.ts');
    assert.deepEqual(summary(await stagedProvenance(repo, state)), ['a.ts: [2,3]/4']);
  });

  it('counts only the staged AI lines when a file is partly staged', async () => {
    write(dir, 'a.ts', lines(10));
    sh(dir, 'git', 'add', '.');
    sh(dir, 'git', 'commit', '-qm', 'base');
    const text = lines(10).replace('line 2\n', 'line 2\nai one\nai two\n').replace('line 9\n', 'line 9\nhuman\n');
    write(dir, 'a.ts', text);
    const prov = aiLines(14, [[3, 4]], COPILOT);
    await state.write('a.ts', text, fromLines(prov));
    // Stage only the human hunk: the index holds line 9's addition, not the AI lines.
    const staged = lines(10).replace('line 9\n', 'line 9\nhuman\n');
    sh(dir, 'sh', '-c', `printf '%s' "$1" | git hash-object -w --stdin > .blob && git update-index --cacheinfo 100644,$(cat .blob),a.ts && rm .blob`, 'x', staged);
    assert.deepEqual(summary(await stagedProvenance(repo, state)), ['a.ts: []/1']);
    sh(dir, 'git', 'add', 'a.ts');
    assert.deepEqual(summary(await stagedProvenance(repo, state)), ['a.ts: [3,4]/3']);
  });

  it('follows a staged rename to the recorded AI lines of the old path', async () => {
    write(dir, 'old.ts', lines(30));
    sh(dir, 'git', 'add', '.');
    sh(dir, 'git', 'commit', '-qm', 'base');
    const text = lines(30) + 'ai added\n';
    write(dir, 'old.ts', text);
    await state.write('old.ts', text, fromLines(aiLines(32, [[31, 31]])));
    sh(dir, 'git', 'mv', 'old.ts', 'new name.ts');
    sh(dir, 'git', 'add', 'new name.ts');
    const files = await stagedProvenance(repo, state);
    assert.deepEqual(summary(files), ['new name.ts: [31]/1']);
  });

  it('skips binary files and paths the config ignores', async () => {
    write(dir, 'bin.dat', Buffer.from([0, 1, 2, 10, 3]));
    write(dir, 'dist/out.js', 'x\n');
    write(dir, 'a.ts', 'y\n');
    await state.write('dist/out.js', 'x\n', fromLines(aiLines(2, [[1, 1]])));
    sh(dir, 'git', 'add', '.');
    const config = compileConfig({ ...DEFAULT_CONFIG, ignore: ['dist/**'] });
    assert.deepEqual(summary(await stagedProvenance(repo, state, { config })), ['a.ts: []/1']);
  });

  it('does not mark anything AI without a recorded entry', async () => {
    write(dir, 'a.ts', lines(3));
    sh(dir, 'git', 'add', '.');
    assert.deepEqual(summary(await stagedProvenance(repo, state)), ['a.ts: []/3']);
  });
});
