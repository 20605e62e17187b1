// Reads the history that `stats` and `report` aggregate: one `git log` streamed oldest first with each commit's
// author, trailers, note and -U0 diff; merges' diffs against each parent from one `git diff-tree --stdin`; the files
// of the revision from one `ls-tree`. Everything is fed to the pure InsightBuilder (src/core/insight.ts).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { parseTraceRecord } from '../core/agentTrace';
import type { CompiledConfig } from '../core/config';
import { InsightBuilder, RejudgeMiss, ResumeMiss, type FileDiff, type Hunk, type Insight, type NoteChange, type TreeEntry } from '../core/insight';
import type { Trailer } from '../core/model';
import { InsightCache, InsightResults, InsightState, noteKey, SEGMENTS_KEPT, WRITER, type CommitFacts, type InsightStateBody, type NoteFacts } from './insightCache';
import { isTrackingRef, NoteLists, NOTES_REF, notesDiff, readNoteBlobs, TRACKING_PREFIX, type NoteChange as NoteDiff } from './notes';
import type { Repo } from './repo';
import { git, gitBuffer, gitEnv, GitError } from './run';
import { parseLsTree } from './parsers';

/** Bad input from the user (a range or revision git does not know): one line, exit 2. */
export class InsightUsageError extends Error {
  override name = 'InsightUsageError';
}

export interface HistoryOptions {
  /** Revision arguments as for `git rev-list`; empty means HEAD (the whole history). */
  readonly range?: readonly string[];
  /** The revision whose code is measured; defaults to the range's (first) end. `false` skips it. */
  readonly at?: string | false;
  readonly pathDepth?: number;
  readonly config: CompiledConfig;
  /** Problems met on the way (unreadable notes), each reported once. */
  readonly report?: (line: string) => void;
  /**
   * The per-commit cache (src/git/insightCache.ts): `write` (default) reads it and adds what was read from git,
   * `read` only reads it (a read-only context), `off` neither.
   */
  readonly cache?: 'write' | 'read' | 'off';
}

export interface HistoryResult {
  readonly range: readonly string[];
  /** The revision measured, as given and as a commit id. */
  readonly at?: { readonly rev: string; readonly sha: string };
  /** Whether the clone has the notes ref at all. */
  readonly hasNotes: boolean;
  readonly insight: Insight;
}

// No --numstat: git would run the line diff a second time for it; the patch says which files are binary.
const DIFF_ARGS = ['-M', '--raw', '-z', '-p', '-U0', '--no-color', '--no-ext-diff', '--no-textconv', '--no-abbrev', '--full-index', '--no-relative'];
// Fields of each commit's header, each ended by NUL: id, parents, author name, email, time, subject, trailers.
const HEADER = '%x01%H%x00%P%x00%an%x00%ae%x00%at%x00%s%x00%(trailers:only,unfold)%x00';
const HEADER_FIELDS = 7;
declare const INSIGHT_CODE: string;
/**
 * Changes whenever the figures made from the same history may change, so that older results and snapshots are not
 * read: each release, and each build whose code for them differs (the build's digest of the bundled code this module
 * runs, scripts/build.mjs; run from source, the release alone).
 */
const RESULT_VERSION = `insight@2 ${WRITER} ${typeof INSIGHT_CODE === 'string' ? INSIGHT_CODE : 'source'}`;
/** Commits whose notes changed since the last run that it applies to its state; beyond, a pass from the cache. */
const REJUDGED_MAX = 256;
/** Commits whose notes changed looked for in rev-list's output one at a time; beyond, it is split into a map. */
const FED_LOOKUPS = 4;
/** Commits whose notes a run that goes on from the last one looks up one by one; beyond, it lists every note. */
const LOOKUPS_MAX = 256;
/**
 * Commits on top of the last run's state from which a run writes its state anew: fewer are read again by the next run
 * (about 0.3 ms each) rather than the state written (about 100 ms at 50,000 commits).
 */
export const STATE_EVERY = 64;

export function readHistory(repo: Repo, opts: HistoryOptions): Promise<HistoryResult> {
  return readHistoryFrom(repo, opts, false);
}

