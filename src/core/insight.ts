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
import type { AttributedRun } from './lineRuns';
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

/** What a note's run says that the figures read: its lines, kind and who wrote them. */
export interface NoteRun {
  readonly start: number;
  readonly end: number;
  readonly kind: AttributedRun['kind'];
  readonly attribution: Pick<Attribution, 'agent' | 'model'>;
}

/** A file of a commit's note, as the figures read it: each run with the agent and model of its attribution. */
export interface NoteFile {
  readonly path: string;
  readonly runs: readonly NoteRun[];
}

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

interface ORun {
  readonly start: number;
  readonly end: number;
  /** `unjudged`: lines of a commit its hooks could not judge, whose writer is not known. */
  readonly kind: 'ai' | 'mixed' | 'unjudged';
  /** Interned agent/model; -1 for unjudged lines. */
  readonly a: number;
  /** The commit that wrote the lines (index into the commits seen). */
  readonly c: number;
}

const KINDS = ['ai', 'mixed', 'unjudged'] as const;

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
  /** File versions kept: blob id → line count (-1: not text), or line count and runs as start, end, kind, agent/model, commit. */
  readonly carried: readonly (readonly [string, number | readonly [number, readonly number[]]])[];
  readonly attrs: readonly (readonly [string, string | null])[];
  /** The commits the kept runs name: index, author e-mail, AI-Reviewed-by trailers. */
  readonly metas: readonly (readonly [number, string, readonly (readonly [string, string])[]])[];
  readonly total: TallyJson;
  readonly agents: readonly [number, TallyJson][];
  readonly authors: readonly [string, TallyJson][];
  readonly authorNames: readonly [string, string][];
  readonly paths: readonly [string, TallyJson][];
  readonly weeks: readonly [string, TallyJson][];
  readonly weekAgents: readonly [string, [string, number][]][];
  readonly ruleRange: readonly [number, { aiLines: number; signedOff: number; unsigned: number; commits: number; fromTrailers: number }][];
  readonly criticalCommits: readonly CriticalCommit[];
  readonly counts: readonly [number, number, number, number, number];
}

/** A file version: its line count alone when it has no AI lines, or with the runs of its AI lines. */
type Carried = number | { readonly lines: number; readonly runs: readonly ORun[] };
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
    if (last && last.end === r.start && last.kind === r.kind && last.a === r.a && last.c === r.c) out[out.length - 1] = { ...last, end: r.end };
    else out.push(r);
  }
  return out;
}

