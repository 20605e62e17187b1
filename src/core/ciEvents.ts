// What a CI run should do, read from the platform's event (GitHub Actions' event payload, GitLab's merge requests
// as its API returns them), and which pull-request approvals count as sign-offs. Pure: the caller reads the files,
// the environment and the API.

export type Platform = 'github' | 'gitlab';

/**
 * Where a fork pull request's commits (and the notes made with them) live: its clone URL (GitHub
 * `pull_request.head.repo.clone_url`), or the GitLab source project whose `http_url_to_repo` the API gives.
 */
export type ForkRepo = { readonly url: string } | { readonly gitlabProject: number };

export type CiJob =
  /** A merged pull request: notes for the commit(s) the server made. */
  | {
      readonly kind: 'merged';
      readonly number: number;
      readonly base: string;
      readonly head: string;
      /** The squash commit, last rebased commit or merge commit; undefined when the platform did not say (GitLab). */
      readonly merge?: string;
      readonly method?: 'squash' | 'rebase' | 'merge';
      /** Where to look for a squash commit the platform did not name: commits of `search` whose tree is the head's. */
      readonly searchSquash?: { readonly from: string; readonly to: string };
      readonly author?: string;
      readonly fork: boolean;
      /** A fork's repository, when the platform names it. */
      readonly forkRepo?: ForkRepo;
    }
  /**
   * The pull request's branch was pushed to: when its commits were rewritten (Update branch → Rebase), pair them; then
   * report on it as on an open one (head: `after`).
   */
  | { readonly kind: 'updated'; readonly number: number; readonly base: string; readonly before: string; readonly after: string; readonly author?: string; readonly fork: boolean; readonly forkRepo?: ForkRepo }
  /**
   * An open pull request to report on: opened, reopened, or reviewed (`review`, read from the event, counts with those
   * the API lists). `base`: the target branch's tip (or the merge base) the range is taken against.
   */
  | { readonly kind: 'open'; readonly number: number; readonly base: string; readonly head: string; readonly author?: string; readonly fork: boolean; readonly forkRepo?: ForkRepo; readonly review?: GithubReview }
  | { readonly kind: 'skip'; readonly why: string };

/** A payload that is not what the platform documents: `where` names the field. */
export class EventError extends Error {
  override name = 'EventError';
}

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function obj(v: unknown, where: string): Record<string, unknown> {
  if (!isObject(v)) throw new EventError(`${where}: expected an object`);
  return v;
}

function sha(v: unknown, where: string): string {
  if (typeof v !== 'string' || !SHA.test(v)) throw new EventError(`${where}: expected a commit id, found ${JSON.stringify(v) ?? 'nothing'}`);
  return v;
}

