// Which added lines of a commit (or of the staged change) are AI: from the working state and from earlier commits' notes.
import { parseTraceRecord } from '../core/agentTrace';
import type { CompiledConfig } from '../core/config';
import { HUMAN, type CommitFileProvenance, type LineProvenance } from '../core/model';
import { filterRuns, fromLines, fromNoteRuns, hasAi, subtract, toLines, type LineRuns, type NoteRuns } from '../core/lineRuns';
import { splitLines } from '../core/lines';
import { reanchor } from './lazyCore';
import { blameAt } from './blame';
import { movedFromState, movedProvenance } from './moves';
import { indexChanges, isBinary, readBlobs, type FileChange } from './diff';
import { readNotes } from './notes';
import { emptyTree, fromRepoPath, headCommit, type Repo } from './repo';
import { git } from './run';
import { parseLsTree } from './parsers';
import type { WorkingState } from './workingState';

export interface ProvenanceOptions {
  /** Team config: ignored paths are skipped. A promise lets the caller load it while git runs. */
  readonly config?: CompiledConfig | Promise<CompiledConfig>;
  /** Diff against HEAD's parent and carry HEAD's note too (`git commit --amend`). */
  readonly amend?: boolean;
  /** Commits whose notes are carried onto the result (the commits a squash combines). */
  readonly sources?: readonly string[];
  /** Where to report notes that cannot be read; they are skipped. */
  readonly report?: (line: string) => void;
  /** The index against HEAD when already known (see parsePrecomputed); undefined asks git. Not used with `amend`. */
  readonly headChanges?: Promise<FileChange[] | undefined>;
  /**
   * Paths HEAD's note covers: when the staged change removes or changes lines of one of them, HEAD's note is carried
   * too, so that a person's edit of a committed AI line is `mixed`. Not used with `amend` (HEAD's note is carried).
   */
  readonly headNoteCovers?: { has(path: string): boolean };
  /** A commit whose lines, attributed by blame and the notes, are carried onto the staged ones (a revert restores them). */
  readonly restoredFrom?: string;
  /**
   * The working state as read before thrown-away lines were settled (its entries cached), with its paths: AI lines a
   * person moved out of a file before the commit are found there. Default: `state`.
   */
  readonly recorded?: { readonly state: WorkingState; readonly paths: readonly string[] };
}

/** For each staged text file: its added/changed lines and which of them are AI (re-anchored onto the staged blob). */
export async function stagedProvenance(repo: Repo, state: WorkingState | undefined, opts: ProvenanceOptions = {}): Promise<CommitFileProvenance[]> {
  return (await stagedDetail(repo, state, opts)).files;
}

export interface StagedDetail {
  readonly files: CommitFileProvenance[];
  /** The staged changes considered (text files, not ignored). */
  readonly changes: readonly FileChange[];
  /** Staged blobs of changes with added lines, by blob id. */
  readonly blobs: ReadonlyMap<string, Buffer>;
  /**
   * The working-state entries read for the staged texts, by entry path, each with the text it was anchored to: a hook
   * reuses one for the same text instead of anchoring the entry again.
   */
  readonly anchored: ReadonlyMap<string, Anchored>;
}

export interface Anchored {
  readonly text: string;
  readonly lines: LineRuns | undefined;
}

/** stagedProvenance plus the diff and blobs it read, so a hook can reuse them instead of asking git again. */
export async function stagedDetail(repo: Repo, state: WorkingState | undefined, opts: ProvenanceOptions = {}): Promise<StagedDetail> {
  const [all, statePaths, carried, config] = await Promise.all([
    // Ask for HEAD (or HEAD^ when amending) directly and fall back to the empty tree for a first commit; saves a rev-parse.
    Promise.resolve(opts.amend ? undefined : opts.headChanges).then(
      (known) =>
        known ??
        indexChanges(repo, opts.amend ? 'HEAD^' : 'HEAD').catch(async (err: unknown) => {
          if (!opts.amend && (await headCommit(repo))) throw err;
          if (opts.amend && (await parentOf(repo, 'HEAD'))) throw err;
          return indexChanges(repo, emptyTree(repo));
        }),
    ),
    state ? state.paths() : Promise.resolve([]),
    opts.sources?.length || opts.amend ? notesOf(repo, [...(opts.sources ?? []), ...(opts.amend ? [await headCommit(repo)].filter((h): h is string => !!h) : [])], opts.report) : Promise.resolve([]),
    opts.config,
  ]);
  const changes = all.filter((c) => !c.binary && !config?.isIgnored(c.path));
  const covers = opts.headNoteCovers;
  const edited = covers && !opts.amend ? changes.filter((c) => c.removedCount > 0 && (covers.has(c.path) || (c.oldPath !== undefined && covers.has(c.oldPath)))) : [];
  if (edited.length > 0) {
    const head = await headCommit(repo);
    if (head) carried.push(...(await blamedAtHead(repo, head, edited)));
  }
  // Lines a person moves keep the authors they had where they came from.
  const moved = await movedProvenance(repo, opts.amend ? 'HEAD^' : 'HEAD', changes);
  const pathSet = new Set(statePaths);
  const stateFrom = (c: FileChange): string | undefined =>
    pathSet.has(c.path) ? c.path : c.oldPath !== undefined && pathSet.has(c.oldPath) ? c.oldPath : undefined;
  const anchored = new Map<string, Anchored>();
  const { files, blobs } = await attribute(
    repo,
    changes,
    carried,
    stateFrom,
    async (c, text) => {
      const from = stateFrom(c);
      if (!state || from === undefined) return undefined;
      const lines = await state.read(from, text);
      anchored.set(from, { text, lines });
      return lines;
    },
    opts.restoredFrom,
    moved,
  );
  const recorded = opts.recorded ?? (state && { state, paths: statePaths });
  return { files: recorded ? await withMovedFromState(repo, recorded.state, recorded.paths, changes, files, stateFrom) : files, changes, blobs, anchored };
}

