// Notes for the commits a server makes when it merges a pull request (PRODUCT.md §11.2): a squash commit gets the
// PR's lines as blame shows them at the PR head, carried through the head→squash diff; a rebase merge pairs each new
// commit with its original by patch id and carries that note through the pair's diff. A note is written only where
// the mapping is certain; everything else is said in the log, one line each.
import { buildTraceRecord, parseTraceRecord, serializeTraceRecord } from '../core/agentTrace';
import type { CompiledConfig } from '../core/config';
import { HUMAN, type CommitFileProvenance, type LineProvenance } from '../core/model';
import { reanchor, splitLines } from '../core/reanchor';
import { fromLines, linesOf, type NoteRuns } from '../core/lineRuns';
import { addsLines, mergeNoteTexts } from '../core/noteMerge';
import { PorcelainParser } from './blame';
import { commitChanges, isBinary, readBlobs } from './diff';
import { listNotes, readNote, readNotes, readOwnNotesAt, writeNote, writeNotes } from './notes';
import { parentOf, restrict, treeBlobs } from './provenance';
import { addedRanges, carryPair, carryThrough, clipRuns, joinRuns, LineCarrier, type FileDiff } from '../core/lineCarry';
import { diffPairs, logDiffs, type LoggedCommit } from './history';
import { emptyTree, type Repo } from './repo';
import { commitParents } from './parsers';
import { catFileBatch, git, gitLines, GitError } from './run';
import { noteRuns } from './rewriteCarry';

export type MergeMethod = 'squash' | 'rebase' | 'merge';
export const MERGE_METHODS: readonly MergeMethod[] = ['squash', 'rebase', 'merge'];

export interface ServerMergeInput {
  /** The base the pull request was opened against (its commits are `base..head`). */
  readonly base: string;
  /** The pull request's last commit as it was reviewed. */
  readonly head: string;
  /** The commit the server put on the target branch (squash commit, last rebased commit, merge commit). */
  readonly merge: string;
  /** Detected from the commits when absent. */
  readonly method?: MergeMethod;
}

export interface CarryContext {
  readonly config: CompiledConfig;
  readonly toolVersion: string;
  /** One line per call. */
  readonly log: (line: string) => void;
}

export interface CarryOutcome {
  readonly method: MergeMethod | 'fast-forward';
  /** Commits that got a note (new or joined). */
  readonly written: readonly string[];
  /** The commits the server made, oldest first (what `check` should judge). */
  readonly made: readonly string[];
  /** Notes that could not be carried (unpaired commits, an unreadable note on the target). */
  readonly uncarried: number;
}

/** A commit named on the command line or in an event that this clone does not have. */
export class MissingCommitError extends Error {
  override name = 'MissingCommitError';
  constructor(
    readonly role: string,
    readonly rev: string,
  ) {
    super(`${role} ${rev}: no such commit in this clone`);
  }
}

const short = (sha: string): string => sha.slice(0, 12);
const BLAME_JOBS = 4;

export async function hasCommit(repo: Repo, sha: string): Promise<boolean> {
  const r = await git(['cat-file', '-e', `${sha}^{commit}`], { cwd: repo.root, okCodes: [1, 128] });
  return r.exitCode === 0;
}

async function isAncestor(repo: Repo, a: string, b: string): Promise<boolean> {
  const r = await git(['merge-base', '--is-ancestor', a, b], { cwd: repo.root, okCodes: [1] });
  return r.exitCode === 0;
}

/** Commits of `include` not reachable from any of `exclude`, oldest first. */
export async function revList(repo: Repo, include: string, exclude: readonly string[], opts: { noMerges?: boolean } = {}): Promise<string[]> {
  const args = ['rev-list', '--reverse', ...(opts.noMerges ? ['--no-merges'] : []), include, ...exclude.map((e) => `^${e}`), '--'];
  return (await git(args, { cwd: repo.root })).stdout.split('\n').filter((l) => l !== '');
}

/** `git patch-id --stable` of each commit; commits with an empty diff get none. */
export async function patchIds(repo: Repo, commits: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (commits.length === 0) return out;
  const diff = await git(['diff-tree', '--stdin', '-p', '--root', '--no-color', '--no-ext-diff', '--no-textconv'], { cwd: repo.root, input: commits.map((c) => `${c}\n`).join('') });
  const ids = await git(['patch-id', '--stable'], { cwd: repo.root, input: diff.stdout });
  for (const line of ids.stdout.split('\n')) {
    const [pid, commit] = line.split(' ');
    if (pid && commit) out.set(commit, pid);
  }
  return out;
}

