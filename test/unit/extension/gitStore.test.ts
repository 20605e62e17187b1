import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { discoverRepo } from '../../../src/git/repo';
import { discoverWithoutGit, parseBlame } from '../../../src/extension/gitStore';

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', args, { cwd, stdio: 'ignore', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' } });
}

describe('git store', () => {
  describe('finding the repository without running git (untrusted workspaces)', () => {
    let tmp: string;
    beforeEach(() => {
      tmp = realpathSync(mkdtempSync(path.join(tmpdir(), 'aip-store-')));
    });
    afterEach(() => rmSync(tmp, { recursive: true, force: true }));

    it('finds the same root and common dir as git for a file deep in a repository', async () => {
      const repo = path.join(tmp, 'r');
      mkdirSync(path.join(repo, 'a', 'b'), { recursive: true });
      git(repo, 'init', '-q');
      const byGit = await discoverRepo(path.join(repo, 'a', 'b'));
      const byFs = await discoverWithoutGit(path.join(repo, 'a', 'b'));
      assert.equal(byFs?.root, byGit.root);
      assert.equal(byFs?.commonDir, byGit.commonDir);
      assert.equal(byFs?.worktreeId, 'main');
    });

    it('follows a linked worktree to the shared common dir, as git does', async () => {
      const repo = path.join(tmp, 'r');
      mkdirSync(repo);
      git(repo, 'init', '-q');
      git(repo, 'commit', '-q', '--allow-empty', '-m', 'first');
      git(repo, 'worktree', 'add', '-q', path.join(tmp, 'wt'));
      const byGit = await discoverRepo(path.join(tmp, 'wt'));
      const byFs = await discoverWithoutGit(path.join(tmp, 'wt'));
      assert.equal(byFs?.root, byGit.root);
      assert.equal(byFs?.commonDir, byGit.commonDir);
      assert.equal(byFs?.worktreeId, byGit.worktreeId);
    });

    it('finds nothing outside a repository', async () => {
      assert.equal(await discoverWithoutGit(tmp), undefined);
    });
  });

  describe('reading blame --json output', () => {
    it('keeps well-formed lines and drops malformed ones', () => {
      const out = parseBlame(
        JSON.stringify([
          { line: 1, kind: 'ai', agent: 'copilot', model: 'openai/gpt-5', source: 'inline-completion', commit: 'abc', at: '2026-01-01T00:00:00Z' },
          { line: 2, kind: 'human' },
          { line: '3', kind: 'ai' },
          { line: 4, kind: 'robot' },
          null,
        ]),
      );
      assert.deepEqual(out.map((l) => [l.line, l.kind, l.commit]), [
        [1, 'ai', 'abc'],
        [2, 'human', undefined],
      ]);
    });

    it('accepts a {lines: [...]} wrapper', () => {
      assert.equal(parseBlame('{"lines":[{"line":1,"kind":"mixed","agent":"roo"}]}')[0].agent, 'roo');
    });

    it('fails clearly on output that is not a line list', () => {
      assert.throws(() => parseBlame('{"file":"x"}'), /unexpected output/);
      assert.throws(() => parseBlame('not json'));
    });
  });
});