function intersect(runs: readonly NoteRun[], ranges: readonly (readonly [number, number])[]): { start: number; end: number; run: NoteRun }[] {
  const out: { start: number; end: number; run: NoteRun }[] = [];
  for (const r of runs) {
    for (const [s, e] of ranges) {
      const a = Math.max(s, r.start);
      const b = Math.min(e, r.end);
      if (b > a) out.push({ start: a, end: b, run: r });
    }
  }
  return out;
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
  private readonly weekAgents = new Map<string, Map<string, number>>();
  private readonly ruleRange = new Map<number, { aiLines: number; signedOff: number; unsigned: number; commits: number; fromTrailers: number }>();
  private readonly criticalCommits: CriticalCommit[] = [];
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
    for (const blob of new Set(keep)) {
      const s = this.carried.get(blob);
      if (s === undefined) continue;
      if (typeof s === 'number') {
        carried.push([blob, s]);
        continue;
      }
      const flat: number[] = [];
      for (const r of s.runs) {
        flat.push(r.start, r.end, KINDS.indexOf(r.kind), r.a, r.c);
        cited.add(r.c);
      }
      carried.push([blob, [s.lines, flat]]);
    }
    // Only the commits whose lines the kept versions hold are asked about again (their sign-offs).
    const metas: [number, string, [string, string][]][] = [...cited].sort((a, b) => a - b).map((c) => [c, this.metas[c]!.email, this.metas[c]!.reviews.map((t) => [t.token, t.value])]);
    return {
      depth: this.depth,
      fed: this.metas.length,
      carried,
      attrs: this.attrs.map((a) => [a.agent, a.model ?? null]),
      metas,
      total: this.total,
      agents: [...this.agents],
      authors: [...this.authors],
      authorNames: [...this.authorNames],
      paths: [...this.paths],
      weeks: [...this.weeks],
      weekAgents: [...this.weekAgents].map(([w, m]) => [w, [...m]]),
      ruleRange: [...this.ruleRange],
      criticalCommits: this.criticalCommits,
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
      const runs: ORun[] = [];
      for (let k = 0; k + 4 < flat.length; k += 5) {
        const kind = KINDS[flat[k + 2]!];
        if (kind === undefined) throw new Error('insight snapshot: bad run');
        runs.push({ start: flat[k]!, end: flat[k + 1]!, kind, a: flat[k + 3]!, c: flat[k + 4]! });
      }
      b.carried.set(blob, { lines, runs });
    }
    for (const [agent, model] of snap.attrs) b.intern(agent, model ?? undefined);
    b.metas.length = snap.fed;
    for (const [c, email, reviews] of snap.metas) b.metas[c] = { email, reviews: reviews.map(([token, value]) => ({ token, value })) };
    Object.assign(b.total, snap.total);
    for (const [k, v] of snap.agents) b.agents.set(k, v);
    for (const [k, v] of snap.authors) b.authors.set(k, v);
    for (const [k, v] of snap.authorNames) b.authorNames.set(k, v);
    for (const [k, v] of snap.paths) b.paths.set(k, v);
    for (const [k, v] of snap.weeks) b.weeks.set(k, v);
    for (const [w, m] of snap.weekAgents) b.weekAgents.set(w, new Map(m));
    for (const [k, v] of snap.ruleRange) b.ruleRange.set(k, v);
    b.criticalCommits.push(...snap.criticalCommits);
    [b.commits, b.merges, b.withNote, b.fromTrailers, b.unjudgedCommits] = snap.counts;
    b.resumed = true;
    return b;
  }

  /** The version of `blob` as carried; a miss in a resumed builder throws (see `resumed`). */
  private version(blob: string): Carried | undefined {
    const s = this.carried.get(blob);
    if (s === undefined && this.resumed) throw new ResumeMiss(blob);
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
    const reviews = c.trailers.filter((t) => t.token.toLowerCase() === REVIEW_TRAILER.toLowerCase());
    let email = this.emails.get(c.authorEmail);
    if (email === undefined) this.emails.set(c.authorEmail, (email = detached(c.authorEmail)));
    this.metas.push({ email, reviews: reviews.map((t) => ({ token: detached(t.token), value: detached(t.value) })) });
    const notes = new Map<string, readonly NoteRun[]>();
    for (const f of c.note ?? []) if (f.runs.length > 0) notes.set(f.path, f.runs);
    const unjudged = isUnjudged(c);

    // Per file of this commit: its own added lines (0-based ranges) and which of them the note makes AI.
    const own: { path: string; added: (readonly [number, number])[]; runs: { start: number; end: number; run: NoteRun }[] }[] = [];
    if (c.parents.length <= 1) {
      for (const d of c.diffs[0] ?? []) {
        const added = d.hunks.filter((h) => h.newCount > 0).map((h) => [h.newStart, h.newStart + h.newCount] as const);
        if (!d.text) {
          this.carried.set(detached(d.newBlob), NOT_TEXT);
          continue;
        }
        const runs = intersect(notes.get(d.path) ?? [], added);
        this.carry(d, idx, runs, unjudged ? added : []);
        own.push({ path: d.path, added, runs });
      }
    } else {
      this.merges++;
      own.push(...this.carryMerge(c, idx, notes, unjudged));
    }
    if (!c.inRange) return;
    this.count(c, idx, own, unjudged);
  }

  private originRuns(runs: readonly { start: number; end: number; run: NoteRun }[], idx: number): ORun[] {
    return runs.map((x) => ({ start: x.start, end: x.end, kind: x.run.kind, a: this.intern(x.run.attribution.agent, x.run.attribution.model), c: idx }));
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

  private carry(d: FileDiff, idx: number, noted: readonly { start: number; end: number; run: NoteRun }[], unknown: readonly (readonly [number, number])[]): void {
    const base = this.baseOf(d);
    // A version whose parent version is unknown (a shallow clone's edge) cannot be counted line by line.
    if (!base) return;
    const moved = mapRuns(base.runs, d.hunks);
    const own = [...this.originRuns(noted, idx), ...unknown.map(([start, end]): ORun => ({ start, end, kind: 'unjudged', a: -1, c: idx }))];
    const runs = own.length > 0 ? [...moved, ...own].sort((x, y) => x.start - y.start) : moved;
    const lines = base.lines + d.hunks.reduce((n, h) => n + h.newCount - h.oldCount, 0);
    this.store(d.newBlob, lines, joined(runs));
  }

  /** A merge: each line from the first parent that has it unchanged; lines new against every parent are the merge's own. */
  private carryMerge(c: HistoryCommit, idx: number, notes: Map<string, readonly NoteRun[]>, unjudged: boolean): { path: string; added: (readonly [number, number])[]; runs: { start: number; end: number; run: NoteRun }[] }[] {
    const perParent = c.diffs.map((list) => new Map(list.map((d) => [d.path, d])));
    const out: { path: string; added: (readonly [number, number])[]; runs: { start: number; end: number; run: NoteRun }[] }[] = [];
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
        const mapped = mapRuns(bases[i]!.runs, d.hunks);
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
      const noted = intersect(notes.get(path) ?? [], added);
      for (const o of this.originRuns(noted, idx)) for (let k = o.start; k < o.end; k++) origin[k] = o;
      if (unjudged) for (const [a, b] of added) for (let k = a; k < b; k++) origin[k] = { start: k, end: k + 1, kind: 'unjudged', a: -1, c: idx };
      const runs: ORun[] = [];
      for (let k = 0; k < lines; k++) {
        const o = origin[k];
        if (o) runs.push({ start: k, end: k + 1, kind: o.kind, a: o.a, c: o.c });
      }
      this.store(d0.newBlob, lines, joined(runs));
      out.push({ path, added, runs: noted });
    }
    return out;
  }

  private count(c: HistoryCommit, idx: number, own: { path: string; added: (readonly [number, number])[]; runs: { start: number; end: number; run: NoteRun }[] }[], unjudged: boolean): void {
    this.commits++;
    const email = c.authorEmail.toLowerCase();
    if (!this.authorNames.has(email)) this.authorNames.set(email, c.authorName);
    const week = this.week(c.time);
    const weekAgents = this.weekAgents.get(week) ?? new Map<string, number>();
    this.weekAgents.set(week, weekAgents);
    const byRule = new Map<number, { path: string; aiLines: number | null }[]>();
    let added = 0;
    let ai = 0;
    let mixed = 0;
    for (const f of own) {
      if (this.config.isIgnored(f.path)) continue;
      const n = f.added.reduce((s, [a, b]) => s + b - a, 0);
      let fAi = 0;
      let fMixed = 0;
      for (const x of f.runs) {
        const len = x.end - x.start;
        if (x.run.kind === 'ai') fAi += len;
        else fMixed += len;
        bump(this.agents, this.intern(x.run.attribution.agent, x.run.attribution.model), 0, x.run.kind === 'ai' ? len : 0, x.run.kind === 'mixed' ? len : 0);
        weekAgents.set(x.run.attribution.agent, (weekAgents.get(x.run.attribution.agent) ?? 0) + len);
      }
      added += n;
      ai += fAi;
      mixed += fMixed;
      // An unjudged commit has no note: none of its lines is known AI here, and none is known to be people's.
      bump(this.paths, this.prefix(f.path), n, fAi, fMixed, unjudged ? n : 0);
      const hit = fAi + fMixed > 0 ? this.config.ruleFor(f.path) : undefined;
      if (hit) byRule.set(hit.index, [...(byRule.get(hit.index) ?? []), { path: f.path, aiLines: fAi + fMixed }]);
    }
    if (c.note !== undefined) this.withNote++;
    else if (c.parents.length <= 1) {
      const fallback = this.trailerEvidence(c, added);
      if (fallback) {
        this.fromTrailers++;
        ai += fallback.ai;
        bump(this.agents, fallback.attr, 0, fallback.ai, 0);
        const label = this.attrs[fallback.attr]!.agent;
        weekAgents.set(label, (weekAgents.get(label) ?? 0) + fallback.ai);
        // The trailers do not say which files hold the AI lines: the commit's lines move to a row of their own.
        this.movePathsToNoNote(own, fallback.ai, unjudged);
        for (const p of fallback.critical) {
          const hit = this.config.ruleFor(p);
          if (hit) byRule.set(hit.index, [...(byRule.get(hit.index) ?? []), { path: p, aiLines: null }]);
        }
      }
    }
    const unknown = unjudged ? Math.max(0, added - ai - mixed) : 0;
    if (unjudged) this.unjudgedCommits++;
    this.total.added += added;
    this.total.ai += ai;
    this.total.mixed += mixed;
    this.total.unjudged += unknown;
    bump(this.authors, email, added, ai, mixed, unknown);
    bump(this.weeks, week, added, ai, mixed, unknown);
    for (const [index, files] of byRule) {
      const rule = this.config.config.critical[index]!;
      const signed = isSignedOff(rule, this.metas[idx]!.reviews, c.authorEmail);
      const lines = files.reduce((n, f) => n + (f.aiLines ?? 0), 0);
      const t = this.ruleRange.get(index) ?? { aiLines: 0, signedOff: 0, unsigned: 0, commits: 0, fromTrailers: 0 };
      t.aiLines += lines;
      if (signed) t.signedOff += lines;
      else t.unsigned += lines;
      t.commits++;
      if (files.some((f) => f.aiLines === null)) t.fromTrailers++;
      this.ruleRange.set(index, t);
      this.criticalCommits.push({
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
  }

  private movePathsToNoNote(own: readonly { path: string; added: (readonly [number, number])[] }[], ai: number, unjudged: boolean): void {
    let moved = 0;
    for (const f of own) {
      if (this.config.isIgnored(f.path)) continue;
      const n = f.added.reduce((s, [a, b]) => s + b - a, 0);
      bump(this.paths, this.prefix(f.path), -n, 0, 0, unjudged ? -n : 0);
      moved += n;
    }
    bump(this.paths, NO_NOTE_PATH, moved, ai, 0, unjudged ? Math.max(0, moved - ai) : 0);
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
        .map(([w, t]) => ({ ...row(w, t), agents: Object.fromEntries([...(this.weekAgents.get(w) ?? [])].sort((x, y) => y[1] - x[1])) })),
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
      const s = this.version(e.blob);
      if (s === undefined || s === NOT_TEXT) continue;
      const n = typeof s === 'number' ? s : s.lines;
      let fAi = 0;
      let fMixed = 0;
      let fUnjudged = 0;
      const hit = typeof s === 'number' ? undefined : this.config.ruleFor(e.path);
      if (typeof s !== 'number') {
        for (const r of s.runs) {
          const len = r.end - r.start;
          if (r.kind === 'unjudged') {
            fUnjudged += len;
            continue;
          }
          if (r.kind === 'ai') fAi += len;
          else fMixed += len;
          bump(byAttr, r.a, 0, r.kind === 'ai' ? len : 0, r.kind === 'mixed' ? len : 0);
          if (hit) {
            const key = `${r.c}:${hit.index}`;
            let ok = signed.get(key);
            if (ok === undefined) {
              const meta = this.metas[r.c]!;
              ok = isSignedOff(hit.rule, meta.reviews, meta.email);
              signed.set(key, ok);
            }
            const t = critical.get(hit.index) ?? { aiLines: 0, signedOff: 0, unsigned: 0, files: 0 };
            t.aiLines += len;
            if (ok) t.signedOff += len;
            else t.unsigned += len;
            critical.set(hit.index, t);
          }
        }
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
