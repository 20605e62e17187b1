// The CI policy check (PRODUCT.md §8): judges every commit of a range from its note and trailers (a merge's note holds its resolution's AI lines),
// by the config at the base of the range and by the commit's own, so commits made with --no-verify are caught
// too and no commit can weaken the policy that judges it.
import * as path from 'node:path';
import { CONFIG_FILE, CONFIG_LIMITS, formatProblem, tooLargeMessage, type CompiledConfig } from '../core/config';
import { compileConfigText, readConfigFile } from './teamConfig';
import { notePathProblem, parseTraceRecord } from '../core/agentTrace';
import { evaluatePolicy, REVIEW_TRAILER, type PolicyFile, type PolicyFinding, type PolicyInput, type SignoffVerdict } from '../core/policy';
import { parseTrailers, squashedTrailers, UNJUDGED_TOKEN } from '../core/trailers';
import { agentLabel, type Trailer } from '../core/model';
import { decodeQuotedPath, parseBatchHeader } from './parsers';
import { catFileBatch, git, GitError } from './run';
import { NOTES_REF, readNotes, trackingRefs } from './notes';
import { discoverRepo, NotARepositoryError } from './repo';

export { NOTES_REF };

/** Bad input from the user (range, repository): the CLI reports it in one line and exits 2. */
export class CheckUsageError extends Error {
  override name = 'CheckUsageError';
}

/** 1-based, inclusive, in the commit's version of the file. */
export interface LineSpan {
  readonly startLine: number;
  readonly endLine: number;
}

export interface CheckedFile {
  readonly path: string;
  /** AI and mixed lines the commit adds or changes; undefined when only a trailer names the file. */
  readonly aiLines?: number;
  readonly spans: readonly LineSpan[];
}

/** Where a commit's AI lines were learned from. */
export type EvidenceSource = 'note' | 'trailers' | 'none';

export interface CommitCheck {
  readonly commit: string;
  readonly author: { readonly name: string; readonly email: string };
  readonly subject: string;
  readonly source: EvidenceSource;
  readonly files: readonly CheckedFile[];
  readonly violations: readonly PolicyFinding[];
  readonly warnings: readonly PolicyFinding[];
  /** Its hooks could not judge it (its AI-Unjudged trailer says why) and no readable note says what it holds. */
  readonly unjudged?: string;
  /** Why its note could not be read (it is then judged from its trailers alone). */
  readonly noteProblem?: string;
  /** Its AI lines per `agent[:model]` (from the note; from `Assisted-by`/`AI-Lines` without one), and in all. */
  readonly share: AiShare;
  /** Lines it adds (git's numstat), when the check was asked for them. */
  readonly addedLines?: number;
}

export interface AiShare {
  /** AI lines of the commit; a line two agents are recorded for counts once. */
  readonly total: number;
  /** Per `agent[:model]`; a line two agents are recorded for counts for each. */
  readonly byAgent: ReadonlyMap<string, number>;
}

/**
 * Exit status of `ai-provenance check`; when several apply, the lowest. 2 also stands for a usage error (the CLI's own).
 */
export const CHECK_EXIT = Object.freeze({ clean: 0, violation: 1, unreadable: 2, unjudged: 3 });

/** The exit status for a result: a violation, then an unreadable note, then a commit its hooks could not judge. */
export function checkExitCode(result: CheckResult): number {
  if (result.commits.some((c) => c.violations.length > 0)) return CHECK_EXIT.violation;
  if (result.commits.some((c) => c.noteProblem !== undefined)) return CHECK_EXIT.unreadable;
  if (result.commits.some((c) => c.unjudged !== undefined)) return CHECK_EXIT.unjudged;
  return CHECK_EXIT.clean;
}

export interface CheckResult {
  /** The revision range as given to git. */
  readonly range: readonly string[];
  /** The commits, merges included, oldest first. */
  readonly commits: readonly CommitCheck[];
  /** One-line problems met on the way (broken config, unreadable note), each naming its file and position. */
  readonly problems: readonly string[];
  /** Whether this clone has the notes ref at all (CI checkouts often do not fetch it). */
  readonly hasNotes: boolean;
}

export interface CheckOptions {
  readonly cwd: string;
  /** Revision arguments as for `git rev-list`; empty means `@{upstream}..HEAD`, or HEAD alone without an upstream. */
  readonly range?: readonly string[];
  /** Sign-offs given outside the commits (a pull request's approvals, as `Name <email>`), counted as each commit's `AI-Reviewed-by`. */
  readonly reviews?: readonly string[];
  /** Also count the lines each commit adds (for the AI share of the change). */
  readonly addedLines?: boolean;
}

