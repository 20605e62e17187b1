// `ai-provenance ci` as GitHub Actions and GitLab CI run it: recorded event payloads (test/fixtures/ci) filled with
// the ids of real commits, the platforms' APIs served from recorded answers by an HTTP server on 127.0.0.1 (no real
// platform can run here), and real repositories merged the way the platforms merge.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { cleanupTemp, lines, sh, tempDir } from './helpers';
import { cliBundle, hookedEnv } from './hookEnv';
import {
  advanceMain,
  blame,
  changeOnMain,
  configOnMain,
  deleteBranch,
  git,
  githubMergeCommit,
  githubPullRef,
  githubRebase,
  githubSquash,
  githubUpdateBranchRebase,
  gitlabMergeCommit,
  gitlabRebaseFastForward,
  gitlabSquashMerge,
  linesOf,
  NOTES,
  prScenario,
  pullMain,
  rebaseResolvingConflicts,
  type Scenario,
} from './prScenario';

const FIXTURES = path.resolve(__dirname, '../../fixtures/ci');

function fixture(name: string, ids: Record<string, string>): string {
  return readFileSync(path.join(FIXTURES, name), 'utf8').replace(/\{\{(\w+)\}\}/g, (_, k: string) => ids[k] ?? '0'.repeat(40));
}

interface Recorded {
  readonly status?: number;
  readonly body: string;
}

interface ApiRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/**
 * Serves recorded API answers by path and query (`METHOD /path` for other methods than GET); remembers each
 * request's method, path, headers and body.
 */