/** `files` with the added lines still human that are AI lines the working state records for another file, moved here. */
async function withMovedFromState(
  repo: Repo,
  state: WorkingState,
  statePaths: readonly string[],
  changes: readonly FileChange[],
  files: CommitFileProvenance[],
  stateFrom: (c: FileChange) => string | undefined,
): Promise<CommitFileProvenance[]> {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const current = new Map(changes.map((c) => [c, fromNoteRuns(byPath.get(c.path) ?? NO_RUNS, c.added[c.added.length - 1]?.[1] ?? 0)]));
  const currentLines = new Map([...current].map(([c, r]) => [c, toLines(r)]));
  const moved = await movedFromState(repo, state, statePaths, changes, stateFrom, (c, i) => currentLines.get(c)?.[i]?.kind === 'human');
  if (moved.size === 0) return files;
  const runs = new Map<string, LineRuns>();
  for (const [c, prov] of moved) {
    runs.set(c.path, restrict([current.get(c)!, prov], c.added));
  }
  return files.map((f) => {
    const r = runs.get(f.path);
    return r ? { ...f, attributions: r.attributions, runs: r.runs } : f;
  });
}

/**
 * The AI lines of the changed files as HEAD has them, by blame and the notes of the commits that last changed each
 * line (an AI line committed before HEAD too), as one note of HEAD to carry.
 */
async function blamedAtHead(repo: Repo, head: string, changes: readonly FileChange[]): Promise<CarriedNote[]> {
  const files = new Map<string, { runs: NoteRuns; blob?: string }>();
  for (const c of changes) {
    const from = c.oldPath ?? c.path;
    const blamed = await blameAt(repo, head, from);
    if (blamed && hasAi(blamed.provenance)) files.set(from, { runs: blamed.provenance });
  }
  if (files.size === 0) return [];
  const blobs = await treeBlobs(repo, head, [...files.keys()]);
  for (const [p, f] of files) f.blob = blobs.get(p);
  return [{ commit: head, files }];
}

export async function parentOf(repo: Repo, commit: string): Promise<string | undefined> {
  const r = await git(['rev-parse', '-q', '--verify', `${commit}^1^{commit}`], { cwd: repo.root, okCodes: [1, 128] });
  return r.exitCode === 0 ? r.stdout.trim() : undefined;
}

/** A source commit's AI runs per path, with the blob of that path in the source commit. */
interface CarriedNote {
  readonly commit: string;
  readonly files: Map<string, { runs: NoteRuns; blob?: string }>;
}

async function notesOf(repo: Repo, commits: readonly string[], report?: (line: string) => void): Promise<CarriedNote[]> {
  const unique = [...new Set(commits)];
  if (unique.length === 0) return [];
  const notes = await readNotes(repo, unique);
  const out: CarriedNote[] = [];
  for (const commit of unique) {
    const text = notes.get(commit);
    if (text === undefined) continue;
    const parsed = parseTraceRecord(text);
    if (!parsed.ok) {
      report?.(`note of ${commit.slice(0, 12)} on refs/notes/ai-provenance: ${parsed.error}; skipped`);
      continue;
    }
    const files = new Map<string, { runs: NoteRuns; blob?: string }>();
    for (const f of parsed.files) if (f.runs.length > 0) files.set(f.path, { runs: f });
    if (files.size === 0) continue;
    const blobs = await treeBlobs(repo, commit, [...files.keys()]);
    for (const [p, f] of files) f.blob = blobs.get(p);
    out.push({ commit, files });
  }
  return out;
}

/** Pathspecs up to this many (and this many characters in all) go on the command line; beyond, the whole tree is listed. */
const MAX_PATHSPECS = 64;
const MAX_PATHSPEC_CHARS = 16 * 1024;

/**
 * Blob ids of `paths` in `commit`: through one `ls-tree` with literal pathspecs, or for many paths (a note may name a
 * hundred thousand files) one listing of the whole tree, filtered here, which neither outgrows a command line nor
 * makes git match every entry against every pathspec.
 */
