import * as assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { discoverRepo, findRepoOnDisk } from '../../../src/git/repo';
import { cleanup, git, makeRepo } from './helpers';

describe('finding the repository without starting git', function () {
  let repo: string;
  beforeEach(() => (repo = makeRepo({ 'a/b/c.txt': 'x\n' })));
  afterEach(() => cleanup(repo));

  it('agrees with git rev-parse from a subdirectory', async () => {
    assert.deepEqual(findRepoOnDisk(path.join(repo, 'a/b')), await discoverRepo(path.join(repo, 'a/b')));
  });

  it('agrees with git rev-parse in a linked worktree', async () => {
    const wt = `${repo}-wt`;
    git(repo, 'worktree', 'add', '-q', wt);
    try {
      const found = findRepoOnDisk(wt);
      assert.deepEqual(found, await discoverRepo(wt));
      assert.notEqual(found!.worktreeId, 'main');
    } finally {
      cleanup(wt);
    }
  });

  it('leaves unusual set-ups to git', () => {
    assert.equal(findRepoOnDisk(repo, { env: { GIT_DIR: path.join(repo, '.git') } }), undefined);
    git(repo, 'config', 'core.worktree', repo);
    assert.equal(findRepoOnDisk(repo, { env: {} }), undefined);
  });

  it('finds nothing outside a repository', () => {
    const outside = path.join(path.dirname(repo), `${path.basename(repo)}-none`);
    mkdirSync(outside);
    try {
      assert.equal(findRepoOnDisk(outside, { env: {} }), undefined);
    } finally {
      cleanup(outside);
    }
  });
});
