// What `stats` and `report` read from git per commit, kept in <git-common-dir>/ai-provenance/insight-cache so that a
// later run reads from git only what is new: the list of commits and the list of notes, and the commits and notes it
// has not seen.
//
// Exact by construction: a commit's facts (parents, author, trailers, its -U0 diffs against each parent) never change
// for its id, and a note's reading is keyed by the ids of the note blobs it was read from (the clone's own and every
// fetched one), so a note added, changed or fetched is a new key and is read afresh; nothing is ever invalidated by
// time or guessed. What depends on the team config or the options (ignored paths, rules, path depth) is worked out
// from these facts. The file is a first line naming its format, then segments, one a line, each `<SHA-1 of the
// JSON> <JSON>` with a string table of its own: a run that read something new appends one segment (O_APPEND, never
// through a link), so the file is never rewritten for a few commits. A line that does not match its checksum (a
// write cut short) is skipped and the entries it held are read from git again; a file of another format is ignored.
// Every SEGMENTS_KEPT segments, or when a line was damaged, the file is rewritten as one segment (a new file renamed
// over the old one), leaving out the commits no ref reaches and the note readings no ref holds any more: that is the
// pruning, on a schedule bounded by the appends. A read-only caller (an untrusted workspace) never writes.
import { createHash } from 'node:crypto';
import { constants, lstatSync, mkdirSync, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { CommitFacts, FileDiff, Hunk, Insight, InsightSnapshot, NoteFile } from '../core/insight';
import type { AttributedRun } from '../core/lineRuns';

export type { CommitFacts } from '../core/insight';
import type { Trailer } from '../core/model';
import { stateDir, type Repo } from './repo';
import { atomicWrite } from './fsAtomic';

declare const VERSION: string;
/** The release that wrote a file: a fix in how git's output or the notes are read makes the next release read afresh. */
export const WRITER = typeof VERSION === 'string' ? VERSION : '0.0.0-dev';
const FORMAT = `ai-provenance/insight-cache@2 ${WRITER}`;
export const INSIGHT_CACHE_FILE = 'insight-cache';
const RESULTS_FORMAT = `ai-provenance/insight-results@1 ${WRITER}`;
export const INSIGHT_RESULTS_FILE = 'insight-results';
const STATE_FORMAT = `ai-provenance/insight-state@3 ${WRITER}`;
export const INSIGHT_STATE_FILE = 'insight-state';
/** Results kept: a few ranges, options and configs in use at once. */
const RESULTS_KEPT = 8;
/** Segments appended before the file is rewritten as one (and pruned). */
export const SEGMENTS_KEPT = 16;

/** A note as read: its files, why it could not be read, or that it is empty (as good as no note). */
export type NoteFacts = { readonly files: readonly NoteFile[] } | { readonly error: string } | { readonly blank: true };

// Encoded forms: arrays, with names, paths and blob ids as indices into the segment's table of strings.
type EncDiff = [path: number, oldPath: number, oldBlob: number, newBlob: number, status: string, text: 0 | 1, hunks: number[]];
type EncCommit = [parents: string, name: number, email: number, time: number, subject: string, trailers: (number | string)[], diffs: EncDiff[][]];
// A note: its error, 0 when blank, or per file the path and its runs as start, end, kind (0 ai, 1 mixed), agent,
// model (-1: none): each run with its attribution's agent and model, read back into a table.
type EncNote = string | 0 | [path: number, runs: number[]][];

interface Segment {
  s: string[];
  c: Record<string, EncCommit>;
  n: Record<string, EncNote>;
}

/** The key of a note read from these blobs (the clone's own first, then fetched ones, as listNotes gives them). */
export function noteKey(blobs: readonly string[]): string {
  return blobs.join(' ');
}

const own = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

function isSegment(x: unknown): x is Segment {
  const g = x as Partial<Segment> | null;
  return typeof g === 'object' && g !== null && Array.isArray(g.s) && typeof g.c === 'object' && g.c !== null && typeof g.n === 'object' && g.n !== null;
}

export class InsightCache {
  /** Where each commit's and note's latest entry is: the segment it is in. */
  private readonly commitAt = new Map<string, Segment>();
  private readonly noteAt = new Map<string, Segment>();
  /** What this run adds, written as one segment. */
  private readonly fresh: Segment = { s: [], c: {}, n: {} };
  private freshIndex: Map<string, number> | undefined;
  private added = 0;
  /** Segments in the file: as read, or for an appender as told. */
  private known: number | null;

  private constructor(
    private readonly file: string,
    private readonly objectFormat: string,
    private readonly segments: readonly Segment[],
    /** Whether the file read had lines that did not check: it is rewritten at the next save. */
    private readonly damaged: boolean,
    /** Whether the file was read at all: one that was not (see appender) is only ever appended to. */
    private readonly loaded: boolean,
  ) {
    this.known = segments.length;
    for (const g of segments) {
      for (const k of Object.keys(g.c)) this.commitAt.set(k, g);
      for (const k of Object.keys(g.n)) this.noteAt.set(k, g);
    }
  }

  static file(repo: Repo): string {
    return path.join(stateDir(repo), INSIGHT_CACHE_FILE);
  }

  /** An empty cache (nothing read), written whole; `load` falls back to it whenever the file cannot be trusted. */
  static empty(repo: Repo): InsightCache {
    return new InsightCache(InsightCache.file(repo), repo.objectFormat, [], true, true);
  }

  /**
   * A cache that is not read, only appended to (when the file is one of this format): for a run that knows what is
   * new. `segments`: how many the file holds, as the last writer said (null: not known).
   */
  static appender(repo: Repo, segments: number | null): InsightCache {
    const c = new InsightCache(InsightCache.file(repo), repo.objectFormat, [], false, false);
    c.known = segments;
    return c;
  }

  /** The cache of `repo`, or an empty one when the file is missing, unreadable or of another format. */
  static async load(repo: Repo): Promise<InsightCache> {
    const file = InsightCache.file(repo);
    let buf: Buffer;
    try {
      buf = await fsp.readFile(file);
    } catch {
      return InsightCache.empty(repo);
    }
    const head = `${FORMAT} ${repo.objectFormat}`;
    let nl = buf.indexOf(0x0a);
    if (nl < 0 || buf.subarray(0, nl).toString('latin1') !== head) return InsightCache.empty(repo);
    const segments: Segment[] = [];
    let damaged = false;
    for (let at = nl + 1; at < buf.length; at = nl + 1) {
      nl = buf.indexOf(0x0a, at);
      if (nl < 0) nl = buf.length;
      const g = checkedLine(buf.subarray(at, nl));
      if (g) segments.push(g);
      else damaged = true;
    }
    return new InsightCache(file, repo.objectFormat, segments, damaged, true);
  }

  has(sha: string): boolean {
    return this.commitAt.has(sha) || own(this.fresh.c, sha);
  }

  /** The facts of `sha`, or undefined when they are not kept (or do not decode: then they are read again). */
  commit(sha: string): CommitFacts | undefined {
    return this.decoded('c', this.commitAt, sha, decodeCommit);
  }

  setCommit(sha: string, f: CommitFacts): void {
    const i = (x: string): number => this.intern(x);
    const diff = (d: FileDiff): EncDiff => [i(d.path), d.oldPath === undefined ? -1 : i(d.oldPath), i(d.oldBlob), i(d.newBlob), d.status, d.text ? 1 : 0, d.hunks.flatMap((h) => [h.oldStart, h.oldCount, h.newStart, h.newCount])];
    this.fresh.c[sha] = [f.parents.join(' '), i(f.authorName), i(f.authorEmail), f.time, f.subject, f.trailers.flatMap((t) => [i(t.token), t.value]), f.diffs.map((l) => l.map(diff))];
    this.added++;
  }

  /** How the note read from these blobs (noteKey) reads, or undefined when not kept (or it does not decode). */
  note(key: string): NoteFacts | undefined {
    return this.decoded('n', this.noteAt, key, decodeNote);
  }

  /** The latest entry of `key` in table `t` (this run's first), decoded; undefined when missing or it does not decode. */
  private decoded<K extends 'c' | 'n', T>(t: K, at: ReadonlyMap<string, Segment>, key: string, decode: (e: Segment[K][string], table: readonly string[]) => T): T | undefined {
    const g = own(this.fresh[t], key) ? this.fresh : at.get(key);
    if (!g) return undefined;
    try {
      return decode((g[t] as Record<string, Segment[K][string]>)[key]!, g.s);
    } catch {
      return undefined;
    }
  }

  setNote(key: string, n: NoteFacts): void {
    const i = (x: string): number => this.intern(x);
    this.fresh.n[key] =
      'error' in n
        ? n.error
        : 'blank' in n
          ? 0
          : n.files.map((f) => {
              const path = i(f.path);
              // Strings interned in the order the runs name them: the segment's table comes out as it always has.
              const who: (readonly [number, number])[] = [];
              const of = (id: number): readonly [number, number] => {
                const a = f.attributions[id]!;
                return (who[id] ??= [i(a.agent), a.model === undefined ? -1 : i(a.model)]);
              };
              return [path, f.runs.flatMap((r) => [r.start, r.end, r.kind === 'ai' ? 0 : 1, ...of(r.id)])];
            });
    this.added++;
  }

  /**
   * Writes what this run added: one segment appended, or, every SEGMENTS_KEPT segments and after a damaged line, the
   * whole file anew without the commits `live` leaves out (those no ref reaches) and the note readings not in
   * `liveNotes`. Nothing is written when nothing was added. `live` and `liveNotes` are asked only for a rewrite. A
   * failure to write leaves the next run to read from git. Returns the segments the file holds afterwards (undefined:
   * not known).
   */
  async save(live: () => Promise<(sha: string) => boolean>, liveNotes: (() => Promise<ReadonlySet<string>>) | undefined): Promise<number | undefined> {
    const rewrite = this.loaded && (this.damaged || this.segments.length + 1 > SEGMENTS_KEPT);
    if (!rewrite) {
      if (this.added === 0) return this.known ?? undefined;
      if (!(await appendSegment(this.file, `${FORMAT} ${this.objectFormat}`, this.fresh))) return undefined;
      return this.known === null ? undefined : this.known + 1;
    }
    // Entries read only in this run are all of its walk and its notes: written as they are.
    if (this.segments.length === 0) return (await writeChecked(this.file, `${FORMAT} ${this.objectFormat}`, segmentLine(this.fresh), true)) ? 1 : undefined;
    let keep: (sha: string) => boolean;
    let notes: ReadonlySet<string> | undefined;
    try {
      [keep, notes] = await Promise.all([live(), liveNotes?.()]);
    } catch {
      return undefined;
    }
    const all = new InsightCache(this.file, this.objectFormat, [], false, true);
    for (const sha of new Set([...this.commitAt.keys(), ...Object.keys(this.fresh.c)])) {
      if (!keep(sha)) continue;
      const f = this.commit(sha);
      if (f) all.setCommit(sha, f);
    }
    for (const key of new Set([...this.noteAt.keys(), ...Object.keys(this.fresh.n)])) {
      if (notes && !notes.has(key)) continue;
      const n = this.note(key);
      if (n) all.setNote(key, n);
    }
    return (await writeChecked(this.file, `${FORMAT} ${this.objectFormat}`, segmentLine(all.fresh), true)) ? 1 : undefined;
  }

  private intern(s: string): number {
    if (!this.freshIndex) this.freshIndex = new Map(this.fresh.s.map((x, k) => [x, k]));
    let k = this.freshIndex.get(s);
    if (k === undefined) {
      k = this.fresh.s.length;
      this.fresh.s.push(s);
      this.freshIndex.set(s, k);
    }
    return k;
  }
}

function str(table: readonly string[], k: unknown): string {
  if (typeof k !== 'number' || !(k >= 0 && k < table.length)) throw new Error('bad string index');
  const s = table[k];
  if (typeof s !== 'string') throw new Error('bad string');
  return s;
}

function decodeCommit(e: EncCommit, table: readonly string[]): CommitFacts {
  const [parents, name, email, time, subject, trailers, diffs] = e;
  if (typeof parents !== 'string' || typeof time !== 'number' || typeof subject !== 'string' || !Array.isArray(trailers) || !Array.isArray(diffs)) throw new Error('bad commit');
  const ts: Trailer[] = [];
  for (let k = 0; k + 1 < trailers.length; k += 2) {
    const value = trailers[k + 1];
    if (typeof value !== 'string') throw new Error('bad trailer');
    ts.push({ token: str(table, trailers[k]), value });
  }
  return {
    parents: parents === '' ? [] : parents.split(' '),
    authorName: str(table, name),
    authorEmail: str(table, email),
    time,
    subject,
    trailers: ts,
    diffs: diffs.map((l) => l.map((d) => decodeDiff(d, table))),
  };
}

function decodeDiff(d: EncDiff, table: readonly string[]): FileDiff {
  const [p, oldPath, oldBlob, newBlob, status, text, flat] = d;
  if (typeof status !== 'string' || !Array.isArray(flat) || flat.length % 4 !== 0) throw new Error('bad diff');
  const hunks: Hunk[] = [];
  for (let k = 0; k < flat.length; k += 4) hunks.push({ oldStart: flat[k]!, oldCount: flat[k + 1]!, newStart: flat[k + 2]!, newCount: flat[k + 3]! });
  return { path: str(table, p), ...(oldPath !== -1 && { oldPath: str(table, oldPath) }), oldBlob: str(table, oldBlob), newBlob: str(table, newBlob), status, text: text === 1, hunks };
}

function decodeNote(e: EncNote, table: readonly string[]): NoteFacts {
  if (typeof e === 'string') return { error: e };
  if (e === 0) return { blank: true };
  if (!Array.isArray(e)) throw new Error('bad note');
  return {
    files: e.map(([p, flat]): NoteFile => {
      if (!Array.isArray(flat) || flat.length % 5 !== 0) throw new Error('bad runs');
      const attributions: NoteFile['attributions'][number][] = [];
      // Runs of one agent and model name one entry of the table (keyed by their two string indices).
      const ids = new Map<number, number>();
      const runs: AttributedRun[] = [];
      for (let k = 0; k < flat.length; k += 5) {
        const agent = str(table, flat[k + 3]);
        const model = flat[k + 4] === -1 ? undefined : str(table, flat[k + 4]);
        const key = flat[k + 3]! * (table.length + 1) + flat[k + 4]! + 1;
        let id = ids.get(key);
        if (id === undefined) {
          id = attributions.push({ agent, ...(model !== undefined && { model }) }) - 1;
          ids.set(key, id);
        }
        runs.push({ start: flat[k]!, end: flat[k + 1]!, kind: flat[k + 2] === 0 ? 'ai' : 'mixed', id });
      }
      return { path: str(table, p), attributions, runs };
    }),
  };
}

/** A segment as one line: `<sha1 of the JSON> <JSON>` (JSON never holds a raw line break). */
function segmentLine(g: Segment): string {
  const json = JSON.stringify(g);
  return `${createHash('sha1').update(json, 'utf8').digest('hex')} ${json}`;
}

/** The segment of a line segmentLine wrote; undefined when it does not check or parse. */
function checkedLine(line: Buffer): Segment | undefined {
  if (line.length < 42 || line[40] !== 0x20) return undefined;
  const json = line.subarray(41);
  if (line.subarray(0, 40).toString('latin1') !== createHash('sha1').update(json).digest('hex')) return undefined;
  try {
    const g: unknown = JSON.parse(json.toString('utf8'));
    return isSegment(g) ? g : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Appends `g` as a line to `file` when it starts with `head` (a file of this format; a missing one is left for the next
 * rewrite), never through a link (O_NOFOLLOW) or a linked folder; false when it could not.
 */
async function appendSegment(file: string, head: string, g: Segment): Promise<boolean> {
  let h: fsp.FileHandle | undefined;
  try {
    const st = lstatSync(path.dirname(file), { throwIfNoEntry: false });
    if (!st?.isDirectory()) return false;
    h = await fsp.open(file, constants.O_RDWR | constants.O_APPEND | (constants.O_NOFOLLOW ?? 0));
    const first = Buffer.alloc(head.length + 1);
    const { bytesRead } = await h.read(first, 0, first.length, 0);
    if (bytesRead !== first.length || first.toString('latin1') !== `${head}\n`) return false;
    // One write of the whole line: a reader sees the line whole or, cut short, a line that does not check.
    await h.write(`${segmentLine(g)}\n`);
    return true;
  } catch {
    return false;
  } finally {
    await h?.close().catch(() => undefined);
  }
}

/** The JSON after a first line `<head> <sha1 of the rest>`; undefined when missing, unreadable or not matching. */
async function readChecked(file: string, head: string): Promise<unknown> {
  let buf: Buffer;
  try {
    buf = await fsp.readFile(file);
  } catch {
    return undefined;
  }
  return checked(buf, head);
}

/** The JSON of a file readChecked reads, from its bytes. */
function checked(buf: Buffer, head: string): unknown {
  const nl = buf.indexOf(0x0a);
  if (nl < 0) return undefined;
  const first = buf.subarray(0, nl).toString('latin1');
  const rest = buf.subarray(nl + 1);
  if (first !== `${head} ${createHash('sha1').update(rest).digest('hex')}`) return undefined;
  try {
    return JSON.parse(rest.toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Writes `value` as readChecked reads it (or, `lines`, the head and then `value` as is: the cache's segments), through
 * a new file renamed into place; false when it could not.
 */
async function writeChecked(file: string, head: string, value: unknown, lines = false): Promise<boolean> {
  const dir = path.dirname(file);
  try {
    // The working state's rule: never write through a folder that is a link.
    const st = lstatSync(dir, { throwIfNoEntry: false });
    if (st && !st.isDirectory()) return false;
    if (!st) mkdirSync(dir);
    if (lines) {
      await atomicWrite(file, `${head}\n${value as string}\n`);
      return true;
    }
    const rest = JSON.stringify(value);
    await atomicWrite(file, `${head} ${createHash('sha1').update(rest, 'utf8').digest('hex')}\n${rest}`);
    return true;
  } catch {
    // A cache is never needed: without it the next run reads git again.
    return false;
  }
}

/** A finished result and the unreadable notes met on the way (commit id, error), to report them again. */
export interface CachedResult {
  readonly insight: Insight;
  readonly problems: readonly (readonly [string, string])[];
}

interface ResultEntry extends CachedResult {
  readonly key: string;
}

/**
 * Finished results, keyed by a digest of everything they are made of (see resultKey in history.ts): a second run
 * over the same commits, notes, config and options reads nothing else. A small file of its own, read first, so that
 * such a run never reads the per-commit cache.
 */
export class InsightResults {
  private constructor(
    private readonly file: string,
    private readonly head: string,
    private readonly entries: ResultEntry[],
  ) {}

  static async load(repo: Repo): Promise<InsightResults> {
    const file = path.join(stateDir(repo), INSIGHT_RESULTS_FILE);
    const head = `${RESULTS_FORMAT} ${repo.objectFormat}`;
    const body = await readChecked(file, head);
    const ok = Array.isArray(body) && body.every((e: Partial<ResultEntry>) => typeof e?.key === 'string' && typeof e.insight === 'object' && e.insight !== null && Array.isArray(e.problems));
    return new InsightResults(file, head, ok ? (body as ResultEntry[]) : []);
  }

  get(key: string): CachedResult | undefined {
    return this.entries.find((e) => e.key === key);
  }

  /** Keeps `r` first, the oldest beyond a few dropped. */
  async put(key: string, r: CachedResult): Promise<void> {
    const entries = [{ key, insight: r.insight, problems: r.problems }, ...this.entries.filter((e) => e.key !== key)].slice(0, RESULTS_KEPT);
    await writeChecked(this.file, this.head, entries);
  }
}

/** Where the pass over the whole history stood at the end of a run: see InsightBuilder.snapshot and history.ts. */
export interface InsightStateBody {
  /** A digest of what the figures depend on besides the commits: the builder's version, team config, path depth. */
  readonly key: string;
  /**
   * The walk fed: its tip, and the length in bytes and digest of `git rev-list --reverse --topo-order --parents` of
   * it. A later walk that starts with it goes on from this state with what follows.
   */
  readonly walked: { readonly tip: string; readonly bytes: number; readonly digest: string };
  /** The notes refs read (the clone's own first) and their commits: what changed since is what `git diff-tree` of them tells. */
  readonly notes: readonly (readonly [ref: string, id: string])[];
  /** Segments of the per-commit cache, when known: the one whose count reaches SEGMENTS_KEPT reads it whole. */
  readonly segments: number | null;
  /** The unreadable notes among the commits fed (commit id, error), to report them again. */
  readonly problems: readonly (readonly [string, string])[];
  readonly snapshot: InsightSnapshot;
}

/** The file of InsightStateBody (one, the latest run's), checksummed and written whole like the results. */
export class InsightState {
  private constructor(
    private readonly file: string,
    private readonly head: string,
  ) {}

  static of(repo: Repo): InsightState {
    return new InsightState(path.join(stateDir(repo), INSIGHT_STATE_FILE), `${STATE_FORMAT} ${repo.objectFormat}`);
  }

  /** The file's bytes, read now, and what they say, worked out when asked (a run that finds its result never is). */
  async readLater(): Promise<() => InsightStateBody | undefined> {
    let buf: Buffer;
    try {
      buf = await fsp.readFile(this.file);
    } catch {
      return () => undefined;
    }
    return () => {
      const b = checked(buf, this.head) as Partial<InsightStateBody> | undefined;
      const pair = (x: unknown): boolean => Array.isArray(x) && x.length === 2 && typeof x[0] === 'string' && typeof x[1] === 'string';
      if (typeof b?.key !== 'string' || typeof b.walked?.tip !== 'string' || typeof b.walked.bytes !== 'number' || typeof b.walked.digest !== 'string' || !Array.isArray(b.notes) || !b.notes.every(pair) || !Array.isArray(b.problems) || typeof b.snapshot !== 'object' || b.snapshot === null) return undefined;
      return b as InsightStateBody;
    };
  }

  async write(body: InsightStateBody): Promise<void> {
    await writeChecked(this.file, this.head, body);
  }
}
