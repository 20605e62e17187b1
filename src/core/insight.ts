// Insight (PRODUCT.md §14): lines added by AI and by people over a range of commits, per agent, model, author, path
// and week; the AI share of the code as it stands at a revision; AI lines in critical paths, signed off or not.
//
// The code as it stands comes from blame joined with the notes, computed for every file at once in one pass over
// the history, oldest commit first: each file version (blob) carries the origin of its AI lines; a commit's diff
// moves the lines its parent's version had and gives its added lines what the commit's own note says. That is
// what `git blame` followed by a note lookup gives line by line (a line belongs to the commit whose diff adds it),
// without one blame walk per file. Renames are followed (the diff pairs old and new blob); merges take each line
// from the first parent that has it unchanged, and lines new against every parent are the merge's own.
import type { CompiledConfig } from './config';
import type { AttributedRun, NoteRuns } from './lineRuns';
import type { Attribution, Trailer } from './model';
import { isSignedOff, REVIEW_TRAILER } from './policy';
import { UNJUDGED_TOKEN } from './trailers';
import { mapRuns, type FileDiff } from './lineCarry';

export type { FileDiff, Hunk } from './lineCarry';

/** What never changes for a commit id. */
export interface CommitFacts {
  readonly parents: readonly string[];
  readonly authorName: string;
  readonly authorEmail: string;
  /** Author time, seconds since the epoch. */
  readonly time: number;
  readonly subject: string;
  readonly trailers: readonly Trailer[];
  /** Its changes against each parent, in parent order; a root commit has one list, against the empty tree. */
  readonly diffs: readonly (readonly FileDiff[])[];
}

export interface HistoryCommit extends CommitFacts {
  readonly sha: string;
  /** The commit's readable note; undefined without one (or when it could not be read). */
  readonly note?: readonly NoteFile[];
  /** Whether the commit counts towards the range's added lines (the at-revision share reads every commit). */
  readonly inRange: boolean;
}

/** What the figures read of an attribution: who wrote the lines. */
type AgentModel = Pick<Attribution, 'agent' | 'model'>;

/** A file of a commit's note, as the figures read it: its runs, naming a table of the agents and models that wrote them. */
export interface NoteFile extends NoteRuns<AgentModel> {
  readonly path: string;
}

const NO_RUNS: NoteRuns<AgentModel> = { attributions: [], runs: [] };

/** A file of the revision whose share is wanted. */
export interface TreeEntry {
  readonly path: string;
  readonly blob: string;
  readonly mode: string;
}

/**
 * Added lines of a group; `human` = added − ai − mixed − unjudged. `share` is (ai + mixed) / added, 0 when nothing
 * was added. `unjudged`: lines of commits whose hooks could not judge them (an AI-Unjudged trailer, no readable note):
 * who wrote them is not known, so they count neither as AI nor as people's.
 */
export interface Row {
  readonly key: string;
  readonly added: number;
  readonly ai: number;
  readonly mixed: number;
  readonly unjudged: number;
  readonly human: number;
  readonly share: number;
}

export interface AgentRow {
  readonly agent: string;
  readonly ai: number;
  readonly mixed: number;
  /** Of all lines added in the range (or of all lines at the revision). */
  readonly share: number;
}

export interface ModelRow extends AgentRow {
  /** models.dev id, or '(not recorded)'. */
  readonly model: string;
}

export interface WeekRow extends Row {
  /** AI and mixed lines per agent. */
  readonly agents: Readonly<Record<string, number>>;
}

export interface CriticalTally {
  readonly aiLines: number;
  readonly signedOff: number;
  readonly unsigned: number;
}

export interface CriticalRow {
  readonly index: number;
  readonly reason: string;
  readonly level: 'warn' | 'block';
  readonly paths: readonly string[];
  /** AI lines the range's commits added in the rule's paths; `commits` that did, `fromTrailers` of them known only from trailers (lines unknown). */
  readonly range: CriticalTally & { readonly commits: number; readonly fromTrailers: number };
  /** AI lines in the rule's paths at the revision, signed off when the commit that wrote them carries an accepted sign-off. */
  readonly atRevision: CriticalTally & { readonly files: number };
}

export interface CriticalCommit {
  readonly sha: string;
  readonly time: number;
  readonly author: string;
  readonly subject: string;
  readonly rule: number;
  /** AI lines per file; null when only the commit's trailers name the file. */
  readonly files: readonly { readonly path: string; readonly aiLines: number | null }[];
  /** The commit's AI-Reviewed-by values. */
  readonly reviewers: readonly string[];
  readonly signedOff: boolean;
}

export interface DirNode {
  readonly name: string;
  /** Repository-relative, '' for the root; folders end in '/'. */
  readonly path: string;
  readonly lines: number;
  readonly ai: number;
  readonly mixed: number;
  /** Lines last changed by a commit its hooks could not judge (see Row). */
  readonly unjudged: number;
  /** Text files under it. */
  readonly files: number;
  /** Sub-folders and the files that have AI lines, most AI lines first. */
  readonly children: readonly DirNode[];
}

export interface AtRevision {
  readonly sha: string;
  readonly lines: number;
  readonly ai: number;
  readonly mixed: number;
  /** Lines last changed by a commit its hooks could not judge (see Row): neither AI nor people's. */
  readonly unjudged: number;
  readonly share: number;
  readonly files: number;
  readonly byAgent: readonly AgentRow[];
  readonly byModel: readonly ModelRow[];
  readonly tree: DirNode;
}

export interface Insight {
  readonly commits: number;
  readonly merges: number;
  /** Commits of the range with a readable note, and without one but with AI-Lines trailers. */
  readonly withNote: number;
  readonly fromTrailers: number;
  /** Commits of the range its hooks could not judge (AI-Unjudged trailer, no readable note); their lines are `unjudged`. */
  readonly unjudgedCommits: number;
  readonly total: Row;
  readonly byAgent: readonly AgentRow[];
  readonly byModel: readonly ModelRow[];
  readonly byAuthor: readonly (Row & { readonly name: string })[];
  readonly byPath: readonly Row[];
  readonly byWeek: readonly WeekRow[];
  readonly critical: readonly CriticalRow[];
  readonly criticalCommits: readonly CriticalCommit[];
  readonly atRevision?: AtRevision;
}

/** Where AI lines of commits without a note go in the path breakdown: the trailers do not say which files hold them. */
export const NO_NOTE_PATH = '(commits without a note)';
export const NO_MODEL = '(not recorded)';
export const PEOPLE = '(people)';
/** The agent breakdown's row of lines from commits its hooks could not judge. */
export const UNJUDGED = '(unjudged)';

