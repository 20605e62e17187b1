import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { EventError, githubApprovals, githubJob, gitlabApprovals, gitlabJob, gitlabMergeRequestPipelineJob, gitlabVersionBefore, withEventReview, type GithubReview } from '../../../src/core/ciEvents';

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

    it('a pull request from a fork is marked as one, with the clone URL its notes are fetched from', () => {
      const job = githubJob('pull_request', fixture('github-pull_request-fork-closed-merged.json', { ...IDS, FORK_URL: 'https://github.com/carl/shop.git' }));
      assert.equal(job.kind === 'merged' && job.fork, true);
      assert.deepEqual(job.kind === 'merged' && job.forkRepo, { url: 'https://github.com/carl/shop.git' });
      const own = githubJob('pull_request', fixture('github-pull_request-closed-merged.json', IDS));
      assert.equal(own.kind === 'merged' && 'forkRepo' in own, false, 'no fork, no fork repository');
    });

    it('opened and reopened: the open pull request to report on', () => {
      const job = githubJob('pull_request', fixture('github-pull_request-opened.json', IDS));
      assert.deepEqual(job, { kind: 'open', number: 12, base: IDS.BASE_SHA, head: IDS.HEAD_SHA, author: 'ann', fork: false });
      assert.equal(githubJob('pull_request', { ...(fixture('github-pull_request-opened.json', IDS) as object), action: 'reopened' }).kind, 'open');
    });

    it('pull_request_review: the review from the event, its state as the reviews API spells it', () => {
      const job = githubJob('pull_request_review', fixture('github-pull_request_review-submitted.json', IDS));
      assert.deepEqual(job, {
        kind: 'open',
        number: 12,
        base: IDS.BASE_SHA,
        head: IDS.HEAD_SHA,
        author: 'ann',
        fork: false,
        review: { id: 80010, user: { login: 'bob', id: 1002 }, state: 'APPROVED', commit_id: IDS.HEAD_SHA, submitted_at: '2026-12-05T11:00:00Z' },
      });
      const closed = fixture('github-pull_request_review-submitted.json', IDS) as { pull_request: { state: string } };
      closed.pull_request.state = 'closed';
      assert.deepEqual(githubJob('pull_request_review', closed), { kind: 'skip', why: 'pull request #12 is closed: its review changes no report' });
      const noUser = fixture('github-pull_request_review-submitted.json', IDS) as { review: { user: unknown } };
      noUser.review.user = null;
      assert.throws(() => githubJob('pull_request_review', noUser), /review\.user\.login: expected a login/);
    });

    it("an event's review replaces its listed copy and counts as its reviewer's newest", () => {
      const listed: GithubReview[] = [{ id: 1, user: { login: 'bob', id: 1002 }, state: 'APPROVED', commit_id: IDS.HEAD_SHA, submitted_at: '2026-12-05T10:00:00Z' }];
      const event: GithubReview = { id: 2, user: { login: 'bob', id: 1002 }, state: 'CHANGES_REQUESTED', commit_id: IDS.HEAD_SHA, submitted_at: '2026-12-05T11:00:00Z' };
      assert.deepEqual(githubApprovals(withEventReview(listed, event), { author: 'ann', head: IDS.HEAD_SHA }).approvals, []);
      assert.equal(withEventReview([...listed, event], event).length, 2, 'no duplicate of the listed event review');
    });

    it('other events and actions are skipped', () => {
      assert.equal(githubJob('push', {}).kind, 'skip');
      const edited = { ...(fixture('github-pull_request-synchronize.json', IDS) as object), action: 'edited' };
      assert.deepEqual(githubJob('pull_request', edited), { kind: 'skip', why: 'pull request #12 edited: nothing to carry or report (only opened, reopened, synchronize and closed+merged are)' });
    });

    it('a payload without a commit id names the field', () => {
      const p = fixture('github-pull_request-closed-merged.json', { ...IDS, MERGE_SHA: 'not-a-sha' });
      assert.throws(() => githubJob('pull_request', p), (e: Error) => e instanceof EventError && e.message === 'pull_request.merge_commit_sha: expected a commit id, found "not-a-sha"');
      assert.throws(() => githubJob('pull_request', []), /\(payload\): expected an object/);
    });
  });

  describe('GitLab merge request pipeline', () => {
    it('the merge request, its diff base and head, its source project when a fork; a merged-results pipeline names the branch head apart', () => {
      const env = { CI_MERGE_REQUEST_IID: '7', CI_MERGE_REQUEST_DIFF_BASE_SHA: IDS.BASE_SHA, CI_COMMIT_SHA: IDS.HEAD_SHA, CI_MERGE_REQUEST_PROJECT_ID: '42', CI_MERGE_REQUEST_SOURCE_PROJECT_ID: '42' };
      assert.deepEqual(gitlabMergeRequestPipelineJob(env), { kind: 'open', number: 7, base: IDS.BASE_SHA, head: IDS.HEAD_SHA, fork: false });
      const trial = gitlabMergeRequestPipelineJob({ ...env, CI_COMMIT_SHA: IDS.MERGE_SHA, CI_MERGE_REQUEST_SOURCE_BRANCH_SHA: IDS.HEAD_SHA, CI_MERGE_REQUEST_SOURCE_PROJECT_ID: '43' });
      assert.deepEqual(trial, { kind: 'open', number: 7, base: IDS.BASE_SHA, head: IDS.HEAD_SHA, fork: true, forkRepo: { gitlabProject: 43 } }, 'a fork: its source project holds the notes');
      assert.throws(() => gitlabMergeRequestPipelineJob({ ...env, CI_MERGE_REQUEST_IID: '' }), /CI_MERGE_REQUEST_IID: expected a number, found ""/);
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

    it('a merge request from a fork names its source project', () => {
      const mrs = fixture('gitlab-commit-merge_requests-squash.json', IDS) as { source_project_id: number }[];
      for (const mr of mrs) mr.source_project_id = 77;
      const job = gitlabJob(env, mrs);
      assert.equal(job.kind === 'merged' && job.fork, true);
      assert.deepEqual(job.kind === 'merged' && job.forkRepo, { gitlabProject: 77 });
    });

    it('the version before the merged head: the branch as it was before GitLab rebased it', () => {
      const ids = { HEAD_SHA: 'c'.repeat(40), BASE_SHA: 'b'.repeat(40), OLD_HEAD_SHA: '5'.repeat(40), OLD_BASE_SHA: '6'.repeat(40) };
      const versions = fixture('gitlab-merge_request-versions.json', ids) as object[];
      assert.deepEqual(gitlabVersionBefore(versions, ids.HEAD_SHA), { head: ids.OLD_HEAD_SHA, base: ids.OLD_BASE_SHA });
      assert.deepEqual(gitlabVersionBefore([...versions].reverse(), ids.HEAD_SHA), { head: ids.OLD_HEAD_SHA, base: ids.OLD_BASE_SHA }, 'newest by id, whatever the order');
      assert.equal(gitlabVersionBefore(versions.slice(0, 1), ids.HEAD_SHA), undefined, 'one version: nothing came before');
      assert.equal(gitlabVersionBefore(versions, '7'.repeat(40)), undefined, 'a head no version has');
      assert.throws(() => gitlabVersionBefore({}, ids.HEAD_SHA), EventError);
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
