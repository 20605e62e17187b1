// Per-line attribution of a file: `git blame --porcelain` joined with the notes of the blamed commits and,
// for lines not committed yet, the working state.
import { promises as fsp } from 'node:fs';
import { parseTraceRecord } from '../core/agentTrace';
import type { Attribution, LineKind, LineProvenance } from '../core/model';
import { fromLines, hasAi, linesOf, toLines, type AttributedRun, type LineRuns } from '../core/lineRuns';
import { reanchor, splitLines } from '../core/reanchor';
import { unquotePath } from './parsers';
import { listNotes, readNotes } from './notes';
import { fromRepoPath, type Repo } from './repo';
import { gitLines, GitError } from './run';
import { forgetThrownAway } from './thrownAway';
import type { WorkingState } from './workingState';

export interface BlameLine {
  /** 1-based line of the file as it is on disk. */
  readonly line: number;
  readonly kind: LineKind;
  readonly agent?: string;
  readonly model?: string;
  readonly source?: string;
  readonly session?: string;
  readonly at?: string;
  readonly detail?: string;
  /** The commit that last changed the line; absent for uncommitted lines. */
  readonly commit?: string;
}

/**
 * The committed lines of the file on disk that the notes of the commits which last changed them name AI: runs whose
 * attribution is the note's as it has it, one attribution per commit and note attribution.
 */
export interface CommittedRuns {
  readonly lines: LineRuns;
  /** The commit whose note gives each attribution of `lines`, by attribution id. */
  readonly commits: readonly string[];
}

export interface BlameEntry {
  readonly commit: string;
  /** Line number in `commit`'s version of the file, 1-based. */
  readonly origLine: number;
  readonly finalLine: number;
  /** Path of the file in `commit` (differs after a rename). */
  readonly filename: string;
  readonly content: string;
}

const UNCOMMITTED = /^0+$/;

/**
 * Parses `git blame --porcelain` (or `--line-porcelain`) output, fed line by line. `--porcelain` names a commit's file
 * only the first time the commit appears (and on every group when the commit touched the file under several names),
 * so the last name seen for each commit applies to its later lines.
 */
export class PorcelainParser {
  readonly entries: BlameEntry[] = [];
  private header: { commit: string; origLine: number; finalLine: number } | undefined;
  private readonly filenames = new Map<string, string>();

  push(line: string): void {
    if (line.startsWith('\t')) {
      if (!this.header) throw new Error(`git blame: content line without a header: ${line.slice(0, 40)}`);
      this.entries.push({ ...this.header, filename: this.filenames.get(this.header.commit) ?? '', content: line.slice(1) });
      this.header = undefined;
      return;
    }
    if (!this.header) {
      const m = /^([0-9a-f]{40,64}) (\d+) (\d+)/.exec(line);
      if (m) {
        this.header = { commit: m[1]!, origLine: Number(m[2]), finalLine: Number(m[3]) };
        return;
      }
      if (line === '') return;
      throw new Error(`git blame: unexpected line: ${line.slice(0, 60)}`);
    }
    if (line.startsWith('filename ')) this.filenames.set(this.header.commit, unquotePath(line.slice(9)));
  }
}

export async function blameEntries(repo: Repo, repoPath: string, rev?: string): Promise<BlameEntry[] | undefined> {
  const parser = new PorcelainParser();
  try {
    // --porcelain repeats no commit details per line, so there is far less to read than with --line-porcelain. -M -C:
    // a block moved within the file, or from another file changed in the same commit, keeps the commit that wrote it.
    await gitLines(['blame', '--porcelain', '-M', '-C', ...(rev !== undefined ? [rev] : []), '--', repoPath], { cwd: repo.root }, (l) => parser.push(l));
  } catch (err) {
    // Untracked files have no history to blame: every line is uncommitted.
    if (err instanceof GitError && (err.failure === 'no-such-path' || err.failure === 'unknown-revision')) return undefined;
    throw err;
  }
  return parser.entries;
}

/**
 * Before uncommitted lines of `paths` are read: AI lines `git stash pop` or `apply` put back are theirs again, and
 * those git threw away since they were recorded (restore, reset, stash) are not pending any more.
 */
export async function settlePending(repo: Repo, state: WorkingState, paths: readonly string[]): Promise<void> {
  await state.unstash();
  await forgetThrownAway(repo, state, paths);
}

/** Attribution of every line of `repoPath` as it is on disk. */
export async function blameFile(repo: Repo, repoPath: string, state?: WorkingState): Promise<BlameLine[]> {
  // The file and the working state are read while git blame runs.
  const textP = fsp.readFile(fromRepoPath(repo, repoPath), 'utf8');
  const pendingP = textP.then(async (t) => {
    const recorded = state && (await state.read(repoPath, t));
    return recorded && toLines(recorded);
  });
  pendingP.catch(() => undefined);
  const [text, blamed] = await Promise.all([textP, blameWithNotes(repo, repoPath)]);
  const pending = await pendingP;
  if (!blamed) {
    const n = text === '' ? 0 : text.endsWith('\n') ? text.split('\n').length - 1 : text.split('\n').length;
    return Array.from({ length: n }, (_, i) => fromProvenance(i + 1, pending?.[i]));
  }
  const { entries, noted } = blamed;
  const edited = await editedAtHead(repo, repoPath, text, entries, pending);
  return entries.map((e, i) => {
    if (UNCOMMITTED.test(e.commit)) {
      const p = pending?.[e.finalLine - 1];
      // What the state records of a line wins; where it knows no AI, HEAD's attribution carried over applies.
      return fromProvenance(e.finalLine, isAi(p) ? p : (edited?.[e.finalLine - 1] ?? p));
    }
    return { ...fromProvenance(e.finalLine, noted[i]), commit: e.commit };
  });
}