export async function treeBlobs(repo: Repo, commit: string, paths: readonly string[]): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  if (paths.length === 0) return map;
  const few = paths.length <= MAX_PATHSPECS && paths.reduce((n, p) => n + p.length, 0) <= MAX_PATHSPEC_CHARS;
  const args = few ? ['--literal-pathspecs', 'ls-tree', '-r', '-z', '--full-tree', commit, '--', ...paths] : ['ls-tree', '-r', '-z', '--full-tree', commit];
  const wanted = few ? undefined : new Set(paths);
  const r = await git(args, { cwd: repo.root });
  for (const e of parseLsTree(r.stdout)) if (e.type === 'blob' && e.id && (!wanted || wanted.has(e.path))) map.set(e.path, e.id);
  return map;
}

async function attribute(
  repo: Repo,
  changes: readonly FileChange[],
  carried: readonly CarriedNote[],
  stateFrom: (c: FileChange) => string | undefined,
  fromState: (c: FileChange, text: string) => Promise<LineRuns | undefined>,
  restoredFrom?: string,
  moved?: ReadonlyMap<FileChange, LineRuns>,
): Promise<{ files: CommitFileProvenance[]; blobs: Map<string, Buffer> }> {
  const sourceBlobIds = carried.flatMap((n) => [...n.files.values()].flatMap((f) => (f.blob ? [f.blob] : [])));
  const carriedPath = (c: FileChange): boolean => carried.some((n) => n.files.has(c.path) || (c.oldPath !== undefined && n.files.has(c.oldPath)));
  // Only files something is recorded for need their text: the rest count as added lines with no AI among them.
  const needed = changes.filter((c) => c.addedCount > 0 && (restoredFrom !== undefined || moved?.has(c) || stateFrom(c) !== undefined || carriedPath(c)));
  const byBlob = new Map(needed.map((c) => [c.newBlob, c]));
  const blobs = await readBlobs(repo, [...needed.map((c) => c.newBlob), ...sourceBlobIds], { onDisk: (id) => diskPathOf(repo, byBlob, id) });
  const neededSet = new Set(needed);
  const out: CommitFileProvenance[] = [];
  for (const c of changes) {
    if (c.addedCount === 0 || !neededSet.has(c)) {
      out.push({ path: c.path, addedLines: c.addedCount, attributions: [], runs: [] });
      continue;
    }
    const buf = blobs.get(c.newBlob);
    if (!buf || isBinary(buf)) continue;
    const text = buf.toString('utf8');
    const layers: LineRuns[] = [];
    let newLines: string[] | undefined;
    const old = restoredFrom === undefined ? undefined : ((await blameAt(repo, restoredFrom, c.path)) ?? (c.oldPath !== undefined ? await blameAt(repo, restoredFrom, c.oldPath) : undefined));
    let own = await fromState(c, text);
    if (own && old) {
      // A restored line is what blame says it was: the working state speaks only for lines the revert does not restore.
      const restored = reanchor(old.lines, fromLines(old.lines.map(() => RESTORED)), (newLines ??= splitLines(text)));
      own = subtract(own, filterRuns(restored, (_, kind) => kind === 'ai'));
    }
    if (own) layers.push(own);
    for (const note of carried) {
      const f = note.files.get(c.path) ?? (c.oldPath !== undefined ? note.files.get(c.oldPath) : undefined);
      const srcBuf = f?.blob ? blobs.get(f.blob) : undefined;
      if (!f || !srcBuf) continue;
      const srcLines = splitLines(srcBuf.toString('utf8'));
      newLines ??= splitLines(text);
      layers.push(reanchor(srcLines, fromNoteRuns(f.runs, srcLines.length), newLines));
    }
    if (old && hasAi(old.provenance)) layers.push(reanchor(old.lines, old.provenance, (newLines ??= splitLines(text))));
    const movedHere = moved?.get(c);
    if (movedHere) layers.push(movedHere);
    const r = restrict(layers, c.added);
    out.push({ path: c.path, addedLines: c.addedCount, attributions: r.attributions, runs: r.runs });
  }
  return { files: out, blobs };
}

const NO_RUNS: NoteRuns = { attributions: [], runs: [] };

/** The sentinel reanchor carries along unchanged lines: what survives is a line the revert restores. */
const RESTORED: LineProvenance = Object.freeze({ kind: 'ai', attribution: Object.freeze({ agent: 'restored', source: 'import', at: '' }) });

/** The first non-human layer per line, kept only on added lines; human everywhere else. */
export function restrict(layers: readonly LineRuns[], added: readonly (readonly [number, number])[]): LineRuns {
  const end = added.length ? added[added.length - 1]![1] : 0;
  const out = new Array<LineProvenance>(end).fill(HUMAN);
  const perLine = layers.map(toLines);
  for (const [s, e] of added) {
    for (let i = s; i < e; i++) {
      for (const layer of perLine) {
        const p = layer[i];
        if (p && p.kind !== 'human') {
          out[i] = p;
          break;
        }
      }
    }
  }
  return fromLines(out);
}

/** The working-tree file that may hold blob `id` of a staged change (staged as it is on disk, the usual case). */
function diskPathOf(repo: Repo, changes: ReadonlyMap<string, FileChange>, id: string): string | undefined {
  const c = changes.get(id);
  return c && fromRepoPath(repo, c.path);
}