export interface Pairing {
  /** new commit → old commit, where exactly one old and one new commit share a patch id (or range-diff pairs them). */
  readonly pairs: ReadonlyMap<string, string>;
  /** The new commits of `pairs` paired by `git range-diff`: their note is carried only when every AI line carries. */
  readonly byRangeDiff?: ReadonlySet<string>;
  readonly unpairedOld: readonly string[];
  readonly unpairedNew: readonly string[];
}

/** Pairs rewritten commits with their originals by patch id; a patch id held by several commits on a side pairs nothing. */
export async function pairByPatchId(repo: Repo, olds: readonly string[], news: readonly string[]): Promise<Pairing> {
  const ids = await patchIds(repo, [...olds, ...news]);
  const group = (cs: readonly string[]): Map<string, string[]> => {
    const m = new Map<string, string[]>();
    for (const c of cs) {
      const id = ids.get(c);
      if (id !== undefined) m.set(id, [...(m.get(id) ?? []), c]);
    }
    return m;
  };
  const oldBy = group(olds);
  const newBy = group(news);
  const pairs = new Map<string, string>();
  for (const [id, ns] of newBy) {
    const os = oldBy.get(id);
    if (os?.length === 1 && ns.length === 1) pairs.set(ns[0]!, os[0]!);
  }
  const pairedOld = new Set(pairs.values());
  return { pairs, unpairedOld: olds.filter((c) => !pairedOld.has(c)), unpairedNew: news.filter((c) => !pairs.has(c)) };
}

/** Whether `commits` are one linear chain, each the parent of the next. */
async function isChain(repo: Repo, commits: readonly string[]): Promise<boolean> {
  if (commits.length === 0) return false;
  const out = (await git(['rev-list', '--no-walk=unsorted', '--parents', ...commits, '--'], { cwd: repo.root })).stdout.split('\n').filter((l) => l !== '');
  return out.length === commits.length && out.every((l, i) => {
    const [c, ...parents] = l.split(' ');
    return c === commits[i] && parents.length === 1 && (i === 0 || parents[0] === commits[i - 1]);
  });
}

/**
 * Pairs that patch ids left open, by `git range-diff`, where it is certain: both ranges linear chains, the pair one
 * of range-diff's one-to-one matches of an unpaired old and an unpaired new commit, with the same subject. A conflict
 * resolved while rebasing changes a commit's patch id but not this. Whether the note carries exactly is decided when
 * it is carried (see carryPairs). Anything else stays unpaired, and range-diff's failures are one log line.
 */
export async function pairByRangeDiff(repo: Repo, olds: readonly string[], news: readonly string[], pairing: Pairing, log: (line: string) => void): Promise<Pairing> {
  if (pairing.unpairedOld.length === 0 || pairing.unpairedNew.length === 0) return pairing;
  if (!(await isChain(repo, olds)) || !(await isChain(repo, news))) {
    log(`commits whose patch changed are not paired by git range-diff: the old or the new commits are not one linear chain`);
    return pairing;
  }
  const r = await git(['range-diff', '--no-color', '--no-notes', `${olds[0]}^..${olds[olds.length - 1]}`, `${news[0]}^..${news[news.length - 1]}`], { cwd: repo.root, okCodes: [1, 128, 129] });
  if (r.exitCode !== 0) {
    log(`git range-diff failed (${r.stderr.trim().split('\n')[0] ?? `exit ${r.exitCode}`}); commits whose patch changed stay unpaired`);
    return pairing;
  }
  // An abbreviated id names a commit only when exactly one of the side's commits starts with it.
  const byPrefix = (cs: readonly string[], prefix: string): string | undefined => {
    const found = cs.filter((c) => c.startsWith(prefix));
    return found.length === 1 ? found[0] : undefined;
  };
  const matched: [string, string][] = [];
  for (const line of r.stdout.split('\n')) {
    const m = /^\s*\d+:\s+([0-9a-f]{4,})\s+!\s+\d+:\s+([0-9a-f]{4,})\s/.exec(line);
    if (!m) continue;
    const o = byPrefix(pairing.unpairedOld, m[1]!);
    const n = byPrefix(pairing.unpairedNew, m[2]!);
    if (o && n) matched.push([o, n]);
  }
  if (matched.length === 0) return pairing;
  const subjects = new Map(
    (await git(['log', '--no-walk=unsorted', '--format=%H %s', ...matched.flat(), '--'], { cwd: repo.root })).stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => [l.slice(0, l.indexOf(' ')), l.slice(l.indexOf(' ') + 1)] as const),
  );
  const pairs = new Map(pairing.pairs);
  const byRangeDiff = new Set(pairing.byRangeDiff ?? []);
  const count = (xs: readonly string[], x: string): number => xs.filter((y) => y === x).length;
  for (const [o, n] of matched) {
    if (count(matched.map((p) => p[0]), o) !== 1 || count(matched.map((p) => p[1]), n) !== 1) continue;
    if (subjects.get(o) !== subjects.get(n)) {
      log(`${short(n)}: git range-diff pairs it with ${short(o)}, but their subjects differ; not paired`);
      continue;
    }
    pairs.set(n, o);
    byRangeDiff.add(n);
  }
  const pairedOld = new Set(pairs.values());
  return { pairs, byRangeDiff, unpairedOld: olds.filter((c) => !pairedOld.has(c)), unpairedNew: news.filter((c) => !pairs.has(c)) };
}