interface RawCommit {
  readonly sha: string;
  readonly name: string;
  readonly email: string;
  readonly message: string;
  readonly note: string;
}

type ListedCommit = Omit<RawCommit, 'note'>;

/** The default range: what this branch has that its upstream does not, or the last commit when there is no upstream. */
export async function defaultRange(cwd: string): Promise<string[]> {
  const up = await git(['rev-parse', '-q', '--verify', '@{upstream}'], { cwd, okCodes: [1, 128] });
  return up.exitCode === 0 ? ['@{upstream}..HEAD'] : ['HEAD^!'];
}

export async function runCheck(opts: CheckOptions): Promise<CheckResult> {
  const top = await topLevel(opts.cwd);
  for (const r of opts.range ?? []) {
    if (r.startsWith('-')) throw new CheckUsageError(`'${r}': expected a revision range such as origin/main..HEAD, not an option`);
  }
  const hasHead = (await git(['rev-parse', '-q', '--verify', 'HEAD^{commit}'], { cwd: top, okCodes: [1, 128] })).exitCode === 0;
  const range = opts.range && opts.range.length > 0 ? [...opts.range] : hasHead ? await defaultRange(top) : [];
  const repo = await discoverRepo(top);
  const hasNotes = (await git(['rev-parse', '-q', '--verify', NOTES_REF], { cwd: top, okCodes: [1, 128] })).exitCode === 0 || (await trackingRefs(repo)).length > 0;
  if (range.length === 0) return { range, commits: [], problems: [], hasNotes };

  const listed = await listCommits(top, range);
  // The clone's own notes joined with fetched ones: a note fetched but not merged yet still judges its commit.
  const notes = await readNotes(repo, listed.map((c) => c.sha));
  const raw = listed.map((c) => ({ ...c, note: notes.get(c.sha) ?? '' }));
  const added = opts.addedLines ? await addedLinesOf(top, range) : undefined;
  const bases = raw.length > 0 ? await rangeBase(top, range) : [];
  const problems: string[] = [];
  const configs = await configsAt(top, [...bases, ...raw.map((c) => c.sha)], problems);
  const commits: CommitCheck[] = [];
  for (const c of raw) {
    const trailers = [...parseTrailers(c.message), ...(opts.reviews ?? []).map((value) => ({ token: REVIEW_TRAILER, value }))];
    const { files, own, source, noteProblem, squashed, share } = evidence(c, trailers, problems);
    const judges = judgesFor(c.sha, bases, configs);
    const signoffs = await commitSignoffs(top, c, bases, configs, judges);
    const author = { name: c.name, email: c.email };
    const policyFiles: PolicyFile[] = own.map((f) => ({ path: f.path, aiLines: f.aiLines ?? 1 }));
    const verdict = judge(judges, { files: policyFiles, trailers, author, ...(signoffs ? { signoffs } : {}) });
    // Each commit a server squashed is judged with its own sign-offs (and any the squash commit itself carries).
    for (const part of squashed) {
      const v = judge(judges, { files: part.files.map((p) => ({ path: p, aiLines: 1 })), trailers: [...part.trailers, ...trailers], author, ...(signoffs ? { signoffs } : {}) });
      verdict.violations.push(...v.violations);
      verdict.warnings.push(...v.warnings);
    }
    const found = dedupeFindings(verdict);
    // A note (written later, once the hooks could run again) says what such a commit holds; without one it stays unjudged.
    const mark = source === 'note' ? undefined : [...trailers, ...squashed.flatMap((p) => p.trailers)].find((t) => t.token.toLowerCase() === UNJUDGED_TOKEN.toLowerCase());
    commits.push({
      commit: c.sha,
      author,
      subject: c.message.split('\n', 1)[0] ?? '',
      source,
      files,
      violations: found.violations,
      warnings: found.warnings,
      ...(mark ? { unjudged: mark.value.trim() || 'the hooks could not run' } : {}),
      ...(noteProblem !== undefined ? { noteProblem } : {}),
      share,
      ...(added ? { addedLines: added.get(c.sha) ?? 0 } : {}),
    });
  }
  return { range, commits, problems, hasNotes };
}

