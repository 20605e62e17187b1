import { strict as assert } from 'node:assert';
import { existsSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { discoverRepo, type Repo } from '../../../src/git/repo';
import { UnsafeStateError } from '../../../src/git/fsAtomic';
import { ReadOnlyStateError, WorkingState } from '../../../src/git/workingState';
import { treeDigest } from '../../security/treeDigest';
import { aiLineNumbers, aiLines, cleanupTemp, initRepo, tempDir, write } from './helpers';
import { fromLines } from '../../../src/core/lineRuns';
import { perLine } from './helpers';

// Real files and real symbolic links, as a hostile archive of a repository (or another user) could leave them in `.git`.
describe('working state writes with links planted in .git/ai-provenance', () => {
  let dir: string;
  let repo: Repo;
  let outside: string;
  let victim: string;
  const VICTIM_TEXT = 'precious data\n';

  beforeEach(async () => {
    dir = initRepo();
    repo = await discoverRepo(dir);
    outside = tempDir('aip-outside-');
    victim = path.join(outside, 'victim.txt');
    writeFileSync(victim, VICTIM_TEXT);
  });
  after(cleanupTemp);

  function stateDir(): string {
    const s = path.join(repo.commonDir, 'ai-provenance');
    mkdirSync(s, { recursive: true });
    return s;
  }

  for (const blocking of [false, true]) {
    const state = (): WorkingState => WorkingState.forRepo(repo, { blocking });
    const mode = blocking ? 'blocking' : 'non-blocking';

    it(`replaces a link at generation instead of writing through it (${mode} calls)`, async () => {
      symlinkSync(victim, path.join(stateDir(), 'generation'));
      await state().write('a.ts', 'x\ny\n', fromLines(aiLines(3, [[1, 1]])));
      assert.equal(readFileSync(victim, 'utf8'), VICTIM_TEXT, 'the file outside is unchanged');
      assert.ok(lstatSync(path.join(stateDir(), 'generation')).isFile(), 'generation is a plain file now');
    });

    it(`creates no file outside through a dangling link at pending, and makes pending a plain file (${mode} calls)`, async () => {
      const target = path.join(outside, 'created-by-pending');
      symlinkSync(target, path.join(stateDir(), 'pending'));
      await state().write('a.ts', 'x\n', fromLines(aiLines(2, [[1, 1]])));
      assert.equal(existsSync(target), false, 'nothing was created outside');
      assert.ok(lstatSync(path.join(stateDir(), 'pending')).isFile());
    });

    it(`breaks a link at lock without touching its target, then writes (${mode} calls)`, async () => {
      symlinkSync(victim, path.join(stateDir(), 'lock'));
      await state().write('a.ts', 'x\n', fromLines(aiLines(2, [[1, 1]])));
      assert.equal(readFileSync(victim, 'utf8'), VICTIM_TEXT);
      assert.equal(existsSync(path.join(stateDir(), 'lock')), false, 'the lock is released');
      assert.deepEqual(aiLineNumbers(perLine(await state().read('a.ts', 'x\n'))), [1]);
    });
  }

  it('replaces a link at an entry file, and removes only the link when the entry goes', async () => {
    const state = WorkingState.forRepo(repo);
    mkdirSync(state.entriesDir(), { recursive: true });
    symlinkSync(victim, state.entryFile('a.ts'));
    await assert.rejects(state.read('a.ts', 'x\n')), /corrupt/, 'what the link points at is not taken for an entry';
    await state.write('a.ts', 'x\n', fromLines(aiLines(2, [[1, 1]])));
    assert.equal(readFileSync(victim, 'utf8'), VICTIM_TEXT);
    assert.ok(lstatSync(state.entryFile('a.ts')).isFile());

    renameSync(state.entryFile('a.ts'), path.join(outside, 'entry.json'));
    symlinkSync(path.join(outside, 'entry.json'), state.entryFile('a.ts'));
    await state.write('a.ts', 'x\n', fromLines(aiLines(2, [])));
    assert.equal(existsSync(state.entryFile('a.ts')), false, 'the link is gone');
    assert.ok(existsSync(path.join(outside, 'entry.json')), 'its target is not');
  });

  for (const linked of ['ai-provenance', 'ai-provenance/entries', 'ai-provenance/entries/main']) {
    it(`writes nothing through ${linked} when it is a link to another folder, and says which`, async () => {
      const target = path.join(outside, 'elsewhere');
      mkdirSync(target);
      const at = path.join(repo.commonDir, linked);
      mkdirSync(path.dirname(at), { recursive: true });
      symlinkSync(target, at);
      const before = treeDigest(outside);
      const state = WorkingState.forRepo(repo);
      await assert.rejects(state.write('a.ts', 'x\n', fromLines(aiLines(2, [[1, 1]]))), (err: Error) => err instanceof UnsafeStateError && err.message.startsWith(`${at}: is a symbolic link`));
      await assert.rejects(state.update('a.ts', 'x\n', (c) => c), UnsafeStateError);
      assert.deepEqual(treeDigest(outside), before, 'nothing outside changed');
    });
  }

  it('prunes a stale entry in trusted mode without following a link at generation (the restricted-mode attack, now harmless even trusted)', async () => {
    const state = WorkingState.forRepo(repo);
    write(dir, 'a.ts', 'one\ntwo\nthree\n');
    await state.write('a.ts', 'one\ntwo\nthree\n', fromLines(aiLines(4, [[1, 3]])));
    write(dir, 'a.ts', 'other\n');
    rmSync(path.join(stateDir(), 'generation'));
    symlinkSync(victim, path.join(stateDir(), 'generation'));
    assert.deepEqual(aiLineNumbers(perLine(await state.read('a.ts', 'other\n'))), []);
    assert.deepEqual(await state.paths(), [], 'the stale entry is pruned');
    assert.equal(readFileSync(victim, 'utf8'), VICTIM_TEXT);
  });

  describe('opened read-only (untrusted workspaces)', () => {
    it('reads recorded lines but prunes nothing and writes nothing, not even through planted links', async () => {
      const writer = WorkingState.forRepo(repo);
      write(dir, 'a.ts', 'one\ntwo\nthree\n');
      await writer.write('a.ts', 'one\ntwo\nthree\n', fromLines(aiLines(4, [[1, 3]])));
      await writer.write('b.ts', 'x\n', fromLines(aiLines(2, [[1, 1]])));
      write(dir, 'a.ts', 'other\n');
      const s = stateDir();
      writeFileSync(path.join(s, 'generation'), '');
      symlinkSync(victim, path.join(s, 'lock'));
      // An old target: a writer would take the link for a stale lock and remove it.
      utimesSync(victim, new Date(2000, 0, 1), new Date(2000, 0, 1));
      const before = { state: treeDigest(s), outside: treeDigest(outside) };

      const reader = WorkingState.forRepo(repo, { readOnly: true });
      assert.deepEqual(aiLineNumbers(perLine(await reader.read('a.ts', 'other\n'))), [], 'the stale entry shows nothing');
      assert.deepEqual(aiLineNumbers(perLine(await reader.read('b.ts', 'x\n'))), [1]);
      assert.deepEqual(await reader.paths(), ['a.ts', 'b.ts']);
      for (const write of [
        () => reader.write('c.ts', 'x\n', fromLines(aiLines(2, [[1, 1]]))),
        () => reader.update('b.ts', 'x\n', (c) => c),
        () => reader.rename('b.ts', 'd.ts'),
        () => reader.forget('a.ts', ''),
        () => reader.afterChange(),
        () => reader.withLock(async () => undefined),
      ]) {
        await assert.rejects(write(), ReadOnlyStateError);
      }
      assert.deepEqual(treeDigest(s), before.state, 'the working state is byte for byte the same');
      assert.deepEqual(treeDigest(outside), before.outside);
    });
  });
});