/** `fresh`: ignore the per-commit cache kept (one of its entries did not decode) and write it anew. */
async function readHistoryFrom(repo: Repo, opts: HistoryOptions, fresh: boolean): Promise<HistoryResult> {
  for (const r of opts.range ?? []) {
    if (r.startsWith('-')) throw new InsightUsageError(`'${r}': expected a revision range such as origin/main..HEAD, not an option`);
  }
  const cwd = repo.root;
  const range = opts.range && opts.range.length > 0 ? [...opts.range] : ['HEAD'];
  // A single revision is named as given (HEAD, main); the end of a range (A..B, X^!) by its commit id, known later.
  const single = range.length === 1 && !/\.\.|\^[!@-]/.test(range[0]!) ? range[0] : undefined;
  const early = opts.at === false ? undefined : (opts.at ?? single);
  const mode = opts.cache ?? 'write';
  const results = mode === 'off' ? undefined : InsightResults.load(repo);
  // Independent look-ups at once: each git process costs its start-up (HEAD, the usual range, is looked up once).
  const headOnly = range.length === 1 && range[0] === 'HEAD';
  const headSha = verify(cwd, 'HEAD^{commit}');
  const [head, refs, parsed, earlySha] = await Promise.all([
    headSha,
    readRefs(repo),
    headOnly ? headSha.then((sha) => ({ stdout: sha ?? '', exitCode: sha === undefined ? 128 : 0 })) : git(['rev-parse', '--revs-only', ...range], { cwd, okCodes: [128] }),
    early === undefined ? undefined : early === 'HEAD' ? headSha : verify(cwd, `${early}^{commit}`),
  ]);
  const hasNotes = refs.notes.length > 0;
  const builder = new InsightBuilder(opts.config, { pathDepth: opts.pathDepth });
  if (head === undefined && !(opts.range && opts.range.length > 0)) return { range: [], hasNotes, insight: builder.finish() };

  const ends = parsed.stdout.split('\n').filter((l) => l !== '');
  if (parsed.exitCode !== 0 || ends.length === 0) throw new InsightUsageError(`${range.join(' ')}: not a valid revision range`);
  const positives = ends.filter((l) => !l.startsWith('^'));
  let at: { rev: string; sha: string } | undefined;
  if (opts.at !== false) {
    const rev = early ?? positives[0];
    const sha = rev === early ? earlySha : rev !== undefined ? await verify(cwd, `${rev}^{commit}`) : undefined;
    if (rev !== undefined && !sha) throw new InsightUsageError(`${rev}: not a commit`);
    if (rev !== undefined && sha) at = { rev, sha };
  }
  // Every commit of the walk counts when the range is the whole history of the revisions walked.
  const walk = [...new Set([...positives, ...(at ? [at.sha] : [])])];
  const wholeHistory = ends.every((l) => !l.startsWith('^')) && walk.length === positives.length;

  // Commit ids name their whole history and notes commits all their notes: a run over the same ones finds its result
  // kept, asking git nothing more.
  const key = resultKey(walk, refs, ends, at?.sha, opts.config, builder.depth);
  const done = await results;
  const hit = done?.get(key);
  if (hit) {
    for (const [sha, error] of hit.problems) opts.report?.(`${NOTES_REF}:${sha}: ${error}; skipped`);
    return { range, ...(at && { at }), hasNotes, insight: hit.insight };
  }

  // The commits oldest first with their parents (as rev-list prints them) and every note (the clone's own and fetched
  // ones, which count before anything merges them).
  const resumable = wholeHistory && at !== undefined && walk.length === 1 && walk[0] === at.sha;
  const stateFile = mode === 'off' || !resumable ? undefined : InsightState.of(repo);
  // The files of the revision measured, which every way on needs: asked for before this process grows.
  const atTree = at ? readTree(cwd, at.sha) : Promise.resolve([]);
  atTree.catch(() => undefined);
  let fullWalk: Promise<Buffer> | undefined;
  const revList = (): Promise<Buffer> => (fullWalk ??= gitBuffer(['rev-list', '--reverse', '--topo-order', '--parents', ...walk, '--'], { cwd }).then((r) => r.stdout));
  // Every note, for a pass over the whole history (or a rewrite of the per-commit cache).
  let allNotes: Promise<NoteLists> | undefined;
  const noteLists = (): Promise<NoteLists> => (allNotes ??= NoteLists.read(repo, refs.notes.map(([, id]) => id)));
  const stateOf = fresh ? undefined : await stateFile?.readLater();
  const sKey = stateKey(opts.config, builder.depth);
  const state = stateOf?.();
  const usable = state && at && state.key === sKey ? state : undefined;
  if (!usable) void Promise.all([revList(), noteLists()]).catch(() => undefined);
  // The last run's walk, when this one starts with it (a prefix of rev-list's output, checked by its digest).
  let fedWalk: Promise<Buffer | undefined> | undefined;
  const walkFrom = (s: InsightStateBody): Promise<Buffer | undefined> =>
    (fedWalk ??= revList().then((revs) => {
      const n = s.walked.bytes;
      if (!(Number.isInteger(n) && n >= 0 && n <= revs.length && (n === 0 || revs[n - 1] === 0x0a))) return undefined;
      return createHash('sha1').update(revs.subarray(0, n)).digest('hex') === s.walked.digest ? revs : undefined;
    }));
  const graphLines = async (): Promise<string[]> => linesOf(await revList(), 0);
  const live = async (): Promise<(sha: string) => boolean> => {
    const [all, walked] = await Promise.all([git(['rev-list', '--all', '--'], { cwd }), graphLines()]);
    const reached = new Set(all.stdout.split('\n'));
    for (const l of walked) reached.add(shaOf(l));
    return (sha) => reached.has(sha);
  };
  const save = async (cache: InsightCache, insight: Insight, problems: readonly (readonly [string, string])[], b: InsightBuilder, tree: readonly TreeEntry[]): Promise<void> => {
    const liveNotes = async (): Promise<Set<string>> => new Set([...(await noteLists()).all().values()].map(noteKey));
    const [segments, revs] = await Promise.all([cache.save(live, liveNotes), revList()]);
    await Promise.all([
      done?.put(key, { insight, problems }),
      stateFile?.write({
        key: sKey,
        walked: { tip: at!.sha, bytes: revs.length, digest: createHash('sha1').update(revs).digest('hex') },
        notes: refs.notes,
        segments: segments ?? null,
        problems,
        snapshot: b.snapshot(tree.map((e) => e.blob)),
      }),
    ]);
  };

  // After new commits on top of the last run's (and their notes), and notes added, changed or removed on the commits
  // it fed (a note fetched later), that run's state goes on with them alone. Commits in a line on top of its tip are
  // all that git is asked for; other new commits (a merge) have the whole walk checked against the last run's.
  const fedThen = (revs: Buffer | undefined): string[] | undefined => (revs && usable ? linesOf(revs, usable.walked.bytes) : undefined);
  const [lines, diffs] = usable
    ? await Promise.all([chainOn(cwd, usable.walked.tip, at!.sha).then(async (chain) => chain ?? fedThen(await walkFrom(usable))), notesDiffs(repo, usable.notes, refs.notes)])
    : [undefined, undefined];
  // The notes of the new commits and of those whose notes changed, looked up by commit when they are few.
  const asked = lines && diffs ? new Set([...lines.map(shaOf), ...diffs.commits]) : undefined;
  const lists = asked && asked.size <= LOOKUPS_MAX ? await NoteLists.lookup(repo, refs.notes.map(([, id]) => id), asked) : asked ? await noteLists() : undefined;
  const changed = usable && lines && diffs && lists ? await changedNotes(cwd, usable, refs, lists, diffs, new Set(lines.map(shaOf)), () => walkFrom(usable)) : undefined;
  if (usable && lines && lists && changed) {
    const r = await resume(repo, usable, lines, at!.sha, atTree, (sha) => lists.blobsOf(sha), opts, changed, async () => (await graphLines()).map(shaOf));
    if (r) {
      for (const [sha, error] of r.problems) opts.report?.(`${NOTES_REF}:${sha}: ${error}; skipped`);
      // A few commits on top leave the state where it was (the next run goes on from it through them again, and puts
      // them in the per-commit cache then): writing it costs more than reading them again. Before it is written, the
      // whole walk is checked to be the last run's followed by the commits fed after it.
      const due = mode === 'write' && (changed.length > 0 || lines.length >= STATE_EVERY);
      const fed = due ? fedThen(await walkFrom(usable)) : undefined;
      if (!due || (fed && fed.length === lines.length && fed.every((l, i) => l === lines[i]))) {
        if (due) await save(r.cache, r.insight, r.problems, r.builder, r.tree);
        else if (mode === 'write') await done?.put(key, { insight: r.insight, problems: r.problems });
        return { range, ...(at && { at }), hasNotes, insight: r.insight };
      }
    }
  }

  const [graph, every] = await Promise.all([graphLines(), noteLists()]);
  const order = graph.map(shaOf);
  const noteBlobs = every.all();
  const cache = mode === 'off' || fresh ? InsightCache.empty(repo) : await InsightCache.load(repo);
  const missing = graph.filter((line) => !cache.has(shaOf(line)));
  // What git must still say, at once: the diffs of the commits the cache lacks, the notes it has not read, what counts.
  // What is read goes into the cache as it comes and is taken out one commit at a time: one copy of the history in memory.
  const [inRange, files, , noteOf] = await Promise.all([
    wholeHistory ? undefined : git(['rev-list', ...ends, '--'], { cwd }).then((r) => new Set(r.stdout.split('\n').filter((l) => l !== ''))),
    atTree,
    // With nothing kept, git walks the history itself, as fast as it lists it.
    readCommits(cwd, missing, missing.length === graph.length ? walk : undefined, (sha, f) => cache.setCommit(sha, f)),
    readNoteFacts(repo, cache, order, (sha) => noteBlobs.get(sha)),
  ]);

  const problems: [string, string][] = [];
  for (const sha of order) {
    const f = cache.commit(sha);
    if (!f) {
      // An entry that does not decode (a file of this format, yet wrong): everything is read from git again.
      if (!fresh && cache.has(sha)) return readHistoryFrom(repo, opts, true);
      throw new Error(`git log: nothing read for commit ${sha}`);
    }
    const n = noteOf.get(sha);
    if (n && 'error' in n) problems.push([sha, n.error]);
    builder.add({ sha, ...f, ...(n && 'files' in n && { note: n.files }), inRange: inRange ? inRange.has(sha) : true });
  }
  for (const [sha, error] of problems) opts.report?.(`${NOTES_REF}:${sha}: ${error}; skipped`);
  const insight = builder.finish(at && { sha: at.sha, tree: files });
  if (mode === 'write') await save(cache, insight, problems, builder, files);
  return { range, ...(at && { at }), hasNotes, insight };
}