/** Pairs by patch id, then what that leaves open by range-diff where certain. */
async function pairCommits(repo: Repo, olds: readonly string[], news: readonly string[], log: (line: string) => void): Promise<Pairing> {
  return pairByRangeDiff(repo, olds, news, await pairByPatchId(repo, olds, news), log);
}

/**
 * The commits a rebase merge made: the first-parent chain ending at `merge`, at most `count` long, stopping at a merge
 * commit or at a commit the pull request or its base already had.
 */
async function rebasedChain(repo: Repo, merge: string, count: number, base: string, head: string): Promise<string[]> {
  if (count === 0) return [];
  // The first-parent walk shows no commit base or head can reach; one with two parents ends the chain.
  const out = (await git(['rev-list', '--first-parent', '--parents', '-n', String(count), merge, `^${base}`, `^${head}`, '--'], { cwd: repo.root })).stdout;
  const chain: string[] = [];
  for (const line of out.split('\n')) {
    const [c, ...parents] = line.split(' ');
    if (!c || parents.length > 1) break;
    chain.unshift(c);
  }
  return chain;
}

/** A commit named on the command line or in an event, and its parents. */
interface Resolved {
  readonly sha: string;
  readonly parents: readonly string[];
}

/** Resolves the named commits with one git process; the first missing one, in the order given, is the error. */
async function resolveAll(repo: Repo, named: readonly (readonly [role: string, rev: string])[]): Promise<Resolved[]> {
  // cat-file reads one name per line: a name that is empty, could be taken for an option or spans lines names no commit.
  const unusable = named.find(([, rev]) => rev === '' || rev.startsWith('-') || /[\n\r\0]/.test(rev));
  if (unusable) throw new MissingCommitError(unusable[0], unusable[1]);
  const objects = await catFileBatch(repo.root, named.map(([, rev]) => `${rev}^{commit}`));
  return named.map(([role, rev], i) => {
    const o = objects[i];
    if (o?.type !== 'commit') throw new MissingCommitError(role, rev);
    return { sha: o.id, parents: commitParents(o.content) };
  });
}

/** The commits of `head` not reachable from `exclude`, oldest first, and which of them are not merges. */
async function prRange(repo: Repo, head: string, exclude: readonly string[]): Promise<{ all: string[]; noMerges: string[] }> {
  const out = (await git(['rev-list', '--reverse', '--parents', head, ...exclude.map((e) => `^${e}`), '--'], { cwd: repo.root })).stdout;
  const rows = out.split('\n').filter((l) => l !== '').map((l) => l.split(' '));
  return { all: rows.map((r) => r[0]!), noMerges: rows.filter((r) => r.length <= 2).map((r) => r[0]!) };
}

