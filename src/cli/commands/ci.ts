// `ai-provenance ci`: notes for the commits a server makes when it merges a pull request (PRODUCT.md §11.2).
import type { CliIO, Command } from '../command';
import { parseCommandArgs, stringOpt, UsageError } from '../args';
import { terminalText } from '../../core/terminalText';
import { discoverRepo, NotARepositoryError, type Repo } from '../../git/repo';
import { git } from '../../git/run';
import { loadTeamConfig } from '../../git/teamConfig';
import { carryRewrite, carryServerMerge, findSquashByTree, hasCommit, MERGE_METHODS, MissingCommitError, type CarryContext, type CarryOutcome, type MergeMethod } from '../../git/serverMerge';
import { fetchAndJoin, fetchNotes, quietFetch, SyncError, syncNotes } from '../../git/notesSync';
import { NOTES_REF, trackingRef } from '../../git/notes';
import {
  EventError,
  githubApprovals,
  githubJob,
  gitlabApprovals,
  gitlabJob,
  gitlabMergeRequestPipelineJob,
  gitlabVersionBefore,
  withEventReview,
  type ApprovalVerdict,
  type CiJob,
  type ForkRepo,
  type GithubReview,
  type GitlabVersion,
  type Platform,
} from '../../core/ciEvents';
import { ApiError, githubReviews, gitlabApprovalsOf, gitlabMergeRequest, gitlabMergeRequestsOf, gitlabMergeRequestVersions, gitlabProject, upsertReportComment } from '../ciPlatform';
import { checkMarkdown } from '../../git/checkMarkdown';
import { checkExitCode, runCheck } from '../../git/check';
import { textReport } from './check';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { GITHUB_WORKFLOW_FILE, GITLAB_JOB_FILE, githubWorkflow, gitlabJob as gitlabJobFile } from '../../core/ciWorkflows';