/** The commit id a `sha parent…` line of rev-list --parents starts with. */
const shaOf = (line: string): string => line.slice(0, line.indexOf(' ') >>> 0);

/** The lines of rev-list's output from byte `from` on. */
function linesOf(revs: Buffer, from: number): string[] {
  return revs.toString('latin1', from).split('\n').filter((l) => l !== '');
}

/** What a result depends on besides the commits named: the notes commits (the clone's own first) and the history's. */
interface Refs {
  readonly notes: readonly (readonly [ref: string, id: string])[];
  /** The `git replace` refs and the shallow and grafts files, as text: they change the history a commit id names. */
  readonly history: string;
}

async function readRefs(repo: Repo): Promise<Refs> {
  const [r, shallow, grafts] = await Promise.all([
    git(['for-each-ref', '--format=%(objectname) %(refname)', NOTES_REF, TRACKING_PREFIX, 'refs/replace/'], { cwd: repo.root }),
    fsp.readFile(path.join(repo.commonDir, 'shallow'), 'latin1').catch(() => ''),
    fsp.readFile(path.join(repo.commonDir, 'info', 'grafts'), 'latin1').catch(() => ''),
  ]);
  const notes: [string, string][] = [];
  const replaced: string[] = [];
  for (const line of r.stdout.split('\n')) {
    const sp = line.indexOf(' ');
    const ref = line.slice(sp + 1);
    if (ref === NOTES_REF) notes.unshift([ref, line.slice(0, sp)]);
    else if (isTrackingRef(ref)) notes.push([ref, line.slice(0, sp)]);
    else if (ref.startsWith('refs/replace/')) replaced.push(line);
  }
  return { notes, history: [...replaced, shallow, grafts].join('\n') };
}

