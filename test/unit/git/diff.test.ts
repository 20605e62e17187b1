import { strict as assert } from 'node:assert';
import { discoverRepo, toRepoPath } from '../../../src/git/repo';
import { execFileSync } from 'node:child_process';
import { indexChanges, parseDiffOutput, parsePrecomputed, PRECOMPUTED_END, readBlobs } from '../../../src/git/diff';
import { diffPairs } from '../../../src/git/history';
import { hookScript } from '../../../src/git/hookScripts';
import { cleanupTemp, initRepo, sh, write } from './helpers';

const ODD = 'q"n\nl $(x) ü.txt';

/** A repository with one commit, then its file renamed to ODD and changed (the rename staged, the change not). */
function stagedRename(): string {
  const dir = initRepo();
  write(dir, 'x y.txt', 'a\nb\nc\n');
  sh(dir, 'git', 'add', '.');
  sh(dir, 'git', 'commit', '-qm', 'init');
  sh(dir, 'git', 'mv', 'x y.txt', ODD);
  write(dir, ODD, 'a\nB\nc\nd\n');
  return dir;
}

describe('git diff parsing', () => {
  after(cleanupTemp);

  it('reads the texts of each hunk of a renamed file from git diff-tree, where asked, without the file headers', async () => {
    const dir = initRepo();
    const kept = Array.from({ length: 10 }, (_, i) => `kept line ${i}\n`).join('');
    write(dir, 'a.txt', `--- dashes\n+++ pluses\nkeep\nold one\nold two\nkeep\n${kept}`);
    sh(dir, 'git', 'add', '.');
    sh(dir, 'git', 'commit', '-qm', 'one');
    sh(dir, 'git', 'mv', 'a.txt', 'b.txt');
    write(dir, 'b.txt', `--- dashes\n+++ pluses!\nkeep\n  old one\nkeep\n${kept}end\n`);
    sh(dir, 'git', 'commit', '-qam', 'two');
    const head = sh(dir, 'git', 'rev-parse', 'HEAD').trim();
    const [diff] = (await diffPairs(dir, [head], { texts: true })).get(head)!;
    assert.equal(diff!.path, 'b.txt');
    assert.equal(diff!.oldPath, 'a.txt');
    assert.deepEqual(
      diff!.hunks.map((h) => [h.oldStart, h.oldCount, h.newStart, h.newCount, h.oldLines, h.newLines]),
      [
        [1, 1, 1, 1, ['+++ pluses'], ['+++ pluses!']],
        [3, 2, 3, 1, ['old one', 'old two'], ['  old one']],
        [16, 0, 15, 1, [], ['end']],
      ],
    );
    const plain = (await diffPairs(dir, [head])).get(head)![0]!;
    assert.equal(plain.hunks[0]!.oldLines, undefined, 'texts only where asked');
  });

  it('parses literal raw, numstat and -U0 patch output, renames and binaries included', () => {
    const out =
      ':100644 100644 aaa bbb M\0bin.dat\0:100644 100644 ccc ddd R050\0x y.txt\0q"n\nl.txt\0:000000 100644 000 eee A\0new.txt\0' +
      '-\t-\tbin.dat\0' +
      '2\t1\t\0x y.txt\0q"n\nl.txt\0' +
      '1\t0\tnew.txt\0' +
      '\0diff --git a/bin.dat b/bin.dat\nindex aaa..bbb 100644\nBinary files a/bin.dat and b/bin.dat differ\n' +
      'diff --git a/x y.txt "b/q\\"n\\nl.txt"\nsimilarity index 50%\n--- a/x y.txt\t\n+++ "b/q\\"n\\nl.txt"\n@@ -2 +2 @@ a\n-b\n+B\n@@ -3,0 +4 @@ c\n+d\n' +
      'diff --git a/new.txt b/new.txt\nnew file mode 100644\n--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1 @@\n+diff --git a/x b/x\n';
    const changes = parseDiffOutput(out);
    assert.deepEqual(
      changes.map((c) => [c.status, c.path, c.oldPath, c.binary, c.added]),
      [
        ['M', 'bin.dat', undefined, true, []],
        ['R', 'q"n\nl.txt', 'x y.txt', false, [[1, 2], [3, 4]]],
        ['A', 'new.txt', undefined, false, [[0, 1]]],
      ],
    );
  });

  it('returns nothing for empty output and rejects truncated records', () => {
    assert.deepEqual(parseDiffOutput(''), []);
    assert.throws(() => parseDiffOutput(':100644 100644 a b M\0x'), /unexpected end of diff output/);
  });

  it('reads the staged change of a real repository with odd file names', async () => {
    const dir = stagedRename();
    write(dir, 'bin.dat', Buffer.from([0, 1, 2, 3]));
    sh(dir, 'git', 'add', '-A');
    const repo = await discoverRepo(dir);
    const changes = await indexChanges(repo, 'HEAD');
    const renamed = changes.find((c) => c.path === ODD);
    assert.equal(renamed?.oldPath, 'x y.txt');
    assert.deepEqual(renamed?.added, [[1, 2], [3, 4]]);
    assert.equal(changes.find((c) => c.path === 'bin.dat')?.binary, true);
    const blobs = await readBlobs(repo, [renamed!.newBlob]);
    assert.equal(blobs.get(renamed!.newBlob)?.toString('utf8'), 'a\nB\nc\nd\n');
  });

  it('reads the staged diff prepare-commit-msg\'s shell computed exactly as its own, and refuses a failed or cut one', async () => {
    const dir = stagedRename();
    sh(dir, 'git', 'add', '-A');
    // The very commands of the installed hook script (its prepare-commit-msg body), run by sh.
    const body = hookScript('prepare-commit-msg', '/nonexistent/cli.js');
    const diffLine = body.split('\n').find((l) => l.includes('git diff-index'))!.trim();
    const end = body.split('\n').find((l) => l.includes(PRECOMPUTED_END))!.trim();
    const stream = (cwd: string): Buffer => execFileSync('sh', ['-c', `${diffLine}\n${end}`], { cwd });
    const repo = await discoverRepo(dir);
    assert.deepEqual(parsePrecomputed(stream(dir)), await indexChanges(repo, 'HEAD'));
    // No HEAD yet: the diff fails, and the caller must ask git itself.
    assert.equal(parsePrecomputed(stream(initRepo())), undefined);
    const good = stream(dir);
    assert.equal(parsePrecomputed(good.subarray(0, good.length - 30)), undefined, 'cut before the end marker');
    assert.equal(parsePrecomputed(Buffer.from('')), undefined);
  });

  it('turns command-line paths into repository-relative ones and refuses paths outside', async () => {
    const dir = initRepo();
    write(dir, 'sub/f.txt', 'x');
    const repo = await discoverRepo(`${dir}/sub`);
    assert.equal(toRepoPath(repo, 'f.txt', `${dir}/sub`), 'sub/f.txt');
    assert.throws(() => toRepoPath(repo, '../../etc/passwd', `${dir}/sub`), /outside the repository/);
  });
});
