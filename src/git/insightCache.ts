// What `stats` and `report` read from git per commit, kept in <git-common-dir>/ai-provenance/insight-cache so that a
// second run over the same history reads only the list of commits and the list of notes from git.
//
// Exact by construction: a commit's facts (parents, author, trailers, its -U0 diffs against each parent) never change
// for its id, and a note's reading is keyed by the ids of the note blobs it was read from (the clone's own and every
// fetched one), so a note added, changed or fetched is a new key and is read afresh; nothing is ever invalidated by
// time or guessed. What depends on the team config or the options (ignored paths, rules, path depth) is worked out
// from these facts on every run. The file starts with a line naming its format and the SHA-1 of the rest: a file
// that is unreadable, truncated, of another format or does not match its checksum is ignored (and replaced by the
// next writer); an entry that does not decode is read from git again. Written through a new file renamed over the
// old one, so readers see either the old file or the new one; a read-only caller (an untrusted workspace) never writes.
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { CommitFacts, FileDiff, Hunk, Insight, NoteFile, NoteRun } from '../core/insight';

export type { CommitFacts } from '../core/insight';
import type { Trailer } from '../core/model';
import { stateDir, type Repo } from './repo';
import { atomicWrite } from './fsAtomic';

declare const VERSION: string;
/** The release that wrote a file: a fix in how git's output or the notes are read makes the next release read afresh. */
export const WRITER = typeof VERSION === 'string' ? VERSION : '0.0.0-dev';
const FORMAT = `ai-provenance/insight-cache@1 ${WRITER}`;
export const INSIGHT_CACHE_FILE = 'insight-cache';
const RESULTS_FORMAT = `ai-provenance/insight-results@1 ${WRITER}`;
export const INSIGHT_RESULTS_FILE = 'insight-results';
/** Results kept: a few ranges, options and configs in use at once. */
const RESULTS_KEPT = 8;

/** A note as read: its files, why it could not be read, or that it is empty (as good as no note). */
export type NoteFacts = { readonly files: readonly NoteFile[] } | { readonly error: string } | { readonly blank: true };

// Encoded forms: arrays, with names, paths and blob ids as indices into one table of strings.
type EncDiff = [path: number, oldPath: number, oldBlob: number, newBlob: number, status: string, text: 0 | 1, hunks: number[]];
type EncCommit = [parents: string, name: number, email: number, time: number, subject: string, trailers: (number | string)[], diffs: EncDiff[][]];
// A note: its error, 0 when blank, or per file the path and its runs as start, end, kind (0 ai, 1 mixed), agent,
// model (-1: none).
type EncNote = string | 0 | [path: number, runs: number[]][];

interface Body {
  s: string[];
  c: Record<string, EncCommit>;
  n: Record<string, EncNote>;
}

/** The key of a note read from these blobs (the clone's own first, then fetched ones, as listNotes gives them). */
export function noteKey(blobs: readonly string[]): string {
  return blobs.join(' ');
}

function decoded<E, T>(table: Record<string, E>, key: string, decode: (e: E) => T): T | undefined {
  if (!Object.prototype.hasOwnProperty.call(table, key)) return undefined;
  try {
    return decode(table[key]!);
  } catch {
    return undefined;
  }
}

export class InsightCache {
  private index: Map<string, number> | undefined;
  private dirty = false;

  private constructor(
    private readonly file: string,
    private readonly objectFormat: string,
    private readonly body: Body,
  ) {}

  static file(repo: Repo): string {
    return path.join(stateDir(repo), INSIGHT_CACHE_FILE);
  }

  /** An empty cache (nothing read); `load` falls back to it whenever the file cannot be trusted. */
  static empty(repo: Repo): InsightCache {
    return new InsightCache(InsightCache.file(repo), repo.objectFormat, { s: [], c: {}, n: {} });
  }

  /** The cache of `repo`, or an empty one when the file is missing, unreadable, of another format or corrupt. */
  static async load(repo: Repo): Promise<InsightCache> {
    const file = InsightCache.file(repo);
    const body = (await readChecked(file, `${FORMAT} ${repo.objectFormat}`)) as Body | undefined;
    if (!body || !Array.isArray(body.s) || typeof body.c !== 'object' || body.c === null || typeof body.n !== 'object' || body.n === null) return InsightCache.empty(repo);
    return new InsightCache(file, repo.objectFormat, body);
  }

