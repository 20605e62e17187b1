// Notes of commits git rewrote in this clone (an amend, a rebase, a squash or fixup, a cherry-pick): each original's
// note carried through git's own diff from the original to the new commit, the one carry `ci` uses for a server's
// rebase merge (carryPair), and the hooks for the parents' notes in a merge's resolution and for the rewrites they
// catch up on (carriedOnto). All pairs of a rewrite are diffed by one `git diff-tree --stdin`, and all notes written
// in one notes commit.
import { buildTraceRecord, parseTraceRecord, serializeTraceRecord } from '../core/agentTrace';
import type { CompiledConfig } from '../core/config';
import { carryPair, type FileDiff } from '../core/lineCarry';
import type { NoteRuns } from '../core/lineRuns';
import type { CommitFileProvenance } from '../core/model';
import { addsLines, mergeNoteTexts } from '../core/noteMerge';
import { diffPairs } from './history';
import { ownNoteAt, readNotes, readOwnNotesAt, writeNotes } from './notes';
import type { Repo } from './repo';
import { git } from './run';

const short = (sha: string): string => sha.slice(0, 12);

/** A commit's note as runs per path, each path's in line order; undefined without one, or (said in `log`) when it cannot be read. */
export function noteRuns(commit: string, text: string, log: (line: string) => void): Map<string, NoteRuns> | undefined {
  if (text.trim() === '') return undefined;
  const parsed = parseTraceRecord(text);
  if (!parsed.ok) {
    log(`note of ${short(commit)} on refs/notes/ai-provenance: ${parsed.error}; skipped`);
    return undefined;
  }
  // Carrying needs each file's runs in line order, as the reader gives them.
  return new Map(parsed.files.map((f) => [f.path, f]));
}

export interface RewriteContext {
  readonly config: CompiledConfig;
  readonly toolVersion: string;
  /** One line per call: what was not carried, and why. */
  readonly log: (line: string) => void;
  /**
   * New commits whose note already folds in the replaced commits' (post-commit wrote an amend's): only what git copied
   * there is taken out; the carry is made only when git's copy replaced that note.
   */
  readonly folded?: ReadonlySet<string>;
}

/** What carrying needs: ignored paths get nothing; what cannot be carried is said in `log`, a line per call. */
export type CarryContext = Pick<RewriteContext, 'config' | 'log'>;

/**
 * Writes onto each new commit of `rewrites` (new commit → the commits it replaced, in git's order) the notes of the
 * commits it replaced, carried through the diff from each of them to it, joined with the note the new commit already
 * has. Returns the commits that got a note.
 */
export async function carryRewrites(repo: Repo, rewrites: ReadonlyMap<string, readonly string[]>, ctx: RewriteContext): Promise<string[]> {
  let own: ReturnType<typeof readOwnNotesAt> | undefined;
  // The notes already on the new commits are read, at the tip the write will start from, while git diffs.
  const carried = await carriedOnto(repo, rewrites, ctx, (targets) => {
    own = readOwnNotesAt(repo, targets);
    own.catch(() => undefined);
  });
  if (carried.size === 0 || !own) return [];
  const existing = await own;
  const planned = new Map<string, string>();
  const removed: string[] = [];
  for (const [n, files] of carried) {
    const had = existing.texts.get(n);
    let kept = had === undefined ? undefined : withoutGitCopies(had, n);
    // notes.rewriteMode overwrite or cat_sort_uniq: git's copy replaced (or sorted the lines of) the note post-commit
    // had just written for this amend, with the amend's own AI lines; it is taken back from the notes commit before git's.
    if (had !== undefined && ctx.folded?.has(n) && existing.tip !== undefined && !readable(kept)) kept = (await writtenBeforeCopy(repo, existing.tip, n)) ?? kept;
    if (kept !== undefined && ctx.folded?.has(n)) {
      if (kept !== had) planned.set(n, kept);
      continue;
    }
    // What git copied there goes even when nothing is carried: the person replaced those lines (an amend, a
    // conflict resolved with their own text), and the copy would show their lines as AI.
    const text = joinedNote(n, files, kept, ctx) ?? (kept !== had ? kept : undefined);
    if (text !== undefined) planned.set(n, text);
    else if (had !== undefined && kept === undefined) removed.push(n);
  }
  await writeNotes(repo, planned, existing, removed);
  return [...planned.keys()];
}

/**
 * For each new commit of `rewrites` that replaced a commit with a readable note: what each such note carries onto it
 * (carryPair), one list of files per replaced commit, in git's order. All pairs are diffed by one `git diff-tree
 * --stdin` (after one without lines that finds the noted paths); `started` learns the new commits before it runs.
 */