async function apiServer(routes: Record<string, Recorded>): Promise<{ url: string; requests: ApiRequest[]; close: () => Promise<void> }> {
  const requests: ApiRequest[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const method = req.method ?? 'GET';
      requests.push({ method, url: req.url ?? '', headers: req.headers, body });
      const r = routes[`${method} ${req.url ?? ''}`] ?? (method === 'GET' ? routes[req.url ?? ''] : undefined);
      res.writeHead(r?.status ?? (r ? 200 : 404), { 'content-type': 'application/json' });
      res.end(r ? r.body : '{"message":"Not Found"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** The CLI in a child process that does not block this one, so the API server here can answer it. */
function ciRun(cwd: string, env: NodeJS.ProcessEnv, args: string[] = []): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliBundle().cli, 'ci', ...args], { cwd, env: { ...hookedEnv(), ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** A runner's checkout: the server's branches, no notes, no git identity of its own. */
function runnerClone(s: Scenario): string {
  const dir = tempDir('aip-runner-');
  sh(dir, 'git', 'clone', '-q', s.server, '.');
  return dir;
}

function githubEnv(name: string, payload: string, api: string): NodeJS.ProcessEnv {
  const file = path.join(tempDir('aip-event-'), 'event.json');
  writeFileSync(file, payload);
  return { GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: name, GITHUB_EVENT_PATH: file, GITHUB_API_URL: api, GITHUB_REPOSITORY: 'acme/shop', GITHUB_TOKEN: 'ghs_test' };
}

const REVIEWS_PATH = '/repos/acme/shop/pulls/12/reviews?per_page=100';

/** A fresh clone of the server's main with the server's notes, as a developer sees it after pulling. */
function mainWithNotes(s: Scenario): string {
  const dir = tempDir('aip-main-');
  sh(dir, 'git', 'clone', '-q', s.server, '.');
  sh(dir, 'git', 'fetch', '-q', 'origin', `${NOTES}:${NOTES}`);
  return dir;
}

/** blame in `dir` shows the pull request's AI lines, with agent and model: src/a.ts 11, 13, 14 and src/b.ts 1-3. */
function assertPrAiLines(dir: string): void {
  assert.deepEqual(linesOf(blame(dir, 'src/a.ts')), [11, 13, 14]);
  assert.deepEqual(linesOf(blame(dir, 'src/b.ts')), [1, 2, 3]);
}

/** The server refuses every push of notes, as it refuses a fork pull request's read-only token. */
function refuseNotesPushes(s: Scenario): void {
  const hook = path.join(s.server, 'hooks', 'pre-receive');
  writeFileSync(hook, '#!/bin/sh\nwhile read old new ref; do case "$ref" in refs/notes/*) echo "Permission to acme/shop.git denied to github-actions[bot]." >&2; exit 1;; esac; done\n');
  chmodSync(hook, 0o755);
}

/** Whether `dir` has a note of its own (refs/notes/ai-provenance) on `commit`. */
function hasOwnNote(dir: string, commit: string): boolean {
  return sh(dir, 'git', 'notes', `--ref=${NOTES}`, 'list').split('\n').some((l) => l.endsWith(` ${commit}`));
}

describe('ai-provenance ci', function () {
  before(() => cliBundle());
  after(cleanupTemp);

  describe('GitHub Actions, pull_request closed and merged', () => {
    it('squash: fetches the PR through refs/pull/N/head and the notes, writes and pushes the squash note, checks it', async () => {
      const s = prScenario();
      advanceMain(s);
      const squash = githubSquash(s);
      githubPullRef(s, s.head);
      deleteBranch(s);
      const ids = { BASE_SHA: s.base, HEAD_SHA: s.head, MERGE_SHA: squash };
      const api = await apiServer({ [REVIEWS_PATH]: { body: fixture('github-reviews.json', ids) } });
      try {
        const runner = runnerClone(s);
        const r = await ciRun(runner, githubEnv('pull_request', fixture('github-pull_request-closed-merged.json', ids), api.url));
        assert.equal(r.status, 0, r.stderr + r.stdout);
        assert.match(r.stdout, /detected a squash merge/);
        assert.match(r.stdout, /wrote a note with 6 AI lines/);
        assert.match(r.stdout, /^pushed the notes of 1 commit to origin$/m);
        assert.match(r.stdout, /ai-provenance check \S+: 1 commit checked, 0 violations, 0 warnings/);
        assert.equal(api.requests[0]?.headers.authorization, 'Bearer ghs_test');
        const notesAuthor = sh(s.server, 'git', 'log', '-1', '--format=%an <%ae>', NOTES).trim();
        assert.equal(notesAuthor, 'Ann Author <ann@example.com>', 'a notes commit by the identity git has');
      } finally {
        await api.close();
      }
      pullMain(s);
      assert.deepEqual(linesOf(blame(s.dev, 'src/a.ts')), [11, 13, 14]);
      assert.deepEqual(linesOf(blame(s.dev, 'src/b.ts')), [1, 2, 3]);
      assert.equal(blame(s.dev, 'src/a.ts')[11]!.kind, 'human');
    });

    it('writes the report to the job summary and as one pull request comment, updated in place on the next run', async () => {
      const s = prScenario();
      const squash = githubSquash(s);
      const ids = { BASE_SHA: s.base, HEAD_SHA: s.head, MERGE_SHA: squash };
      const runner = runnerClone(s);
      const summary = path.join(tempDir('aip-summary-'), 'summary.md');
      const event = githubEnv('pull_request', fixture('github-pull_request-closed-merged.json', ids), '');
      // A person's comment that merely quotes the marker is not the report's.
      const human = { id: 100, body: 'Looks good to me, see <!-- ai-provenance -->', user: { login: 'bob', type: 'User' } };
      const comments = '/repos/acme/shop/issues/12/comments';
      const runOnce = async (listed: object[], answers: Record<string, Recorded>): Promise<{ stdout: string; requests: ApiRequest[] }> => {
        const api = await apiServer({ [REVIEWS_PATH]: { body: '[]' }, [`${comments}?per_page=100`]: { body: JSON.stringify(listed) }, ...answers });
        try {
          const r = await ciRun(runner, { ...event, GITHUB_API_URL: api.url, GITHUB_STEP_SUMMARY: summary });
          assert.equal(r.status, 0, r.stderr + r.stdout);
          return { stdout: r.stdout, requests: api.requests.filter((q) => q.method !== 'GET') };
        } finally {
          await api.close();
        }
      };

      const first = await runOnce([human], { [`POST ${comments}`]: { status: 201, body: JSON.stringify({ id: 901, body: 'x' }) } });
      assert.match(first.stdout, /^added the report as a comment on pull request #12$/m);
      assert.deepEqual(first.requests.map((q) => `${q.method} ${q.url}`), [`POST ${comments}`]);
      const posted = (JSON.parse(first.requests[0]!.body) as { body: string }).body;
      assert.ok(posted.startsWith('<!-- ai-provenance -->\n## AI Provenance: '), posted);
      assert.match(posted, /1 commit checked, 0 violations/);
      assert.equal(first.requests[0]!.headers['content-type'], 'application/json');
      assert.equal(first.requests[0]!.headers.authorization, 'Bearer ghs_test');
      const report = readFileSync(summary, 'utf8');
      assert.equal(`<!-- ai-provenance -->\n${report}`, posted, 'the job summary holds the report of the comment');

      const second = await runOnce([human, { id: 901, body: posted, user: { login: 'github-actions[bot]', type: 'Bot' } }], { [`PATCH /repos/acme/shop/issues/comments/901`]: { body: JSON.stringify({ id: 901 }) } });
      assert.match(second.stdout, /^updated the report comment 901 on pull request #12$/m);
      assert.deepEqual(second.requests.map((q) => `${q.method} ${q.url}`), ['PATCH /repos/acme/shop/issues/comments/901'], 'no second comment');
      assert.equal((JSON.parse(second.requests[0]!.body) as { body: string }).body, posted);
    });

    it('a token that may not comment is said in one line, and the run still succeeds', async () => {
      const s = prScenario();
      const squash = githubSquash(s);
      const ids = { BASE_SHA: s.base, HEAD_SHA: s.head, MERGE_SHA: squash };
      const comments = '/repos/acme/shop/issues/12/comments';
      const forbidden = { status: 403, body: '{"message":"Resource not accessible by integration"}' };
      const api = await apiServer({ [REVIEWS_PATH]: { body: '[]' }, [`${comments}?per_page=100`]: { body: '[]' }, [`POST ${comments}`]: forbidden });
      try {
        const r = await ciRun(runnerClone(s), githubEnv('pull_request', fixture('github-pull_request-closed-merged.json', ids), api.url));
        assert.equal(r.status, 0, r.stderr + r.stdout);
        assert.equal(r.stdout.split('\n').filter((l) => /comment/.test(l)).join('\n'), 'the token may not comment on pull request #12 (HTTP 403): the report is only in the job log');
      } finally {
        await api.close();
      }
    });

    it('on a runner where git has no identity, the notes commits are by github-actions[bot]', async () => {
      const s = prScenario();
      const squash = githubSquash(s);
      const ids = { BASE_SHA: s.base, HEAD_SHA: s.head, MERGE_SHA: squash };
      const runner = runnerClone(s);
      // git refuses to guess an identity, as on a runner where none is configured.
      sh(runner, 'git', 'config', 'user.useConfigOnly', 'true');
      const noIdentity = { GIT_AUTHOR_NAME: undefined, GIT_AUTHOR_EMAIL: undefined, GIT_COMMITTER_NAME: undefined, GIT_COMMITTER_EMAIL: undefined, EMAIL: undefined };
      const r = await ciRun(runner, { ...githubEnv('pull_request', fixture('github-pull_request-closed-merged.json', ids), 'http://127.0.0.1:9'), ...noIdentity }, ['--no-check']);
      assert.equal(r.status, 0, r.stderr + r.stdout);
      assert.match(r.stdout, /wrote a note with 6 AI lines/);
      assert.equal(sh(s.server, 'git', 'log', '-1', '--format=%an <%ae>', NOTES).trim(), 'github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>');
    });

    it('rebase merge: each note carried to its rebased twin', async () => {
      const s = prScenario();
      advanceMain(s);
      const tip = githubRebase(s);
      const ids = { BASE_SHA: s.base, HEAD_SHA: s.head, MERGE_SHA: tip };
      const api = await apiServer({ [REVIEWS_PATH]: { body: '[]' } });
      try {
        const r = await ciRun(runnerClone(s), githubEnv('pull_request', fixture('github-pull_request-closed-merged.json', ids), api.url));
        assert.equal(r.status, 0, r.stderr + r.stdout);
        assert.match(r.stdout, /detected a rebase merge \(3 of 3 commits paired by patch id\)/);
        assert.match(r.stdout, /3 commits checked/);
      } finally {
        await api.close();
      }
      pullMain(s);
      assert.deepEqual(linesOf(blame(s.dev, 'src/a.ts')), [11, 13, 14]);
      assert.deepEqual(linesOf(blame(s.dev, 'src/b.ts')), [1, 2, 3]);
    });

    it('merge commit: nothing to carry, the notes the developer pushed already show', async () => {
      const s = prScenario();
      const m = githubMergeCommit(s);
      const ids = { BASE_SHA: s.base, HEAD_SHA: s.head, MERGE_SHA: m };
      const api = await apiServer({ [REVIEWS_PATH]: { body: '[]' } });
      try {
        const r = await ciRun(runnerClone(s), githubEnv('pull_request', fixture('github-pull_request-closed-merged.json', ids), api.url));
        assert.equal(r.status, 0, r.stderr + r.stdout);
        assert.match(r.stdout, /a merge commit; the pull request's commits keep their notes, nothing to carry/);
        assert.doesNotMatch(r.stdout, /pushed/);
      } finally {
        await api.close();
      }
      pullMain(s);
      assert.deepEqual(linesOf(blame(s.dev, 'src/a.ts')), [11, 13, 14]);
    });

    it('a pull request closed without merging does nothing', async () => {
      const s = prScenario();
      const r = await ciRun(runnerClone(s), githubEnv('pull_request', fixture('github-pull_request-closed-unmerged.json', { BASE_SHA: s.base, HEAD_SHA: s.head }), 'http://127.0.0.1:9'));
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, 'pull request #12 was closed without merging\n');
    });

    it("a fork's commits that cannot be fetched are reported, not failed", async () => {
      const s = prScenario();
      const squash = githubSquash(s);
      const ids = { BASE_SHA: s.base, HEAD_SHA: 'e'.repeat(40), MERGE_SHA: squash };
      const r = await ciRun(runnerClone(s), githubEnv('pull_request', fixture('github-pull_request-fork-closed-merged.json', ids), 'http://127.0.0.1:9'));
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^pull request #12: ${'e'.repeat(12)} cannot be fetched from origin \\(its commits are in a fork\\); nothing carried$`, 'm'));
      assert.equal(sh(s.server, 'git', 'notes', `--ref=${NOTES}`, 'list').includes(squash), false);
    });

    it('a payload that is not JSON, or lacks a field, is one line naming the file', async () => {
      const s = prScenario();
      const bad = githubEnv('pull_request', '{"action": "closed",', 'http://127.0.0.1:9');
      let r = await ciRun(runnerClone(s), bad);
      assert.equal(r.status, 2);
      assert.match(r.stderr, new RegExp(`^ai-provenance ci: ${bad.GITHUB_EVENT_PATH!.replace(/[.]/g, '\\.')}: not JSON \\(.*\\)\\n$`));
      const missing = githubEnv('pull_request', fixture('github-pull_request-closed-merged.json', { BASE_SHA: s.base, HEAD_SHA: s.head, MERGE_SHA: 'nope' }), 'http://127.0.0.1:9');
      r = await ciRun(runnerClone(s), missing);
      assert.equal(r.status, 2);
      assert.equal(r.stderr, `ai-provenance ci: ${missing.GITHUB_EVENT_PATH}: pull_request.merge_commit_sha: expected a commit id, found "nope"\n`);
    });
  });

  describe('GitHub Actions, synchronize after "Update branch" with rebase', () => {
    for (const stale of [false, true]) {
      it(`pairs the rebased commits with the ones before and carries their notes${stale ? ', when the event names the base from before the update' : ''}`, async () => {
        const s = prScenario();
        advanceMain(s);
        const main = sh(s.server, 'git', 'rev-parse', 'main').trim();
        const after = githubUpdateBranchRebase(s);
        const ids = { BASE_SHA: stale ? s.base : main, BEFORE_SHA: s.head, AFTER_SHA: after };
        const r = await ciRun(runnerClone(s), githubEnv('pull_request', fixture('github-pull_request-synchronize.json', ids), 'http://127.0.0.1:9'));
        assert.equal(r.status, 0, r.stderr + r.stdout);
        assert.match(r.stdout, /the branch was rewritten; pairing 3 old with 3 new commits by patch id/);
        assert.doesNotMatch(r.stdout, /no original commit/, "main's own commit is not taken for a rebased one");
        assert.match(r.stdout, /^pushed the notes of 2 commits to origin$/m);
        git(s.dev, ['fetch', '-q', 'origin', `+${NOTES}:${NOTES}`, '+feature:feature-updated']);
        git(s.dev, ['checkout', '-q', 'feature-updated']);
        assert.deepEqual(linesOf(blame(s.dev, 'src/a.ts')), [11, 13, 14]);
        assert.deepEqual(linesOf(blame(s.dev, 'src/b.ts')), [1, 2, 3]);
      });
    }

    describe('a rebase that resolved a conflict (patch ids differ): paired by git range-diff only where certain', () => {
      const tens = lines(9) + 'main ten\n';

      async function rebaseAndRun(s: Scenario, parser: string, tests: string): Promise<{ status: number | null; stdout: string }> {
        const main = changeOnMain(s, 'src/a.ts', tens);
        const after = rebaseResolvingConflicts(s, { 'Add parser': { 'src/a.ts': parser }, 'Add tests': { 'src/a.ts': tests } });
        const ids = { BASE_SHA: main, BEFORE_SHA: s.head, AFTER_SHA: after };
        const r = await ciRun(runnerClone(s), githubEnv('pull_request', fixture('github-pull_request-synchronize.json', ids), 'http://127.0.0.1:9'), ['--no-check']);
        git(s.dev, ['fetch', '-q', 'origin', `+${NOTES}:${NOTES}`, '+feature:feature-updated']);
        git(s.dev, ['checkout', '-q', 'feature-updated']);
        return r;
      }

      it('a resolution that keeps every AI line: the note carried to the rebased commit', async () => {
        const s = prScenario();
        const r = await rebaseAndRun(s, tens + 'ai one\nai two\nai three\nai four\n', tens + 'ai one\nperson rewrote two\nai three\nai four\nperson five\n');
        assert.equal(r.status, 0, r.stdout);
        assert.match(r.stdout, /^\S+: paired with \S+ by git range-diff \(same subject\); all 4 AI lines carry unchanged$/m);
        assert.doesNotMatch(r.stdout, /its note was not carried/);
        assert.deepEqual(linesOf(blame(s.dev, 'src/a.ts')), [11, 13, 14]);
        assert.deepEqual(linesOf(blame(s.dev, 'src/b.ts')), [1, 2, 3]);
        assert.equal(blame(s.dev, 'src/a.ts')[9]!.kind, 'human', "main's resolved line stays human");
      });

      it('a resolution that changed an AI line: reported, no note on that commit; the others carried', async () => {
        // Twelve agent lines, one changed by the resolution: range-diff still pairs the commit (a small part of it
        // changed), and its carry is not exact.
        const s = prScenario(undefined, { extraAiLines: 8 });
        const extra = (changed: boolean): string => Array.from({ length: 8 }, (_, i) => (changed && i === 3 ? 'fixed extra 4\n' : `ai extra ${i + 1}\n`)).join('');
        const r = await rebaseAndRun(s, tens + 'ai one\nai two\nai three\nai four\n' + extra(true), tens + 'ai one\nperson rewrote two\nai three\nai four\n' + extra(true) + 'person five\n');
        assert.equal(r.status, 0, r.stdout);
        assert.match(r.stdout, /^\S+: paired with \S+ by git range-diff \(same subject\), but 1 of its 12 AI lines changed or moved out of the lines it adds \(a conflict resolved while rebasing\?\); the mapping is not certain, no note written$/m);
        assert.deepEqual(linesOf(blame(s.dev, 'src/a.ts')), [], 'nothing guessed onto the commit whose AI lines the resolution changed');
        assert.deepEqual(linesOf(blame(s.dev, 'src/b.ts')), [1, 2, 3]);
      });

      it('a resolution range-diff cannot pair with certainty: the note is reported as not carried', async () => {
        const s = prScenario();
        const r = await rebaseAndRun(s, tens + 'ai one\nai two\nai three\nfixed four\n', tens + 'ai one\nperson rewrote two\nai three\nfixed four\nperson five\n');
        assert.equal(r.status, 0, r.stdout);
        assert.match(r.stdout, new RegExp(`^${s.commits[0]!.slice(0, 12)}: its note was not carried`, 'm'));
        assert.deepEqual(linesOf(blame(s.dev, 'src/a.ts')), []);
        assert.deepEqual(linesOf(blame(s.dev, 'src/b.ts')), [1, 2, 3]);
      });
    });

    it("a fork's rebased branch whose repository the event does not name is left alone", async () => {
      const s = prScenario();
      const payload = JSON.parse(fixture('github-pull_request-synchronize.json', { BASE_SHA: s.base, BEFORE_SHA: s.commits[1]!, AFTER_SHA: s.head })) as { pull_request: { head: { repo: object } } };
      payload.pull_request.head.repo = { id: 777, name: 'shop', full_name: 'carl/shop', fork: true };
      const r = await ciRun(runnerClone(s), githubEnv('pull_request', JSON.stringify(payload), 'http://127.0.0.1:9'));
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /^pull request #12 comes from a fork whose repository is not named \(deleted\?\): its notes are not fetched; nothing carried$/m);
    });

    it('a push that only adds commits rewrites nothing', async () => {
      const s = prScenario();
      const before = s.commits[1]!;
      const ids = { BASE_SHA: s.base, BEFORE_SHA: before, AFTER_SHA: s.head };
      const r = await ciRun(runnerClone(s), githubEnv('pull_request', fixture('github-pull_request-synchronize.json', ids), 'http://127.0.0.1:9'));
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /commits were added, none rewritten; nothing to carry/);
    });
  });

  describe('GitHub Actions, an open pull request: the report on each push and review', () => {
    const COMMENTS = '/repos/acme/shop/issues/12/comments';
    const block = { critical: [{ paths: ['src/b.ts'], reason: 'Test harness', level: 'block', reviewers: ['bob <1002+bob@users.noreply.github.com>'] }] };

    /**
     * The pull request under a team config: the config lands on main, and the developer rebases the branch onto it (the
     * hooks carry the notes) and pushes it, so the config judges the pull request from its merge base. Its hooks would
     * have refused the unreviewed commit had the config been there when it was made.
     */
    function underConfig(config: object): Scenario {
      const s = prScenario();
      configOnMain(s, config);
      git(s.dev, ['fetch', '-q', 'origin', 'main']);
      git(s.dev, ['rebase', '-q', 'origin/main', 'feature']);
      git(s.dev, ['push', '-q', '-f', 'origin', 'feature', NOTES]);
      const base = sh(s.server, 'git', 'rev-parse', 'main').trim();
      const commits = git(s.dev, ['rev-list', '--reverse', `${base}..feature`]).trim().split('\n');
      return { ...s, base, commits, head: commits[commits.length - 1]! };
    }

    /** Runs `ci` for one event against recorded reviews and comments; the comment requests it made (not GETs). */
    async function reportRun(s: Scenario, name: string, payload: string, opts: { reviews?: Recorded; comments?: object[]; post?: Recorded; runner?: string } = {}) {
      const summary = path.join(tempDir('aip-summary-'), 'summary.md');
      const api = await apiServer({
        [REVIEWS_PATH]: opts.reviews ?? { body: '[]' },
        [`${COMMENTS}?per_page=100`]: { body: JSON.stringify(opts.comments ?? []) },
        [`POST ${COMMENTS}`]: opts.post ?? { status: 201, body: JSON.stringify({ id: 905, body: 'x' }) },
        'PATCH /repos/acme/shop/issues/comments/905': { body: JSON.stringify({ id: 905 }) },
      });
      try {
        const r = await ciRun(opts.runner ?? runnerClone(s), { ...githubEnv(name, payload, api.url), GITHUB_STEP_SUMMARY: summary });
        let written = '';
        try {
          written = readFileSync(summary, 'utf8');
        } catch {
          // No summary written.
        }
        return { ...r, summary: written, writes: api.requests.filter((q) => q.method !== 'GET') };
      } finally {
        await api.close();
      }
    }

    it('opened: the report of the merge base..head range goes to the job summary and the one comment', async () => {
      const s = prScenario();
      // main moves on after the branch was made: the report still judges the pull request's own three commits.
      advanceMain(s);
      const main = sh(s.server, 'git', 'rev-parse', 'main').trim();
      githubPullRef(s, s.head);
      const r = await reportRun(s, 'pull_request', fixture('github-pull_request-opened.json', { BASE_SHA: main, HEAD_SHA: s.head }));
      assert.equal(r.status, 0, r.stderr + r.stdout);
      assert.match(r.stdout, new RegExp(`ai-provenance check ${s.base.slice(0, 12)}\\S*\\.\\.${s.head.slice(0, 12)}\\S*: 3 commits checked, 0 violations`));
      assert.match(r.summary, /^## AI Provenance: ✅ no violations/);
      assert.match(r.summary, /3 commits checked/);
      assert.match(r.summary, /\| \*\*All AI\*\* \| \| \*\*7\*\* of 9 \|/);
      assert.deepEqual(r.writes.map((q) => `${q.method} ${q.url}`), [`POST ${COMMENTS}`]);
      assert.equal((JSON.parse(r.writes[0]!.body) as { body: string }).body, `<!-- ai-provenance -->\n${r.summary}`);
      assert.match(r.stdout, /^added the report as a comment on pull request #12$/m);
    });

    it("opened from a fork: the fork's notes are fetched, so the report counts the AI lines their notes record", async () => {
      const s = prScenario(undefined, { fork: true });
      const payload = JSON.parse(fixture('github-pull_request-opened.json', { BASE_SHA: s.base, HEAD_SHA: s.head })) as { pull_request: { head: { repo: object } } };
      payload.pull_request.head.repo = { id: 777, name: 'shop', full_name: 'carl/shop', private: false, fork: true, clone_url: s.fork! };
      const r = await reportRun(s, 'pull_request', JSON.stringify(payload));
      assert.equal(r.status, 0, r.stderr + r.stdout);
      assert.match(r.stdout, /^pull request #12 comes from a fork: fetched its refs\/notes\/ai-provenance from /m);
      assert.doesNotMatch(r.stdout, /judged by their trailers/);
      assert.match(r.summary, /\| \*\*All AI\*\* \| \| \*\*7\*\* of 9 \|/);
    });

    it('a read-only token (a fork\'s): the report is in the log, the run does not fail', async () => {
      const s = prScenario();
      const r = await reportRun(s, 'pull_request', fixture('github-pull_request-opened.json', { BASE_SHA: s.base, HEAD_SHA: s.head }), { post: { status: 403, body: '{"message":"Resource not accessible by integration"}' } });
      assert.equal(r.status, 0, r.stderr + r.stdout);
      assert.match(r.stdout, /3 commits checked, 0 violations/);
      assert.match(r.stdout, /^the token may not comment on pull request #12 \(HTTP 403\): the report is only in the job log and summary$/m);
    });

    it('synchronize: carries the rebased notes first, then reports on the new head, updating the comment in place', async () => {
      const s = underConfig(block);
      advanceMain(s);
      const main = sh(s.server, 'git', 'rev-parse', 'main').trim();
      const after = githubUpdateBranchRebase(s);
      const earlier = { id: 905, body: '<!-- ai-provenance -->\n## AI Provenance: old', user: { login: 'github-actions[bot]', type: 'Bot' } };
      const r = await reportRun(s, 'pull_request', fixture('github-pull_request-synchronize.json', { BASE_SHA: main, BEFORE_SHA: s.head, AFTER_SHA: after }), { comments: [earlier] });
      assert.equal(r.status, 1, 'no approval yet: the block rule fails the check');
      assert.match(r.stdout, /^pushed the notes of 2 commits to origin$/m);
      // Judged by the carried notes: the rebased commit that adds src/b.ts holds AI lines needing a sign-off.
      assert.match(r.stdout, /error: commit \S+ "Add tests"[\s\S]*src\/b\.ts:1-3/);
      assert.match(r.summary, /3 commits checked, 1 violation/);
      assert.deepEqual(r.writes.map((q) => `${q.method} ${q.url}`), ['PATCH /repos/acme/shop/issues/comments/905'], 'the one comment, updated');
    });

    it('a run whose head is no longer the pull request\'s leaves the report to the newer run', async () => {
      const s = prScenario();
      githubPullRef(s, s.head);
      const r = await reportRun(s, 'pull_request', fixture('github-pull_request-opened.json', { BASE_SHA: s.base, HEAD_SHA: s.commits[1]! }));
      assert.equal(r.status, 0, r.stderr + r.stdout);
      assert.match(r.stdout, new RegExp(`^pull request #12 has moved on to ${s.head.slice(0, 12)} since this run's ${s.commits[1]!.slice(0, 12)}: the run for it writes the report, not this one$`, 'm'));
      assert.equal(r.summary, '');
      assert.deepEqual(r.writes, []);
    });

    describe('pull_request_review', () => {
      function reviewPayload(s: Scenario, change: (p: { review: { user: { login: string; id: number }; state: string; commit_id: string } }) => void = () => undefined): string {
        const p = JSON.parse(fixture('github-pull_request_review-submitted.json', { BASE_SHA: s.base, HEAD_SHA: s.head })) as { review: { user: { login: string; id: number }; state: string; commit_id: string } };
        change(p);
        return JSON.stringify(p);
      }

      it("an allowed reviewer's approval, read from the event, signs off the block path and refreshes the report", async () => {
        const s = underConfig(block);
        // The reviews API has not listed the new review yet (or cannot be read): the event's own review counts.
        const r = await reportRun(s, 'pull_request_review', reviewPayload(s), { reviews: { body: '[]' }, comments: [{ id: 905, body: '<!-- ai-provenance -->\nold' }] });
        assert.equal(r.status, 0, r.stderr + r.stdout);
        assert.match(r.stdout, /^approved by bob: counts as the sign-off of bob <1002\+bob@users\.noreply\.github\.com>/m);
        assert.match(r.stdout, /3 commits checked, 0 violations/);
        assert.match(r.summary, /✅ no violations/);
        assert.deepEqual(r.writes.map((q) => `${q.method} ${q.url}`), ['PATCH /repos/acme/shop/issues/comments/905']);
      });

      it('counts the event\'s review when the reviews cannot be read', async () => {
        const s = underConfig(block);
        const r = await reportRun(s, 'pull_request_review', reviewPayload(s), { reviews: { status: 403, body: '{"message":"Resource not accessible by integration"}' } });
        assert.equal(r.status, 0, r.stderr + r.stdout);
        assert.match(r.stdout, /^could not read the reviews \(.*HTTP 403.*\); judged with the review of this event only$/m);
        assert.match(r.stdout, /^approved by bob:/m);
      });

      it("the author's own approval does not count", async () => {
        const s = underConfig({ critical: [{ paths: ['src/b.ts'], reason: 'Test harness', level: 'block', reviewers: ['ann <1001+ann@users.noreply.github.com>', 'bob <1002+bob@users.noreply.github.com>'] }] });
        const r = await reportRun(s, 'pull_request_review', reviewPayload(s, (p) => (p.review.user = { login: 'ann', id: 1001 })));
        assert.equal(r.status, 1, r.stdout);
        assert.match(r.stdout, /the approval by ann does not count: ann opened the pull request/);
        assert.match(r.summary, /1 violation/);
      });

      it('a later review by the same reviewer that requests changes takes the approval back', async () => {
        const s = underConfig(block);
        const approved = JSON.stringify([{ id: 80009, user: { login: 'bob', id: 1002 }, state: 'APPROVED', commit_id: s.head, submitted_at: '2026-12-05T10:00:00Z' }]);
        const r = await reportRun(s, 'pull_request_review', reviewPayload(s, (p) => (p.review.state = 'changes_requested')), { reviews: { body: approved } });
        assert.equal(r.status, 1, r.stdout);
        assert.doesNotMatch(r.stdout, /approved by bob/);
      });
    });
  });

  describe('fork pull requests', () => {
    it("squash: the notes are fetched from the fork (a file:// clone URL) beside ours and carried; blame on main shows the PR's AI lines", async () => {
      const s = prScenario(undefined, { fork: true });
      advanceMain(s);
      const squash = githubSquash(s);
      const url = pathToFileURL(s.fork!).href;
      const ids = { BASE_SHA: s.base, HEAD_SHA: s.head, MERGE_SHA: squash, FORK_URL: url };
      const api = await apiServer({ [REVIEWS_PATH]: { body: '[]' } });
      const runner = runnerClone(s);
      try {
        const r = await ciRun(runner, githubEnv('pull_request', fixture('github-pull_request-fork-closed-merged.json', ids), api.url));
        assert.equal(r.status, 0, r.stderr + r.stdout);
        assert.match(r.stdout, new RegExp(`^pull request #12 comes from a fork: fetched its refs/notes/ai-provenance from ${url.replace(/[.]/g, '\\.')} into refs/notes/remotes/ai-provenance-fork/ai-provenance$`, 'm'));
        assert.match(r.stdout, /wrote a note with 6 AI lines/);
        assert.match(r.stdout, /^pushed the notes of 1 commit to origin$/m);
      } finally {
        await api.close();
      }
      for (const c of s.commits) assert.equal(hasOwnNote(runner, c), false, "the fork's notes are not fetched onto ours");
      assert.equal(hasOwnNote(s.server, s.head), false, "the fork's notes are not pushed");
      assertPrAiLines(mainWithNotes(s));
    });

    it('a fork that cannot be reached is one line, and the run goes on and succeeds', async () => {
      const s = prScenario(undefined, { fork: true });
      const squash = githubSquash(s);
      const gone = path.join(tempDir('aip-gone-'), 'shop.git');
      const ids = { BASE_SHA: s.base, HEAD_SHA: s.head, MERGE_SHA: squash, FORK_URL: gone };
      const r = await ciRun(runnerClone(s), githubEnv('pull_request', fixture('github-pull_request-fork-closed-merged.json', ids), 'http://127.0.0.1:9'), ['--no-check']);
      assert.equal(r.status, 0, r.stderr + r.stdout);
      const said = r.stdout.split('\n').filter((l) => l.includes(gone));
      assert.equal(said.length, 1, r.stdout);
      assert.match(said[0]!, /^pull request #12 comes from a fork whose notes cannot be fetched \(cannot fetch refs\/notes\/ai-provenance from .*\): carried with the notes this repository has$/);
      assert.equal(r.stderr, '');
    });

    it('never fetches a fork through a transport that runs a command, even where the runner allows it', async () => {
      const s = prScenario(undefined, { fork: true });
      const squash = githubSquash(s);
      const marker = path.join(tempDir('aip-ext-'), 'ran');
      const url = `ext::sh -c touch% ${marker}`;
      const runner = runnerClone(s);
      sh(runner, 'git', 'config', 'protocol.ext.allow', 'always');
      const ids = { BASE_SHA: s.base, HEAD_SHA: s.head, MERGE_SHA: squash, FORK_URL: url };
      const r = await ciRun(runner, githubEnv('pull_request', fixture('github-pull_request-fork-closed-merged.json', ids), 'http://127.0.0.1:9'), ['--no-check']);
      assert.equal(r.status, 0, r.stderr + r.stdout);
      assert.equal(existsSync(marker), false, 'the URL ran a command');
      assert.match(r.stdout, /^pull request #12 comes from a fork whose notes cannot be fetched \(cannot fetch refs\/notes\/ai-provenance from ext::.*\): carried with the notes this repository has$/m);
    });

    it("synchronize after \"Update branch\": the fork's notes carried to the rebased commits; the read-only token cannot push them, said in one line, exit 0", async () => {
      const s = prScenario(undefined, { fork: true });
      advanceMain(s);
      const main = sh(s.server, 'git', 'rev-parse', 'main').trim();
      const after = githubUpdateBranchRebase(s);
      refuseNotesPushes(s);
      const payload = JSON.parse(fixture('github-pull_request-synchronize.json', { BASE_SHA: main, BEFORE_SHA: s.head, AFTER_SHA: after })) as { pull_request: { head: { repo: object } } };
      payload.pull_request.head.repo = { id: 777, name: 'shop', full_name: 'carl/shop', private: false, fork: true, clone_url: s.fork! };
      const runner = runnerClone(s);
      const r = await ciRun(runner, githubEnv('pull_request', JSON.stringify(payload), 'http://127.0.0.1:9'), ['--no-check']);
      assert.equal(r.status, 0, r.stderr + r.stdout);
      assert.match(r.stdout, /the branch was rewritten; pairing 3 old with 3 new commits/);
      assert.match(r.stdout, /^pull request #12 comes from a fork: the token of such a run is read-only, so the notes stay unpushed$/m);
      assert.equal(hasOwnNote(runner, after), true, 'carried in the runner');
      assert.equal(hasOwnNote(s.server, after), false);
    });
  });

  describe('GitLab CI, push pipeline on the default branch', () => {
    function gitlabEnv(api: string, before: string, sha: string): NodeJS.ProcessEnv {
      return {
        GITLAB_CI: 'true',
        CI_PIPELINE_SOURCE: 'push',
        CI_COMMIT_BRANCH: 'main',
        CI_DEFAULT_BRANCH: 'main',
        CI_COMMIT_BEFORE_SHA: before,
        CI_COMMIT_SHA: sha,
        CI_API_V4_URL: `${api}/api/v4`,
        CI_PROJECT_ID: '42',
        CI_SERVER_HOST: 'gitlab.example.com',
        AI_PROVENANCE_GITLAB_TOKEN: 'glpat-test',
      };
    }

    for (const named of [true, false]) {
      it(`squash ${named ? 'named by the merge request' : 'found by its tree when squash_commit_sha is missing'}: the note lands on the squash commit`, async () => {
        const s = prScenario();
        const before = sh(s.server, 'git', 'rev-parse', 'main').trim();
        const { squash, merge } = gitlabSquashMerge(s);
        const ids = { BASE_SHA: s.base, HEAD_SHA: s.head, MERGE_SHA: merge, SQUASH_SHA: squash };
        const api = await apiServer({
          [`/api/v4/projects/42/repository/commits/${merge}/merge_requests`]: { body: fixture(named ? 'gitlab-commit-merge_requests-squash.json' : 'gitlab-commit-merge_requests-squash-unnamed.json', ids) },
          '/api/v4/projects/42/merge_requests/7/approvals': { body: fixture('gitlab-approvals.json', ids) },
        });
        try {
          const r = await ciRun(runnerClone(s), gitlabEnv(api.url, before, merge));
          assert.equal(r.status, 0, r.stderr + r.stdout);
          if (!named) assert.match(r.stdout, new RegExp(`^${squash.slice(0, 12)}: the squash commit, found as the one commit of`, 'm'));
          assert.match(r.stdout, new RegExp(`^${squash.slice(0, 12)}: wrote a note with 6 AI lines$`, 'm'));
          assert.match(r.stdout, /the approval by ann does not count: ann opened the merge request/);
          assert.equal(api.requests[0]?.headers['private-token'], 'glpat-test');
        } finally {
          await api.close();
        }
        pullMain(s);
        assert.deepEqual(linesOf(blame(s.dev, 'src/a.ts')), [11, 13, 14]);
        assert.deepEqual(linesOf(blame(s.dev, 'src/b.ts')), [1, 2, 3]);
      });
    }

    it('merge commit: nothing to carry, said in the log; the notes the developer pushed show on main', async () => {
      const s = prScenario();
      const before = sh(s.server, 'git', 'rev-parse', 'main').trim();
      const merge = gitlabMergeCommit(s);
      const ids = { BASE_SHA: s.base, HEAD_SHA: s.head, MERGE_SHA: merge, OTHER_SHA: s.commits[0]! };
      const api = await apiServer({
        [`/api/v4/projects/42/repository/commits/${merge}/merge_requests`]: { body: fixture('gitlab-commit-merge_requests-merge-commit.json', ids) },
        '/api/v4/projects/42/merge_requests/7/approvals': { body: fixture('gitlab-approvals.json', ids) },
      });
      try {
        const r = await ciRun(runnerClone(s), gitlabEnv(api.url, before, merge));
        assert.equal(r.status, 0, r.stderr + r.stdout);
        assert.match(r.stdout, new RegExp(`^${merge.slice(0, 12)}: a merge commit; the pull request's commits keep their notes, nothing to carry$`, 'm'));
        assert.doesNotMatch(r.stdout, /wrote a note|pushed the notes/);
      } finally {
        await api.close();
      }
      pullMain(s);
      assertPrAiLines(s.dev);
    });

    /** A merge request GitLab rebased onto a newer main and merged by fast-forward; `versions` answers for its versions. */
    async function rebasedFastForward(versions: (ids: Record<string, string>) => Recorded): Promise<{ s: Scenario; before: string; head: string; api: Awaited<ReturnType<typeof apiServer>> }> {
      const s = prScenario();
      advanceMain(s);
      const before = sh(s.server, 'git', 'rev-parse', 'main').trim();
      const head = gitlabRebaseFastForward(s);
      const ids = { BASE_SHA: before, HEAD_SHA: head, OLD_HEAD_SHA: s.head, OLD_BASE_SHA: s.base, OTHER_SHA: s.commits[0]! };
      const api = await apiServer({
        [`/api/v4/projects/42/repository/commits/${head}/merge_requests`]: { body: fixture('gitlab-commit-merge_requests-fast-forward.json', ids) },
        '/api/v4/projects/42/merge_requests/7/versions?per_page=100': versions(ids),
        '/api/v4/projects/42/merge_requests/7/approvals': { body: fixture('gitlab-approvals.json', ids) },
      });
      return { s, before, head, api };
    }

    it('fast-forward after GitLab rebased the branch: the version before names the old commits, each note carried to its rebased twin', async () => {
      const { s, before, head, api } = await rebasedFastForward((ids) => ({ body: fixture('gitlab-merge_request-versions.json', ids) }));
      try {
        const r = await ciRun(runnerClone(s), gitlabEnv(api.url, before, head));
        assert.equal(r.status, 0, r.stderr + r.stdout);
        assert.match(r.stdout, new RegExp(`^${s.head.slice(0, 12)} -> ${head.slice(0, 12)}: the branch was rewritten; pairing 3 old with 3 new commits by patch id$`, 'm'));
        assert.match(r.stdout, /^pushed the notes of 2 commits to origin$/m);
        assert.match(r.stdout, /3 commits checked, 0 violations/);
      } finally {
        await api.close();
      }
      pullMain(s);
      assert.equal(sh(s.dev, 'git', 'rev-parse', 'main').trim(), head);
      assertPrAiLines(s.dev);
    });

    it('fast-forward whose versions cannot be read: said in one line, nothing carried, exit 0', async () => {
      const { s, before, head, api } = await rebasedFastForward(() => ({ status: 403, body: '{"message":"403 Forbidden"}' }));
      try {
        const r = await ciRun(runnerClone(s), gitlabEnv(api.url, before, head), ['--no-check']);
        assert.equal(r.status, 0, r.stderr + r.stdout);
        assert.match(r.stdout, /^merge request !7 was merged by fast-forward, and its versions cannot be read \(.*HTTP 403.*\): if GitLab rebased the branch first, the notes of the commits before that rebase were not carried$/m);
        assert.doesNotMatch(r.stdout, /wrote a note/);
      } finally {
        await api.close();
      }
    });

    it('a fork merge request: the notes are fetched from the source project named by the API and carried onto the squash commit', async () => {
      const s = prScenario(undefined, { fork: true });
      const before = sh(s.server, 'git', 'rev-parse', 'main').trim();
      const squash = githubSquash(s);
      const ids = { BASE_SHA: s.base, HEAD_SHA: s.head, MERGE_SHA: squash, SQUASH_SHA: squash, FORK_URL: s.fork! };
      const mrs = JSON.parse(fixture('gitlab-commit-merge_requests-squash.json', ids)) as { source_project_id: number; merge_commit_sha: string | null }[];
      for (const mr of mrs) mr.source_project_id = 77;
      const api = await apiServer({
        [`/api/v4/projects/42/repository/commits/${squash}/merge_requests`]: { body: JSON.stringify(mrs) },
        '/api/v4/projects/77': { body: fixture('gitlab-project-fork.json', ids) },
      });
      try {
        sh(s.server, 'git', 'update-ref', 'refs/merge-requests/7/head', s.head);
        const r = await ciRun(runnerClone(s), gitlabEnv(api.url, before, squash), ['--no-check']);
        assert.equal(r.status, 0, r.stderr + r.stdout);
        assert.match(r.stdout, /^merge request !7 comes from a fork: fetched its refs\/notes\/ai-provenance from /m);
        assert.match(r.stdout, new RegExp(`^${squash.slice(0, 12)}: wrote a note with 6 AI lines$`, 'm'));
      } finally {
        await api.close();
      }
      assertPrAiLines(mainWithNotes(s));
    });

    it('the report is one merge request note, updated in place on the next run', async () => {
      const s = prScenario();
      const before = sh(s.server, 'git', 'rev-parse', 'main').trim();
      const { squash, merge } = gitlabSquashMerge(s);
      const ids = { BASE_SHA: s.base, HEAD_SHA: s.head, MERGE_SHA: merge, SQUASH_SHA: squash };
      const runner = runnerClone(s);
      const notes = '/api/v4/projects/42/merge_requests/7/notes';
      const runOnce = async (listed: object[], answers: Record<string, Recorded>): Promise<{ stdout: string; requests: ApiRequest[] }> => {
        const api = await apiServer({
          [`/api/v4/projects/42/repository/commits/${merge}/merge_requests`]: { body: fixture('gitlab-commit-merge_requests-squash.json', ids) },
          '/api/v4/projects/42/merge_requests/7/approvals': { body: fixture('gitlab-approvals.json', ids) },
          [`${notes}?per_page=100`]: { body: JSON.stringify(listed) },
          ...answers,
        });
        try {
          const r = await ciRun(runner, gitlabEnv(api.url, before, merge));
          assert.equal(r.status, 0, r.stderr + r.stdout);
          return { stdout: r.stdout, requests: api.requests.filter((q) => q.method !== 'GET') };
        } finally {
          await api.close();
        }
      };
      const system = { id: 50, body: 'approved this merge request', system: true };
      const first = await runOnce([system], { [`POST ${notes}`]: { status: 201, body: JSON.stringify({ id: 77, body: 'x' }) } });
      assert.match(first.stdout, /^added the report as a comment on merge request !7$/m);
      assert.deepEqual(first.requests.map((q) => `${q.method} ${q.url}`), [`POST ${notes}`]);
      assert.equal(first.requests[0]!.headers['private-token'], 'glpat-test');
      const posted = (JSON.parse(first.requests[0]!.body) as { body: string }).body;
      assert.match(posted, /^<!-- ai-provenance -->\n## AI Provenance: /);
      const second = await runOnce([system, { id: 77, body: posted, system: false }], { [`PUT ${notes}/77`]: { body: JSON.stringify({ id: 77 }) } });
      assert.match(second.stdout, /^updated the report comment 77 on merge request !7$/m);
      assert.deepEqual(second.requests.map((q) => `${q.method} ${q.url}`), [`PUT ${notes}/77`]);
      assert.equal((JSON.parse(second.requests[0]!.body) as { body: string }).body, posted);
    });

    it('a merge request pipeline: the report of the open merge request as its one note, approvals read with its author', async () => {
      const s = prScenario();
      const ids = { BASE_SHA: s.base, HEAD_SHA: s.head };
      const notes = '/api/v4/projects/42/merge_requests/7/notes';
      const api = await apiServer({
        '/api/v4/projects/42/merge_requests/7': { body: fixture('gitlab-merge_request-opened.json', ids) },
        '/api/v4/projects/42/merge_requests/7/approvals': { body: fixture('gitlab-approvals.json', ids) },
        [`${notes}?per_page=100`]: { body: JSON.stringify([{ id: 77, body: '<!-- ai-provenance -->\nold', system: false }]) },
        [`PUT ${notes}/77`]: { body: JSON.stringify({ id: 77 }) },
      });
      try {
        const env = {
          ...gitlabEnv(api.url, '0'.repeat(40), s.head),
          CI_PIPELINE_SOURCE: 'merge_request_event',
          CI_COMMIT_BRANCH: undefined,
          CI_MERGE_REQUEST_IID: '7',
          CI_MERGE_REQUEST_DIFF_BASE_SHA: s.base,
          CI_MERGE_REQUEST_PROJECT_ID: '42',
          CI_MERGE_REQUEST_SOURCE_PROJECT_ID: '42',
        };
        const r = await ciRun(runnerClone(s), env);
        assert.equal(r.status, 0, r.stderr + r.stdout);
        assert.match(r.stdout, /3 commits checked, 0 violations/);
        assert.match(r.stdout, /the approval by ann does not count: ann opened the merge request/);
        assert.match(r.stdout, /^approved by bob: counts as the sign-off of bob <2002-bob@users\.noreply\.gitlab\.example\.com>/m);
        assert.match(r.stdout, /^updated the report comment 77 on merge request !7$/m);
        const put = api.requests.find((q) => q.method === 'PUT')!;
        assert.match((JSON.parse(put.body) as { body: string }).body, /^<!-- ai-provenance -->\n## AI Provenance: ✅ no violations/);
      } finally {
        await api.close();
      }
    });

    it('a fast-forward squash without squash_commit_sha whose tree is not the head\'s is reported, nothing written', async () => {
      const s = prScenario();
      advanceMain(s);
      const before = sh(s.server, 'git', 'rev-parse', 'main').trim();
      // GitLab's fast-forward merge with squash: the squash commit on top of main, so its tree also holds main's change.
      const squash = githubSquash(s, 7, 'Parser');
      const mrs = JSON.parse(fixture('gitlab-commit-merge_requests-squash-unnamed.json', { BASE_SHA: s.base, HEAD_SHA: s.head })) as { merge_commit_sha: string | null }[];
      mrs[0]!.merge_commit_sha = null;
      const api = await apiServer({ [`/api/v4/projects/42/repository/commits/${squash}/merge_requests`]: { body: JSON.stringify(mrs) } });
      try {
        const r = await ciRun(runnerClone(s), gitlabEnv(api.url, before, squash));
        assert.equal(r.status, 0, r.stderr + r.stdout);
        assert.match(r.stdout, new RegExp(`^no squash commit named, and no commits of ${before.slice(0, 12)}\\.\\.${squash.slice(0, 12)} have the tree of ${s.head.slice(0, 12)} \\(head\\): nothing carried$`, 'm'));
        assert.equal(sh(s.server, 'git', 'notes', `--ref=${NOTES}`, 'list').includes(squash), false);
      } finally {
        await api.close();
      }
    });

    it('an API error is one line naming the URL', async () => {
      const s = prScenario();
      const api = await apiServer({});
      try {
        const r = await ciRun(runnerClone(s), gitlabEnv(api.url, s.base, s.base));
        assert.equal(r.status, 2);
        assert.equal(r.stderr, `ai-provenance ci: ${api.url}/api/v4/projects/42/repository/commits/${s.base}/merge_requests: HTTP 404 ({"message":"Not Found"})\n`);
      } finally {
        await api.close();
      }
    });

    it('a pipeline on another branch does nothing', async () => {
      const s = prScenario();
      const r = await ciRun(runnerClone(s), { ...gitlabEnv('http://127.0.0.1:9', s.base, s.head), CI_COMMIT_BRANCH: 'feature' });
      assert.equal(r.status, 0);
      assert.equal(r.stdout, 'branch feature is not the default branch main: nothing to carry\n');
    });
  });

  describe('approvals as sign-off for block paths', () => {
    const config = (reviewers: string[]): object => ({ critical: [{ paths: ['src/b.ts'], reason: 'Test harness', level: 'block', reviewers }] });

    async function squashWithReviews(reviewers: string[], reviews: string): Promise<{ status: number | null; stdout: string }> {
      const s = prScenario();
      configOnMain(s, config(reviewers));
      const squash = githubSquash(s);
      const ids = { BASE_SHA: s.base, HEAD_SHA: s.head, MERGE_SHA: squash, OLD_SHA: s.commits[0]! };
      const api = await apiServer({ [REVIEWS_PATH]: { body: reviews.replace(/\{\{(\w+)\}\}/g, (_, k: string) => ids[k as keyof typeof ids] ?? '') } });
      try {
        const r = await ciRun(runnerClone(s), githubEnv('pull_request', fixture('github-pull_request-closed-merged.json', ids), api.url));
        return { status: r.status, stdout: r.stdout };
      } finally {
        await api.close();
      }
    }

    it('an approval of the head by an allowed reviewer who is not the author signs off the AI lines', async () => {
      const r = await squashWithReviews(['bob <1002+bob@users.noreply.github.com>'], readFileSync(path.join(FIXTURES, 'github-reviews.json'), 'utf8'));
      assert.equal(r.status, 0, r.stdout);
      assert.match(r.stdout, /approved by bob: counts as the sign-off of bob <1002\+bob@users\.noreply\.github\.com>/);
      assert.match(r.stdout, /1 commit checked, 0 violations/);
    });

    it("the author's own approval does not count", async () => {
      const own = JSON.stringify([{ user: { login: 'ann', id: 1001 }, state: 'APPROVED', commit_id: '{{HEAD_SHA}}', submitted_at: '2026-12-04T09:00:00Z' }]);
      const r = await squashWithReviews(['ann <1001+ann@users.noreply.github.com>', 'bob <1002+bob@users.noreply.github.com>'], own);
      assert.equal(r.status, 1, r.stdout);
      assert.match(r.stdout, /the approval by ann does not count: ann opened the pull request/);
      assert.match(r.stdout, /error: commit \S+ "Parser \(#12\)"[\s\S]*src\/b\.ts:1-3[\s\S]*needs a sign-off by one of 1001\+ann@users\.noreply\.github\.com, 1002\+bob@users\.noreply\.github\.com/);
    });

    it('an approval by someone not on the reviewers list does not count', async () => {
      const r = await squashWithReviews(['jane@example.com'], readFileSync(path.join(FIXTURES, 'github-reviews.json'), 'utf8'));
      assert.equal(r.status, 1, r.stdout);
      assert.match(r.stdout, /1002\+bob@users\.noreply\.github\.com is not an allowed reviewer for this rule/);
    });
  });
});