/**
 * The commit's `AI-Signoff` lines verified (§13) when a config that judges it asks for SSH sign-offs: against the
 * commit's own tree, and the allowed signers committed at the base of the range, named by the base's config (the
 * commit's own when the base has none). A range with no base (it reaches a root commit) has no signers to trust.
 */
async function commitSignoffs(cwd: string, c: RawCommit, bases: readonly string[], configs: ReadonlyMap<string, ConfigAt>, judges: readonly Judge[]): Promise<SignoffVerdict[] | undefined> {
  if (!judges.some((j) => j.config.config.signoff)) return undefined;
  const base = bases[0];
  const file = (base !== undefined ? configs.get(base)?.config?.config.signoff : undefined)?.allowedSigners ?? judges.find((j) => j.config.config.signoff)!.config.config.signoff!.allowedSigners;
  const { allowedSignersAt, blobsInCommit, verifySignoffs } = require('./signoff') as typeof import('./signoff');
  return verifySignoffs(c.message, {
    cwd,
    blobOf: blobsInCommit(cwd, c.sha),
    allowedSigners: await allowedSignersAt(cwd, base, file),
    allowedName: `${file} as of ${base ? base.slice(0, 12) : 'the base of the range (it reaches a root commit)'}`,
  });
}

/** The commits the range starts from (`git rev-list --boundary`); none when the range reaches a root commit. */
async function rangeBase(cwd: string, range: readonly string[]): Promise<string[]> {
  const out = (await git(['rev-list', '--boundary', '--end-of-options', ...range, '--'], { cwd })).stdout;
  return out
    .split('\n')
    .filter((l) => l.startsWith('-'))
    .map((l) => l.slice(1).trim());
}

interface Judge {
  readonly config: CompiledConfig;
  /** Named in findings when it is not the commit's own config. */
  readonly name?: string;
}

/** The configs a commit is judged by: each distinct config at the base of the range, then its own. */
function judgesFor(sha: string, bases: readonly string[], configs: ReadonlyMap<string, ConfigAt>): Judge[] {
  const own = configs.get(sha);
  const judges: Judge[] = [];
  const seen = new Set<string>();
  if (own?.config) {
    judges.push({ config: own.config });
    seen.add(own.key);
  }
  for (const b of bases) {
    const at = configs.get(b);
    if (!at?.config || seen.has(at.key)) continue;
    seen.add(at.key);
    judges.push({ config: at.config, name: at.key === WORKING_TREE ? CONFIG_FILE : `${b.slice(0, 12)}:${CONFIG_FILE}` });
  }
  return judges;
}

/** The union of every judge's findings. */
function judge(judges: readonly Judge[], input: Omit<PolicyInput, 'config' | 'configName'>): { violations: PolicyFinding[]; warnings: PolicyFinding[] } {
  const violations: PolicyFinding[] = [];
  const warnings: PolicyFinding[] = [];
  for (const j of judges) {
    const v = evaluatePolicy({ ...input, config: j.config, ...(j.name ? { configName: j.name } : {}) });
    violations.push(...v.violations);
    warnings.push(...v.warnings);
  }
  return dedupeFindings({ violations, warnings });
}

/** The same rule on the same files once; a file that is blocked needs no warning too. */
function dedupeFindings(found: { violations: readonly PolicyFinding[]; warnings: readonly PolicyFinding[] }): { violations: PolicyFinding[]; warnings: PolicyFinding[] } {
  const violations: PolicyFinding[] = [];
  const warnings: PolicyFinding[] = [];
  const seen = new Set<string>();
  for (const f of [...found.violations, ...found.warnings]) {
    const key = JSON.stringify([f.level, f.rule.paths, f.rule.reason, f.rule.reviewers, f.files]);
    if (seen.has(key)) continue;
    seen.add(key);
    (f.level === 'block' ? violations : warnings).push(f);
  }
  const blocked = new Set(violations.flatMap((f) => f.files));
  return { violations, warnings: warnings.filter((w) => w.files.some((f) => !blocked.has(f))) };
}

async function topLevel(cwd: string): Promise<string> {
  try {
    return (await discoverRepo(cwd)).root;
  } catch (err) {
    if (err instanceof NotARepositoryError) throw new CheckUsageError(err.message);
    throw err;
  }
}