/** Writes the notes a server merge needs and says in the log what it did and what it could not do. */
export async function carryServerMerge(repo: Repo, input: ServerMergeInput, ctx: CarryContext): Promise<CarryOutcome> {
  const resolved = await resolveAll(repo, [['base', input.base], ['head', input.head], ['merge', input.merge]]);
  const [base, head, merge] = resolved.map((r) => r.sha) as [string, string, string];
  const parents = resolved[2]!.parents;
  // A squash named by the caller: its reads start with the range (wasted only when nothing turns out to be carried).
  const squashReads = input.method === 'squash' && parents.length <= 1 ? startSquashReads(repo, base, head, merge) : undefined;
  const { all: prCommits, noMerges: olds } = await prRange(repo, head, [base, merge]);
  // A commit of the range is reachable from head and not from merge, so head is not merged; an empty range asks git.
  const merged = prCommits.length === 0 && (await isAncestor(repo, head, merge));
  if (merged) {
    // The PR's own commits are on the target branch: their notes already apply.
    const kind = parents.length > 1 ? 'merge' : 'fast-forward';
    if (input.method === 'squash' || input.method === 'rebase') {
      ctx.log(`${short(head)} (head) is already in the history of ${short(merge)}: the pull request's commits are on the branch as they were, nothing to carry`);
    } else {
      ctx.log(`${short(merge)}: ${kind === 'merge' ? 'a merge commit' : 'a fast-forward'}; the pull request's commits keep their notes, nothing to carry`);
    }
    return { method: kind, written: [], made: parents.length > 1 ? [merge] : [], uncarried: 0 };
  }
  if (input.method === 'merge') {
    ctx.log(`${short(merge)} is not a merge of ${short(head)} (head is not among its ancestors): nothing carried`);
    return { method: 'merge', written: [], made: [], uncarried: 1 };
  }
  if (parents.length > 1) {
    ctx.log(`${short(merge)} is a merge commit whose history does not hold ${short(head)} (head): the mapping is not certain, nothing carried`);
    return { method: 'merge', written: [], made: [], uncarried: 1 };
  }
  if (prCommits.length === 0) {
    ctx.log(`${short(base)}..${short(head)} holds no commits: nothing to carry`);
    return { method: input.method ?? 'squash', written: [], made: [merge], uncarried: 0 };
  }
  let method = input.method;
  let chain: string[] | undefined;
  let pairing: Pairing | undefined;
  let notesRead: Promise<Map<string, string>> | undefined;
  let diffsRead: Promise<Map<string, FileDiff[]>> | undefined;
  if (method !== 'squash') {
    chain = await rebasedChain(repo, merge, olds.length, base, head);
    if (!method && chain.length !== olds.length) {
      // Not as many new commits as the PR had, so no rebase of it (see below): the patch ids would decide nothing.
      method = 'squash';
      ctx.log(`${short(merge)}: detected a squash merge`);
    } else {
      // While the patch ids are worked out: the PR's notes, and the diffs of the pairs a rebase usually makes (the n-th
      // new commit with the n-th old one), of which carrying uses those the patch ids confirm.
      notesRead = readNotes(repo, olds);
      notesRead.catch(() => undefined);
      if (chain.length === olds.length) {
        diffsRead = diffPairs(repo.root, [...chain, ...chain.map((n, i) => `${n} ${olds[i]!}`)], { texts: true });
        diffsRead.catch(() => undefined);
      }
      pairing = await pairByPatchId(repo, olds, chain);
      // A squash commit's chain is shorter than the PR: range-diff (a diff of every commit) is for a rebase's chain only.
      if (method === 'rebase' || chain.length === olds.length) pairing = await pairByRangeDiff(repo, olds, chain, pairing, ctx.log);
      if (!method) {
        // As many new commits as the PR had, some of them its commits by patch id: a rebase (those whose patch changed
        // are reported). A squash commit's patch is the whole PR's, which pairs with none of several commits.
        const rebased = chain.some((n) => pairing!.pairs.has(n));
        method = rebased ? 'rebase' : 'squash';
        const paired = pairing.pairs.size;
        const ranged = pairing.byRangeDiff?.size ?? 0;
        ctx.log(`${short(merge)}: detected a ${method === 'rebase' ? `rebase merge (${paired - ranged} of ${chain.length} commit${chain.length === 1 ? '' : 's'} paired by patch id${ranged > 0 ? `, ${ranged} by git range-diff` : ''})` : 'squash merge'}`);
      }
    }
  }
  if (method === 'squash') {
    const reads = squashReads ?? startSquashReads(repo, base, head, merge);
    const files = await squashProvenance(repo, base, head, merge, parents[0] !== undefined, prCommits, prCommits.length !== olds.length, reads, ctx);
    const wrote = await writeOrJoin(repo, merge, files, ctx, undefined, reads.existing);
    return { method, written: wrote ? [merge] : [], made: [merge], uncarried: 0 };
  }
  return carryPairs(repo, pairing!, chain!, ctx, 'rebase', { notes: notesRead, diffs: diffsRead });
}

