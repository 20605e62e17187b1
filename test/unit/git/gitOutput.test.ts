// The git output parsers and the failure classification, each on output git printed (git 2.x, LC_ALL=C), pasted here.
import { strict as assert } from 'node:assert';
import { commitParents, decodeQuotedPath, parseBatchHeader, parseCatFileBatch, parseLsTree, unquotePath } from '../../../src/git/parsers';
import { classifyGitFailure } from '../../../src/git/run';
import { parsePathList } from '../../../src/git/check';

// `printf 'HEAD:nope\n:sp ace.ts\nHEAD:a.txt\nHEAD^{tree}\n' | git cat-file --batch` in a repository of three files.
const TREE_HEX =
  '31303036343420612e74787400ce013625030ba8dba906f756967f9e9ca394464a313030363434207370206163652e747300c1b0730e0133447badcfd47fd144e254807b06e13130303634342074610962f09f98802e747300975fbec8256d3e8a3797e7a3611380f27c49f4ac';
const BATCH = Buffer.concat([
  Buffer.from('HEAD:nope missing\nc1b0730e0133447badcfd47fd144e254807b06e1 blob 1\nx\nce013625030ba8dba906f756967f9e9ca394464a blob 6\nhello\n\n12e08e42d53d0bb2511b793d55fa5a1eae983273 tree 109\n'),
  Buffer.from(TREE_HEX, 'hex'),
  Buffer.from('\n'),
]);

