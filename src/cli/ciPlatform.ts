// The little of GitHub's and GitLab's REST APIs `ai-provenance ci` reads: a pull request's reviews, the merge
// requests of a commit and their approvals. Anything unexpected is an error naming the URL.

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    message: string,
    /** The HTTP status the platform answered with, when it answered. */
    readonly status?: number,
  ) {
    super(message);
  }
}

const MAX_PAGES = 10;

async function getJson(url: string, headers: Record<string, string>, send?: { method: 'POST' | 'PATCH' | 'PUT'; body: unknown }): Promise<{ body: unknown; next?: string }> {
  let res: Response;
  try {
    const init: RequestInit = { headers: { Accept: 'application/json', 'User-Agent': 'ai-provenance', ...headers, ...(send ? { 'Content-Type': 'application/json' } : {}) } };
    if (send) {
      init.method = send.method;
      init.body = JSON.stringify(send.body);
    }
    res = await fetch(url, init);
  } catch (err) {
    throw new ApiError(`${url}: ${err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err)}`);
  }
  const text = await res.text();
  if (!res.ok) throw new ApiError(`${url}: HTTP ${res.status}${text ? ` (${text.slice(0, 200).replace(/\s+/g, ' ')})` : ''}`, res.status);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiError(`${url}: the answer is not JSON`);
  }
  const next = /<([^>]+)>;\s*rel="next"/.exec(res.headers.get('link') ?? '')?.[1];
  return { body, ...(next ? { next } : {}) };
}

/** Every page of a list endpoint (GitHub's and GitLab's `Link: <…>; rel="next"`). */
async function getList(url: string, headers: Record<string, string>): Promise<unknown[]> {
  const out: unknown[] = [];
  let next: string | undefined = url;
  for (let page = 0; next && page < MAX_PAGES; page++) {
    const r = await getJson(next, headers);
    if (!Array.isArray(r.body)) throw new ApiError(`${next}: expected a list`);
    out.push(...r.body);
    next = r.next;
  }
  return out;
}

export function githubHeaders(env: NodeJS.ProcessEnv): Record<string, string> {
  const token = env.GITHUB_TOKEN;
  return { Accept: 'application/vnd.github+json', 'X-GitHub-Api-Version': '2022-11-28', ...(token ? { Authorization: `Bearer ${token}` } : {}) };
}

export async function githubReviews(env: NodeJS.ProcessEnv, number: number): Promise<unknown[]> {
  const api = (env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, '');
  const repo = env.GITHUB_REPOSITORY;
  if (!repo) throw new ApiError('GITHUB_REPOSITORY is not set');
  return getList(`${api}/repos/${repo}/pulls/${number}/reviews?per_page=100`, githubHeaders(env));
}

function gitlab(env: NodeJS.ProcessEnv): { api: string; project: string; headers: Record<string, string> } {
  const api = env.CI_API_V4_URL?.replace(/\/+$/, '');
  const project = env.CI_PROJECT_ID;
  if (!api || !project) throw new ApiError('CI_API_V4_URL and CI_PROJECT_ID must be set');
  const token = env.AI_PROVENANCE_GITLAB_TOKEN;
  const headers: Record<string, string> = token ? { 'PRIVATE-TOKEN': token } : env.CI_JOB_TOKEN ? { 'JOB-TOKEN': env.CI_JOB_TOKEN } : {};
  return { api, project: encodeURIComponent(project), headers };
}

export async function gitlabMergeRequestsOf(env: NodeJS.ProcessEnv, sha: string): Promise<unknown[]> {
  const g = gitlab(env);
  return getList(`${g.api}/projects/${g.project}/repository/commits/${sha}/merge_requests`, g.headers);
}

export async function gitlabApprovalsOf(env: NodeJS.ProcessEnv, iid: number): Promise<unknown> {
  const g = gitlab(env);
  return (await getJson(`${g.api}/projects/${g.project}/merge_requests/${iid}/approvals`, g.headers)).body;
}

/** A merge request (GET /projects/:id/merge_requests/:iid): its author is what a merge request pipeline does not name. */
export async function gitlabMergeRequest(env: NodeJS.ProcessEnv, iid: number): Promise<unknown> {
  const g = gitlab(env);
  return (await getJson(`${g.api}/projects/${g.project}/merge_requests/${iid}`, g.headers)).body;
}

/** A project (GET /projects/:id): a fork merge request's source project, whose `http_url_to_repo` holds its notes. */
export async function gitlabProject(env: NodeJS.ProcessEnv, id: number): Promise<unknown> {
  const g = gitlab(env);
  return (await getJson(`${g.api}/projects/${id}`, g.headers)).body;
}

/**
 * The versions of a merge request (GET /projects/:id/merge_requests/:iid/versions), newest first: each push to its
 * branch, a rebase by GitLab too, is one, with its `head_commit_sha` and `base_commit_sha`.
 */
export async function gitlabMergeRequestVersions(env: NodeJS.ProcessEnv, iid: number): Promise<unknown[]> {
  const g = gitlab(env);
  return getList(`${g.api}/projects/${g.project}/merge_requests/${iid}/versions?per_page=100`, g.headers);
}

/** Opens the comment `ci` writes, so that the next run updates it instead of adding another. */
export const REPORT_MARKER = '<!-- ai-provenance -->';

function idOf(c: unknown): number | undefined {
  if (typeof c !== 'object' || c === null) return undefined;
  const { id, body } = c as { id?: unknown; body?: unknown };
  return typeof id === 'number' && typeof body === 'string' && body.startsWith(REPORT_MARKER) ? id : undefined;
}

/**
 * Writes `markdown` as the one report comment of pull request (GitHub) or merge request (GitLab) `number`: the
 * comment an earlier run left (found by its marker) is updated, else one is added. Which of the two, and its id.
 */
export async function upsertReportComment(platform: 'github' | 'gitlab', env: NodeJS.ProcessEnv, number: number, markdown: string): Promise<{ action: 'added' | 'updated'; id: number }> {
  const body = `${REPORT_MARKER}\n${markdown}`;
  let list: string;
  let item: (id: number) => string;
  let headers: Record<string, string>;
  let update: 'PATCH' | 'PUT';
  if (platform === 'github') {
    const api = (env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, '');
    const repo = env.GITHUB_REPOSITORY;
    if (!repo) throw new ApiError('GITHUB_REPOSITORY is not set');
    list = `${api}/repos/${repo}/issues/${number}/comments`;
    item = (id) => `${api}/repos/${repo}/issues/comments/${id}`;
    headers = githubHeaders(env);
    update = 'PATCH';
  } else {
    const g = gitlab(env);
    list = `${g.api}/projects/${g.project}/merge_requests/${number}/notes`;
    item = (id) => `${list}/${id}`;
    headers = g.headers;
    update = 'PUT';
  }
  const found = (await getList(`${list}?per_page=100`, headers)).map(idOf).find((id) => id !== undefined);
  if (found !== undefined) {
    await getJson(item(found), headers, { method: update, body: { body } });
    return { action: 'updated', id: found };
  }
  const made = (await getJson(list, headers, { method: 'POST', body: { body } })).body as { id?: unknown };
  return { action: 'added', id: typeof made?.id === 'number' ? made.id : 0 };
}