/** Carries each old commit's note onto its new twin; unpaired commits are reported, never guessed at. */
export async function carryPairs(
  repo: Repo,
  pairing: Pairing,
  made: readonly string[],
  ctx: CarryContext,
  method: 'rebase',
  early: { notes?: Promise<Map<string, string>>; diffs?: Promise<Map<string, FileDiff[]>> } = {},
): Promise<CarryOutcome> {
  const written: string[] = [];
  // A note already on a new commit is joined, never overwritten: the clone's own, read at the tip the write starts from.
  const own = readOwnNotesAt(repo, made);
  own.catch(() => undefined);
  // The old commits' notes as every reader reads them (fetched ones too).
  const notes = await (early.notes ?? readNotes(repo, [...pairing.unpairedOld, ...pairing.pairs.values()]));
  let uncarried = 0;
  for (const c of pairing.unpairedOld) {
    if (!notes.has(c)) continue;
    uncarried++;
    ctx.log(`${short(c)}: its note was not carried: no commit the server made has the same patch id (changed while rebasing, or dropped)`);
  }
  for (const c of pairing.unpairedNew) ctx.log(`${short(c)}: no original commit with the same patch id; no note written`);
  const carried = made.filter((n) => notes.has(pairing.pairs.get(n) ?? ''));
  // Every new commit's own diff and every pair's diff (old → new): those not read already, from one git process.
  const diffs = new Map(await (early.diffs ?? new Map<string, FileDiff[]>()));
  const missing = [...carried, ...carried.map((n) => `${n} ${pairing.pairs.get(n)!}`)].filter((k) => !diffs.has(k));
  for (const [k, d] of await diffPairs(repo.root, missing, { texts: true })) diffs.set(k, d);
  const planned = new Map<string, string>();
  const existing = await own;
  for (const n of carried) {
    const o = pairing.pairs.get(n)!;
    const note = noteRuns(o, notes.get(o)!, ctx.log);
    if (!note) continue;
    const files = carryPair(note, diffs.get(`${n} ${o}`) ?? [], diffs.get(n) ?? [], (p) => ctx.config.isIgnored(p));
    if (pairing.byRangeDiff?.has(n)) {
      // Paired by range-diff, the patch changed: certain only when every AI line lands unchanged on a line it adds.
      const had = [...note].filter(([p]) => !ctx.config.isIgnored(p)).reduce((k, [, runs]) => k + lineCount(runs), 0);
      // Counted through the pair's hunks without their texts, where a changed line carries nothing (with the texts, a
      // touched-up AI line would carry as mixed and pass for unchanged).
      const bare = (diffs.get(`${n} ${o}`) ?? []).map((d) => ({ ...d, hunks: d.hunks.map(({ oldStart, oldCount, newStart, newCount }) => ({ oldStart, oldCount, newStart, newCount })) }));
      const carried = carryPair(note, bare, diffs.get(n) ?? [], (p) => ctx.config.isIgnored(p)).reduce((k, f) => k + lineCount(f), 0);
      if (carried !== had) {
        uncarried++;
        ctx.log(`${short(n)}: paired with ${short(o)} by git range-diff (same subject), but ${had - carried} of its ${had} AI line${had === 1 ? '' : 's'} changed or moved out of the lines it adds (a conflict resolved while rebasing?); the mapping is not certain, no note written`);
        continue;
      }
      ctx.log(`${short(n)}: paired with ${short(o)} by git range-diff (same subject); all ${had} AI line${had === 1 ? '' : 's'} carry unchanged`);
    }
    const text = planNote(n, files, existing.texts.get(n), ctx, o);
    if (text !== undefined) planned.set(n, text);
  }
  // All notes in one notes commit: one process instead of one per commit.
  await writeNotes(repo, planned, existing);
  written.push(...planned.keys());
  return { method, written, made, uncarried };
}

function lineCount(note: NoteRuns): number {
  return note.runs.reduce((k, r) => k + r.end - r.start, 0);
}

/** What carrying onto a squash commit reads from git, started before it is needed; each is awaited or dropped. */
interface SquashReads {
  /** The squash commit's own diff (keyed by its id) and head→squash (keyed `merge head`), with line texts. */
  readonly diffs: Promise<Map<string, FileDiff[]>>;
  /** The PR's diffs oldest first, each commit kept until `each` takes them. */
  readonly log: StartedLog;
  /** Which commits have notes, on every notes ref a reader reads. */
  readonly listed: Promise<Map<string, readonly string[]>>;
  /** The squash commit's own note, if any (joined, never overwritten). */
  readonly existing: Promise<string | undefined>;
}