/** A commit the last run fed whose note changed since: its index, id, `sha parent…` line and note key then (none: no note). */
interface ChangedNote {
  readonly index: number;
  readonly sha: string;
  readonly line: string;
  readonly before?: string;
}

/** The notes that differ between the notes commits the last run read and these, per notes ref that moved. */
interface NotesDiffs {
  readonly of: ReadonlyMap<string, ReadonlyMap<string, NoteDiff>>;
  /** Every commit some moved ref's notes differ on. */
  readonly commits: readonly string[];
}

/** `git diff-tree` of each notes ref that moved since `then`; undefined when one cannot be (a notes commit is gone). */
async function notesDiffs(repo: Repo, then: readonly (readonly [string, string])[], now: readonly (readonly [string, string])[]): Promise<NotesDiffs | undefined> {
  const was = new Map(then);
  const is = new Map(now);
  const moved = [...new Set([...was.keys(), ...is.keys()])].filter((ref) => was.get(ref) !== is.get(ref));
  try {
    const diffs = await Promise.all(moved.map((ref) => notesDiff(repo, was.get(ref), is.get(ref))));
    return { of: new Map(moved.map((ref, k) => [ref, diffs[k]!])), commits: [...new Set(diffs.flatMap((d) => [...d.keys()]))] };
  } catch {
    return undefined;
  }
}

/**
 * The commits the last run fed whose notes changed since (added, changed, removed), from the notes diffs; undefined
 * when the last run's walk is no longer the start of this one, or they are too many or one is a merge (a pass from
 * the cache). `fresh`: the commits new since the last run (their notes are read with them); `fedWalk`: rev-list's
 * output, the last run's walk at its start, asked for only when a note changed on a commit the last run fed (notes
 * fetched for other branches' commits leave it alone: `git rev-list ^<last tip>` of them says they are not in it).
 */
async function changedNotes(
  cwd: string,
  state: InsightStateBody,
  refs: Refs,
  lists: NoteLists,
  diffs: NotesDiffs,
  fresh: ReadonlySet<string>,
  fedWalk: () => Promise<Buffer | undefined>,
): Promise<ChangedNote[] | undefined> {
  const index = new Map(refs.notes.map(([ref], k) => [ref, k]));
  const noted: { sha: string; before: string }[] = [];
  for (const sha of diffs.commits) {
    if (fresh.has(sha)) continue;
    // The note as the last run read it: each notes ref's blob then, the clone's own first.
    const was: string[] = [];
    for (const [ref] of state.notes) {
      const d = diffs.of.get(ref)?.get(sha);
      const k = index.get(ref);
      const blob = d ? d.a?.blob : k === undefined ? undefined : lists.blobOn(k, sha);
      if (blob !== undefined && !was.includes(blob)) was.push(blob);
    }
    const before = noteKey(was);
    if (before !== noteKey(lists.blobsOf(sha) ?? [])) noted.push({ sha, before });
  }
  if (noted.length === 0) return [];
  // The commits the last run's tip does not reach (none of its walk), from one walk of theirs down to its history.
  // (A commit this clone does not have is in no walk either: --ignore-missing leaves it out, and it is not found below.)
  const outside = await git(['rev-list', '--ignore-missing', '--stdin', '--'], { cwd, input: `^${state.walked.tip}\n${noted.map((n) => n.sha).join('\n')}\n`, okCodes: [128] });
  if (outside.exitCode !== 0) return undefined;
  const unwalked = new Set(outside.stdout.split('\n'));
  const walked = noted.filter((n) => !unwalked.has(n.sha));
  if (walked.length === 0) return [];
  if (walked.length > REJUDGED_MAX) return undefined;
  const revs = await fedWalk();
  if (!revs) return undefined;
  const fed = state.walked.bytes;
  // A few commits are looked for in rev-list's output as it is; more, in a map of it.
  const lines = walked.length > FED_LOOKUPS ? new Map(linesOf(revs.subarray(0, fed), 0).map((line, i) => [shaOf(line), { index: i, line }])) : undefined;
  const out: ChangedNote[] = [];
  for (const { sha, before } of walked) {
    const at = lines ? lines.get(sha) : fedLine(revs, sha, fed);
    // A commit not walked at all.
    if (!at) continue;
    // A merge's own lines need its parents' versions, which the state does not keep.
    if (at.line.split(' ').length > 2) return undefined;
    out.push({ index: at.index, sha, line: at.line, ...(before !== '' && { before }) });
  }
  return out.sort((a, b) => a.index - b.index);
}