const HELP = `Usage: ai-provenance ci [--remote NAME] [--no-push] [--no-check]
       ai-provenance ci local --base SHA --head SHA --merge SHA [...]
       ai-provenance ci install github|gitlab [--force]

Writes notes (refs/notes/ai-provenance) for the commits a server made when it
merged a pull request, so their AI lines stay visible on the target branch.

  ai-provenance ci
      In GitHub Actions (pull_request closed and merged, or synchronize after
      "Update branch" with rebase) or GitLab CI (a push pipeline on the default
      branch; the merged merge request is looked up through the API): fetches
      the notes and the commits it needs from the remote (default origin),
      carries the notes as 'ci local' does, pushes them (unless --no-push) and,
      for a merged pull request, runs 'check' on the commits the server made.
      An approval of the pull request by an allowed reviewer who is not its
      author counts there as the AI-Reviewed-by sign-off; it stands for the
      reviewer's no-reply address (GitHub: ID+login@users.noreply.github.com
      or login@users.noreply.github.com; GitLab: ID-username@users.noreply.HOST),
      so list that address in "reviewers". GitHub approvals count only for the
      head commit. Configs that ask for SSH sign-offs count only those.
      While a pull request is open (pull_request opened, reopened,
      synchronize; pull_request_review; a GitLab merge request pipeline) it
      runs 'check' on the request's commits since the merge base of its target
      and its head, where the approval a review event is about counts with
      those the API lists; a run whose head is no longer the request's leaves
      the report to the newer run.
      The report of that check (check --format markdown) is appended to
      $GITHUB_STEP_SUMMARY when set, and kept as one comment on the pull or
      merge request, marked <!-- ai-provenance --> and updated in place on
      the next run (needs pull-requests: write; a token that may not comment
      is one line, not a failure).
      A fork pull request's notes are fetched from the fork (GitHub:
      pull_request.head.repo.clone_url; GitLab: the source project's
      http_url_to_repo) into refs/notes/remotes/ai-provenance-fork/ai-provenance
      and read with this repository's, for carrying and for the report of an
      open one (without them it is judged by trailers); a fork that cannot be
      reached, commits it cannot fetch and notes it cannot push with a fork
      pull request's read-only token are reported, not failed.
      GitLab, merged by fast-forward: the merge request's version before the
      merged one (GET .../merge_requests/:iid/versions) names the commits a
      rebase by GitLab replaced; each of their notes is carried to its pair.
      GitHub: GITHUB_EVENT_NAME, GITHUB_EVENT_PATH, GITHUB_REPOSITORY,
      GITHUB_API_URL, GITHUB_TOKEN (reviews and the report comment).
      GitLab: CI_COMMIT_SHA, CI_COMMIT_BEFORE_SHA, CI_API_V4_URL, CI_PROJECT_ID,
      and AI_PROVENANCE_GITLAB_TOKEN (read_api) or CI_JOB_TOKEN.

  ai-provenance ci local --base SHA --head SHA --merge SHA
                         [--method squash|rebase|merge] [--push REMOTE]
      base: what the pull request was based on; head: its last commit;
      merge: the commit the server put on the target branch.
      merge    (a merge commit): the pull request's commits keep their notes;
               nothing to carry.
      squash   the lines of each PR commit, as blame shows them at the head
               (a line a person changed later is theirs), carried through the
               head->squash diff onto the squash commit.
      rebase   each new commit paired with its original by patch id
               (git patch-id --stable), or where a conflict resolution
               changed the patch by git range-diff when certain (one-to-one,
               same subject, every AI line carried unchanged), and that note
               carried through the pair's diff; commits without a certain
               pair are reported.
      Without --method: a commit with two parents is a merge commit; else a
      rebase when every PR commit pairs in order, a squash otherwise.
      The notes of the pull request's commits must be in this clone first:
        git fetch origin refs/notes/ai-provenance:refs/notes/ai-provenance
      --push REMOTE   push refs/notes/ai-provenance to REMOTE afterwards as
                      'ai-provenance sync' does, never forced: the remote's
                      notes are fetched and joined record by record first,
                      and a rejection is answered by doing that again.

A note is written only where the mapping is certain; a note already on a
commit is never overwritten (missing lines are joined to it). Every decision is
one line of output.

  ai-provenance ci install github|gitlab [--force]
      Writes .github/workflows/ai-provenance.yml, or .gitlab/ai-provenance.yml
      to include from .gitlab-ci.yml; an existing file is kept unless --force.

Exit status: 0 done (things that could not be carried are listed), 1 the
notes could not be pushed or 'check' found a violation (2, 3: as 'check'),
2 usage error, an event that cannot be read, or ('ci local') a commit this
clone does not have.
`;

declare const VERSION: string;
const toolVersion = (): string => (typeof VERSION === 'string' ? VERSION : '0.0.0-dev');

export const command: Command = {
  help: HELP,
  async run(args, io) {
    const [sub, ...rest] = args;
    try {
      if (sub === 'local') return await runLocal(rest, io);
      if (sub === 'install') return await runInstall(rest, io);
      if (sub === undefined || sub.startsWith('-')) return await runAuto(args, io, process.env);
      throw new UsageError(`ai-provenance ci: unknown subcommand '${terminalText(sub)}' (see ai-provenance ci --help)`);
    } catch (err) {
      if (err instanceof UsageError) {
        io.stderr.write(`${terminalText(err.message)}\n`);
        return 2;
      }
      if (err instanceof MissingCommitError || err instanceof NotARepositoryError || err instanceof EventError || err instanceof ApiError) {
        io.stderr.write(`ai-provenance ci: ${terminalText(err.message)}\n`);
        return 2;
      }
      throw err;
    }
  },
};

function logTo(io: CliIO): (line: string) => void {
  return (line) => io.stdout.write(`${terminalText(line)}\n`);
}