function startSquashReads(repo: Repo, base: string, head: string, merge: string): SquashReads {
  const listed = listNotes(repo);
  const reads: SquashReads = {
    // The squash commit alone is its diff against its first parent.
    diffs: diffPairs(repo.root, [merge, `${merge} ${head}`], { texts: true }),
    log: startLog(repo.root, [head, `^${base}`, `^${merge}`]),
    listed,
    // Read only when some notes ref has one (it is the clone's own that is joined).
    existing: listed.then((all) => (all.has(merge) ? readNote(repo, merge) : undefined)),
  };
  // Each is awaited where it is used; this only keeps one that is dropped or awaited late from counting as unhandled.
  for (const p of [reads.diffs, reads.log.done, reads.listed, reads.existing]) p.catch(() => undefined);
  return reads;
}

/** A `logDiffs` under way before its reader is ready: `each` gets the commits read so far, then each as it comes. */
interface StartedLog {
  readonly done: Promise<void>;
  each(take: (c: LoggedCommit) => void): Promise<void>;
}

function startLog(cwd: string, revs: readonly string[]): StartedLog {
  const waiting: LoggedCommit[] = [];
  let taker: ((c: LoggedCommit) => void) | undefined;
  const done = logDiffs(cwd, revs, (c) => (taker ? taker(c) : waiting.push(c)));
  return {
    done,
    each(take) {
      for (const c of waiting.splice(0)) take(c);
      taker = take;
      return done;
    },
  };
}

/**
 * The squash commit's AI lines: each PR file at the head with every line from the note of the PR commit that last
 * changed it (so a line a person changed later is that person's), carried through the head→squash diff and kept on
 * the lines the squash commit adds. One pass over the PR's own diffs, oldest first, carried while git writes them; a
 * PR holding merge commits goes through `git blame` instead, which follows each line into the merged branches.
 */
async function squashProvenance(repo: Repo, base: string, head: string, merge: string, hasParent: boolean, prCommits: readonly string[], hasMerges: boolean, reads: SquashReads, ctx: CarryContext): Promise<CommitFileProvenance[]> {
  if (hasMerges) return squashByBlame(repo, base, head, merge, prCommits, ctx);
  if (!hasParent) {
    ctx.log(`${short(merge)} has no parent: it is not a squash onto a branch, nothing carried`);
    return [];
  }
  // The notes as every reader reads them; the PR's diffs are taken as they come once the notes are known.
  const noteTexts = await readNotes(repo, prCommits, reads.listed);
  const carrier = new LineCarrier();
  let noted = 0;
  await reads.log.each((c) => {
    const text = noteTexts.get(c.sha);
    const note = text === undefined ? undefined : noteRuns(c.sha, text, ctx.log);
    if (note) noted++;
    carrier.commit(c.diff ?? [], note);
  });
  if (noted === 0) {
    ctx.log(`none of the ${prCommits.length} commit${prCommits.length === 1 ? '' : 's'} of ${short(base)}..${short(head)} has a note: nothing to carry`);
    return [];
  }
  const diffs = await reads.diffs;
  const toSquash = new Map((diffs.get(`${merge} ${head}`) ?? []).map((d) => [d.path, d]));
  const out: CommitFileProvenance[] = [];
  for (const c of diffs.get(merge) ?? []) {
    const added = addedRanges(c.hunks);
    if (!c.text || ctx.config.isIgnored(c.path) || added.length === 0) continue;
    const d = toSquash.get(c.path);
    // A path the head→squash diff does not name is the head's version as it is.
    const atHead = d ? (d.text ? carrier.before(d) : NO_RUNS) : carrier.runs(c.path, c.newBlob);
    const runs = d ? carryThrough(atHead.runs, d.hunks, atHead.attributions) : atHead.runs;
    out.push({ path: c.path, addedLines: added.reduce((n, [s, e]) => n + e - s, 0), attributions: atHead.attributions, runs: joinRuns(clipRuns(runs, added), atHead.attributions) });
  }
  return out;
}