/**
 * The commits after `tip` up to `to` (`sha parent` lines, oldest first) when they are one line of commits on top of
 * it, none a merge: a walk of `to` is then the walk of `tip` followed by them. Undefined otherwise.
 */
async function chainOn(cwd: string, tip: string, to: string): Promise<string[] | undefined> {
  if (tip === to) return [];
  const r = await git(['rev-list', '--reverse', '--parents', `${tip}..${to}`, '--'], { cwd, okCodes: [128] });
  const lines = r.stdout.split('\n').filter((l) => l !== '');
  if (r.exitCode !== 0 || lines.length === 0) return undefined;
  let parent = tip;
  for (const line of lines) {
    const [sha, ...parents] = line.split(' ');
    if (parents.length !== 1 || parents[0] !== parent) return undefined;
    parent = sha!;
  }
  return parent === to ? lines : undefined;
}

/** The line of `sha` among the first `fed` bytes of rev-list's output, and its index, without splitting it all. */
function fedLine(revs: Buffer, sha: string, fed: number): { index: number; line: string } | undefined {
  // A commit's own line comes before the lines naming it as a parent (--reverse): the first at a line's start is it.
  for (let p = revs.indexOf(sha, 0, 'latin1'); p >= 0 && p < fed; p = revs.indexOf(sha, p + 1, 'latin1')) {
    if (p > 0 && revs[p - 1] !== 0x0a) continue;
    let index = 0;
    for (let nl = revs.indexOf(0x0a); nl >= 0 && nl < p; nl = revs.indexOf(0x0a, nl + 1)) index++;
    return { index, line: revs.toString('latin1', p, revs.indexOf(0x0a, p)) };
  }
  return undefined;
}

/**
 * The last run's pass (`state`) carried on through the notes that changed on the commits it fed (`changed`) and the
 * commits after it (`lines`, `sha parent…`, oldest first), to the revision `at` (the tip walked; its files `atTree`);
 * undefined when it cannot be: the snapshot does not read, it lacks a file version the pass needs (a new commit on an
 * older one, a merge of a branch it never walked), a changed note cannot be applied exactly (RejudgeMiss) or its old
 * text is no longer kept, where the caller starts over from the cache. Only the changed notes (as they are and as
 * they were), their commits' facts, and the new commits' facts and notes are read from git. `all`: the commits
 * walked, in order.
 */
async function resume(
  repo: Repo,
  state: InsightStateBody,
  lines: readonly string[],
  at: string,
  atTree: Promise<TreeEntry[]>,
  blobsOf: (sha: string) => readonly string[] | undefined,
  opts: HistoryOptions,
  changed: readonly ChangedNote[],
  all: () => Promise<readonly string[]>,
): Promise<{ insight: Insight; problems: [string, string][]; builder: InsightBuilder; cache: InsightCache; tree: TreeEntry[] } | undefined> {
  let builder: InsightBuilder;
  try {
    builder = InsightBuilder.resume(opts.config, state.snapshot);
  } catch {
    return undefined;
  }
  // The cache is read whole only when it is due to be rewritten; otherwise what is new is appended to it.
  const cache = state.segments !== null && state.segments + 1 > SEGMENTS_KEPT ? await InsightCache.load(repo) : InsightCache.appender(repo, state.segments);
  const order = lines.map(shaOf);
  const rejudged = new Set(changed.map((c) => c.sha));
  // The facts of the commits whose notes changed are kept once already: read, not written again.
  const facts = new Map<string, CommitFacts>();
  const unread = [...changed.map((c) => c.line), ...lines].filter((l) => !cache.has(shaOf(l)));
  const [tree, , noteOf, was] = await Promise.all([
    atTree,
    readCommits(repo.root, unread, undefined, (sha, f) => (rejudged.has(sha) ? facts.set(sha, f) : cache.setCommit(sha, f))),
    readNoteFacts(repo, cache, [...rejudged, ...order], blobsOf),
    readNoteBlobs(repo, new Map(changed.flatMap((c) => (c.before !== undefined && !cache.note(c.before) ? [[c.sha, c.before.split(' ')] as const] : []))), true),
  ]);
  const changes: NoteChange[] = [];
  for (const c of changed) {
    const f = facts.get(c.sha) ?? cache.commit(c.sha);
    if (!f) return undefined;
    let before: NoteFacts | undefined;
    if (c.before !== undefined) {
      const text = was.get(c.sha);
      before = cache.note(c.before) ?? (text === undefined ? undefined : noteFacts(text));
      // The note as the last run read it is gone (its blob pruned): what it counted is not known.
      if (!before) return undefined;
    }
    const after = noteOf.get(c.sha);
    changes.push({ sha: c.sha, index: c.index, facts: f, ...(before && 'files' in before && { before: before.files }), ...(after && 'files' in after && { after: after.files }) });
  }
  let problems: [string, string][] = state.problems.filter(([sha]) => !rejudged.has(sha)).map(([sha, error]) => [sha, error]);
  const now = changed.flatMap((c): [string, string][] => {
    const n = noteOf.get(c.sha);
    return n && 'error' in n ? [[c.sha, n.error]] : [];
  });
  if (now.length > 0) {
    // Told in commit order, as a pass over the history tells them.
    const named = new Set([...problems, ...now].map(([sha]) => sha));
    const where = new Map<string, number>();
    (await all()).forEach((sha, i) => named.has(sha) && where.set(sha, i));
    problems = [...problems, ...now].sort((x, y) => where.get(x[0])! - where.get(y[0])!);
  }
  try {
    builder.rejudge(changes);
    for (const sha of order) {
      const f = cache.commit(sha);
      if (!f) return undefined;
      const n = noteOf.get(sha);
      if (n && 'error' in n) problems.push([sha, n.error]);
      builder.add({ sha, ...f, ...(n && 'files' in n && { note: n.files }), inRange: true });
    }
    return { insight: builder.finish({ sha: at, tree }), problems, builder, cache, tree };
  } catch (err) {
    if (err instanceof ResumeMiss || err instanceof RejudgeMiss) return undefined;
    throw err;
  }
}