/** What the unjudged figures mean, as two short lines of text. */
export function unjudgedNote(i: Pick<Insight, 'unjudgedCommits'>): [string, string] {
  const c = i.unjudgedCommits;
  const commits = c > 0 ? `${c.toLocaleString('en-US')} commit${c === 1 ? '' : 's'}` : 'commits';
  return [
    `Unjudged: lines of ${commits} its hooks could not judge (AI-Unjudged, no note); who wrote them`,
    "is not known: neither AI nor people's, and not in the critical-path figures (see ai-provenance check).",
  ];
}

/**
 * Where lines of a file version came from: every line has one (people's lines too), so that a note that changes
 * later can be applied to the lines of its commit that are still there (InsightBuilder.rejudge).
 */
interface ORun {
  readonly start: number;
  readonly end: number;
  /** `unjudged`: lines of a commit its hooks could not judge, whose writer is not known; `human`: no note run names them. */
  readonly kind: 'ai' | 'mixed' | 'unjudged' | 'human';
  /** Interned agent/model; -1 for unjudged and people's lines. */
  readonly a: number;
  /** The commit that wrote the lines (index into the commits seen). */
  readonly c: number;
  /** The line `start` is in that commit's version of the file (the line its note names). */
  readonly o: number;
  /** That file's path in that commit (interned). */
  readonly p: number;
}

const KINDS = ['ai', 'mixed', 'unjudged', 'human'] as const;
/** Values per run in a snapshot: start, end, kind, agent/model, commit, origin line, origin path. */
const RUN_FIELDS = 7;

/** The part of `r` that starts at its line `from`, now at [start, end) (see mapRuns). */
const piece = (r: ORun, from: number, start: number, end: number): ORun => ({ ...r, start, end, o: r.o + from - r.start });

/**
 * A note change InsightBuilder.rejudge cannot apply exactly (a merge, overlapping note runs, an order of agents in a
 * week the state does not tell): the figures must be worked out again by a pass over the whole history.
 */
export class RejudgeMiss extends Error {
  override name = 'RejudgeMiss';
}

/** A commit already fed whose note changed: its facts, its index among the commits fed, the note before and now. */
export interface NoteChange {
  readonly sha: string;
  readonly index: number;
  readonly facts: CommitFacts;
  readonly before?: readonly NoteFile[];
  readonly after?: readonly NoteFile[];
}

/** A resumed builder was asked for a file version its snapshot did not keep: the pass must start over. */
export class ResumeMiss extends Error {
  override name = 'ResumeMiss';
  constructor(readonly blob: string) {
    super(`insight snapshot: file version ${blob} not kept`);
  }
}

type TallyJson = { added: number; ai: number; mixed: number; unjudged: number };

/** An InsightBuilder's state as JSON (see InsightBuilder.snapshot). */
export interface InsightSnapshot {
  readonly depth: number;
  /** Commits fed. */
  readonly fed: number;
  /**
   * File versions kept: blob id → line count (-1: not text), or line count and runs as start, end, kind, agent/model,
   * commit, origin line, origin path (an index into `origins`).
   */
  readonly carried: readonly (readonly [string, number | readonly [number, readonly number[]]])[];
  readonly origins: readonly string[];
  readonly attrs: readonly (readonly [string, string | null])[];
  /** The commits the kept runs name: index, author e-mail, AI-Reviewed-by trailers. */
  readonly metas: readonly (readonly [number, string, readonly (readonly [string, string])[]])[];
  readonly total: TallyJson;
  /** Per agent/model: its tally and how many times a commit added to it. */
  readonly agents: readonly [number, TallyJson, number][];
  readonly authors: readonly [string, TallyJson][];
  readonly authorNames: readonly [string, string][];
  readonly paths: readonly [string, TallyJson][];
  readonly weeks: readonly [string, TallyJson][];
  /** Per week, in the order first met: agent, lines, the first commit that added to it, how many times commits did. */
  readonly weekAgents: readonly [string, [string, number, number, number][]][];
  readonly ruleRange: readonly [number, { aiLines: number; signedOff: number; unsigned: number; commits: number; fromTrailers: number }][];
  readonly criticalCommits: readonly CriticalCommit[];
  /** The index of each critical commit's commit. */
  readonly criticalAt: readonly number[];
  readonly counts: readonly [number, number, number, number, number];
}

/** A file version: its line count alone when it has no AI lines, or with the runs of its AI lines. */
type Runs = { readonly lines: number; readonly runs: readonly ORun[] };
/**
 * A file version: its line count alone when it has no runs, with its runs, or (in a resumed builder, until a commit
 * or a changed note needs them) with its runs as the snapshot keeps them, RUN_FIELDS numbers each.
 */
type Carried = number | Runs | { readonly lines: number; readonly flat: readonly number[] };
const HUMAN_KIND = KINDS.indexOf('human');
const NOT_TEXT = -1;

interface Tally {
  added: number;
  ai: number;
  mixed: number;
  unjudged: number;
}

interface CommitMeta {
  readonly email: string;
  readonly reviews: readonly Trailer[];
}

/** An agent's AI lines in a week, the first commit (index) that added to them, and how many times commits did. */
interface WeekAgent {
  n: number;
  first: number;
  uses: number;
}

/** A commit's file as counted: its added lines and the note's runs among them. */
type OwnFile = { path: string; added: (readonly [number, number])[]; noted: NoteRuns<AgentModel> };

const tally = (): Tally => ({ added: 0, ai: 0, mixed: 0, unjudged: 0 });

function bump<K>(map: Map<K, Tally>, key: K, added: number, ai: number, mixed: number, unjudged = 0): void {
  let t = map.get(key);
  if (!t) map.set(key, (t = tally()));
  t.added += added;
  t.ai += ai;
  t.mixed += mixed;
  t.unjudged += unjudged;
}

function row(key: string, t: Tally): Row {
  const n = t.ai + t.mixed;
  return { key, added: t.added, ai: t.ai, mixed: t.mixed, unjudged: t.unjudged, human: Math.max(0, t.added - n - t.unjudged), share: t.added > 0 ? n / t.added : 0 };
}

/**
 * A copy of `s` that keeps nothing else alive. Strings cut from git's output share its memory (V8 keeps the whole
 * output a slice came from): what is kept for every commit or file version must not hold on to all of it.
 */
function detached(s: string): string {
  return ` ${s}`.slice(1);
}

/** Whether a commit is one its hooks could not judge: marked AI-Unjudged and without a readable note (as `check` says). */
function isUnjudged(c: HistoryCommit): boolean {
  return c.note === undefined && c.trailers.some((t) => t.token.toLowerCase() === UNJUDGED_TOKEN.toLowerCase());
}