/** The squash commit's AI lines as `git blame base..head` shows each PR file at the head (see squashProvenance). */
async function squashByBlame(repo: Repo, base: string, head: string, merge: string, prCommits: readonly string[], ctx: CarryContext): Promise<CommitFileProvenance[]> {
  const noteTexts = await readNotes(repo, prCommits);
  const notes = new Map<string, Map<string, NoteRuns>>();
  for (const [commit, text] of noteTexts) {
    const parsed = parseTraceRecord(text);
    if (!parsed.ok) {
      ctx.log(`note of ${short(commit)} on refs/notes/ai-provenance: ${parsed.error}; skipped`);
      continue;
    }
    notes.set(commit, new Map(parsed.files.map((f) => [f.path, f])));
  }
  if (notes.size === 0) {
    ctx.log(`none of the ${prCommits.length} commit${prCommits.length === 1 ? '' : 's'} of ${short(base)}..${short(head)} has a note: nothing to carry`);
    return [];
  }
  const parent = (await parentOf(repo, merge)) ?? emptyTree(repo);
  const changes = (await commitChanges(repo, parent, merge)).filter((c) => !c.binary && !ctx.config.isIgnored(c.path) && c.addedCount > 0);
  const headBlobs = await treeBlobs(repo, head, changes.map((c) => c.path));
  const blobs = await readBlobs(repo, [...changes.map((c) => c.newBlob), ...headBlobs.values()]);
  // A few blames at a time: each is one git process that mostly waits on its own reads.
  const slot = limiter(BLAME_JOBS);
  const blamed = new Map(changes.filter((c) => headBlobs.has(c.path)).map((c) => [c.path, slot(() => provenanceAtHead(repo, base, head, c.path, notes))] as const));
  // Each is awaited below, in order; this only keeps a failure from counting as unhandled before then.
  for (const p of blamed.values()) p.catch(() => undefined);
  const out: CommitFileProvenance[] = [];
  for (const c of changes) {
    const headBlob = headBlobs.get(c.path);
    const mergeBuf = blobs.get(c.newBlob);
    const headBuf = headBlob ? blobs.get(headBlob) : undefined;
    if (!mergeBuf || isBinary(mergeBuf)) continue;
    if (!headBuf) {
      out.push({ path: c.path, addedLines: c.addedCount, attributions: [], runs: [] });
      continue;
    }
    const headLines = splitLines(headBuf.toString('utf8'));
    const headProv = await blamed.get(c.path)!;
    // blame counts lines ended by \n; the split also yields the empty text after the last one.
    if (headProv.length === headLines.length - 1 && headLines[headLines.length - 1] === '') headProv.push(HUMAN);
    if (headProv.length !== headLines.length) {
      ctx.log(`${c.path}: git blame and the file at ${short(head)} disagree on its lines (carriage returns?); its lines are not carried`);
      out.push({ path: c.path, addedLines: c.addedCount, attributions: [], runs: [] });
      continue;
    }
    const layer = reanchor(headLines, fromLines(headProv), splitLines(mergeBuf.toString('utf8')));
    const r = restrict([layer], c.added);
    out.push({ path: c.path, addedLines: c.addedCount, attributions: r.attributions, runs: r.runs });
  }
  return out;
}

const NO_RUNS: NoteRuns = { attributions: [], runs: [] };