async function listCommits(cwd: string, range: readonly string[]): Promise<ListedCommit[]> {
  let out: string;
  try {
    out = (
      await git(
        ['log', '-z', '--reverse', '--no-notes', '--format=%H%x00%an%x00%ae%x00%B', '--end-of-options', ...range, '--'],
        { cwd },
      )
    ).stdout;
  } catch (err) {
    if (err instanceof GitError) throw new CheckUsageError(`${range.join(' ')}: not a valid revision range (${err.stderr.split('\n').find((l) => l.trim()) ?? 'git log failed'})`);
    throw err;
  }
  // Four NUL-terminated fields per commit; a message cannot hold a NUL.
  const fields = out.split('\0');
  const commits: ListedCommit[] = [];
  for (let i = 0; i + 3 < fields.length; i += 4) {
    commits.push({ sha: fields[i]!, name: fields[i + 1]!, email: fields[i + 2]!, message: fields[i + 3]! });
  }
  return commits;
}

/** The critical files one squashed commit's trailers name, with those trailers (its sign-offs among them). */
interface SquashedPart {
  readonly files: readonly string[];
  readonly trailers: readonly Trailer[];
}

/**
 * The AI lines of a commit: its note whenever it has a readable one; otherwise its trailers, and the trailers of the
 * commits a server squashed into it (they sit in its body, where they no longer count as trailers).
 */
function evidence(
  c: RawCommit,
  trailers: readonly Trailer[],
  problems: string[],
): { files: CheckedFile[]; own: CheckedFile[]; source: EvidenceSource; noteProblem?: string; squashed: SquashedPart[]; share: AiShare } {
  let noteProblem: string | undefined;
  if (c.note.trim() !== '') {
    const parsed = parseTraceRecord(c.note);
    if (parsed.ok) {
      const files: CheckedFile[] = [];
      const named = new Set<string>();
      const byAgent = new Map<string, number>();
      for (const f of parsed.files) {
        const spans = mergeSpans(f.runs.map((r) => ({ startLine: r.start + 1, endLine: r.end })));
        const aiLines = lineCount(spans);
        if (aiLines > 0 && !named.has(f.path)) {
          files.push({ path: f.path, aiLines, spans });
          named.add(f.path);
        }
        const perAgent = new Map<string, LineSpan[]>();
        for (const r of f.runs) {
          const label = agentLabel(f.attributions[r.id]!);
          const list = perAgent.get(label);
          if (list) list.push({ startLine: r.start + 1, endLine: r.end });
          else perAgent.set(label, [{ startLine: r.start + 1, endLine: r.end }]);
        }
        for (const [label, list] of perAgent) byAgent.set(label, (byAgent.get(label) ?? 0) + lineCount(mergeSpans(list)));
      }
      return { files, own: files, source: 'note', squashed: [], share: { total: files.reduce((n, f) => n + (f.aiLines ?? 0), 0), byAgent } };
    }
    // A broken note must not hide AI lines: say so, and judge from the trailers.
    noteProblem = parsed.error;
    problems.push(`${NOTES_REF}:${c.sha}:${parsed.error}; the commit is judged from its trailers only`);
  }
  const files: CheckedFile[] = [];
  const named = new Set<string>();
  const add = (paths: readonly string[]): void => {
    for (const p of paths) {
      if (named.has(p)) continue;
      files.push({ path: p, spans: [] });
      named.add(p);
    }
  };
  add(criticalPaths(c.sha, trailers, problems));
  // Judged with the commit's own trailers; the squashed commits' files with theirs.
  const own = [...files];
  const squashed: SquashedPart[] = [];
  for (const part of squashedTrailers(c.message)) {
    const paths = criticalPaths(c.sha, part, problems);
    if (paths.length === 0) continue;
    squashed.push({ files: paths, trailers: part });
    add(paths);
  }
  const source: EvidenceSource = files.length > 0 ? 'trailers' : 'none';
  const share = trailerShare([trailers, ...squashedTrailers(c.message)]);
  return { files, own, source, squashed, share, ...(noteProblem !== undefined ? { noteProblem } : {}) };
}

/** The files one trailer block's `AI-Critical` names, unless its `AI-Lines` says there are no AI lines. */
function criticalPaths(sha: string, trailers: readonly Trailer[], problems: string[]): string[] {
  if (trailerAiLines(trailers) === 0) return [];
  const out = new Set<string>();
  for (const t of trailers) {
    if (t.token.toLowerCase() !== 'ai-critical') continue;
    for (const p of parsePathList(t.value)) {
      const bad = notePathProblem(p);
      if (bad) {
        problems.push(`commit ${sha}: its AI-Critical trailer names ${JSON.stringify(p)}, ${bad}; left out`);
        continue;
      }
      out.add(p);
    }
  }
  return [...out];
}