/** `2026-W03`: the ISO 8601 week of a time (UTC). */
export function isoWeek(seconds: number): string {
  const d = new Date(Math.floor(seconds / 86400) * 86400000);
  const day = (d.getUTCDay() + 6) % 7;
  // The Thursday of the same week decides the year.
  d.setUTCDate(d.getUTCDate() - day + 3);
  const year = d.getUTCFullYear();
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const week = 1 + Math.round((d.getTime() - jan4.getTime()) / 604800000 - 3 / 7 + ((jan4.getUTCDay() + 6) % 7) / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The first `depth` folders of a path (`src/core/`), or the path itself when it is no deeper. */
export function pathPrefix(path: string, depth: number): string {
  const parts = path.split('/');
  return parts.length > depth ? `${parts.slice(0, depth).join('/')}/` : path;
}

/** Adjacent runs with the same origin become one. Input sorted by start; runs are shared between versions, never changed. */
function joined(runs: readonly ORun[]): ORun[] {
  const out: ORun[] = [];
  for (const r of runs) {
    const last = out[out.length - 1];
    if (last && last.end === r.start && last.kind === r.kind && last.a === r.a && last.c === r.c && last.p === r.p && last.o + (last.end - last.start) === r.o) out[out.length - 1] = { ...last, end: r.end };
    else out.push(r);
  }
  return out;
}

/** A note's files that have runs, by path. */
function noteMap(note: readonly NoteFile[] | undefined): Map<string, NoteFile> {
  const notes = new Map<string, NoteFile>();
  for (const f of note ?? []) if (f.runs.length > 0) notes.set(f.path, f);
  return notes;
}

/** Whether two runs of one path of a note share a line. */
function overlapping(notes: ReadonlyMap<string, NoteFile>): boolean {
  for (const f of notes.values()) {
    const sorted = [...f.runs].sort((x, y) => x.start - y.start);
    let end = -Infinity;
    for (const r of sorted) {
      if (r.start < end) return true;
      end = Math.max(end, r.end);
    }
  }
  return false;
}

/** The parts of `note`'s runs within `ranges` (per run, per range), naming the note's table. */
function intersect(note: NoteRuns<AgentModel>, ranges: readonly (readonly [number, number])[]): NoteRuns<AgentModel> {
  const runs: AttributedRun[] = [];
  for (const r of note.runs) {
    for (const [s, e] of ranges) {
      const a = Math.max(s, r.start);
      const b = Math.min(e, r.end);
      if (b > a) runs.push(a === r.start && b === r.end ? r : { start: a, end: b, kind: r.kind, id: r.id });
    }
  }
  return { attributions: note.attributions, runs };
}

export interface InsightOptions {
  /** Folders per path-breakdown key (`--by path`); 1 groups by top-level folder. */
  readonly pathDepth?: number;
}

/** Aggregates commits fed oldest first (parents before children), then the files of one revision. */
export class InsightBuilder {
  private readonly carried = new Map<string, Carried>();
  private readonly attrs: { agent: string; model?: string }[] = [];
  private readonly attrIndex = new Map<string, number>();
  private readonly metas: CommitMeta[] = [];
  /** Author e-mails, each kept once. */
  private readonly emails = new Map<string, string>();
  private readonly total = tally();
  private readonly agents = new Map<number, Tally>();
  private readonly authors = new Map<string, Tally>();
  private readonly authorNames = new Map<string, string>();
  private readonly paths = new Map<string, Tally>();
  private readonly weeks = new Map<string, Tally>();
  private readonly weekAgents = new Map<string, Map<string, WeekAgent>>();
  /** How many times a commit added to each agent/model's row: a row none adds to any more goes (see rejudge). */
  private readonly agentUses = new Map<number, number>();
  /** Paths lines came from (ORun.p). */
  private readonly origins: string[] = [];
  private readonly originIndex = new Map<string, number>();
  private readonly ruleRange = new Map<number, { aiLines: number; signedOff: number; unsigned: number; commits: number; fromTrailers: number }>();
  private readonly criticalCommits: CriticalCommit[] = [];
  private readonly criticalAt: number[] = [];
  private readonly prefixes = new Map<string, string>();
  private readonly weekOfDay = new Map<number, string>();
  private commits = 0;
  private merges = 0;
  private withNote = 0;
  private fromTrailers = 0;
  private unjudgedCommits = 0;
  /** Folders per path-breakdown key. */
  readonly depth: number;

  /**
   * Set when resumed from a snapshot: a file version the snapshot did not keep is one a pass over the whole history
   * might know, so looking it up throws ResumeMiss rather than count it unknown.
   */
  private resumed = false;

  constructor(
    private readonly config: CompiledConfig,
    opts: InsightOptions = {},
  ) {
    this.depth = Math.max(1, opts.pathDepth ?? 1);
  }

  /**
   * Everything the builder holds after the commits fed so far, as JSON, with the file versions of `keep` only (the
   * files of the revision measured: what the commits on top of it start from). Feeding a builder resumed from it the
   * next commits, in the order a pass over the whole history would feed them after these, gives what that pass gives,
   * or throws ResumeMiss where it would need a file version not kept.
   */
  snapshot(keep: Iterable<string>): InsightSnapshot {
    const carried: [string, number | [number, number[]]][] = [];
    const cited = new Set<number>();
    // The paths the kept runs name, numbered anew: not every path the history had.
    const origins: string[] = [];
    const renumbered = new Map<number, number>();
    const origin = (p: number): number => {
      let q = renumbered.get(p);
      if (q === undefined) {
        renumbered.set(p, (q = origins.length));
        origins.push(this.origins[p]!);
      }
      return q;
    };
    for (const blob of new Set(keep)) {
      const s = this.carried.get(blob);
      if (s === undefined) continue;
      if (typeof s === 'number') {
        carried.push([blob, s]);
        continue;
      }
      const flat: number[] = [];
      if ('flat' in s) {
        const f = s.flat;
        for (let k = 0; k < f.length; k += RUN_FIELDS) {
          flat.push(f[k]!, f[k + 1]!, f[k + 2]!, f[k + 3]!, f[k + 4]!, f[k + 5]!, origin(f[k + 6]!));
          if (f[k + 2] !== HUMAN_KIND) cited.add(f[k + 4]!);
        }
        carried.push([blob, [s.lines, flat]]);
        continue;
      }
      for (const r of s.runs) {
        flat.push(r.start, r.end, KINDS.indexOf(r.kind), r.a, r.c, r.o, origin(r.p));
        if (r.kind !== 'human') cited.add(r.c);
      }
      carried.push([blob, [s.lines, flat]]);
    }
    // Only the commits whose lines the kept versions hold are asked about again (their sign-offs).
    const metas: [number, string, [string, string][]][] = [...cited].sort((a, b) => a - b).map((c) => [c, this.metas[c]!.email, this.metas[c]!.reviews.map((t) => [t.token, t.value])]);
    return {
      depth: this.depth,
      fed: this.metas.length,
      carried,
      origins,
      attrs: this.attrs.map((a) => [a.agent, a.model ?? null]),
      metas,
      total: this.total,
      agents: [...this.agents].map(([k, t]) => [k, t, this.agentUses.get(k) ?? 0]),
      authors: [...this.authors],
      authorNames: [...this.authorNames],
      paths: [...this.paths],
      weeks: [...this.weeks],
      weekAgents: [...this.weekAgents].map(([w, m]) => [w, [...m].map(([agent, e]) => [agent, e.n, e.first, e.uses])]),
      ruleRange: [...this.ruleRange],
      criticalCommits: this.criticalCommits,
      criticalAt: this.criticalAt,
      counts: [this.commits, this.merges, this.withNote, this.fromTrailers, this.unjudgedCommits],
    };
  }

  /** A builder that goes on from `snap` (see snapshot); throws when it is not one. */
  static resume(config: CompiledConfig, snap: InsightSnapshot): InsightBuilder {
    const b = new InsightBuilder(config, { pathDepth: snap.depth });
    if (b.depth !== snap.depth || !Number.isInteger(snap.fed) || snap.fed < 0) throw new Error('insight snapshot: bad header');
    for (const [blob, s] of snap.carried) {
      if (typeof s === 'number') {
        b.carried.set(blob, s);
        continue;
      }
      const [lines, flat] = s;
      if (!Array.isArray(flat) || flat.length % RUN_FIELDS !== 0) throw new Error('insight snapshot: bad runs');
      // Checked now, made into runs when first needed.
      for (let k = 0; k < flat.length; k += RUN_FIELDS) {
        if (KINDS[flat[k + 2]!] === undefined || !(flat[k + 6]! >= 0 && flat[k + 6]! < snap.origins.length)) throw new Error('insight snapshot: bad run');
      }
      b.carried.set(blob, { lines, flat });
    }
    for (const [agent, model] of snap.attrs) b.intern(agent, model ?? undefined);
    for (const p of snap.origins) b.originPath(p);
    b.metas.length = snap.fed;
    for (const [c, email, reviews] of snap.metas) b.metas[c] = { email, reviews: reviews.map(([token, value]) => ({ token, value })) };
    Object.assign(b.total, snap.total);
    for (const [k, v, uses] of snap.agents) {
      b.agents.set(k, v);
      b.agentUses.set(k, uses);
    }
    for (const [k, v] of snap.authors) b.authors.set(k, v);
    for (const [k, v] of snap.authorNames) b.authorNames.set(k, v);
    for (const [k, v] of snap.paths) b.paths.set(k, v);
    for (const [k, v] of snap.weeks) b.weeks.set(k, v);
    for (const [w, m] of snap.weekAgents) b.weekAgents.set(w, new Map(m.map(([agent, n, first, uses]) => [agent, { n, first, uses }])));
    for (const [k, v] of snap.ruleRange) b.ruleRange.set(k, v);
    if (snap.criticalAt.length !== snap.criticalCommits.length) throw new Error('insight snapshot: bad critical commits');
    b.criticalCommits.push(...snap.criticalCommits);
    b.criticalAt.push(...snap.criticalAt);
    [b.commits, b.merges, b.withNote, b.fromTrailers, b.unjudgedCommits] = snap.counts;
    b.resumed = true;
    return b;
  }

  /** The version of `blob` as carried, its runs made; a miss in a resumed builder throws (see `resumed`). */
  private version(blob: string): number | Runs | undefined {
    const s = this.peek(blob);
    return s === undefined || typeof s === 'number' || 'runs' in s ? s : this.made(blob, s.flat, s.lines);
  }

  /** The version of `blob` as carried, as it is kept; a miss in a resumed builder throws (see `resumed`). */
  private peek(blob: string): Carried | undefined {
    const s = this.carried.get(blob);
    if (s === undefined && this.resumed) throw new ResumeMiss(blob);
    return s;
  }

  /** A version's runs made from a snapshot's numbers, kept instead of them. */
  private made(blob: string, flat: readonly number[], lines: number): Runs {
    const runs: ORun[] = [];
    for (let k = 0; k < flat.length; k += RUN_FIELDS) runs.push({ start: flat[k]!, end: flat[k + 1]!, kind: KINDS[flat[k + 2]!]!, a: flat[k + 3]!, c: flat[k + 4]!, o: flat[k + 5]!, p: flat[k + 6]! });
    const s = { lines, runs };
    this.carried.set(blob, s);
    return s;
  }

  /** pathPrefix of a path, worked out once per path: a history names the same files again and again. */
  private prefix(path: string): string {
    let p = this.prefixes.get(path);
    if (p === undefined) this.prefixes.set(detached(path), (p = detached(pathPrefix(path, this.depth))));
    return p;
  }

  /** isoWeek of a time, worked out once per day. */
  private week(seconds: number): string {
    const day = Math.floor(seconds / 86400);
    let w = this.weekOfDay.get(day);
    if (w === undefined) this.weekOfDay.set(day, (w = isoWeek(seconds)));
    return w;
  }

  private originPath(path: string): number {
    let i = this.originIndex.get(path);
    if (i === undefined) {
      i = this.origins.length;
      this.origins.push(detached(path));
      this.originIndex.set(this.origins[i]!, i);
    }
    return i;
  }

  /** The interned agent/model of a note's run. */
  private attrOf(note: NoteRuns<AgentModel>, run: AttributedRun): number {
    const a = note.attributions[run.id]!;
    return this.intern(a.agent, a.model);
  }

  private intern(agent: string, model: string | undefined): number {
    const key = `${agent}\0${model ?? ''}`;
    let i = this.attrIndex.get(key);
    if (i === undefined) {
      i = this.attrs.length;
      this.attrs.push({ agent, ...(model !== undefined && { model }) });
      this.attrIndex.set(key, i);
    }
    return i;
  }

  add(c: HistoryCommit): void {
    const idx = this.metas.length;
    this.metas.push(this.metaOf(c));
    const notes = noteMap(c.note);
    const unjudged = isUnjudged(c);

    // Per file of this commit: its own added lines (0-based ranges) and which of them the note makes AI.
    const own: OwnFile[] = [];
    if (c.parents.length <= 1) {
      for (const d of c.diffs[0] ?? []) {
        if (!d.text) {
          this.carried.set(detached(d.newBlob), NOT_TEXT);
          continue;
        }
        const added = d.hunks.filter((h) => h.newCount > 0).map((h) => [h.newStart, h.newStart + h.newCount] as const);
        const noted = intersect(notes.get(d.path) ?? NO_RUNS, added);
        this.carry(d, idx, noted, added, unjudged);
        own.push({ path: d.path, added, noted });
      }
    } else {
      this.merges++;
      own.push(...this.carryMerge(c, idx, notes, unjudged));
    }
    if (!c.inRange) return;
    this.count(c, idx, own, unjudged, 1);
  }

  private metaOf(c: CommitFacts): CommitMeta {
    const reviews = c.trailers.filter((t) => t.token.toLowerCase() === REVIEW_TRAILER.toLowerCase());
    let email = this.emails.get(c.authorEmail);
    if (email === undefined) this.emails.set(c.authorEmail, (email = detached(c.authorEmail)));
    return { email, reviews: reviews.map((t) => ({ token: detached(t.token), value: detached(t.value) })) };
  }

  /**
   * Applies notes that changed on commits already fed, as a pass over the whole history with the new notes would
   * have counted them: each commit's old count taken out of the range's figures and its new one put in, and the
   * lines of the versions kept that it wrote judged again by its new note. Throws RejudgeMiss where that cannot be
   * exact (a merge, whose own lines need its parents' versions; a note with runs sharing a line; an agent's place
   * in a week's order that the state does not tell); the builder is then not to be used.
   */
  rejudge(changes: readonly NoteChange[]): void {
    const judges = new Map<number, { unjudged: boolean; notes: Map<string, NoteFile> }>();
    for (const ch of changes) {
      if (ch.facts.parents.length > 1) throw new RejudgeMiss(`${ch.sha}: a merge`);
      if (!(ch.index >= 0 && ch.index < this.metas.length) || judges.has(ch.index)) throw new RejudgeMiss(`${ch.sha}: not a commit fed`);
      const before = noteMap(ch.before);
      const after = noteMap(ch.after);
      if (overlapping(before) || overlapping(after)) throw new RejudgeMiss(`${ch.sha}: note runs share lines`);
      this.metas[ch.index] = this.metaOf(ch.facts);
      const was: HistoryCommit = { sha: ch.sha, ...ch.facts, ...(ch.before && { note: ch.before }), inRange: true };
      const now: HistoryCommit = { sha: ch.sha, ...ch.facts, ...(ch.after && { note: ch.after }), inRange: true };
      const out = this.count(was, ch.index, this.ownOf(was, before), isUnjudged(was), -1);
      const into = this.count(now, ch.index, this.ownOf(now, after), isUnjudged(now), 1);
      this.settleWeek(out.week, ch.index, into.agents);
      for (const a of out.attrs) {
        if (this.agentUses.get(a) === 0) {
          this.agents.delete(a);
          this.agentUses.delete(a);
        }
      }
      judges.set(ch.index, { unjudged: isUnjudged(now), notes: after });
    }
    for (const [blob, kept] of this.carried) {
      if (typeof kept === 'number') continue;
      if ('flat' in kept) {
        let hit = false;
        for (let k = 4; k < kept.flat.length && !hit; k += RUN_FIELDS) hit = judges.has(kept.flat[k]!);
        if (!hit) continue;
      } else if (!kept.runs.some((r) => judges.has(r.c))) continue;
      const s = 'flat' in kept ? this.made(blob, kept.flat, kept.lines) : kept;
      const runs: ORun[] = [];
      for (const r of s.runs) {
        const j = judges.get(r.c);
        if (j) runs.push(...this.judged(r, j.unjudged, j.notes.get(this.origins[r.p]!) ?? NO_RUNS));
        else runs.push(r);
      }
      this.carried.set(blob, { lines: s.lines, runs: joined(runs) });
    }
  }

  /** A non-merge's own files, as add counts them. */
  private ownOf(c: HistoryCommit, notes: ReadonlyMap<string, NoteFile>): OwnFile[] {
    const own: OwnFile[] = [];
    for (const d of c.diffs[0] ?? []) {
      if (!d.text) continue;
      const added = d.hunks.filter((h) => h.newCount > 0).map((h) => [h.newStart, h.newStart + h.newCount] as const);
      own.push({ path: d.path, added, noted: intersect(notes.get(d.path) ?? NO_RUNS, added) });
    }
    return own;
  }

  /** The lines of run `r` (all its commit's) as that commit's note `note` (no runs sharing a line) judges them. */
  private judged(r: ORun, unjudged: boolean, note: NoteRuns<AgentModel>): ORun[] {
    const shift = r.start - r.o;
    const end = r.o + r.end - r.start;
    const part = (kind: ORun['kind'], a: number, from: number, to: number): ORun => ({ start: from + shift, end: to + shift, kind, a, c: r.c, o: from, p: r.p });
    if (unjudged) return [part('unjudged', -1, r.o, end)];
    const out: ORun[] = [];
    let at = r.o;
    const noted = intersect(note, [[r.o, end]]);
    for (const x of [...noted.runs].sort((x, y) => x.start - y.start)) {
      if (x.start > at) out.push(part('human', -1, at, x.start));
      out.push(part(x.kind, this.attrOf(noted, x), x.start, x.end));
      at = x.end;
    }
    if (at < end) out.push(part('human', -1, at, end));
    return out;
  }

  /**
   * A week's agents after commit `idx` was counted again, adding to `agents` (in that order): in the order a pass over
   * the history first meets them, rows no commit adds to left out.
   */
  private settleWeek(week: string, idx: number, agents: readonly string[]): void {
    const m = this.weekAgents.get(week);
    if (!m) return;
    const mine = new Map<string, number>();
    agents.forEach((a, i) => {
      if (!mine.has(a)) mine.set(a, i);
    });
    for (const [agent, e] of [...m]) {
      if (e.uses === 0) m.delete(agent);
      else if (mine.has(agent)) e.first = Math.min(e.first, idx);
      // The next commit that adds to it is not known here.
      else if (e.first === idx) throw new RejudgeMiss(`${week}: ${agent} first met in a commit that no longer adds to it`);
    }
    const sorted = [...m].sort((x, y) => x[1].first - y[1].first || (x[1].first === idx ? mine.get(x[0])! - mine.get(y[0])! : 0));
    m.clear();
    for (const [k, v] of sorted) m.set(k, v);
  }

  /** Runs of a commit's own added lines in its version of `path`: what its note says, people's elsewhere, or unjudged. */
  private ownRuns(path: string, idx: number, noted: NoteRuns<AgentModel>, added: readonly (readonly [number, number])[], unjudged: boolean): ORun[] {
    const p = this.originPath(path);
    if (unjudged) return added.map(([start, end]): ORun => ({ start, end, kind: 'unjudged', a: -1, c: idx, o: start, p }));
    const out: ORun[] = noted.runs.map((x) => ({ start: x.start, end: x.end, kind: x.kind, a: this.attrOf(noted, x), c: idx, o: x.start, p }));
    const human = (start: number, end: number): void => void out.push({ start, end, kind: 'human', a: -1, c: idx, o: start, p });
    if (noted.runs.length === 0) {
      for (const [a, b] of added) human(a, b);
      return out;
    }
    const byStart = [...noted.runs].sort((x, y) => x.start - y.start);
    let i = 0;
    for (const [a, b] of added) {
      let at = a;
      while (i < byStart.length && byStart[i]!.end <= a) i++;
      for (let j = i; j < byStart.length && byStart[j]!.start < b; j++) {
        const x = byStart[j]!;
        if (x.start > at) human(at, x.start);
        at = Math.max(at, x.end);
      }
      if (at < b) human(at, b);
    }
    return out;
  }

  private baseOf(d: FileDiff): { lines: number; runs: readonly ORun[] } | undefined {
    if (d.status === 'A' || d.status === 'T') return { lines: 0, runs: [] };
    const b = this.version(d.oldBlob);
    if (b === undefined || b === NOT_TEXT) return undefined;
    return typeof b === 'number' ? { lines: b, runs: [] } : b;
  }

  private store(blob: string, lines: number, runs: ORun[]): void {
    this.carried.set(detached(blob), runs.length > 0 ? { lines, runs } : lines);
  }

  private carry(d: FileDiff, idx: number, noted: NoteRuns<AgentModel>, added: readonly (readonly [number, number])[], unjudged: boolean): void {
    const base = this.baseOf(d);
    // A version whose parent version is unknown (a shallow clone's edge) cannot be counted line by line.
    if (!base) return;
    const moved = mapRuns(base.runs, d.hunks, piece);
    const own = this.ownRuns(d.path, idx, noted, added, unjudged);
    const runs = own.length > 0 ? [...moved, ...own].sort((x, y) => x.start - y.start) : moved;
    const lines = base.lines + d.hunks.reduce((n, h) => n + h.newCount - h.oldCount, 0);
    this.store(d.newBlob, lines, joined(runs));
  }

  /** A merge: each line from the first parent that has it unchanged; lines new against every parent are the merge's own. */
  private carryMerge(c: HistoryCommit, idx: number, notes: ReadonlyMap<string, NoteFile>, unjudged: boolean): OwnFile[] {
    const perParent = c.diffs.map((list) => new Map(list.map((d) => [d.path, d])));
    const out: OwnFile[] = [];
    const first = perParent[0] ?? new Map<string, FileDiff>();
    for (const [path, d0] of first) {
      // A file equal to some parent's version is that version: nothing to do.
      const ds = perParent.map((m) => m.get(path));
      if (ds.some((d) => d === undefined)) continue;
      const diffs = ds as FileDiff[];
      if (!diffs.every((d) => d.text)) {
        this.carried.set(detached(d0.newBlob), NOT_TEXT);
        continue;
      }
      const bases = diffs.map((d) => this.baseOf(d));
      if (bases.some((b) => b === undefined)) continue;
      const lines = bases[0]!.lines + d0.hunks.reduce((n, h) => n + h.newCount - h.oldCount, 0);
      const origin: (ORun | null | undefined)[] = new Array(lines).fill(undefined);
      diffs.forEach((d, i) => {
        const fromParent = new Array<boolean>(lines).fill(true);
        for (const h of d.hunks) for (let k = h.newStart; k < h.newStart + h.newCount && k < lines; k++) fromParent[k] = false;
        const mapped = mapRuns(bases[i]!.runs, d.hunks, piece);
        const at = new Array<ORun | null>(lines).fill(null);
        for (const r of mapped) for (let k = r.start; k < r.end && k < lines; k++) at[k] = r;
        for (let k = 0; k < lines; k++) if (origin[k] === undefined && fromParent[k]) origin[k] = at[k];
      });
      const added: [number, number][] = [];
      for (let k = 0; k < lines; k++) {
        if (origin[k] !== undefined) continue;
        const last = added[added.length - 1];
        if (last && last[1] === k) last[1] = k + 1;
        else added.push([k, k + 1]);
      }
      const noted = intersect(notes.get(path) ?? NO_RUNS, added);
      for (const o of this.ownRuns(path, idx, noted, added, unjudged)) for (let k = o.start; k < o.end; k++) origin[k] = o;
      const runs: ORun[] = [];
      for (let k = 0; k < lines; k++) {
        const o = origin[k];
        if (o) runs.push({ start: k, end: k + 1, kind: o.kind, a: o.a, c: o.c, o: o.o + k - o.start, p: o.p });
      }
      this.store(d0.newBlob, lines, joined(runs));
      out.push({ path, added, noted });
    }
    return out;
  }

  /**
   * Adds (sign 1) or takes out (-1, the same commit as it was counted) a commit's lines to the range's figures; the
   * week it counts in, the agents it added to there (in order) and the agent/model rows it added to.
   */
  private count(c: HistoryCommit, idx: number, own: readonly OwnFile[], unjudged: boolean, sign: 1 | -1): { week: string; agents: string[]; attrs: number[] } {
    this.commits += sign;
    const email = c.authorEmail.toLowerCase();
    if (!this.authorNames.has(email)) this.authorNames.set(email, c.authorName);
    const week = this.week(c.time);
    let weekAgents = this.weekAgents.get(week);
    if (!weekAgents) this.weekAgents.set(week, (weekAgents = new Map()));
    const agents: string[] = [];
    const attrs: number[] = [];
    const toWeek = (agent: string, n: number): void => {
      let e = weekAgents.get(agent);
      if (!e) weekAgents.set(agent, (e = { n: 0, first: idx, uses: 0 }));
      e.n += sign * n;
      e.uses += sign;
      agents.push(agent);
    };
    const toAgent = (attr: number, ai: number, mixed: number): void => {
      bump(this.agents, attr, 0, sign * ai, sign * mixed);
      this.agentUses.set(attr, (this.agentUses.get(attr) ?? 0) + sign);
      attrs.push(attr);
    };
    const byRule = new Map<number, { path: string; aiLines: number | null }[]>();
    let added = 0;
    let ai = 0;
    let mixed = 0;
    for (const f of own) {
      if (this.config.isIgnored(f.path)) continue;
      const n = f.added.reduce((s, [a, b]) => s + b - a, 0);
      let fAi = 0;
      let fMixed = 0;
      for (const x of f.noted.runs) {
        const len = x.end - x.start;
        if (x.kind === 'ai') fAi += len;
        else fMixed += len;
        toAgent(this.attrOf(f.noted, x), x.kind === 'ai' ? len : 0, x.kind === 'mixed' ? len : 0);
        toWeek(f.noted.attributions[x.id]!.agent, len);
      }
      added += n;
      ai += fAi;
      mixed += fMixed;
      // An unjudged commit has no note: none of its lines is known AI here, and none is known to be people's.
      bump(this.paths, this.prefix(f.path), sign * n, sign * fAi, sign * fMixed, unjudged ? sign * n : 0);
      const hit = fAi + fMixed > 0 ? this.config.ruleFor(f.path) : undefined;
      if (hit) byRule.set(hit.index, [...(byRule.get(hit.index) ?? []), { path: f.path, aiLines: fAi + fMixed }]);
    }
    if (c.note !== undefined) this.withNote += sign;
    else if (c.parents.length <= 1) {
      const fallback = this.trailerEvidence(c, added);
      if (fallback) {
        this.fromTrailers += sign;
        ai += fallback.ai;
        toAgent(fallback.attr, fallback.ai, 0);
        toWeek(this.attrs[fallback.attr]!.agent, fallback.ai);
        // The trailers do not say which files hold the AI lines: the commit's lines move to a row of their own.
        this.movePathsToNoNote(own, fallback.ai, unjudged, sign);
        for (const p of fallback.critical) {
          const hit = this.config.ruleFor(p);
          if (hit) byRule.set(hit.index, [...(byRule.get(hit.index) ?? []), { path: p, aiLines: null }]);
        }
      }
    }
    const unknown = unjudged ? Math.max(0, added - ai - mixed) : 0;
    if (unjudged) this.unjudgedCommits += sign;
    this.total.added += sign * added;
    this.total.ai += sign * ai;
    this.total.mixed += sign * mixed;
    this.total.unjudged += sign * unknown;
    bump(this.authors, email, sign * added, sign * ai, sign * mixed, sign * unknown);
    bump(this.weeks, week, sign * added, sign * ai, sign * mixed, sign * unknown);
    const entries: CriticalCommit[] = [];
    for (const [index, files] of byRule) {
      const rule = this.config.config.critical[index]!;
      const signed = isSignedOff(rule, this.metas[idx]!.reviews, c.authorEmail);
      const lines = files.reduce((n, f) => n + (f.aiLines ?? 0), 0);
      const t = this.ruleRange.get(index) ?? { aiLines: 0, signedOff: 0, unsigned: 0, commits: 0, fromTrailers: 0 };
      t.aiLines += sign * lines;
      if (signed) t.signedOff += sign * lines;
      else t.unsigned += sign * lines;
      t.commits += sign;
      if (files.some((f) => f.aiLines === null)) t.fromTrailers += sign;
      this.ruleRange.set(index, t);
      entries.push({
        sha: c.sha,
        time: c.time,
        author: `${c.authorName} <${c.authorEmail}>`,
        subject: c.subject,
        rule: index,
        files,
        reviewers: this.metas[idx]!.reviews.map((t) => t.value.trim()),
        signedOff: signed,
      });
    }
    this.placeCritical(idx, sign > 0 ? entries : undefined);
    return { week, agents, attrs };
  }

  /** Puts a commit's critical entries where a pass in commit order puts them, or (undefined) takes its entries out. */
  private placeCritical(idx: number, entries: readonly CriticalCommit[] | undefined): void {
    if (entries === undefined) {
      for (let k = this.criticalAt.length - 1; k >= 0; k--) {
        if (this.criticalAt[k] !== idx) continue;
        this.criticalAt.splice(k, 1);
        this.criticalCommits.splice(k, 1);
      }
      return;
    }
    if (entries.length === 0) return;
    let at = this.criticalAt.length;
    while (at > 0 && this.criticalAt[at - 1]! > idx) at--;
    this.criticalCommits.splice(at, 0, ...entries);
    this.criticalAt.splice(at, 0, ...entries.map(() => idx));
  }

  private movePathsToNoNote(own: readonly { path: string; added: (readonly [number, number])[] }[], ai: number, unjudged: boolean, sign: 1 | -1): void {
    let moved = 0;
    for (const f of own) {
      if (this.config.isIgnored(f.path)) continue;
      const n = f.added.reduce((s, [a, b]) => s + b - a, 0);
      bump(this.paths, this.prefix(f.path), -sign * n, 0, 0, unjudged ? -sign * n : 0);
      moved += n;
    }
    bump(this.paths, NO_NOTE_PATH, sign * moved, sign * ai, 0, unjudged ? sign * Math.max(0, moved - ai) : 0);
  }

  /** AI lines of a commit without a note, from `AI-Lines: a/b` and `Assisted-by:`; undefined when they say nothing. */
  private trailerEvidence(c: HistoryCommit, added: number): { ai: number; attr: number; critical: string[] } | undefined {
    const lines = c.trailers.find((t) => t.token.toLowerCase() === 'ai-lines');
    const m = lines && /^\s*(\d+)\s*\/\s*\d+\s*$/.exec(lines.value);
    if (!m || Number(m[1]) === 0) return undefined;
    const assisted = c.trailers.filter((t) => t.token.toLowerCase() === 'assisted-by').map((t) => t.value.trim()).filter((v) => v !== '');
    const labels = [...new Set(assisted)].sort();
    let attr: number;
    if (labels.length === 1) {
      const [agent, ...model] = labels[0]!.split(':');
      attr = this.intern(agent!, model.length > 0 ? model.join(':') : undefined);
    } else {
      // Several agents and one count: their split is unknown, so they count together.
      attr = this.intern(labels.length > 0 ? labels.map((l) => l.split(':')[0]).join(' + ') : 'unknown-ai', undefined);
    }
    const critical = c.trailers.filter((t) => t.token.toLowerCase() === 'ai-critical').flatMap((t) => t.value.split(',').map((p) => p.trim()).filter((p) => p !== ''));
    return { ai: Math.min(Number(m[1]), added), attr, critical };
  }

  /** The result; `tree` and `sha` give the files of the revision whose share is wanted. */
  finish(at?: { sha: string; tree: readonly TreeEntry[] }): Insight {
    const totalAdded = this.total.added;
    const agentRows = (m: Map<number, Tally>, of: number): { agents: AgentRow[]; models: ModelRow[] } => {
      const agents = new Map<string, Tally>();
      const models = new Map<string, Tally & { agents: Set<string> }>();
      for (const [i, t] of m) {
        const a = this.attrs[i]!;
        bump(agents, a.agent, 0, t.ai, t.mixed);
        const key = a.model ?? NO_MODEL;
        const mt = models.get(key) ?? { ...tally(), agents: new Set<string>() };
        mt.ai += t.ai;
        mt.mixed += t.mixed;
        mt.agents.add(a.agent);
        models.set(key, mt);
      }
      const share = (t: Tally): number => (of > 0 ? (t.ai + t.mixed) / of : 0);
      const order = (x: Tally, y: Tally): number => y.ai + y.mixed - (x.ai + x.mixed);
      return {
        agents: [...agents].sort((x, y) => order(x[1], y[1]) || (x[0] < y[0] ? -1 : 1)).map(([agent, t]) => ({ agent, ai: t.ai, mixed: t.mixed, share: share(t) })),
        models: [...models]
          .sort((x, y) => order(x[1], y[1]) || (x[0] < y[0] ? -1 : 1))
          .map(([model, t]) => ({ model, agent: [...t.agents].sort().join(', '), ai: t.ai, mixed: t.mixed, share: share(t) })),
      };
    };
    const range = agentRows(this.agents, totalAdded);
    const atRevision = at ? this.atRevision(at.sha, at.tree, agentRows) : undefined;
    const critical: CriticalRow[] = this.config.config.critical.map((rule, index) => {
      const r = this.ruleRange.get(index) ?? { aiLines: 0, signedOff: 0, unsigned: 0, commits: 0, fromTrailers: 0 };
      const a = atRevision?.critical.get(index) ?? { aiLines: 0, signedOff: 0, unsigned: 0, files: 0 };
      return { index, reason: rule.reason, level: rule.level, paths: rule.paths, range: r, atRevision: a };
    });
    return {
      commits: this.commits,
      merges: this.merges,
      withNote: this.withNote,
      fromTrailers: this.fromTrailers,
      unjudgedCommits: this.unjudgedCommits,
      total: row('total', this.total),
      byAgent: range.agents,
      byModel: range.models,
      byAuthor: [...this.authors]
        .map(([email, t]) => ({ ...row(email, t), name: this.authorNames.get(email) ?? email }))
        .sort((x, y) => y.added - x.added || (x.key < y.key ? -1 : 1)),
      byPath: [...this.paths].filter(([, t]) => t.added !== 0 || t.ai !== 0).map(([p, t]) => row(p, t)).sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0)),
      byWeek: [...this.weeks]
        .sort((x, y) => (x[0] < y[0] ? -1 : 1))
        .map(([w, t]) => ({ ...row(w, t), agents: Object.fromEntries([...(this.weekAgents.get(w) ?? [])].map(([a, e]) => [a, e.n] as const).sort((x, y) => y[1] - x[1])) })),
      critical,
      criticalCommits: this.criticalCommits,
      ...(atRevision && { atRevision: atRevision.result }),
    };
  }

  private atRevision(
    sha: string,
    tree: readonly TreeEntry[],
    agentRows: (m: Map<number, Tally>, of: number) => { agents: AgentRow[]; models: ModelRow[] },
  ): { result: AtRevision; critical: Map<number, CriticalTally & { files: number }> } {
    const byAttr = new Map<number, Tally>();
    const critical = new Map<number, { aiLines: number; signedOff: number; unsigned: number; files: number }>();
    const signed = new Map<string, boolean>();
    const root: MutableDir = newDir('', '');
    let lines = 0;
    let ai = 0;
    let mixed = 0;
    let unjudged = 0;
    let files = 0;
    for (const e of tree) {
      if (e.mode !== '100644' && e.mode !== '100755') continue;
      if (this.config.isIgnored(e.path)) continue;
      const s = this.peek(e.blob);
      if (s === undefined || s === NOT_TEXT) continue;
      const n = typeof s === 'number' ? s : s.lines;
      let fAi = 0;
      let fMixed = 0;
      let fUnjudged = 0;
      const hit = typeof s === 'number' ? undefined : this.config.ruleFor(e.path);
      const visit = (kind: ORun['kind'], a: number, c: number, len: number): void => {
        if (kind === 'human') return;
        if (kind === 'unjudged') {
          fUnjudged += len;
          return;
        }
        if (kind === 'ai') fAi += len;
        else fMixed += len;
        bump(byAttr, a, 0, kind === 'ai' ? len : 0, kind === 'mixed' ? len : 0);
        if (hit) {
          const key = `${c}:${hit.index}`;
          let ok = signed.get(key);
          if (ok === undefined) {
            const meta = this.metas[c]!;
            ok = isSignedOff(hit.rule, meta.reviews, meta.email);
            signed.set(key, ok);
          }
          const t = critical.get(hit.index) ?? { aiLines: 0, signedOff: 0, unsigned: 0, files: 0 };
          t.aiLines += len;
          if (ok) t.signedOff += len;
          else t.unsigned += len;
          critical.set(hit.index, t);
        }
      };
      if (typeof s !== 'number') {
        if ('flat' in s) {
          const f = s.flat;
          for (let k = 0; k < f.length; k += RUN_FIELDS) visit(KINDS[f[k + 2]!]!, f[k + 3]!, f[k + 4]!, f[k + 1]! - f[k]!);
        } else for (const r of s.runs) visit(r.kind, r.a, r.c, r.end - r.start);
        if (hit && fAi + fMixed > 0) critical.get(hit.index)!.files++;
      }
      files++;
      lines += n;
      ai += fAi;
      mixed += fMixed;
      unjudged += fUnjudged;
      addToTree(root, e.path, n, fAi, fMixed, fUnjudged);
    }
    const rows = agentRows(byAttr, lines);
    return {
      result: { sha, lines, ai, mixed, unjudged, share: lines > 0 ? (ai + mixed) / lines : 0, files, byAgent: rows.agents, byModel: rows.models, tree: freeze(root) },
      critical,
    };
  }
}