/** Runs at most `n` of the functions given to it at once. */
function limiter(n: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (fn) => {
    while (active >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await fn();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

/** Each line of `path` at `head`: from the note of the PR commit blame names for it, human for lines older than the PR. */
async function provenanceAtHead(repo: Repo, base: string, head: string, path: string, notes: ReadonlyMap<string, ReadonlyMap<string, NoteRuns>>): Promise<LineProvenance[]> {
  const parser = new PorcelainParser();
  await gitLines(['blame', '--porcelain', `${base}..${head}`, '--', path], { cwd: repo.root }, (l) => parser.push(l));
  const wanted = new Map<string, number>();
  for (const e of parser.entries) {
    if (!notes.get(e.commit)?.has(e.filename)) continue;
    const key = `${e.commit}\0${e.filename}`;
    wanted.set(key, Math.max(wanted.get(key) ?? 0, e.origLine));
  }
  const expanded = new Map<string, (LineProvenance | undefined)[]>();
  for (const [key, count] of wanted) {
    const [commit, file] = key.split('\0') as [string, string];
    expanded.set(key, linesOf(notes.get(commit)!.get(file)!, count));
  }
  return parser.entries.map((e) => expanded.get(`${e.commit}\0${e.filename}`)?.[e.origLine - 1] ?? HUMAN);
}

/**
 * Writes `files` as the note of `target`. A note already there is never overwritten: what it lacks is joined to it,
 * and an unreadable one is left alone and reported. `existingNote`: the target's note, when already being read.
 */
export async function writeOrJoin(repo: Repo, target: string, files: readonly CommitFileProvenance[], ctx: CarryContext, from?: string, existingNote?: Promise<string | undefined>): Promise<boolean> {
  const text = planNote(target, files, await (existingNote ?? readNote(repo, target)), ctx, from);
  if (text !== undefined) await writeNote(repo, target, text);
  return text !== undefined;
}

/** The note `target` should get (see writeOrJoin), said in the log; undefined when nothing is to be written. */
function planNote(target: string, files: readonly CommitFileProvenance[], existing: string | undefined, ctx: CarryContext, from?: string): string | undefined {
  const what = from ? `from ${short(from)}` : '';
  const count = files.reduce((n, f) => n + f.runs.reduce((m, r) => m + r.end - r.start, 0), 0);
  if (count === 0) {
    ctx.log(`${short(target)}: no AI lines to carry${what ? ` ${what}` : ''}`);
    return undefined;
  }
  let text = serializeTraceRecord(buildTraceRecord({ revision: target, files, toolVersion: ctx.toolVersion }));
  if (existing !== undefined) {
    const parsed = parseTraceRecord(existing);
    const joined = parsed.ok ? mergeNoteTexts(existing, text) : parsed;
    if (!joined.ok) {
      ctx.log(`${short(target)}: already has a note that cannot be read (${joined.error}); left as it is, nothing carried`);
      return undefined;
    }
    if (parsed.ok && !addsLines(parsed.files, files)) {
      ctx.log(`${short(target)}: its note already holds these lines; left as it is`);
      return undefined;
    }
    text = joined.text;
    ctx.log(`${short(target)}: joined ${count} AI line${count === 1 ? '' : 's'}${what ? ` ${what}` : ''} with the note already there`);
  } else {
    ctx.log(`${short(target)}: wrote a note with ${count} AI line${count === 1 ? '' : 's'}${what ? ` carried ${what}` : ''}`);
  }
  return text;
}

export { GitError };

/**
 * The squash commit a platform did not name: the one commit of `from..to` (first parent or merged in) whose tree is
 * the pull request head's and which is not the head itself. Undefined, with a log line, when there is not exactly one.
 */
export async function findSquashByTree(repo: Repo, from: string, to: string, head: string, log: (line: string) => void): Promise<string | undefined> {
  const tree = (await git(['rev-parse', `${head}^{tree}`], { cwd: repo.root })).stdout.trim();
  const out = (await git(['log', '--no-merges', '--format=%H %T', to, `^${from}`, `^${head}`, '--'], { cwd: repo.root })).stdout;
  const matches = out
    .split('\n')
    .map((l) => l.split(' '))
    .filter((f) => f.length === 2 && f[1] === tree)
    .map((f) => f[0]!);
  if (matches.length === 1) {
    log(`${short(matches[0]!)}: the squash commit, found as the one commit of ${short(from)}..${short(to)} with the tree of ${short(head)} (head)`);
    return matches[0];
  }
  log(`no squash commit named, and ${matches.length === 0 ? 'no' : `${matches.length}`} commit${matches.length === 1 ? '' : 's'} of ${short(from)}..${short(to)} ha${matches.length === 1 ? 's' : 've'} the tree of ${short(head)} (head): nothing carried`);
  return undefined;
}

/** A pull request branch rewritten from `before` to `after` (Update branch → Rebase): each note carried to its pair. */
export async function carryRewrite(repo: Repo, input: { base: string; before: string; after: string }, ctx: CarryContext): Promise<CarryOutcome | undefined> {
  const [base, before, after] = (await resolveAll(repo, [['base', input.base], ['before', input.before], ['after', input.after]])).map((r) => r.sha) as [string, string, string];
  if (await isAncestor(repo, before, after)) {
    ctx.log(`${short(before)}..${short(after)}: commits were added, none rewritten; nothing to carry`);
    return undefined;
  }
  const olds = await revList(repo, before, [after, base], { noMerges: true });
  // The rebased commits sit at the tip; a stale base in the event must not pull the target branch's own commits in.
  const news = await rebasedChain(repo, after, olds.length, base, before);
  ctx.log(`${short(before)} -> ${short(after)}: the branch was rewritten; pairing ${olds.length} old with ${news.length} new commit${news.length === 1 ? '' : 's'} by patch id`);
  const notesRead = readNotes(repo, olds);
  notesRead.catch(() => undefined);
  return carryPairs(repo, await pairCommits(repo, olds, news, ctx.log), news, ctx, 'rebase', { notes: notesRead });
}