async function runLocal(args: readonly string[], io: CliIO): Promise<number> {
  const p = parseCommandArgs('ci local', args, { base: { type: 'string' }, head: { type: 'string' }, merge: { type: 'string' }, method: { type: 'string' }, push: { type: 'string' } });
  if (p.positionals.length > 0) throw new UsageError(`ai-provenance ci local: unexpected argument '${p.positionals[0]}' (see ai-provenance ci --help)`);
  const need = (name: string): string => {
    const v = stringOpt(p, name);
    if (!v) throw new UsageError(`ai-provenance ci local: --${name} SHA is required (see ai-provenance ci --help)`);
    return v;
  };
  const [base, head, merge] = [need('base'), need('head'), need('merge')];
  const method = stringOpt(p, 'method');
  if (method !== undefined && !(MERGE_METHODS as readonly string[]).includes(method)) {
    throw new UsageError(`ai-provenance ci local: unknown method '${method}': expected squash, rebase or merge`);
  }
  const log = logTo(io);
  const [repo] = await Promise.all([discoverRepo(io.cwd), ensureIdentity(io.cwd, { name: 'ai-provenance', email: 'ai-provenance@localhost' })]);
  const config = await loadTeamConfig(repo, log);
  const outcome = await carryServerMerge(repo, { base, head, merge, ...(method ? { method: method as MergeMethod } : {}) }, { config, toolVersion: toolVersion(), log });
  const remote = stringOpt(p, 'push');
  if (remote !== undefined && !(await pushNotes(repo, remote, outcome.written, log))) return 1;
  return 0;
}

/**
 * Publishes the notes of `written` (commits the remote has) as `sync` does: joined with the remote's, never forced,
 * a rejection answered by fetching, joining and trying again. False, with the reason logged, when it could not.
 */
async function pushNotes(repo: Repo, remote: string, written: readonly string[], log: (line: string) => void): Promise<boolean> {
  try {
    await syncNotes(repo, { remote, tips: written, say: log });
    return true;
  } catch (err) {
    if (!(err instanceof SyncError)) throw err;
    log(err.message);
    return false;
  }
}

/** Notes commits need an identity; where git has none (a fresh CI runner), `fallback` is used for this process. */
export async function ensureIdentity(cwd: string, fallback: { name: string; email: string }): Promise<void> {
  const r = await git(['var', 'GIT_COMMITTER_IDENT'], { cwd, okCodes: [128] });
  if (r.exitCode === 0) return;
  process.env.GIT_AUTHOR_NAME ??= fallback.name;
  process.env.GIT_AUTHOR_EMAIL ??= fallback.email;
  process.env.GIT_COMMITTER_NAME ??= fallback.name;
  process.env.GIT_COMMITTER_EMAIL ??= fallback.email;
}

interface AutoOptions {
  readonly remote: string;
  readonly push: boolean;
  readonly check: boolean;
}