function num(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new EventError(`${where}: expected a number, found ${JSON.stringify(v) ?? 'nothing'}`);
  return v;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/**
 * GitHub Actions: `pull_request` (and `pull_request_target`) closed with merged=true, synchronize, opened and
 * reopened; `pull_request_review` (submitted, edited, dismissed) on an open pull request.
 */
export function githubJob(eventName: string, payload: unknown): CiJob {
  const review = eventName === 'pull_request_review';
  if (eventName !== 'pull_request' && eventName !== 'pull_request_target' && !review) return { kind: 'skip', why: `event ${eventName}: only pull_request and pull_request_review events are handled` };
  const p = obj(payload, '(payload)');
  const action = str(p.action) ?? '';
  const pr = obj(p.pull_request, 'pull_request');
  const number = num(pr.number ?? p.number, 'pull_request.number');
  const author = str(obj(pr.user ?? {}, 'pull_request.user').login);
  const baseRepo = str(obj(obj(pr.base, 'pull_request.base').repo ?? {}, 'pull_request.base.repo').full_name);
  const headRepoObj = obj(obj(pr.head, 'pull_request.head').repo ?? {}, 'pull_request.head.repo');
  const headRepo = str(headRepoObj.full_name);
  // A deleted fork leaves head.repo null: its commits are not ours either.
  const fork = headRepo === undefined || (baseRepo !== undefined && headRepo !== baseRepo);
  const forkUrl = fork ? str(headRepoObj.clone_url) : undefined;
  const base = sha(obj(pr.base, 'pull_request.base').sha, 'pull_request.base.sha');
  const head = (): string => sha(obj(pr.head, 'pull_request.head').sha, 'pull_request.head.sha');
  const common = { number, base, ...(author ? { author } : {}), fork, ...(forkUrl ? { forkRepo: { url: forkUrl } } : {}) };
  if (review) {
    if (pr.state !== 'open') return { kind: 'skip', why: `pull request #${number} is ${str(pr.state) ?? 'not open'}: its review changes no report` };
    return { kind: 'open', ...common, head: head(), review: reviewOf(obj(p.review, 'review')) };
  }
  if (action === 'closed') {
    if (pr.merged !== true) return { kind: 'skip', why: `pull request #${number} was closed without merging` };
    return { kind: 'merged', ...common, head: head(), merge: sha(pr.merge_commit_sha, 'pull_request.merge_commit_sha') };
  }
  if (action === 'synchronize') return { kind: 'updated', ...common, before: sha(p.before, 'before'), after: sha(p.after, 'after') };
  if (action === 'opened' || action === 'reopened') return { kind: 'open', ...common, head: head() };
  return { kind: 'skip', why: `pull request #${number} ${action || 'event'}: nothing to carry or report (only opened, reopened, synchronize and closed+merged are)` };
}

/** The review a `pull_request_review` event is about, in the shape the reviews API lists (the event's state is lowercase). */
function reviewOf(r: Record<string, unknown>): GithubReview {
  const user = isObject(r.user) ? r.user : undefined;
  const login = str(user?.login);
  if (!login) throw new EventError('review.user.login: expected a login');
  const state = str(r.state);
  if (!state) throw new EventError('review.state: expected a state');
  const commit = r.commit_id === undefined || r.commit_id === null ? undefined : sha(r.commit_id, 'review.commit_id');
  return {
    ...(typeof r.id === 'number' ? { id: r.id } : {}),
    user: { login, ...(typeof user?.id === 'number' ? { id: user.id } : {}) },
    state: state.toUpperCase(),
    ...(commit ? { commit_id: commit } : {}),
    ...(str(r.submitted_at) ? { submitted_at: str(r.submitted_at)! } : {}),
  };
}

/** The fields of a GitLab merge request (GET /projects/:id/merge_requests/:iid) this tool reads. */
export interface GitlabMergeRequest {
  readonly iid: number;
  readonly state: string;
  readonly sha: string | null;
  readonly merge_commit_sha: string | null;
  readonly squash_commit_sha?: string | null;
  readonly squash?: boolean;
  readonly diff_refs?: { readonly base_sha?: string | null; readonly head_sha?: string | null } | null;
  readonly author?: { readonly username?: string } | null;
  readonly source_project_id?: number;
  readonly target_project_id?: number;
}

/**
 * GitLab CI, a push pipeline on the default branch: the merged merge request whose merge, squash or head commit is
 * the pushed commit (`mrs`: GET /projects/:id/repository/commits/:sha/merge_requests).
 */
export function gitlabJob(env: NodeJS.ProcessEnv, mrs: unknown): CiJob {
  const pushed = sha(env.CI_COMMIT_SHA, 'CI_COMMIT_SHA');
  if (!Array.isArray(mrs)) throw new EventError('merge requests of the commit: expected an array');
  const merged = mrs.filter((m): m is GitlabMergeRequest => isObject(m) && m.state === 'merged');
  // GitLab lists the merge requests a commit belongs to; without a matching id, one merged request is the one.
  const mr = merged.find((m) => m.merge_commit_sha === pushed || m.squash_commit_sha === pushed || m.sha === pushed) ?? (merged.length === 1 ? merged[0] : undefined);
  if (!mr) return { kind: 'skip', why: `${pushed.slice(0, 12)}: no merged merge request made this commit` };
  const where = `merge request !${mr.iid}`;
  const head = sha(mr.diff_refs?.head_sha ?? mr.sha, `${where}.sha`);
  const base = sha(mr.diff_refs?.base_sha, `${where}.diff_refs.base_sha`);
  const author = mr.author?.username ?? undefined;
  const fork = mr.source_project_id !== undefined && mr.target_project_id !== undefined && mr.source_project_id !== mr.target_project_id;
  const forkRepo = fork && typeof mr.source_project_id === 'number' ? { forkRepo: { gitlabProject: mr.source_project_id } } : {};
  const common = { kind: 'merged' as const, number: mr.iid, base, head, fork, ...forkRepo, ...(author ? { author } : {}) };
  if (mr.squash) {
    if (mr.squash_commit_sha) return { ...common, merge: sha(mr.squash_commit_sha, `${where}.squash_commit_sha`), method: 'squash' };
    const before = str(env.CI_COMMIT_BEFORE_SHA);
    if (!before || !SHA.test(before) || /^0+$/.test(before)) return { kind: 'skip', why: `${where} was squashed but names no squash commit, and the push names no earlier commit to search from` };
    return { ...common, method: 'squash', searchSquash: { from: before, to: pushed } };
  }
  if (mr.merge_commit_sha) return { ...common, merge: sha(mr.merge_commit_sha, `${where}.merge_commit_sha`), method: 'merge' };
  // A fast-forward merge: the branch's commits themselves are on the target branch (rebased first, if GitLab had to).
  return { ...common, merge: pushed };
}

/** One review of a pull request, as GitHub's reviews API lists it (GET /repos/:o/:r/pulls/:n/reviews). */
export interface GithubReview {
  readonly id?: number;
  readonly user?: { readonly login?: string; readonly id?: number } | null;
  readonly state?: string;
  readonly commit_id?: string | null;
  readonly submitted_at?: string;
}

export interface Approval {
  readonly login: string;
  /** Identities the sign-off stands for, as `AI-Reviewed-by` values (the platform's no-reply addresses). */
  readonly identities: readonly string[];
}

export interface ApprovalVerdict {
  readonly approvals: readonly Approval[];
  /** One line per review that does not count, and why. */
  readonly ignored: readonly string[];
}

/**
 * The GitHub reviews that sign off the pull request: each reviewer's latest deciding review (approved, changes
 * requested, dismissed), when it approves the head commit and is not by the pull request's author.
 */
export function githubApprovals(reviews: readonly GithubReview[], pr: { readonly author?: string; readonly head: string }): ApprovalVerdict {
  const latest = new Map<string, GithubReview>();
  const sorted = [...reviews].sort((a, b) => (a.submitted_at ?? '').localeCompare(b.submitted_at ?? ''));
  for (const r of sorted) {
    const login = r.user?.login;
    const state = (r.state ?? '').toUpperCase();
    if (!login || !['APPROVED', 'CHANGES_REQUESTED', 'DISMISSED'].includes(state)) continue;
    latest.set(login, r);
  }
  const approvals: Approval[] = [];
  const ignored: string[] = [];
  for (const [login, r] of latest) {
    const state = (r.state ?? '').toUpperCase();
    if (state !== 'APPROVED') continue;
    if (pr.author !== undefined && login.toLowerCase() === pr.author.toLowerCase()) {
      ignored.push(`the approval by ${login} does not count: ${login} opened the pull request`);
      continue;
    }
    if (r.commit_id && r.commit_id !== pr.head) {
      ignored.push(`the approval by ${login} does not count: it approved ${r.commit_id.slice(0, 12)}, not the head ${pr.head.slice(0, 12)}`);
      continue;
    }
    const id = r.user?.id;
    approvals.push({
      login,
      identities: [...(id !== undefined ? [`${login} <${id}+${login}@users.noreply.github.com>`] : []), `${login} <${login}@users.noreply.github.com>`],
    });
  }
  return { approvals, ignored };
}

/**
 * The reviews the API listed with the one an event is about: it replaces the listed copy of itself (same id), and is
 * the newest of its reviewer's when the list was read before it was stored.
 */
export function withEventReview(listed: readonly GithubReview[], review: GithubReview | undefined): GithubReview[] {
  if (!review) return [...listed];
  return [...listed.filter((r) => review.id === undefined || r.id !== review.id), review];
}

/**
 * GitLab CI, a merge request pipeline (`merge_request_event`): the merge request to report on. Its author is not in
 * the environment; the caller reads it from the API.
 */
export function gitlabMergeRequestPipelineJob(env: NodeJS.ProcessEnv): CiJob {
  const iid = Number(env.CI_MERGE_REQUEST_IID);
  if (!Number.isInteger(iid) || iid < 1) throw new EventError(`CI_MERGE_REQUEST_IID: expected a number, found ${JSON.stringify(env.CI_MERGE_REQUEST_IID) ?? 'nothing'}`);
  // In a merged-results pipeline CI_COMMIT_SHA is GitLab's trial merge; the branch's own head is named apart.
  const head = env.CI_MERGE_REQUEST_SOURCE_BRANCH_SHA ? sha(env.CI_MERGE_REQUEST_SOURCE_BRANCH_SHA, 'CI_MERGE_REQUEST_SOURCE_BRANCH_SHA') : sha(env.CI_COMMIT_SHA, 'CI_COMMIT_SHA');
  const base = sha(env.CI_MERGE_REQUEST_DIFF_BASE_SHA, 'CI_MERGE_REQUEST_DIFF_BASE_SHA');
  const source = env.CI_MERGE_REQUEST_SOURCE_PROJECT_ID;
  const target = env.CI_MERGE_REQUEST_PROJECT_ID;
  const fork = source !== undefined && target !== undefined && source !== target;
  const project = Number(source);
  return { kind: 'open', number: iid, base, head, fork, ...(fork && Number.isInteger(project) && project > 0 ? { forkRepo: { gitlabProject: project } } : {}) };
}

/** GitLab approvals (GET /projects/:id/merge_requests/:iid/approvals, `approved_by`), without the author's own. */
export function gitlabApprovals(approvals: unknown, pr: { readonly author?: string }, host: string): ApprovalVerdict {
  const list = isObject(approvals) && Array.isArray(approvals.approved_by) ? approvals.approved_by : [];
  const out: Approval[] = [];
  const ignored: string[] = [];
  for (const entry of list) {
    const user = isObject(entry) && isObject(entry.user) ? entry.user : undefined;
    const login = str(user?.username);
    if (!login) continue;
    if (pr.author !== undefined && login.toLowerCase() === pr.author.toLowerCase()) {
      ignored.push(`the approval by ${login} does not count: ${login} opened the merge request`);
      continue;
    }
    const id = typeof user?.id === 'number' ? user.id : undefined;
    out.push({ login, identities: [...(id !== undefined ? [`${login} <${id}-${login}@users.noreply.${host}>`] : []), `${login} <${login}@users.noreply.${host}>`] });
  }
  return { approvals: out, ignored };
}

/** One version of a GitLab merge request (GET /projects/:id/merge_requests/:iid/versions): one push to its branch. */
export interface GitlabVersion {
  readonly head: string;
  readonly base: string;
}

/**
 * The version of a merge request before the one whose head is `head` (the commits a rebase by GitLab replaced), from
 * the versions as the API lists them. Undefined when `head` is no version's head or no version came before it.
 */
export function gitlabVersionBefore(versions: unknown, head: string): GitlabVersion | undefined {
  if (!Array.isArray(versions)) throw new EventError('merge request versions: expected an array');
  const listed = versions
    .filter(isObject)
    .map((v, i) => ({ id: typeof v.id === 'number' ? v.id : -i, head: str(v.head_commit_sha), base: str(v.base_commit_sha) }))
    .filter((v): v is { id: number; head: string; base: string } => v.head !== undefined && SHA.test(v.head) && v.base !== undefined && SHA.test(v.base))
    .sort((a, b) => b.id - a.id);
  const at = listed.findIndex((v) => v.head === head);
  const before = at < 0 ? undefined : listed.slice(at + 1).find((v) => v.head !== head);
  return before ? { head: before.head, base: before.base } : undefined;
}