/** The committed AI lines of `repoPath` as it is on disk, by the notes of their commits; undefined where git does not track the file. */
export async function committedLines(repo: Repo, repoPath: string): Promise<CommittedRuns | undefined> {
  const blamed = await blameWithNotes(repo, repoPath);
  if (!blamed) return undefined;
  const attributions: Attribution[] = [];
  const commits: string[] = [];
  const ids = new Map<string, Map<Attribution, number>>();
  const runs: AttributedRun[] = [];
  blamed.entries.forEach((e, i) => {
    const p = blamed.noted[i];
    if (UNCOMMITTED.test(e.commit) || !p || p.kind === 'human' || !p.attribution) return;
    const ofCommit = ids.get(e.commit) ?? ids.set(e.commit, new Map()).get(e.commit)!;
    let id = ofCommit.get(p.attribution);
    if (id === undefined) {
      id = attributions.push(p.attribution) - 1;
      commits.push(e.commit);
      ofCommit.set(p.attribution, id);
    }
    const line = e.finalLine - 1;
    const last = runs[runs.length - 1];
    if (last && last.end === line && last.id === id && last.kind === p.kind) runs[runs.length - 1] = { ...last, end: line + 1 };
    else runs.push({ start: line, end: line + 1, kind: p.kind, id });
  });
  return { lines: { lineCount: blamed.entries.length, attributions, runs }, commits };
}

/** `git blame` of `repoPath` (on disk, or in `rev`) with what the notes say of each line; undefined where the file is not tracked. */
async function blameWithNotes(repo: Repo, repoPath: string, rev?: string): Promise<{ entries: BlameEntry[]; noted: (LineProvenance | undefined)[] } | undefined> {
  // The notes list is read while git blame runs.
  const listed = listNotes(repo);
  listed.catch(() => undefined);
  const entries = await blameEntries(repo, repoPath, rev);
  if (!entries) return undefined;
  return { entries, noted: await notedProvenance(repo, entries, listed) };
}

/**
 * For uncommitted lines the working state knows nothing of, HEAD's attribution carried onto the disk text as a
 * person's change (a person's edit of a committed AI line that keeps its text is mixed); undefined when none needs it.
 */
async function editedAtHead(repo: Repo, repoPath: string, text: string, entries: readonly BlameEntry[], pending: readonly LineProvenance[] | undefined): Promise<LineProvenance[] | undefined> {
  const unknown = (e: BlameEntry): boolean => UNCOMMITTED.test(e.commit) && !isAi(pending?.[e.finalLine - 1]);
  if (!entries.some(unknown)) return undefined;
  const head = await blameAt(repo, 'HEAD', repoPath);
  if (!head || !hasAi(head.provenance)) return undefined;
  return toLines(reanchor(head.lines, head.provenance, splitLines(text)));
}

function isAi(p: LineProvenance | undefined): boolean {
  return p !== undefined && p.kind !== 'human';
}

/**
 * The lines of `repoPath` in commit `rev` with what the notes of the commits that last changed them say (human where
 * no note does); undefined where the file is not in `rev`.
 */
export async function blameAt(repo: Repo, rev: string, repoPath: string): Promise<{ lines: string[]; provenance: LineRuns } | undefined> {
  const blamed = await blameWithNotes(repo, repoPath, rev);
  if (!blamed) return undefined;
  return { lines: blamed.entries.map((e) => e.content), provenance: fromLines(blamed.noted) };
}

/** Per blame entry, what the note of the commit that last changed the line says about it (undefined: no note names it). */
async function notedProvenance(repo: Repo, entries: readonly BlameEntry[], listed: Promise<Map<string, readonly string[]>>): Promise<(LineProvenance | undefined)[]> {
  // The lines blame asks about, per commit and file: a note's ranges are read only that far (a hostile range may
  // claim a billion lines).
  const wanted = new Map<string, number>();
  for (const e of entries) {
    if (UNCOMMITTED.test(e.commit)) continue;
    const key = `${e.commit}\0${e.filename}`;
    wanted.set(key, Math.max(wanted.get(key) ?? 0, e.origLine));
  }
  const commits = [...new Set(entries.map((e) => e.commit).filter((c) => !UNCOMMITTED.test(c)))];
  const notes = await readNotes(repo, commits, listed);
  const byCommit = new Map<string, Map<string, (LineProvenance | undefined)[]>>();
  for (const [commit, noteText] of notes) {
    const parsed = parseTraceRecord(noteText);
    if (!parsed.ok) continue;
    const files = new Map<string, (LineProvenance | undefined)[]>();
    for (const f of parsed.files) {
      const lines = wanted.get(`${commit}\0${f.path}`);
      if (lines === undefined) continue;
      files.set(f.path, linesOf(f, lines));
    }
    byCommit.set(commit, files);
  }
  return entries.map((e) => (UNCOMMITTED.test(e.commit) ? undefined : byCommit.get(e.commit)?.get(e.filename)?.[e.origLine - 1]));
}

function fromProvenance(line: number, p: LineProvenance | undefined): BlameLine {
  if (!p || p.kind === 'human' || !p.attribution) return { line, kind: 'human' };
  const a = p.attribution;
  return {
    line,
    kind: p.kind,
    agent: a.agent,
    ...(a.model !== undefined ? { model: a.model } : {}),
    source: a.source,
    ...(a.session !== undefined ? { session: a.session } : {}),
    at: a.at,
    ...(a.detail !== undefined ? { detail: a.detail } : {}),
  };
}
