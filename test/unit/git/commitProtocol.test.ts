// The commit hand-off between our three hooks as users have it installed: `ai-provenance install`'s wrapper around
// our hook bodies, real `git commit`, and hooks an earlier version installed still working with this CLI.
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { discoverRepo } from '../../../src/git/repo';
import { WorkingState } from '../../../src/git/workingState';
import { aiLines, CLAUDE, cleanupTemp, initRepo, lines, write } from './helpers';
import { cliBundle, HOOKS, hookedEnv, installEarlierHooks, takeNodeStarts } from './hookEnv';
import { fromLines } from '../../../src/core/lineRuns';


function gitResult(dir: string, args: string[], extra: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('git', args, { cwd: dir, env: { ...hookedEnv(), ...extra }, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function git(dir: string, ...args: string[]): string {
  const r = gitResult(dir, args);
  assert.equal(r.status, 0, `git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** Runs `ai-provenance install` as a user does, then points the node it recorded at the test's logging node. */
function installAsUser(dir: string): void {
  const { cli, node } = cliBundle();
  execFileSync(process.execPath, [cli, 'install'], { cwd: dir, env: hookedEnv(), stdio: 'ignore' });
  for (const h of HOOKS) {
    const f = path.join(dir, '.git', 'hooks', h);
    const text = readFileSync(f, 'utf8');
    const recorded = `AI_PROVENANCE_NODE='${process.execPath}'`;
    assert.ok(text.includes(recorded), `${h} records the node that installed it`);
    writeFileSync(f, text.replace(recorded, `AI_PROVENANCE_NODE='${node}'`));
  }
}

async function recordAi(dir: string, file: string, text: string, ranges: [number, number][]): Promise<void> {
  write(dir, file, text);
  await WorkingState.forRepo(await discoverRepo(dir)).write(file, text, fromLines(aiLines(text.split('\n').length, ranges, CLAUDE)));
}

async function pendingPaths(dir: string): Promise<string[]> {
  return WorkingState.forRepo(await discoverRepo(dir)).paths();
}

function noteFiles(dir: string, rev = 'HEAD'): string[] {
  const note = JSON.parse(git(dir, 'notes', '--ref=refs/notes/ai-provenance', 'show', rev)) as { files: { path: string }[] };
  return note.files.map((f) => f.path).sort();
}

describe('commit hand-off between the hooks', function () {
  this.timeout(120_000);
  before(() => cliBundle());
  beforeEach(() => takeNodeStarts());
  after(cleanupTemp);

  it('commits 150 files with AI lines in one Node run and clears every entry and the pending marker', async () => {
    const dir = initRepo();
    installAsUser(dir);
    const names = Array.from({ length: 150 }, (_, i) => `src/f${String(i).padStart(3, '0')}.ts`);
    for (const n of names) await recordAi(dir, n, lines(3), [[2, 2]]);
    git(dir, 'add', '.');
    takeNodeStarts();
    git(dir, 'commit', '-qm', 'many files');
    assert.equal(takeNodeStarts().length, 1, 'prepare-commit-msg only: post-commit finished in shell');
    assert.match(git(dir, 'log', '-1', '--format=%B'), /^AI-Lines: 150\/450$/m);
    assert.deepEqual(noteFiles(dir), names);
    assert.deepEqual(await pendingPaths(dir), []);
    assert.ok(!existsSync(path.join(dir, '.git', 'ai-provenance', 'pending')), 'pending is gone with the last entry');
    assert.ok(!existsSync(path.join(dir, '.git', 'ai-provenance-commit', 'advance')), 'the advance folder is gone');
  });

  it('keeps the entries a commit leaves and the pending marker, deleting only the committed ones', async () => {
    const dir = initRepo();
    installAsUser(dir);
    const names = Array.from({ length: 80 }, (_, i) => `f${i}.ts`);
    for (const n of names) await recordAi(dir, n, lines(2), [[1, 1]]);
    git(dir, 'add', ...names.slice(0, 70));
    git(dir, 'commit', '-qm', 'seventy of eighty');
    assert.deepEqual(await pendingPaths(dir), names.slice(70).sort());
    assert.ok(existsSync(path.join(dir, '.git', 'ai-provenance', 'pending')));
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'the rest');
    assert.deepEqual(await pendingPaths(dir), []);
    assert.ok(!existsSync(path.join(dir, '.git', 'ai-provenance', 'pending')));
  });

  it('loses nothing recorded while the commit runs: the advance is redone in Node when the working state moved', async () => {
    const dir = initRepo();
    const { cli } = cliBundle();
    write(dir, 'other.ts', 'written by an agent during the commit\n');
    // A hook the user had before install, run between our prepare-commit-msg and post-commit: an agent writes meanwhile.
    const userHook = path.join(dir, '.git', 'hooks', 'commit-msg');
    writeFileSync(userHook, `#!/bin/sh\n'${process.execPath}' '${cli}' record --agent copilot other.ts\n`);
    chmodSync(userHook, 0o755);
    installAsUser(dir);
    await recordAi(dir, 'a.ts', lines(2), [[1, 2]]);
    git(dir, 'add', 'a.ts');
    takeNodeStarts();
    git(dir, 'commit', '-qm', 'a');
    assert.equal(takeNodeStarts().length, 2, 'prepare-commit-msg, then post-commit in Node');
    assert.deepEqual(noteFiles(dir), ['a.ts']);
    assert.deepEqual(await pendingPaths(dir), ['other.ts'], 'the record made during the commit is kept');
    assert.ok(existsSync(path.join(dir, '.git', 'ai-provenance', 'pending')), 'and pending with it');
  });

  describe('a refused commit', () => {
    function blockedRepo(): string {
      const dir = initRepo();
      write(dir, '.ai-provenance.json', JSON.stringify({ critical: [{ paths: ['infra/**'], reason: 'Production', level: 'block', reviewers: ['Rita <rita@example.com>'] }] }));
      git(dir, 'add', '.');
      git(dir, 'commit', '-qm', 'config');
      installAsUser(dir);
      return dir;
    }

    it('starts Node once and says why, with the sign-off to add, when the message has no sign-off', async () => {
      const dir = blockedRepo();
      await recordAi(dir, 'infra/main.tf', lines(3), [[1, 3]]);
      git(dir, 'add', '.');
      takeNodeStarts();
      const r = gitResult(dir, ['commit', '-qm', 'infra']);
      assert.equal(r.status, 1);
      assert.equal(takeNodeStarts().length, 1, 'the refusal was precomputed');
      assert.match(r.stderr, /^ai-provenance: commit refused: AI-written lines in critical paths need a reviewer's sign-off/m);
      assert.match(r.stderr, /^ {2}files: infra\/main\.tf$/m);
      assert.match(r.stderr, /^ {4}AI-Reviewed-by: Rita <rita@example\.com>$/m);
      assert.deepEqual(await pendingPaths(dir), ['infra/main.tf'], 'nothing recorded is lost');
      assert.equal(git(dir, 'rev-list', '--count', 'HEAD').trim(), '1');
    });

    it('lets Node judge a sign-off the shell cannot accept, and names what is wrong with it', async () => {
      const dir = blockedRepo();
      await recordAi(dir, 'infra/main.tf', lines(3), [[1, 3]]);
      git(dir, 'add', '.');
      const r = gitResult(dir, ['commit', '-qm', 'infra\n\nAI-Reviewed-by: Mallory <mallory@example.com>']);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /mallory@example\.com is not an allowed reviewer for this rule/);
      const ok = gitResult(dir, ['commit', '-qm', 'infra\n\nAI-Reviewed-by: Rita <rita@example.com>']);
      assert.equal(ok.status, 0, ok.stderr);
    });
  });

  describe('hooks an earlier version installed (post-commit protocol 2), run by this CLI', () => {
    /** The four wrappers and bodies exactly as that version's `install` wrote them, pointed at this build. */
    const installOld = (dir: string): void => installEarlierHooks(dir, '0.1.0-protocol-2');

    it('commit with trailers, a note, and the working state advanced in their shell from the list this CLI writes', async () => {
      const dir = initRepo();
      installOld(dir);
      await recordAi(dir, 'a.ts', lines(3), [[1, 3]]);
      await recordAi(dir, 'b.ts', lines(2), [[2, 2]]);
      git(dir, 'add', 'a.ts');
      takeNodeStarts();
      git(dir, 'commit', '-qm', 'a only');
      assert.equal(takeNodeStarts().length, 1);
      assert.match(git(dir, 'log', '-1', '--format=%B'), /^AI-Lines: 3\/3$/m);
      assert.deepEqual(noteFiles(dir), ['a.ts']);
      assert.deepEqual(await pendingPaths(dir), ['b.ts']);
      git(dir, 'add', '.');
      git(dir, 'commit', '-qm', 'b');
      assert.deepEqual(await pendingPaths(dir), []);
      assert.ok(!existsSync(path.join(dir, '.git', 'ai-provenance', 'pending')));
    });
  });
});