  has(sha: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.body.c, sha);
  }

  /** The facts of `sha`, or undefined when they are not kept (or do not decode: then they are read again). */
  commit(sha: string): CommitFacts | undefined {
    return decoded(this.body.c, sha, (e) => this.decodeCommit(e));
  }

  setCommit(sha: string, f: CommitFacts): void {
    const i = (x: string): number => this.intern(x);
    const diff = (d: FileDiff): EncDiff => [i(d.path), d.oldPath === undefined ? -1 : i(d.oldPath), i(d.oldBlob), i(d.newBlob), d.status, d.text ? 1 : 0, d.hunks.flatMap((h) => [h.oldStart, h.oldCount, h.newStart, h.newCount])];
    this.body.c[sha] = [f.parents.join(' '), i(f.authorName), i(f.authorEmail), f.time, f.subject, f.trailers.flatMap((t) => [i(t.token), t.value]), f.diffs.map((l) => l.map(diff))];
    this.dirty = true;
  }

  /** How the note read from these blobs (noteKey) reads, or undefined when not kept (or it does not decode). */
  note(key: string): NoteFacts | undefined {
    return decoded(this.body.n, key, (e) => this.decodeNote(e));
  }

  setNote(key: string, n: NoteFacts): void {
    const i = (x: string): number => this.intern(x);
    this.body.n[key] =
      'error' in n
        ? n.error
        : 'blank' in n
          ? 0
          : n.files.map((f) => [i(f.path), f.runs.flatMap((r) => [r.start, r.end, r.kind === 'ai' ? 0 : 1, i(r.attribution.agent), r.attribution.model === undefined ? -1 : i(r.attribution.model)])]);
    this.dirty = true;
  }

  /** Forgets the readings of notes no ref holds any more (`live`: the keys of every note the clone has now). */
  keepNotes(live: ReadonlySet<string>): void {
    for (const k of Object.keys(this.body.n)) {
      if (live.has(k)) continue;
      delete this.body.n[k];
      this.dirty = true;
    }
  }

  /** Writes the cache when anything was added or forgotten; a failure to write leaves the next run to read from git. */
  async save(): Promise<void> {
    if (!this.dirty) return;
    if (await writeChecked(this.file, `${FORMAT} ${this.objectFormat}`, this.body)) this.dirty = false;
  }

  private intern(s: string): number {
    if (!this.index) this.index = new Map(this.body.s.map((x, k) => [x, k]));
    let k = this.index.get(s);
    if (k === undefined) {
      k = this.body.s.length;
      this.body.s.push(s);
      this.index.set(s, k);
    }
    return k;
  }

  private str(k: unknown): string {
    if (typeof k !== 'number' || !(k >= 0 && k < this.body.s.length)) throw new Error('bad string index');
    const s = this.body.s[k];
    if (typeof s !== 'string') throw new Error('bad string');
    return s;
  }

  private decodeCommit(e: EncCommit): CommitFacts {
    const [parents, name, email, time, subject, trailers, diffs] = e;
    if (typeof parents !== 'string' || typeof time !== 'number' || typeof subject !== 'string' || !Array.isArray(trailers) || !Array.isArray(diffs)) throw new Error('bad commit');
    const ts: Trailer[] = [];
    for (let k = 0; k + 1 < trailers.length; k += 2) {
      const value = trailers[k + 1];
      if (typeof value !== 'string') throw new Error('bad trailer');
      ts.push({ token: this.str(trailers[k]), value });
    }
    return {
      parents: parents === '' ? [] : parents.split(' '),
      authorName: this.str(name),
      authorEmail: this.str(email),
      time,
      subject,
      trailers: ts,
      diffs: diffs.map((l) => l.map((d) => this.decodeDiff(d))),
    };
  }

  private decodeDiff(d: EncDiff): FileDiff {
    const [p, oldPath, oldBlob, newBlob, status, text, flat] = d;
    if (typeof status !== 'string' || !Array.isArray(flat) || flat.length % 4 !== 0) throw new Error('bad diff');
    const hunks: Hunk[] = [];
    for (let k = 0; k < flat.length; k += 4) hunks.push({ oldStart: flat[k]!, oldCount: flat[k + 1]!, newStart: flat[k + 2]!, newCount: flat[k + 3]! });
    return { path: this.str(p), ...(oldPath !== -1 && { oldPath: this.str(oldPath) }), oldBlob: this.str(oldBlob), newBlob: this.str(newBlob), status, text: text === 1, hunks };
  }

  private decodeNote(e: EncNote): NoteFacts {
    if (typeof e === 'string') return { error: e };
    if (e === 0) return { blank: true };
    if (!Array.isArray(e)) throw new Error('bad note');
    return {
      files: e.map(([p, flat]) => {
        if (!Array.isArray(flat) || flat.length % 5 !== 0) throw new Error('bad runs');
        const runs: NoteRun[] = [];
        for (let k = 0; k < flat.length; k += 5) {
          const model = flat[k + 4];
          runs.push({ start: flat[k]!, end: flat[k + 1]!, kind: flat[k + 2] === 0 ? 'ai' : 'mixed', attribution: { agent: this.str(flat[k + 3]), ...(model !== -1 && { model: this.str(model) }) } });
        }
        return { path: this.str(p), runs };
      }),
    };
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

/** Writes `value` as readChecked reads it, through a new file renamed into place; false when it could not. */
async function writeChecked(file: string, head: string, value: unknown): Promise<boolean> {
  const dir = path.dirname(file);
  try {
    // The working state's rule: never write through a folder that is a link.
    const st = lstatSync(dir, { throwIfNoEntry: false });
    if (st && !st.isDirectory()) return false;
    if (!st) mkdirSync(dir);
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