/** AI lines per agent from trailer blocks (the commit's own, and squashed commits'): `AI-Lines` counts them, `Assisted-by` names who. */
function trailerShare(blocks: readonly (readonly Trailer[])[]): AiShare {
  const byAgent = new Map<string, number>();
  let total = 0;
  for (const block of blocks) {
    const n = trailerAiLines(block) ?? 0;
    if (n === 0) continue;
    total += n;
    const agents = block.filter((t) => t.token.toLowerCase() === 'assisted-by').map((t) => t.value.trim()).filter((v) => v !== '');
    // Trailers do not say which agent wrote which line: several agents share one row.
    const label = agents.length > 0 ? [...new Set(agents)].join(' + ') : 'unknown-ai';
    byAgent.set(label, (byAgent.get(label) ?? 0) + n);
  }
  return { total, byAgent };
}

function lineCount(spans: readonly LineSpan[]): number {
  return spans.reduce((n, s) => n + s.endLine - s.startLine + 1, 0);
}

/** Lines each commit of the range adds, from one `git log --numstat` (a merge adds none of its own here). */
async function addedLinesOf(cwd: string, range: readonly string[]): Promise<Map<string, number>> {
  const out = (await git(['log', '--no-renames', '--numstat', '--format=%x00%H', '--end-of-options', ...range, '--'], { cwd })).stdout;
  const added = new Map<string, number>();
  for (const chunk of out.split('\0').slice(1)) {
    const [sha, ...rows] = chunk.split('\n');
    let n = 0;
    for (const row of rows) {
      const m = /^(\d+)\t/.exec(row);
      if (m) n += Number(m[1]);
    }
    if (sha) added.set(sha.trim(), n);
  }
  return added;
}

/** The AI count of `AI-Lines: a/b`; undefined when absent or unreadable (then AI-Critical alone is the evidence). */
function trailerAiLines(trailers: readonly Trailer[]): number | undefined {
  const t = trailers.find((x) => x.token.toLowerCase() === 'ai-lines');
  const m = t && /^\s*(\d+)\s*\/\s*\d+\s*$/.exec(t.value);
  return m ? Number(m[1]) : undefined;
}

/** `a.ts, "b, c.ts", "d\"e.ts"`: comma-separated paths, C-quoted the way git quotes them when they need it. */
export function parsePathList(value: string): string[] {
  const out: string[] = [];
  let i = 0;
  const s = value;
  while (i < s.length) {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === ',')) i++;
    if (i >= s.length) break;
    if (s[i] === '"') {
      const q = decodeQuotedPath(s, i);
      out.push(q.path);
      i = q.end;
    } else {
      const end = s.indexOf(',', i);
      const p = (end < 0 ? s.slice(i) : s.slice(i, end)).trim();
      if (p) out.push(p);
      i = end < 0 ? s.length : end + 1;
    }
  }
  return out;
}

function mergeSpans(spans: LineSpan[]): LineSpan[] {
  const sorted = spans.filter((s) => s.endLine >= s.startLine).sort((a, b) => a.startLine - b.startLine);
  const out: LineSpan[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.startLine <= last.endLine + 1) out[out.length - 1] = { startLine: last.startLine, endLine: Math.max(last.endLine, s.endLine) };
    else out.push(s);
  }
  return out;
}

const WORKING_TREE = 'working-tree';

interface ConfigAt {
  readonly config: CompiledConfig | undefined;
  /** The config blob's id, or WORKING_TREE when the working tree's stands in: equal keys mean the same rules. */
  readonly key: string;
}

/**
 * The compiled config of each commit: its own `.ai-provenance.json`, else the working tree's. A broken file is
 * reported and replaced by the working tree's; a commit with no usable config at all gets no rules (every
 * problem has been reported).
 */