/** What the figures depend on besides the commits and notes: the builder's version, the team config, the path depth. */
function stateKey(config: CompiledConfig, depth: number): string {
  return createHash('sha1').update([RESULT_VERSION, JSON.stringify(config.config), String(depth)].join('\n')).digest('hex');
}

/**
 * What a result is made of, as one digest: the commits walked (their ids name their history, as far as `refs.history`
 * leaves it alone), the notes commits, what bounds the range, the revision measured, the team config and the path
 * depth. The format names the builder's version: results of another are never read.
 */
function resultKey(walk: readonly string[], refs: Refs, ends: readonly string[], at: string | undefined, config: CompiledConfig, depth: number): string {
  const notes = refs.notes.map(([ref, id]) => `${id} ${ref}`).join('\n');
  return createHash('sha1').update([RESULT_VERSION, JSON.stringify(config.config), String(depth), at ?? '', ends.join(' '), walk.join(' '), notes, refs.history].join('\n')).digest('hex');
}

/**
 * The facts of commits the cache lacks (`sha parent…` lines of rev-list --parents), handed to `keep` as they come, from
 * one `git log` of them (of `walk` itself when it is all of them) beside one `diff-tree` for the merges' diffs against
 * each parent.
 */
async function readCommits(cwd: string, lines: readonly string[], walk: readonly string[] | undefined, keep: (sha: string, f: CommitFacts) => void): Promise<void> {
  if (lines.length === 0) return;
  const pairs = lines.flatMap((l) => {
    const [m, ...ps] = l.split(' ');
    return ps.length > 1 ? ps.map((p) => `${m} ${p}`) : [];
  });
  const mergeDiffs = diffPairs(cwd, pairs);
  mergeDiffs.catch(() => undefined);
  const merges: { sha: string; c: Omit<CommitFacts, 'diffs'> }[] = [];
  const onCommit = (chunk: string): void => {
    const { fields, rest } = headerOf(chunk);
    const [sha = '', parentList = '', name = '', email = '', time = '0', subject = '', trailerText = ''] = fields;
    const parents = parentList.split(' ').filter((p) => p !== '');
    const c = { parents, authorName: name, authorEmail: email, time: Number(time), subject, trailers: parseTrailerLines(trailerText) };
    if (parents.length <= 1) keep(sha, { ...c, diffs: [parseDiff(rest)] });
    else merges.push({ sha, c });
  };
  if (walk) await streamLog(cwd, [...walk], undefined, onCommit);
  else await streamLog(cwd, ['--no-walk=unsorted', '--stdin'], `${lines.map((l) => l.slice(0, l.indexOf(' ') >>> 0)).join('\n')}\n`, onCommit);
  const diffs = await mergeDiffs;
  for (const { sha, c } of merges) keep(sha, { ...c, diffs: c.parents.map((p) => diffs.get(`${sha} ${p}`) ?? []) });
}

/** Each noted commit's note as read, from the cache or (for notes it has not seen) from git. */
async function readNoteFacts(repo: Repo, cache: InsightCache, order: readonly string[], blobsOf: (sha: string) => readonly string[] | undefined): Promise<Map<string, NoteFacts>> {
  const out = new Map<string, NoteFacts>();
  const unread = new Map<string, readonly string[]>();
  for (const sha of order) {
    const b = blobsOf(sha);
    if (!b) continue;
    const n = cache.note(noteKey(b));
    if (n) out.set(sha, n);
    else unread.set(sha, b);
  }
  for (const [sha, text] of await readNoteBlobs(repo, unread)) {
    const n = noteFacts(text);
    out.set(sha, n);
    cache.setNote(noteKey(unread.get(sha)!), n);
  }
  return out;
}

/** What the figures read of a note's text: only that, so that a note from the cache and one from git are alike. */
function noteFacts(text: string): NoteFacts {
  if (text.trim() === '') return { blank: true };
  const r = parseTraceRecord(text);
  if (!r.ok) return { error: r.error };
  return {
    files: r.files
      .filter((f) => f.runs.length > 0)
      .map((f) => ({ path: f.path, attributions: f.attributions.map((a) => ({ agent: a.agent, ...(a.model !== undefined && { model: a.model }) })), runs: f.runs })),
  };
}