interface MutableDir {
  name: string;
  path: string;
  lines: number;
  ai: number;
  mixed: number;
  unjudged: number;
  files: number;
  dirs: Map<string, MutableDir>;
  aiFiles: DirNode[];
}

function newDir(name: string, path: string): MutableDir {
  return { name, path, lines: 0, ai: 0, mixed: 0, unjudged: 0, files: 0, dirs: new Map(), aiFiles: [] };
}

function addToTree(root: MutableDir, path: string, lines: number, ai: number, mixed: number, unjudged: number): void {
  const parts = path.split('/');
  let d = root;
  const visit = (x: MutableDir): void => {
    x.lines += lines;
    x.ai += ai;
    x.mixed += mixed;
    x.unjudged += unjudged;
    x.files++;
  };
  visit(d);
  for (let i = 0; i < parts.length - 1; i++) {
    const name = parts[i]!;
    let next = d.dirs.get(name);
    if (!next) d.dirs.set(name, (next = newDir(name, `${parts.slice(0, i + 1).join('/')}/`)));
    d = next;
    visit(d);
  }
  if (ai + mixed + unjudged > 0) d.aiFiles.push({ name: parts[parts.length - 1]!, path, lines, ai, mixed, unjudged, files: 1, children: [] });
}

function freeze(d: MutableDir): DirNode {
  const children = [...[...d.dirs.values()].map(freeze), ...d.aiFiles].sort((x, y) => y.ai + y.mixed - (x.ai + x.mixed) || y.lines - x.lines || (x.name < y.name ? -1 : 1));
  return { name: d.name, path: d.path, lines: d.lines, ai: d.ai, mixed: d.mixed, unjudged: d.unjudged, files: d.files, children };
}