async function runAuto(args: readonly string[], io: CliIO, env: NodeJS.ProcessEnv): Promise<number> {
  const p = parseCommandArgs('ci', args, { remote: { type: 'string' }, 'no-push': { type: 'boolean' }, 'no-check': { type: 'boolean' } });
  if (p.positionals.length > 0) throw new UsageError(`ai-provenance ci: unexpected argument '${p.positionals[0]}' (see ai-provenance ci --help)`);
  const opts: AutoOptions = { remote: stringOpt(p, 'remote') ?? 'origin', push: p.values['no-push'] !== true, check: p.values['no-check'] !== true };
  const platform: Platform | undefined = env.GITHUB_ACTIONS === 'true' ? 'github' : env.GITLAB_CI === 'true' ? 'gitlab' : undefined;
  if (!platform) throw new UsageError('ai-provenance ci: neither GitHub Actions nor GitLab CI found in the environment; give the commits with ai-provenance ci local');
  const log = logTo(io);
  const job = platform === 'github' ? await githubEventJob(env) : await gitlabPipelineJob(env);
  if (job.kind === 'skip') {
    log(job.why);
    return 0;
  }
  const what = platform === 'github' ? `pull request #${job.number}` : `merge request !${job.number}`;
  const repo = await discoverRepo(io.cwd);
  await ensureIdentity(repo.root, platform === 'github' ? { name: 'github-actions[bot]', email: '41898282+github-actions[bot]@users.noreply.github.com' } : { name: env.GITLAB_USER_NAME || 'GitLab CI', email: env.GITLAB_USER_EMAIL || 'gitlab-ci@localhost' });
  try {
    await fetchAndJoin(repo, opts.remote, log);
  } catch (err) {
    if (!(err instanceof SyncError)) throw err;
    io.stderr.write(`ai-provenance ci: ${terminalText(err.message)}\n`);
    return 1;
  }
  // A fork's notes were pushed to the fork: fetched beside ours, they are read like a remote's (carrying, check).
  const instead = job.kind === 'merged' ? 'carried with the notes this repository has' : job.kind === 'updated' ? 'nothing carried' : 'its commits are judged by their trailers';
  const forkNotes = job.fork ? await fetchForkNotes(repo, env, what, job.forkRepo, instead, log) : false;
  const carrying = job.kind === 'merged' || (job.kind === 'updated' && (!job.fork || forkNotes));
  const prRef = platform === 'github' ? `refs/pull/${job.number}/head` : `refs/merge-requests/${job.number}/head`;
  const wanted =
    job.kind === 'merged'
      ? [job.base, job.head, ...(job.merge ? [job.merge] : []), ...(job.searchSquash ? [job.searchSquash.from, job.searchSquash.to] : [])]
      : job.kind === 'updated'
        ? [job.base, job.after, ...(carrying ? [job.before] : [])]
        : [job.base, job.head];
  const missing = await fetchCommits(repo, opts.remote, prRef, wanted);
  if (missing.length > 0) {
    log(`${what}: ${missing.map((m) => m.slice(0, 12)).join(', ')} cannot be fetched from ${opts.remote}${job.fork ? ' (its commits are in a fork)' : ''}; nothing ${carrying ? 'carried' : 'reported'}`);
    return 0;
  }
  const config = await loadTeamConfig(repo, log);
  const ctx = { config, toolVersion: toolVersion(), log };
  let outcome: CarryOutcome | undefined;
  if (job.kind === 'updated' && carrying) {
    outcome = await carryRewrite(repo, job, ctx);
  } else if (job.kind === 'merged') {
    const merge = job.merge ?? (job.searchSquash ? await findSquashByTree(repo, job.searchSquash.from, job.searchSquash.to, job.head, log) : undefined);
    if (!merge) return 0;
    outcome = await carryServerMerge(repo, { base: job.base, head: job.head, merge, ...(job.method ? { method: job.method } : {}) }, ctx);
    if (platform === 'gitlab' && outcome.method === 'fast-forward') outcome = (await carryGitlabRebase(repo, env, opts.remote, prRef, what, job, ctx)) ?? outcome;
  }
  let code = 0;
  if (opts.push && outcome && outcome.written.length > 0 && !(await pushNotes(repo, opts.remote, outcome.written, log))) {
    if (job.fork) log(`${what} comes from a fork: the token of such a run is read-only, so the notes stay unpushed`);
    else code = 1;
  }
  if (!opts.check) return code;
  let range: string | undefined;
  let head: string;
  if (job.kind === 'merged') {
    if (!outcome || outcome.made.length === 0) return code;
    range = `${outcome.made[0]!}^1..${outcome.made[outcome.made.length - 1]!}`;
    head = job.head;
  } else {
    head = job.kind === 'updated' ? job.after : job.head;
    range = await openRange(repo, opts.remote, prRef, what, job.base, head, log);
    if (!range) return code;
    if (job.fork && !forkNotes && job.kind === 'updated') log(`${what} comes from a fork: its notes are in the fork, so its commits are judged by their trailers`);
  }
  const verdict = await approvals(platform, env, { number: job.number, head, ...(job.author ? { author: job.author } : {}), ...(job.kind === 'open' && job.review ? { review: job.review } : {}) }, log);
  const result = await runCheck({ cwd: repo.root, range: [range], reviews: verdict.approvals.flatMap((a) => a.identities), addedLines: true });
  for (const problem of result.problems) io.stderr.write(`${terminalText(problem)}\n`);
  io.stdout.write(textReport(result));
  await publishReport(platform, env, what, job.number, checkMarkdown(result), log);
  return code || checkExitCode(result);
}