async function verify(cwd: string, rev: string): Promise<string | undefined> {
  const r = await git(['rev-parse', '-q', '--verify', rev], { cwd, okCodes: [1, 128] });
  return r.exitCode === 0 ? r.stdout.trim() : undefined;
}

/** `Token: value` lines as `%(trailers:only,unfold)` prints them. */
export function parseTrailerLines(text: string): Trailer[] {
  const out: Trailer[] = [];
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    out.push({ token: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
  }
  return out;
}

function headerOf(chunk: string): { fields: string[]; rest: string } {
  const fields: string[] = [];
  let pos = chunk.charCodeAt(0) === 1 ? 1 : 0;
  for (let i = 0; i < HEADER_FIELDS; i++) {
    const end = chunk.indexOf('\0', pos);
    if (end < 0) throw new Error(`git log: truncated commit header: ${JSON.stringify(chunk.slice(0, 80))}`);
    fields.push(chunk.slice(pos, end));
    pos = end + 1;
  }
  return { fields, rest: chunk.slice(pos) };
}

/** Streams `git log` of `revs` (and of the revisions in `input`, with --stdin) and hands over one commit's output at a time. */
function streamLog(cwd: string, revs: readonly string[], input: string | undefined, onCommit: (chunk: string) => void): Promise<void> {
  const args = ['log', `--format=${HEADER}`, '--no-notes', ...DIFF_ARGS, ...revs, '--'];
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd, env: gitEnv(), stdio: 'pipe' });
    // A commit list longer than the pipe holds is taken in while git writes: the write is not awaited.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
    const decoder = new StringDecoder('utf8');
    let pending = '';
    let stderr = '';
    let failed: unknown;
    const drain = (final: boolean): void => {
      // A commit starts with \x01 at the start of a line or field: diff lines start with a marker character, never with \x01.
      let start = 0;
      for (;;) {
        const next = nextHeader(pending, start + 1);
        if (next < 0) break;
        onCommit(pending.slice(start, next));
        start = next;
      }
      pending = pending.slice(start);
      if (final && pending !== '') {
        onCommit(pending);
        pending = '';
      }
    };
    child.stdout.on('data', (b: Buffer) => {
      if (failed) return;
      pending += decoder.write(b);
      try {
        drain(false);
      } catch (err) {
        failed = err;
        child.kill();
      }
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (failed) return reject(failed);
      if (code !== 0) return reject(new GitError(args, code, stderr));
      try {
        pending += decoder.end();
        drain(true);
        resolve();
      } catch (err) {
        reject(err);
      }
    });
  });
}

/** One commit of `logDiffs`: its parents and, for a non-merge, its diff against its parent. */
export interface LoggedCommit {
  readonly sha: string;
  readonly parents: readonly string[];
  readonly diff?: FileDiff[];
}

/** The commits of `revs` oldest first, each with its `-U0` diff, from one streamed `git log`. */
export function logDiffs(cwd: string, revs: readonly string[], onCommit: (c: LoggedCommit) => void): Promise<void> {
  return streamLog(cwd, ['--reverse', '--topo-order', ...revs], undefined, (chunk) => {
    const { fields, rest } = headerOf(chunk);
    const parents = (fields[1] ?? '').split(' ').filter((p) => p !== '');
    onCommit({ sha: fields[0] ?? '', parents, ...(parents.length <= 1 && { diff: parseDiff(rest) }) });
  });
}

/** Where the next commit header starts: \x01 after a line end or after the NUL that ends a -z field. */
function nextHeader(s: string, from: number): number {
  let i = s.indexOf('\x01', from);
  while (i > 0 && s[i - 1] !== '\n' && s[i - 1] !== '\0') i = s.indexOf('\x01', i + 1);
  return i;
}

/**
 * The diffs of `to from` pairs of commits (what changed from `from` to `to`) and of single commits against their first
 * parent, keyed as given, from one `git diff-tree --stdin`.
 */
export async function diffPairs(cwd: string, given: readonly string[], opts: DiffOptions = {}): Promise<Map<string, FileDiff[]>> {
  const map = new Map<string, FileDiff[]>();
  if (given.length === 0) return map;
  // Single commits first: diff-tree keeps the parent a `to from` line gave a commit for later lines naming it alone.
  const pairs = [...given.filter((p) => !p.includes(' ')), ...given.filter((p) => p.includes(' '))];
  const diffArgs = opts.patch === false ? DIFF_ARGS.filter((a) => a !== '-p' && a !== '-U0') : DIFF_ARGS;
  const pathspec = opts.paths ? ['--', ...opts.paths.map((p) => `:(literal)${p}`)] : [];
  const args = ['diff-tree', '--stdin', '--always', '-r', ...(opts.root ? ['--root'] : []), '--format=%x01', ...diffArgs, ...pathspec];
  const out = (await git(args, { cwd, input: `${pairs.join('\n')}\n` })).stdout;
  // One block per input line, each starting with \x01 (a diff line never does).
  // The line end or NUL before each \x01 stays: without -p it ends the last path of the block before.
  const blocks = out.split(/(?<=^|[\n\0])\x01/).slice(1);
  if (blocks.length !== pairs.length) throw new Error(`git diff-tree: expected ${pairs.length} diffs, read ${blocks.length}`);
  blocks.forEach((b, i) => map.set(pairs[i]!, parseDiff(b, opts)));
  return map;
}