async function configsAt(cwd: string, shas: readonly string[], problems: string[]): Promise<Map<string, ConfigAt>> {
  const working: ConfigAt = { config: await workingTreeConfig(cwd, problems), key: WORKING_TREE };
  const unique = [...new Set(shas)];
  // Sizes first, for every commit in one process: a config over the size limit is reported, never read or parsed.
  const input = unique.map((s) => `${s}:${CONFIG_FILE}\n`).join('');
  const headers = (await git(['cat-file', '--batch-check'], { cwd, input })).stdout.split('\n');
  const blobOf = new Map<string, { id: string; size: number }>();
  unique.forEach((sha, i) => {
    const h = parseBatchHeader(headers[i] ?? '');
    if (h?.type === 'blob') blobOf.set(sha, { id: h.id, size: h.size });
  });
  const small = [...new Set([...blobOf.values()].filter((b) => b.size <= CONFIG_LIMITS.size).map((b) => b.id))];
  // Commits sharing a config blob share its parse; the blobs come from one `cat-file --batch`.
  const texts = await readBlobs(cwd, small);
  const byBlob = new Map<string, ConfigAt>();
  const result = new Map<string, ConfigAt>();
  for (const sha of unique) {
    const blob = blobOf.get(sha);
    if (!blob) {
      result.set(sha, working);
      continue;
    }
    let at = byBlob.get(blob.id);
    if (!at) {
      const name = `${sha.slice(0, 12)}:${CONFIG_FILE}`;
      const text = texts.get(blob.id);
      if (text === undefined) {
        problems.push(`${name}:1:1: ${tooLargeMessage(blob.size, 'bytes')}`);
        at = working;
      } else {
        const { compiled, problems: found } = compileConfigText(text);
        for (const p of found) problems.push(formatProblem(name, p));
        at = compiled ? { config: compiled, key: blob.id } : working;
      }
      byBlob.set(blob.id, at);
    }
    result.set(sha, at);
  }
  return result;
}

/** Texts of blobs by id, through one `cat-file --batch`. */
async function readBlobs(cwd: string, ids: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (ids.length === 0) return out;
  const objects = await catFileBatch(cwd, ids);
  ids.forEach((id, i) => {
    const o = objects[i];
    if (o) out.set(id, o.content.toString('utf8'));
  });
  return out;
}

async function workingTreeConfig(cwd: string, problems: string[]): Promise<CompiledConfig | undefined> {
  const read = await readConfigFile(path.join(cwd, CONFIG_FILE));
  if (read.kind === 'too-large') problems.push(`${CONFIG_FILE}:1:1: ${tooLargeMessage(read.size, 'bytes')}`);
  if (read.kind !== 'text') return undefined;
  const { compiled, problems: found } = compileConfigText(read.text);
  for (const p of found) problems.push(formatProblem(CONFIG_FILE, p));
  return compiled;
}

/**
 * The `--format json` document (stable; `version` changes only with a breaking change):
 * `{version: 1, range, ok, exitCode, summary: {commits, violations, warnings, unjudged, unreadableNotes}, problems: string[],
 *   notesRef: boolean, commits: [{commit, author: {name, email}, subject, source, unjudged: string|null, noteProblem: string|null,
 *   files: [{path, aiLines|null, ranges: [{startLine, endLine}]}],
 *   findings: [{level: "block"|"warn", rule: {index, reason, level, paths, reviewers}, files, message, howToFix|null}]}]}`.
 * `ok` is true exactly when the exit status is 0. Strings are exact: JSON escapes control characters itself.
 */
export function checkReport(result: CheckResult): unknown {
  const all = result.commits.flatMap((c) => [...c.violations, ...c.warnings]);
  const violations = all.filter((f) => f.level === 'block').length;
  const exitCode = checkExitCode(result);
  return {
    version: 1,
    range: result.range,
    ok: exitCode === CHECK_EXIT.clean,
    exitCode,
    summary: {
      commits: result.commits.length,
      violations,
      warnings: all.length - violations,
      unjudged: result.commits.filter((c) => c.unjudged !== undefined).length,
      unreadableNotes: result.commits.filter((c) => c.noteProblem !== undefined).length,
    },
    problems: result.problems,
    notesRef: result.hasNotes,
    commits: result.commits.map((c) => ({
      commit: c.commit,
      author: c.author,
      subject: c.subject,
      source: c.source,
      unjudged: c.unjudged ?? null,
      noteProblem: c.noteProblem ?? null,
      files: c.files.map((f) => ({ path: f.path, aiLines: f.aiLines ?? null, ranges: f.spans })),
      findings: [...c.violations, ...c.warnings].map((f) => ({
        level: f.level,
        rule: { index: f.ruleIndex, reason: f.rule.reason, level: f.rule.level, paths: f.rule.paths, reviewers: f.rule.reviewers },
        files: f.files,
        message: f.message,
        howToFix: f.howToFix ?? null,
      })),
    })),
  };
}