/** Where a fork's notes are fetched to: a tracking ref of their own, read with the remotes' and never joined into ours. */
const FORK_NOTES = trackingRef('ai-provenance-fork');

/**
 * Fetches the notes of a fork pull request's repository into FORK_NOTES; false, said in one line ending with what the
 * run does instead (`otherwise`), when the fork is not named, cannot be reached or has no notes.
 */
async function fetchForkNotes(repo: Repo, env: NodeJS.ProcessEnv, what: string, fork: ForkRepo | undefined, otherwise: string, log: (line: string) => void): Promise<boolean> {
  let url: string | undefined;
  if (fork && 'url' in fork) url = fork.url;
  else if (fork) {
    try {
      url = httpUrlToRepo(await gitlabProject(env, fork.gitlabProject));
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      log(`${what} comes from a fork whose project cannot be read (${err.message}): its notes are not fetched; ${otherwise}`);
      return false;
    }
  }
  if (!url) {
    log(`${what} comes from a fork whose repository is not named (deleted?): its notes are not fetched; ${otherwise}`);
    return false;
  }
  try {
    // The URL comes from the event or the platform's API: https as the platforms give it (file for a local mirror).
    const has = await fetchNotes(repo, url, FORK_NOTES, { protocols: ['https', 'http', 'file'] });
    log(has ? `${what} comes from a fork: fetched its ${NOTES_REF} from ${url} into ${FORK_NOTES}` : `${what} comes from a fork, and ${url} has no ${NOTES_REF}: ${otherwise}`);
    return has;
  } catch (err) {
    if (!(err instanceof SyncError)) throw err;
    log(`${what} comes from a fork whose notes cannot be fetched (${err.message}): ${otherwise}`);
    return false;
  }
}

function httpUrlToRepo(project: unknown): string | undefined {
  const url = typeof project === 'object' && project !== null ? (project as { http_url_to_repo?: unknown }).http_url_to_repo : undefined;
  return typeof url === 'string' && url !== '' ? url : undefined;
}

/**
 * A merge request merged by fast-forward, its branch perhaps rebased by GitLab first: the version before the merged
 * one names the commits that rebase replaced, and each of their notes is carried to its pair (as after "Update branch"
 * with rebase). Undefined, said in the log, when there is nothing to carry or the earlier commits cannot be known.
 */
async function carryGitlabRebase(repo: Repo, env: NodeJS.ProcessEnv, remote: string, prRef: string, what: string, job: { readonly number: number; readonly head: string }, ctx: CarryContext): Promise<CarryOutcome | undefined> {
  let before: GitlabVersion | undefined;
  try {
    before = gitlabVersionBefore(await gitlabMergeRequestVersions(env, job.number), job.head);
  } catch (err) {
    if (!(err instanceof ApiError) && !(err instanceof EventError)) throw err;
    ctx.log(`${what} was merged by fast-forward, and its versions cannot be read (${err.message}): if GitLab rebased the branch first, the notes of the commits before that rebase were not carried`);
    return undefined;
  }
  if (!before) {
    ctx.log(`${what} was merged by fast-forward and no version of it came before ${job.head.slice(0, 12)}: nothing was rebased, nothing to carry`);
    return undefined;
  }
  const missing = await fetchCommits(repo, remote, prRef, [before.head, before.base]);
  if (missing.length > 0) {
    ctx.log(`${what}: ${missing.map((m) => m.slice(0, 12)).join(', ')} (its version before ${job.head.slice(0, 12)}) cannot be fetched from ${remote}; the notes of the commits a rebase replaced were not carried`);
    return undefined;
  }
  return carryRewrite(repo, { base: before.base, before: before.head, after: job.head }, ctx);
}

/**
 * The range an open pull request's report judges: its commits since the merge base of its target and its head.
 * Undefined, said in the log, when the request has moved on (the run of the newer head reports; an older run
 * finishing last must not replace that report) or head and target share no history.
 */