async function readTree(cwd: string, sha: string): Promise<TreeEntry[]> {
  const out = (await git(['ls-tree', '-r', '-z', '--full-tree', sha], { cwd })).stdout;
  return parseLsTree(out)
    .filter((e) => e.type === 'blob')
    .map((e) => ({ path: e.path, blob: e.id, mode: e.mode }));
}

interface Raw {
  readonly newMode: string;
  readonly oldBlob: string;
  readonly newBlob: string;
  readonly status: string;
  readonly path: string;
  readonly oldPath?: string;
}

export interface DiffOptions {
  /** Keep each hunk's removed and added line texts (what carrying through a hunk judges changed lines by). */
  readonly texts?: boolean;
  /** diffPairs: a single commit without a parent is diffed against the empty tree (everything it holds is added). */
  readonly root?: boolean;
  /** diffPairs: `false` reads which files changed (renames paired) without their lines. */
  readonly patch?: boolean;
  /** diffPairs: only these paths (both sides of a rename, for git to pair them). */
  readonly paths?: readonly string[];
}

/** Parses `--raw -z -p -U0` output (after the commit header) into the changed files with their hunks. */
export function parseDiff(text: string, opts: DiffOptions = {}): FileDiff[] {
  let pos = 0;
  while (pos < text.length && (text[pos] === '\0' || text[pos] === '\n')) pos++;
  if (text[pos] !== ':') return [];
  const field = (): string => {
    const end = text.indexOf('\0', pos);
    if (end < 0) throw new Error(`unexpected end of diff output at offset ${pos}`);
    const f = text.slice(pos, end);
    pos = end + 1;
    return f;
  };
  const raws: Raw[] = [];
  while (text[pos] === ':') {
    const meta = field().slice(1).split(' ');
    const [, newMode = '', oldBlob = '', newBlob = '', score = ''] = meta;
    const status = score.charAt(0);
    const oldPath = status === 'R' || status === 'C' ? field() : undefined;
    raws.push({ newMode, oldBlob, newBlob, status, path: field(), ...(oldPath !== undefined && { oldPath }) });
  }
  while (text[pos] === '\0' || text[pos] === '\n') pos++;
  const blocks = hunkBlocks(text, pos, opts.texts === true);
  const out: FileDiff[] = [];
  let b = 0;
  for (let i = 0; i < raws.length; i++) {
    const r = raws[i]!;
    // A type change prints a deletion block, then the creation of the new file.
    if (r.status === 'T') b++;
    const block = blocks[b++];
    if (r.status === 'D' || r.status === 'U') continue;
    const text = !block?.binary && (r.newMode === '100644' || r.newMode === '100755');
    out.push({ path: r.path, ...(r.oldPath !== undefined && { oldPath: r.oldPath }), oldBlob: r.oldBlob, newBlob: r.newBlob, status: r.status, text, hunks: text ? (block?.hunks ?? []) : [] });
  }
  return out;
}

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

function hunkBlocks(text: string, from: number, texts: boolean): { hunks: Hunk[]; binary: boolean }[] {
  const blocks: { hunks: Hunk[]; binary: boolean }[] = [];
  let current: { hunks: Hunk[]; binary: boolean } | undefined;
  // The line texts of the hunk being read, and how many of each side are still to come.
  let oldLines: string[] = [];
  let newLines: string[] = [];
  let oldLeft = 0;
  let newLeft = 0;
  let lineStart = from;
  while (lineStart < text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    const c = text.charCodeAt(lineStart);
    if (oldLeft > 0 && c === 0x2d /* - */) {
      oldLines.push(text.slice(lineStart + 1, lineEnd));
      oldLeft--;
    } else if (newLeft > 0 && c === 0x2b /* + */) {
      newLines.push(text.slice(lineStart + 1, lineEnd));
      newLeft--;
    } else if (c === 0x64 /* d */ && text.startsWith('diff --git ', lineStart)) {
      current = { hunks: [], binary: false };
      blocks.push(current);
    } else if (c === 0x42 /* B */ && current && text.startsWith('Binary files ', lineStart)) {
      current.binary = true;
    } else if (c === 0x40 /* @ */ && current) {
      const m = HUNK.exec(text.slice(lineStart, Math.min(lineEnd, lineStart + 100)));
      if (m) {
        const oldCount = m[2] === undefined ? 1 : Number(m[2]);
        const newCount = m[4] === undefined ? 1 : Number(m[4]);
        if (texts) {
          oldLines = [];
          newLines = [];
          oldLeft = oldCount;
          newLeft = newCount;
        }
        // With no lines on a side, git names the line after which the change sits.
        current.hunks.push({
          oldStart: oldCount === 0 ? Number(m[1]) : Number(m[1]) - 1,
          oldCount,
          newStart: newCount === 0 ? Number(m[3]) : Number(m[3]) - 1,
          newCount,
          ...(texts && { oldLines, newLines }),
        });
      }
    }
    lineStart = lineEnd + 1;
  }
  return blocks;
}