describe('git output', () => {
  describe('cat-file --batch', () => {
    it('reads each object by its size, a missing one as none, binary contents and line breaks inside included', () => {
      const objs = parseCatFileBatch(BATCH, 4);
      assert.equal(objs[0], undefined);
      assert.deepEqual(
        objs.slice(1, 3).map((o) => o && [o.id, o.type, o.content.toString('utf8')]),
        [
          ['c1b0730e0133447badcfd47fd144e254807b06e1', 'blob', 'x'],
          ['ce013625030ba8dba906f756967f9e9ca394464a', 'blob', 'hello\n'],
        ],
      );
      assert.equal(objs[3]?.type, 'tree');
      assert.equal(objs[3]?.content.toString('hex'), TREE_HEX);
    });

    it('throws when the output ends before every input is answered', () => {
      assert.throws(() => parseCatFileBatch(BATCH.subarray(0, 60), 4), /output ends/);
      assert.throws(() => parseCatFileBatch(BATCH, 5), /output ends after 4 of 5/);
    });

    it("reads a commit's parents from its header, not from its message or a signature's lines", () => {
      // `printf 'HEAD^{commit}\nHEAD~2^{commit}\nSIGNED^{commit}\nHEAD^{tree}^{commit}\n' | git cat-file --batch` after a
      // merge whose message holds a line starting "parent", with SIGNED a commit whose gpgsig holds one.
      const out = Buffer.from(
        '1d21b123c8bd6272927533ded74ef6ee66af1676 commit 277\ntree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nparent 0ecaa71a2ca83ee717cce10e507cf289b23885ac\nparent 74f600432cd1a0058b6c81f466487e941c9df684\nauthor A <a@x> 1700000000 +0000\ncommitter A <a@x> 1700000000 +0000\n\nmerge\n\nparent 0000000000000000000000000000000000000000 in the body\n\n' +
          '254436d30357c4720cd2fe4477d9afd0b8d66e2b commit 119\ntree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor A <a@x> 1700000000 +0000\ncommitter A <a@x> 1700000000 +0000\n\nroot\n\n' +
          '1f21f69c775f8e9774c3de30b71277b9ba3378c3 commit 286\ntree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nparent 0ecaa71a2ca83ee717cce10e507cf289b23885ac\nauthor A <a@x> 1700000000 +0000\ncommitter A <a@x> 1700000000 +0000\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n parent 1111111111111111111111111111111111111111\n -----END PGP SIGNATURE-----\n\nsigned\n\n' +
          'HEAD^{tree}^{commit} missing\n',
      );
      const objs = parseCatFileBatch(out, 4);
      assert.deepEqual(
        objs.map((o) => o && commitParents(o.content)),
        [['0ecaa71a2ca83ee717cce10e507cf289b23885ac', '74f600432cd1a0058b6c81f466487e941c9df684'], [], ['0ecaa71a2ca83ee717cce10e507cf289b23885ac'], undefined],
      );
    });

    it('reads --batch-check headers, a missing input as none', () => {
      assert.deepEqual(parseBatchHeader('ce013625030ba8dba906f756967f9e9ca394464a blob 6'), { id: 'ce013625030ba8dba906f756967f9e9ca394464a', type: 'blob', size: 6 });
      assert.equal(parseBatchHeader('HEAD:nope missing'), undefined);
      assert.equal(parseBatchHeader('HEAD:a 1 missing'), undefined);
    });
  });

  describe('ls-tree -z', () => {
    it('reads mode, type, id and the path as it is, spaces, tabs and emoji included', () => {
      const out =
        '100644 blob ce013625030ba8dba906f756967f9e9ca394464a\ta.txt\x00100644 blob c1b0730e0133447badcfd47fd144e254807b06e1\tsp ace.ts\x00100644 blob 975fbec8256d3e8a3797e7a3611380f27c49f4ac\tta\tb😀.ts\x00160000 commit 1111111111111111111111111111111111111111\tsub\x00';
      assert.deepEqual(parseLsTree(out), [
        { mode: '100644', type: 'blob', id: 'ce013625030ba8dba906f756967f9e9ca394464a', path: 'a.txt' },
        { mode: '100644', type: 'blob', id: 'c1b0730e0133447badcfd47fd144e254807b06e1', path: 'sp ace.ts' },
        { mode: '100644', type: 'blob', id: '975fbec8256d3e8a3797e7a3611380f27c49f4ac', path: 'ta\tb😀.ts' },
        { mode: '160000', type: 'commit', id: '1111111111111111111111111111111111111111', path: 'sub' },
      ]);
      assert.deepEqual(parseLsTree(''), []);
    });
  });

  describe('quoted paths', () => {
    it('decodes git blame --porcelain file names, octal bytes and C escapes', () => {
      assert.equal(unquotePath('"ta\\tb\\360\\237\\230\\200.ts"'), 'ta\tb😀.ts');
      assert.equal(unquotePath('"q\\"n\\nl \\303\\274.ts"'), 'q"n\nl ü.ts');
      assert.equal(unquotePath('plain name.ts'), 'plain name.ts');
    });

    it('takes characters git left unescaped whole (core.quotePath=false), emoji included', () => {
      // `git -c core.quotePath=false blame --porcelain`: the tab is escaped, the emoji is not.
      assert.equal(unquotePath('"ta\\tb😀.ts"'), 'ta\tb😀.ts');
    });

    it('says where a quoted path ends, for lists of paths', () => {
      assert.deepEqual(decodeQuotedPath('"a\\"b", c', 0), { path: 'a"b', end: 6 });
      assert.deepEqual(parsePathList('a.ts, "b, c.ts", "d\\"e.ts"'), ['a.ts', 'b, c.ts', 'd"e.ts']);
    });
  });

  describe('failures', () => {
    const table: readonly (readonly [string, string])[] = [
      ['fatal: not a git repository (or any of the parent directories): .git', 'not-a-repository'],
      ["fatal: bad revision 'nope'", 'unknown-revision'],
      ["fatal: ambiguous argument 'nope': unknown revision or path not in the working tree.\nUse '--' to separate paths from revisions, like this:", 'unknown-revision'],
      ["fatal: your current branch 'master' does not have any commits yet", 'unknown-revision'],
      ['fatal: no such ref: HEAD', 'unknown-revision'],
      ['fatal: Needed a single revision', 'unknown-revision'],
      ["fatal: 'refs/heads/zz' - not a valid ref", 'unknown-revision'],
      ["fatal: no such path 'missing.txt' in HEAD", 'no-such-path'],
      ["fatal: path 'nope' does not exist in 'HEAD'", 'no-such-path'],
      ["fatal: Unable to create '/tmp/lp/.git/index.lock': File exists.\n\nAnother git process seems to be running in this repository, e.g.", 'lock-held'],
      ["fatal: update_ref failed for ref 'refs/heads/x': cannot lock ref 'refs/heads/x': Unable to create '/tmp/lp/.git/refs/heads/x.lock': File exists.", 'lock-held'],
      ['fatal: couldn\'t find remote ref refs/notes/nothing', 'no-remote-ref'],
      ['error: pathspec did not match', 'other'],
    ];
    for (const [stderr, failure] of table) {
      it(`reads "${stderr.split('\n')[0]}" as ${failure}`, () => assert.equal(classifyGitFailure(stderr), failure));
    }
  });
});