async function openRange(repo: Repo, remote: string, prRef: string, what: string, base: string, head: string, log: (line: string) => void): Promise<string | undefined> {
  const listed = await git(['ls-remote', '--exit-code', remote, prRef], { cwd: repo.root, okCodes: [1, 2, 128] });
  const current = listed.exitCode === 0 ? listed.stdout.split(/\s/)[0] : undefined;
  if (current && current !== head) {
    log(`${what} has moved on to ${current.slice(0, 12)} since this run's ${head.slice(0, 12)}: the run for it writes the report, not this one`);
    return undefined;
  }
  const mb = await git(['merge-base', base, head], { cwd: repo.root, okCodes: [1] });
  if (mb.exitCode !== 0) {
    log(`${what}: ${head.slice(0, 12)} (head) and ${base.slice(0, 12)} (target) share no history; nothing reported`);
    return undefined;
  }
  return `${mb.stdout.trim()}..${head}`;
}

async function githubEventJob(env: NodeJS.ProcessEnv): Promise<CiJob> {
  const name = env.GITHUB_EVENT_NAME ?? '';
  const file = env.GITHUB_EVENT_PATH;
  if (!file) throw new UsageError('ai-provenance ci: GITHUB_EVENT_PATH is not set');
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`ai-provenance ci: ${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`ai-provenance ci: ${file}: not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  try {
    return githubJob(name, payload);
  } catch (err) {
    if (err instanceof EventError) throw new EventError(`${file}: ${err.message}`);
    throw err;
  }
}

async function gitlabPipelineJob(env: NodeJS.ProcessEnv): Promise<CiJob> {
  if (env.CI_PIPELINE_SOURCE === 'merge_request_event') return gitlabMergeRequestPipelineJob(env);
  if (env.CI_PIPELINE_SOURCE !== 'push') return { kind: 'skip', why: `pipeline source ${env.CI_PIPELINE_SOURCE ?? '(unset)'}: only push pipelines on the default branch and merge request pipelines are handled` };
  if (!env.CI_COMMIT_BRANCH || env.CI_COMMIT_BRANCH !== env.CI_DEFAULT_BRANCH) return { kind: 'skip', why: `branch ${env.CI_COMMIT_BRANCH ?? '(none)'} is not the default branch ${env.CI_DEFAULT_BRANCH ?? '(unset)'}: nothing to carry` };
  const sha = env.CI_COMMIT_SHA ?? '';
  return gitlabJob(env, await gitlabMergeRequestsOf(env, sha));
}

/** Fetches what the clone lacks: the pull request's head ref, then each commit by id. Returns the ids still missing. */
async function fetchCommits(repo: Repo, remote: string, prRef: string, shas: readonly string[]): Promise<string[]> {
  const lacking = async (): Promise<string[]> => {
    const out: string[] = [];
    for (const s of new Set(shas)) if (!(await hasCommit(repo, s))) out.push(s);
    return out;
  };
  let missing = await lacking();
  if (missing.length === 0) return missing;
  const fetch = await quietFetch(repo.root);
  await git([...fetch, '--quiet', '--no-tags', remote, prRef], { cwd: repo.root, okCodes: [1, 128] });
  missing = await lacking();
  for (const s of missing) await git([...fetch, '--quiet', '--no-tags', remote, s], { cwd: repo.root, okCodes: [1, 128] });
  return lacking();
}

/**
 * The pull-request report in the job summary ($GITHUB_STEP_SUMMARY) and as the request's one report comment, updated
 * in place on each run. A token that may not comment (a fork's, or one without the permission) is said in one line.
 */