export async function carriedOnto(
  repo: Repo,
  rewrites: ReadonlyMap<string, readonly string[]>,
  ctx: CarryContext,
  started?: (targets: string[]) => void,
): Promise<Map<string, CommitFileProvenance[][]>> {
  const olds = [...new Set([...rewrites.values()].flat())];
  // Which new commits are merges (`rebase --rebase-merges`, a merge's own resolution): a merge's own diff is against
  // its first parent.
  const parentsRead = git(['rev-list', '--no-walk=unsorted', '--parents', '--stdin'], { cwd: repo.root, input: `${[...rewrites.keys()].join('\n')}\n` });
  parentsRead.catch(() => undefined);
  const notes = await readNotes(repo, olds);
  const parsed = new Map<string, Map<string, NoteRuns>>();
  for (const o of olds) {
    const text = notes.get(o);
    const runs = text === undefined ? undefined : noteRuns(o, text, ctx.log);
    if (runs) parsed.set(o, runs);
  }
  const todo = [...rewrites].map(([n, from]) => [n, from.filter((o) => parsed.has(o))] as const).filter(([, from]) => from.length > 0);
  if (todo.length === 0) return new Map();
  started?.(todo.map(([n]) => n));
  const firstParent = new Map<string, string>();
  for (const line of (await parentsRead).stdout.split('\n')) {
    const [n, p, ...more] = line.split(' ');
    if (n && p && more.length > 0) firstParent.set(n, p);
  }
  const ownKey = (n: string): string => (firstParent.has(n) ? `${n} ${firstParent.get(n)!}` : n);
  const ownKeys = todo.map(([n]) => ownKey(n));
  const pairKeys = todo.flatMap(([n, from]) => from.map((o) => `${n} ${o}`));
  const paths = await carriedPaths(repo.root, todo, parsed, ownKeys, pairKeys);
  // Notes that name no file leave nothing to carry, and an empty pathspec would mean every file.
  const diffs = paths?.length === 0 ? new Map<string, FileDiff[]>() : await diffPairs(repo.root, [...ownKeys, ...pairKeys], { texts: true, root: true, ...(paths && { paths }) });
  return new Map(todo.map(([n, from]) => [n, from.map((o) => carryPair(parsed.get(o)!, diffs.get(`${n} ${o}`) ?? [], diffs.get(ownKey(n)) ?? [], (p) => ctx.config.isIgnored(p)))]));
}

// Past this many characters of paths the command line may be too long (Windows allows 32,767): every path is diffed.
const MAX_PATHSPEC_CHARS = 24_000;

/**
 * The paths the line diffs must cover: those the replaced commits' notes name, the names they have in the new commits,
 * and what the new commits renamed into those (both sides of a rename, for git to pair them). Read from one `git
 * diff-tree` without lines: the new base may change large files the notes never name (a regenerated lock file), whose
 * lines would otherwise be read once per rewritten commit. Undefined when they are too many for one command line.
 */
async function carriedPaths(
  cwd: string,
  todo: readonly (readonly [string, readonly string[]])[],
  parsed: ReadonlyMap<string, ReadonlyMap<string, NoteRuns>>,
  ownKeys: readonly string[],
  pairKeys: readonly string[],
): Promise<string[] | undefined> {
  const paths = new Set(todo.flatMap(([, from]) => from.flatMap((o) => [...parsed.get(o)!.keys()])));
  const files = await diffPairs(cwd, [...ownKeys, ...pairKeys], { root: true, patch: false });
  for (const k of pairKeys) for (const f of files.get(k) ?? []) if (f.oldPath !== undefined && paths.has(f.oldPath)) paths.add(f.path);
  for (const k of ownKeys) for (const f of files.get(k) ?? []) if (f.oldPath !== undefined && paths.has(f.path)) paths.add(f.oldPath);
  let chars = 0;
  for (const p of paths) chars += p.length + 12;
  return chars > MAX_PATHSPEC_CHARS ? undefined : [...paths];
}

/** The note of `target` as it stood before the notes commit `tip` (git's copy), when one of its records names `target`. */
async function writtenBeforeCopy(repo: Repo, tip: string, target: string): Promise<string | undefined> {
  const before = await ownNoteAt(repo, `${tip}^`, target);
  const own = before === undefined ? undefined : withoutGitCopies(before, target);
  return readable(own) ? own : undefined;
}

const readable = (text: string | undefined): text is string => text !== undefined && parseTraceRecord(text).ok;

/**
 * The note on `target` without what git itself copied there from the replaced commits' notes (`notes.rewriteRef`
 * naming our ref): records that name another commit, alone or run together with others (`notes.rewriteMode`
 * concatenate, which no reader can parse). Undefined when nothing else is left; the text as it is when some part of
 * it cannot be read.
 */
function withoutGitCopies(note: string, target: string): string | undefined {
  const ownRecord = (text: string): boolean | undefined => {
    const parsed = parseTraceRecord(text);
    return parsed.ok ? parsed.record.vcs === undefined || parsed.record.vcs.revision === target : undefined;
  };
  // Each record git ran together starts with the `{` of a line of its own.
  const parts = note.split(/\n(?=\{\s*$)/m);
  const own = parts.map(ownRecord);
  if (own.some((o) => o === undefined)) return note;
  let text: string | undefined;
  parts.forEach((part, k) => {
    if (!own[k]) return;
    const joined = text === undefined ? { ok: true as const, text: part } : mergeNoteTexts(text, part);
    if (joined.ok) text = joined.text;
  });
  return text;
}

/**
 * The note of `target` from what each replaced commit carried onto it, joined record by record (two contributors of
 * one line are both kept) with the note it has; undefined when nothing is to be written.
 */
function joinedNote(target: string, carried: readonly (readonly CommitFileProvenance[])[], existing: string | undefined, ctx: RewriteContext): string | undefined {
  let text: string | undefined;
  for (const files of carried) {
    if (!files.some((f) => f.runs.length > 0)) continue;
    const record = serializeTraceRecord(buildTraceRecord({ revision: target, files, toolVersion: ctx.toolVersion }));
    const joined = text === undefined ? { ok: true as const, text: record } : mergeNoteTexts(text, record);
    if (joined.ok) text = joined.text;
  }
  if (text === undefined || existing === undefined) return text;
  const had = parseTraceRecord(existing);
  if (!had.ok) {
    ctx.log(`${short(target)}: its note cannot be read (${had.error}); left as it is, the replaced commits' AI lines not carried`);
    return undefined;
  }
  const mine = parseTraceRecord(text);
  if (mine.ok && !addsLines(had.files, mine.files)) return undefined;
  const joined = mergeNoteTexts(existing, text);
  if (!joined.ok) ctx.log(`${short(target)}: its note cannot be joined with the replaced commits' (${joined.error}); left as it is`);
  return joined.ok ? joined.text : undefined;
}
