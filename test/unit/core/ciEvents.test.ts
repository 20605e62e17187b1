import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { EventError, githubApprovals, githubJob, gitlabApprovals, gitlabJob, type GithubReview } from '../../../src/core/ciEvents';

const FIXTURES = path.resolve(__dirname, '../../fixtures/ci');

/** A recorded payload with its placeholders filled in. */
export function fixture(name: string, ids: Record<string, string>): unknown {
  const text = readFileSync(path.join(FIXTURES, name), 'utf8').replace(/\{\{(\w+)\}\}/g, (_, k: string) => ids[k] ?? `{{${k}}}`);
  return JSON.parse(text);
}

const IDS = { BASE_SHA: 'b'.repeat(40), HEAD_SHA: 'c'.repeat(40), MERGE_SHA: 'd'.repeat(40), OLD_SHA: 'e'.repeat(40), SQUASH_SHA: 'f'.repeat(40), BEFORE_SHA: '1'.repeat(40), AFTER_SHA: '2'.repeat(40) };

describe('CI events', () => {
  describe('GitHub pull_request', () => {
    it('a merged pull request names base, head and the commit the server made', () => {
      const job = githubJob('pull_request', fixture('github-pull_request-closed-merged.json', IDS));
      assert.deepEqual(job, { kind: 'merged', number: 12, base: IDS.BASE_SHA, head: IDS.HEAD_SHA, merge: IDS.MERGE_SHA, author: 'ann', fork: false });
    });

    it('a pull request closed without merging is skipped, saying so', () => {
      assert.deepEqual(githubJob('pull_request', fixture('github-pull_request-closed-unmerged.json', IDS)), { kind: 'skip', why: 'pull request #12 was closed without merging' });
    });

    it('synchronize names the branch before and after the push', () => {
      const job = githubJob('pull_request', fixture('github-pull_request-synchronize.json', IDS));
      assert.deepEqual(job, { kind: 'updated', number: 12, base: IDS.BASE_SHA, before: IDS.BEFORE_SHA, after: IDS.AFTER_SHA, author: 'ann', fork: false });
    });

    it('a pull request from a fork is marked as one', () => {
      const job = githubJob('pull_request', fixture('github-pull_request-fork-closed-merged.json', IDS));
      assert.equal(job.kind === 'merged' && job.fork, true);
    });

    it('other events and actions are skipped', () => {
      assert.equal(githubJob('push', {}).kind, 'skip');
      const opened = { ...(fixture('github-pull_request-synchronize.json', IDS) as object), action: 'opened' };
      assert.deepEqual(githubJob('pull_request', opened), { kind: 'skip', why: 'pull request #12 opened: nothing to carry (only closed+merged and synchronize are)' });
    });

    it('a payload without a commit id names the field', () => {
      const p = fixture('github-pull_request-closed-merged.json', { ...IDS, MERGE_SHA: 'not-a-sha' });
      assert.throws(() => githubJob('pull_request', p), (e: Error) => e instanceof EventError && e.message === 'pull_request.merge_commit_sha: expected a commit id, found "not-a-sha"');
      assert.throws(() => githubJob('pull_request', []), /\(payload\): expected an object/);
    });
  });

  describe('GitHub reviews', () => {
    const reviews = fixture('github-reviews.json', IDS) as GithubReview[];

    it("counts each reviewer's latest decision on the head, never the author's own approval", () => {
      const v = githubApprovals(reviews, { author: 'ann', head: IDS.HEAD_SHA });
      assert.deepEqual(v.approvals, [{ login: 'bob', identities: ['bob <1002+bob@users.noreply.github.com>', 'bob <bob@users.noreply.github.com>'] }]);
      assert.deepEqual(v.ignored, [
        'the approval by ann does not count: ann opened the pull request',
        `the approval by dave does not count: it approved ${IDS.OLD_SHA.slice(0, 12)}, not the head ${IDS.HEAD_SHA.slice(0, 12)}`,
      ]);
    });

    it('a later request for changes takes an approval back; a later comment does not', () => {
      const later: GithubReview = { user: { login: 'bob', id: 1002 }, state: 'CHANGES_REQUESTED', commit_id: IDS.HEAD_SHA, submitted_at: '2026-12-05T00:00:00Z' };
      assert.deepEqual(githubApprovals([...reviews, later], { author: 'ann', head: IDS.HEAD_SHA }).approvals, []);
    });
  });

  describe('GitLab merge requests', () => {
    const env = { CI_COMMIT_SHA: IDS.MERGE_SHA, CI_COMMIT_BEFORE_SHA: IDS.BEFORE_SHA };

    it('a squashed merge request names its squash commit', () => {
      const job = gitlabJob(env, fixture('gitlab-commit-merge_requests-squash.json', IDS));
      assert.deepEqual(job, { kind: 'merged', number: 7, base: IDS.BASE_SHA, head: IDS.HEAD_SHA, merge: IDS.SQUASH_SHA, method: 'squash', author: 'ann', fork: false });
    });

    it('without squash_commit_sha, the squash commit is searched among the pushed commits', () => {
      const job = gitlabJob(env, fixture('gitlab-commit-merge_requests-squash-unnamed.json', IDS));
      assert.deepEqual(job, { kind: 'merged', number: 7, base: IDS.BASE_SHA, head: IDS.HEAD_SHA, method: 'squash', searchSquash: { from: IDS.BEFORE_SHA, to: IDS.MERGE_SHA }, author: 'ann', fork: false });
      const first = gitlabJob({ ...env, CI_COMMIT_BEFORE_SHA: '0'.repeat(40) }, fixture('gitlab-commit-merge_requests-squash-unnamed.json', IDS));
      assert.equal(first.kind, 'skip');
    });

    it('picks the merged request among several, and a merge commit has the merge method', () => {
      const job = gitlabJob(env, fixture('gitlab-commit-merge_requests-merge-commit.json', { ...IDS, OTHER_SHA: 'a'.repeat(40) }));
      assert.deepEqual(job, { kind: 'merged', number: 7, base: IDS.BASE_SHA, head: IDS.HEAD_SHA, merge: IDS.MERGE_SHA, method: 'merge', author: 'ann', fork: false });
    });

    it('a commit no merged request made is skipped', () => {
      assert.equal(gitlabJob({ CI_COMMIT_SHA: 'a'.repeat(40) }, fixture('gitlab-commit-merge_requests-merge-commit.json', { ...IDS, MERGE_SHA: '3'.repeat(40), OTHER_SHA: '4'.repeat(40) })).kind, 'merged', 'the one merged request of the commit');
      assert.equal(gitlabJob({ CI_COMMIT_SHA: 'a'.repeat(40) }, [{ iid: 9, state: 'opened', sha: 'a'.repeat(40), merge_commit_sha: null }]).kind, 'skip');
      assert.equal(gitlabJob({ CI_COMMIT_SHA: 'a'.repeat(40) }, []).kind, 'skip');
    });

    it("approvals count except the author's own", () => {
      const v = gitlabApprovals(fixture('gitlab-approvals.json', IDS), { author: 'ann' }, 'gitlab.example.com');
      assert.deepEqual(v.approvals, [{ login: 'bob', identities: ['bob <2002-bob@users.noreply.gitlab.example.com>', 'bob <bob@users.noreply.gitlab.example.com>'] }]);
      assert.deepEqual(v.ignored, ['the approval by ann does not count: ann opened the merge request']);
    });
  });
});