async function publishReport(platform: Platform, env: NodeJS.ProcessEnv, what: string, number: number, markdown: string, log: (line: string) => void): Promise<void> {
  const summary = env.GITHUB_STEP_SUMMARY;
  if (summary) {
    try {
      await fsp.appendFile(summary, markdown);
      log("wrote the report to the job summary");
    } catch (err) {
      log(`could not write the job summary ${summary} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
  }
  try {
    const c = await upsertReportComment(platform, env, number, markdown);
    log(`${c.action === 'added' ? 'added the report as a comment on' : `updated the report comment ${c.id} on`} ${what}`);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    log(err.status === 403 || err.status === 401 ? `the token may not comment on ${what} (HTTP ${err.status}): the report is only in the job log${summary ? ' and summary' : ''}` : `could not comment on ${what} (${err.message})`);
  }
}

interface Judged {
  readonly number: number;
  readonly head: string;
  readonly author?: string;
  /** The review a pull_request_review event is about. */
  readonly review?: GithubReview;
}

/** The approvals that count as sign-offs, each that does not said in the log; none when they cannot be read. */
async function approvals(platform: Platform, env: NodeJS.ProcessEnv, pr: Judged, log: (line: string) => void): Promise<ApprovalVerdict> {
  let verdict: ApprovalVerdict;
  try {
    if (platform === 'github') {
      let listed: GithubReview[] = [];
      try {
        listed = (await githubReviews(env, pr.number)) as GithubReview[];
      } catch (err) {
        // The event's own review still counts: it is the newest decision of its reviewer.
        if (!(err instanceof ApiError) || !pr.review) throw err;
        log(`could not read the reviews (${err.message}); judged with the review of this event only`);
      }
      verdict = githubApprovals(withEventReview(listed, pr.review), { ...(pr.author ? { author: pr.author } : {}), head: pr.head });
    } else {
      // Without the author an approval cannot be told from the author's own, so none counts.
      const author = pr.author ?? gitlabAuthor(await gitlabMergeRequest(env, pr.number));
      if (!author) {
        log(`merge request !${pr.number}: its author is not known; approvals not counted`);
        return { approvals: [], ignored: [] };
      }
      verdict = gitlabApprovals(await gitlabApprovalsOf(env, pr.number), { author }, env.CI_SERVER_HOST ?? 'gitlab.com');
    }
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    log(`could not read the approvals (${err.message}); judged without them`);
    return { approvals: [], ignored: [] };
  }
  for (const line of verdict.ignored) log(line);
  for (const a of verdict.approvals) log(`approved by ${a.login}: counts as the sign-off of ${a.identities.join(' or ')}`);
  return verdict;
}

function gitlabAuthor(mr: unknown): string | undefined {
  const author = typeof mr === 'object' && mr !== null ? (mr as { author?: { username?: unknown } }).author : undefined;
  return typeof author?.username === 'string' ? author.username : undefined;
}

async function runInstall(args: readonly string[], io: CliIO): Promise<number> {
  const p = parseCommandArgs('ci install', args, { force: { type: 'boolean' } });
  const [platform, extra] = p.positionals;
  if ((platform !== 'github' && platform !== 'gitlab') || extra !== undefined) {
    throw new UsageError(`ai-provenance ci install: name the platform, github or gitlab${platform && platform !== 'github' && platform !== 'gitlab' ? ` (not '${platform}')` : ''}`);
  }
  const repo = await discoverRepo(io.cwd);
  const rel = platform === 'github' ? GITHUB_WORKFLOW_FILE : GITLAB_JOB_FILE;
  const file = path.join(repo.root, ...rel.split('/'));
  const text = platform === 'github' ? githubWorkflow(toolVersion()) : gitlabJobFile(toolVersion());
  await fsp.mkdir(path.dirname(file), { recursive: true });
  try {
    await fsp.writeFile(file, text, { flag: p.values.force === true ? 'w' : 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    io.stderr.write(`ai-provenance ci install: ${rel} already exists; left as it is (--force replaces it)\n`);
    return 1;
  }
  io.stdout.write(`wrote ${rel}\n`);
  if (platform === 'gitlab') io.stdout.write(`include it from .gitlab-ci.yml:\n  include:\n    - local: ${GITLAB_JOB_FILE}\nand set the masked CI/CD variable AI_PROVENANCE_GITLAB_TOKEN (read_api, write_repository)\n`);
  return 0;
}
