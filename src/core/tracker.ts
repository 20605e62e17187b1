// Per-line attribution of one document, kept at character precision while edits, undo and redo arrive.
//
// Every non-line-break character has an author (a person, or an Attribution) and a scar flag; a line's kind follows
// from its characters. Lines live in a chunked store so that a keystroke costs the same in 1k and 100k-line files.
import { attributionKey, HUMAN, type Attribution, type EditReason, type LineProvenance, type Position, type TextChange } from './model';
import { hasLineBreak, splitWithEols } from './lines';
import { movedLines } from './carry';
import { changesBetween } from './reanchor';
import { ReusingRunsBuilder, humanLines, type LineRuns } from './lineRuns';

/**
 * Authorship of one line as run-lengths, flat `[length, code, length, code, …]`; `code` is `authorId << 1 | scar`,
 * author 0 being a person. `null` is the common case of a line written only by people, without scars.
 */
type Runs = readonly number[] | null;

/** One line; never mutated after creation, so history snapshots can share it. */
interface Rec {
  readonly t: string;
  /** The line break ending the line (`''` for the last line). */
  readonly e: string;
  readonly r: Runs;
  /** Provenance, computed on first use. */
  p?: LineProvenance;
}

const PERSON = 0;
const SCAR = 1;

const BLOCK = 512;
const BLOCK_MAX = 1024;
const BLOCK_MIN = 128;

const HISTORY_ENTRIES = 1000;
/** Events changing more lines than this (before plus after) are not searched for moved AI blocks: the editor waits. */
const MAX_MOVED_SPAN = 20_000;
/** Snapshots above this many lines (before plus after) are not kept; undoing such an edit falls back to a plain edit. */
const SNAPSHOT_LINES = 20_000;
/** All snapshots together stay under this many lines; the oldest entries go first. */
const HISTORY_LINES = 200_000;
/** How many history entries one undo or redo event may combine (VS Code groups typing into one undo step). */
const COMBINE_ENTRIES = 200;

interface Entry {
  readonly head: number;
  readonly tail: number;
  readonly before: readonly Rec[];
  readonly after: readonly Rec[];
}

/** The AI runs of one block (lines relative to the block) and its AI line count. */
interface BlockSummary {
  readonly runs: readonly { readonly start: number; readonly end: number; readonly prov: LineProvenance }[];
  readonly ai: number;
}

/** Lines in blocks of a few hundred, so an edit splices a short array instead of the whole document. */
class LineStore {
  private blocks: Rec[][];
  /** Per-block summaries, dropped whenever a block changes, so whole-file views only revisit edited blocks. */
  private readonly summaries = new WeakMap<Rec[], BlockSummary>();
  private total: number;
  /** Block index and first line of the block last looked up: consecutive edits are usually close together. */
  private hintBlock = 0;
  private hintStart = 0;

  constructor(recs: Rec[]) {
    this.blocks = chunk(recs);
    this.total = recs.length;
  }

  get count(): number {
    return this.total;
  }

  /** Block and offset of line i, for 0 ≤ i ≤ count (i = count points past the last line). */
  private locate(i: number): [number, number] {
    const blocks = this.blocks;
    let b = this.hintBlock;
    let start = this.hintStart;
    if (b >= blocks.length) {
      b = 0;
      start = 0;
    }
    while (i < start) {
      b--;
      start -= blocks[b].length;
    }
    while (i >= start + blocks[b].length && b < blocks.length - 1) {
      start += blocks[b].length;
      b++;
    }
    this.hintBlock = b;
    this.hintStart = start;
    return [b, i - start];
  }

  get(i: number): Rec {
    const [b, o] = this.locate(i);
    return this.blocks[b][o];
  }

  set(i: number, rec: Rec): void {
    const [b, o] = this.locate(i);
    this.blocks[b][o] = rec;
    this.summaries.delete(this.blocks[b]);
  }

  slice(from: number, to: number): Rec[] {
    const out: Rec[] = [];
    if (to <= from) return out;
    let [b, o] = this.locate(from);
    let left = to - from;
    while (left > 0) {
      const blk = this.blocks[b];
      const n = Math.min(left, blk.length - o);
      for (let k = 0; k < n; k++) out.push(blk[o + k]);
      left -= n;
      b++;
      o = 0;
    }
    return out;
  }

  /** Replaces `deleteCount` lines from `from` with `recs`. */
  replace(from: number, deleteCount: number, recs: readonly Rec[]): void {
    const [bi, off] = this.locate(from);
    const start = from - off;
    let b = bi;
    let o = off;
    let left = deleteCount;
    while (left > 0) {
      const blk = this.blocks[b];
      const n = Math.min(left, blk.length - o);
      blk.splice(o, n);
      this.summaries.delete(blk);
      left -= n;
      b++;
      o = 0;
    }
    const blk = this.blocks[bi];
    this.summaries.delete(blk);
    let last = b;
    if (blk.length + recs.length <= BLOCK_MAX) {
      if (recs.length === 1) blk.splice(off, 0, recs[0]);
      else if (recs.length > 0) blk.splice(off, 0, ...recs);
    } else {
      const pieces = chunk(blk.slice(0, off).concat(recs, blk.slice(off)));
      this.blocks.splice(bi, 1, ...pieces);
      last += pieces.length - 1;
    }
    this.total += recs.length - deleteCount;
    this.tidy(bi, last);
    this.hintBlock = bi;
    this.hintStart = start;
  }

  /** Drops emptied blocks and merges small ones forward; never changes where block `from` starts. */
  private tidy(from: number, to: number): void {
    const blocks = this.blocks;
    for (let k = Math.min(to, blocks.length - 1); k >= from; k--) {
      if (blocks[k].length === 0) {
        if (blocks.length > 1) blocks.splice(k, 1);
      } else if (blocks[k].length < BLOCK_MIN && k + 1 < blocks.length && blocks[k].length + blocks[k + 1].length <= BLOCK_MAX) {
        blocks[k] = blocks[k].concat(blocks[k + 1]);
        blocks.splice(k + 1, 1);
      }
    }
  }

  /** Each block's summary with the block's first line, computing only those of changed blocks. */
  summarize(compute: (block: readonly Rec[]) => BlockSummary, fn: (summary: BlockSummary, start: number) => void): void {
    let start = 0;
    for (const blk of this.blocks) {
      let s = this.summaries.get(blk);
      if (!s) {
        s = compute(blk);
        this.summaries.set(blk, s);
      }
      fn(s, start);
      start += blk.length;
    }
  }

  forEach(fn: (rec: Rec, line: number) => void): void {
    let i = 0;
    for (const blk of this.blocks) for (const rec of blk) fn(rec, i++);
  }
}

function chunk(recs: readonly Rec[]): Rec[][] {
  const out: Rec[][] = [];
  for (let k = 0; k < recs.length; k += BLOCK) out.push(recs.slice(k, k + BLOCK));
  if (out.length === 0) out.push([]);
  return out;
}

function pushRun(out: number[], len: number, code: number): void {
  if (len <= 0) return;
  const n = out.length;
  if (n > 0 && out[n - 1] === code) out[n - 2] += len;
  else out.push(len, code);
}

/** Appends the runs of characters [from, to) of a line. */
function sliceRuns(r: Runs, from: number, to: number, out: number[]): void {
  if (to <= from) return;
  if (r === null) return pushRun(out, to - from, PERSON);
  let pos = 0;
  for (let k = 0; k < r.length && pos < to; k += 2) {
    const end = pos + r[k];
    if (end > from) pushRun(out, Math.min(end, to) - Math.max(pos, from), r[k + 1]);
    pos = end;
  }
}

/** The same runs with a scar on the character at `at`. */
function withScar(r: readonly number[], at: number): number[] {
  const out: number[] = [];
  let pos = 0;
  for (let k = 0; k < r.length; k += 2) {
    const len = r[k];
    const code = r[k + 1];
    if (at >= pos && at < pos + len) {
      pushRun(out, at - pos, code);
      pushRun(out, 1, code | SCAR);
      pushRun(out, pos + len - at - 1, code);
    } else {
      pushRun(out, len, code);
    }
    pos += len;
  }
  return out;
}

function finish(out: number[]): Runs {
  return out.length === 0 || (out.length === 2 && out[1] === PERSON) ? null : out;
}

function line(t: string, e: string, code: number): Rec {
  return { t, e, r: code === PERSON || t.length === 0 ? null : [t.length, code] };
}

function pos(p: Position): string {
  return `${p.line}:${p.character}`;
}

function isIndex(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0;
}

/** Authorship of inserted text, per line of the text, as flat runs; `undefined` when one code writes all of it. */
type InsertRuns = readonly (readonly number[])[] | undefined;

/** Appends the authorship of line `j` of inserted text, `len` characters long. */
function put(out: number[], runs: InsertRuns, j: number, len: number, code: number): void {
  if (!runs) return pushRun(out, len, code);
  const r = runs[j];
  for (let k = 0; k < r.length; k += 2) pushRun(out, r[k], r[k + 1]);
}

/**
 * The new lines that replace lines first..last when [sc on first, ec on last) is replaced by `text` written by `code`
 * (or, given `runs`, with the authorship of each inserted character). A person's deletion scars the character before
 * the change, or else the first one after the inserted text on the same line; a deletion of whole lines alone leaves
 * the surviving lines intact and so leaves no scar, nor does a change `layout` marks as moving text without writing.
 */
function editLines(first: Rec, last: Rec, multiLine: boolean, sc: number, ec: number, text: string, code: number, runs?: InsertRuns, layout = false): Rec[] {
  const deleted = multiLine || sc < ec;
  const scarring = code === PERSON && deleted && !layout;
  if (!hasLineBreak(text)) {
    const t = first.t.slice(0, sc) + text + last.t.slice(ec);
    let at = -1;
    if (scarring) {
      const wholeLines = text === '' && multiLine && ((sc === 0 && ec === 0) || (sc === first.t.length && ec === last.t.length));
      if (wholeLines) at = -1;
      else if (sc > 0) at = sc - 1;
      else if (ec < last.t.length) at = text.length;
    }
    if (first.r === null && last.r === null && code === PERSON && !runs && at < 0) return [{ t, e: last.e, r: null }];
    const out: number[] = [];
    sliceRuns(first.r, 0, sc, out);
    put(out, runs, 0, text.length, code);
    sliceRuns(last.r, ec, last.t.length, out);
    return [{ t, e: last.e, r: finish(at >= 0 ? withScar(out, at) : out) }];
  }
  const { lines, eols } = splitWithEols(text);
  const k = lines.length - 1;
  const recs: Rec[] = [];
  const head: number[] = [];
  sliceRuns(first.r, 0, sc, head);
  put(head, runs, 0, lines[0].length, code);
  recs.push({ t: first.t.slice(0, sc) + lines[0], e: eols[0], r: finish(scarring && sc > 0 ? withScar(head, sc - 1) : head) });
  for (let j = 1; j < k; j++) {
    if (!runs) recs.push(line(lines[j], eols[j], code));
    else {
      const mid: number[] = [];
      put(mid, runs, j, lines[j].length, code);
      recs.push({ t: lines[j], e: eols[j], r: finish(mid) });
    }
  }
  const tail: number[] = [];
  put(tail, runs, k, lines[k].length, code);
  sliceRuns(last.r, ec, last.t.length, tail);
  recs.push({ t: lines[k] + last.t.slice(ec), e: last.e, r: finish(tail) });
  return recs;
}

/** The author code (without scar) of character `at` of a line, or undefined outside it. */
function codeAt(rec: Rec, at: number): number | undefined {
  if (at < 0 || at >= rec.t.length) return undefined;
  const r = rec.r;
  if (r === null) return PERSON;
  let pos = 0;
  for (let k = 0; k < r.length; k += 2) {
    pos += r[k];
    if (at < pos) return r[k + 1] & ~SCAR;
  }
  return undefined;
}

const WHITESPACE = /^\s*$/;

interface Span {
  readonly head: number;
  readonly tail: number;
}

function breaks(text: string): number {
  if (!hasLineBreak(text)) return 0;
  return splitWithEols(text).lines.length - 1;
}

function sameText(a: readonly Rec[], b: readonly Rec[]): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k].t !== b[k].t || a[k].e !== b[k].e) return false;
  return true;
}

/** Consecutive characters of a fragment with one author (a person when `author` is undefined). */
export interface FragmentRun {
  readonly length: number;
  readonly author?: Attribution;
  readonly scar: boolean;
}

/** Text taken from a document with the authorship of its characters: one run list per line of `text`. */
export interface Fragment {
  readonly text: string;
  readonly lines: readonly (readonly FragmentRun[])[];
  /** Whether the text covers the lines it comes from, but for whitespace at their ends (not a word out of a line). */
  readonly wholeLines: boolean;
}

/**
 * Which changes of a person's edit carry authorship along: `any` (VS Code says it is a cut or a paste), `lines` (the
 * kind of edit is unknown: only text spanning a line break, as whole-line moves are), `none` (typing and the like).
 */
export type Carry = 'any' | 'lines' | 'none';

/** How an event is applied beyond who made it. */
export interface EditOptions {
  /** Remembers the AI text a person's change removes, and gives a person's insertion of exactly remembered text its authorship. */
  readonly carried?: CarriedText;
  readonly carry?: Carry;
  /** A formatter's edit: a change of whitespace only keeps the authorship of the text around it. */
  readonly layout?: boolean;
}

/** Whether a fragment holds a character an AI wrote other than whitespace: only such text is worth carrying. */
function hasAiText(f: Fragment): boolean {
  const { lines } = splitWithEols(f.text);
  return f.lines.some((runs, j) => {
    let pos = 0;
    return runs.some((r) => {
      const piece = lines[j]?.slice(pos, pos + r.length) ?? '';
      pos += r.length;
      return r.author !== undefined && !WHITESPACE.test(piece);
    });
  });
}

function endsWithLineBreak(text: string): boolean {
  return text.endsWith('\n') || text.endsWith('\r');
}

/**
 * The AI text recently cut, copied or removed, newest last, so that a paste of exactly that text (in any document)
 * keeps who wrote it. Shared by every document of a window; bounded in entries and characters.
 */
export class CarriedText {
  private entries: Fragment[] = [];
  /** How many insertions matched remembered text so far, so callers can say when one did. */
  hits = 0;

  /** `mapAuthor` turns an attribution of the source into the one the pasted copy gets (e.g. dropping a commit it came from). */
  constructor(
    private readonly mapAuthor: (a: Attribution) => Attribution = (a) => a,
    private readonly maxEntries = 20,
    private readonly maxChars = 1_000_000,
  ) {}

  get size(): number {
    return this.entries.length;
  }

  /**
   * Keeps `f` if it is whole lines holding AI text: a person's text needs no memory, and a word taken out of an AI
   * line and pasted into a person's line would make that line count as AI.
   */
  remember(f: Fragment): void {
    if (!f.wholeLines || f.text.length > this.maxChars || !hasAiText(f)) return;
    const lines = f.lines.map((runs) => runs.map((r) => (r.author ? { ...r, author: this.mapAuthor(r.author) } : r)));
    const mapped: Fragment = { text: f.text, lines, wholeLines: true };
    this.entries = this.entries.filter((e) => e.text !== f.text);
    this.entries.push(mapped);
    let chars = this.entries.reduce((n, e) => n + e.text.length, 0);
    while (this.entries.length > this.maxEntries || chars > this.maxChars) chars -= this.entries.shift()?.text.length ?? chars;
  }

  /**
   * The remembered fragment whose text is exactly `text`, or exactly `text` without one final line break (a line
   * copied without a selection is pasted as a line of its own); undefined when nothing matches exactly.
   */
  find(text: string): Fragment | undefined {
    for (let k = this.entries.length - 1; k >= 0; k--) {
      const e = this.entries[k];
      if (e.text === text) {
        this.hits++;
        return e;
      }
      const extra = text.slice(e.text.length);
      if ((extra === '\n' || extra === '\r\n') && text.startsWith(e.text) && !endsWithLineBreak(e.text)) {
        this.hits++;
        return { text, lines: [...e.lines, []], wholeLines: true };
      }
    }
    return undefined;
  }

  clear(): void {
    this.entries = [];
  }
}

/**
 * Per-line provenance of one document, fed with VS Code-shaped change events. Stored provenance is read back as
 * characters: an `ai` line as all its author's, a `mixed` line as its author's with every character scarred.
 */
export class LineTracker {
  private store: LineStore;
  private readonly authorIds = new WeakMap<Attribution, number>();
  private readonly authorKeys = new Map<string, number>();
  /** `[ai, mixed]` provenance per interned attribution; index 0 stands for a person. */
  private readonly provs: LineProvenance[][] = [[]];
  private undoStack: Entry[] = [];
  private redoStack: Entry[] = [];
  private historyLines = 0;
  private summary?: { runs: LineRuns; ai: number };
  /** The runs last built (kept after an edit): the next build reuses its unchanged run objects. */
  private lastRuns: LineRuns = humanLines(0);

  /**
   * `provenance` gives each line's kind (what the working state stores); it is ignored if its line count differs from
   * the text's. `keyOf` tells attributions apart: equal keys are one author (by default, equal values).
   */
  constructor(
    text: string,
    provenance?: LineRuns,
    private readonly keyOf: (a: Attribution) => string = attributionKey,
  ) {
    const { lines, eols } = splitWithEols(text);
    const codes = new Array<number>(lines.length).fill(PERSON);
    if (provenance !== undefined && provenance.lineCount === lines.length) {
      for (const r of provenance.runs) codes.fill((this.intern(provenance.attributions[r.id]) << 1) | (r.kind === 'mixed' ? SCAR : 0), r.start, r.end);
    }
    const recs: Rec[] = new Array<Rec>(lines.length);
    for (let i = 0; i < lines.length; i++) recs[i] = line(lines[i], eols[i], codes[i]);
    this.store = new LineStore(recs);
  }

  get lineCount(): number {
    return this.store.count;
  }

  /**
   * Applies one change event; `author` undefined means a person. Throws a RangeError, changing nothing, on a change
   * that does not fit the document (text it would have carried may be remembered all the same).
   */
  applyChanges(changes: readonly TextChange[], author: Attribution | undefined, reason?: EditReason, options?: EditOptions): void {
    if (changes.length === 0) return;
    if (reason === 'undo' || reason === 'redo') {
      if (this.replay(changes, reason)) return;
      // History does not explain this event: a person's edit is the only claim without evidence of AI.
      this.clearHistory();
      this.edit(changes, PERSON, false);
      return;
    }
    this.edit(changes, author ? this.intern(author) << 1 : PERSON, true, true, options);
  }

  /** The text of [start, end) with the authorship of its characters. Throws a RangeError when the range is not in the document. */
  fragment(start: Position, end: Position): Fragment {
    const where = `LineTracker.fragment: ${pos(start)}..${pos(end)}`;
    if (![start.line, start.character, end.line, end.character].every(isIndex)) throw new RangeError(`${where} is not a range`);
    if (start.line > end.line || (start.line === end.line && start.character > end.character)) throw new RangeError(`${where}: start is after end`);
    if (end.line >= this.store.count) throw new RangeError(`${where}: line ${end.line} is past the last line ${this.store.count - 1}`);
    if (start.character > this.store.get(start.line).t.length || end.character > this.store.get(end.line).t.length) {
      throw new RangeError(`${where}: a column is past the end of its line`);
    }
    return this.fragmentAt(start, end);
  }

  private fragmentAt(s: Position, e: Position): Fragment {
    const recs = this.store.slice(s.line, e.line + 1);
    const parts: string[] = [];
    const lines: FragmentRun[][] = [];
    recs.forEach((rec, j) => {
      const from = j === 0 ? s.character : 0;
      const to = j === recs.length - 1 ? e.character : rec.t.length;
      const out: number[] = [];
      sliceRuns(rec.r, from, to, out);
      const runs: FragmentRun[] = [];
      for (let k = 0; k < out.length; k += 2) {
        const id = out[k + 1] >> 1;
        runs.push({ length: out[k], ...(id === PERSON ? {} : { author: this.provs[id][0].attribution }), scar: (out[k + 1] & SCAR) !== 0 });
      }
      lines.push(runs);
      parts.push(rec.t.slice(from, to));
      if (j < recs.length - 1) parts.push(rec.e);
    });
    const head = recs[0].t;
    const tail = recs[recs.length - 1].t;
    // A range starting at the end of a line, or ending at the start of one, takes nothing of that line but its break.
    const multi = s.line !== e.line;
    const wholeLines =
      (WHITESPACE.test(head.slice(0, s.character)) || (multi && s.character === head.length)) && (WHITESPACE.test(tail.slice(e.character)) || (multi && e.character === 0));
    return { text: parts.join(''), lines, wholeLines };
  }

  /** A fragment's authorship as this tracker's runs, one list per line. */
  private codesOf(f: Fragment): number[][] {
    return f.lines.map((runs) => {
      const out: number[] = [];
      for (const r of runs) pushRun(out, r.length, (r.author ? this.intern(r.author) << 1 : PERSON) | (r.scar ? SCAR : 0));
      return out;
    });
  }

  /** Whether the text of [s, e) is whitespace only (line breaks included). */
  private onlyWhitespace(s: Position, e: Position): boolean {
    if (s.line === e.line) return WHITESPACE.test(this.store.get(s.line).t.slice(s.character, e.character));
    const recs = this.store.slice(s.line, e.line + 1);
    return recs.every((rec, j) => WHITESPACE.test(rec.t.slice(j === 0 ? s.character : 0, j === recs.length - 1 ? e.character : rec.t.length)));
  }

  /** Replaces the whole text, keeping the attribution of everything the new text leaves unchanged. */
  replaceAll(text: string, author?: Attribution): void {
    const changes = changesBetween(this.text(), text);
    if (changes.length > 0) this.edit(changes, author ? this.intern(author) << 1 : PERSON, true, false);
  }

  /** Sets every character of lines [startLine, endLine) to `author` (a person when undefined), without scars. */
  mark(startLine: number, endLine: number, author: Attribution | undefined): void {
    if (!isIndex(startLine) || !isIndex(endLine) || startLine > endLine || endLine > this.store.count) {
      throw new RangeError(`LineTracker.mark: lines ${startLine}..${endLine} are outside the document's ${this.store.count} lines`);
    }
    const code = author ? this.intern(author) << 1 : PERSON;
    const recs = this.store.slice(startLine, endLine).map((r) => line(r.t, r.e, code));
    this.store.replace(startLine, endLine - startLine, recs);
    // Snapshots taken before the mark would bring back the attribution the user just overrode.
    this.clearHistory();
    this.summary = undefined;
  }

  line(i: number): LineProvenance {
    return this.provOf(this.rec(i));
  }

  lines(): LineProvenance[] {
    const out = new Array<LineProvenance>(this.store.count);
    this.store.forEach((rec, i) => (out[i] = this.provOf(rec)));
    return out;
  }

  /**
   * Every line's provenance as runs: what the working state stores, a reload merges into and the gutter draws. Kept
   * until the next edit, so repeated reads between keystrokes cost nothing.
   */
  provenance(): LineRuns {
    return this.summarize().runs;
  }

  aiLineCount(): number {
    return this.summarize().ai;
  }

  lineText(i: number): string {
    return this.rec(i).t;
  }

  text(): string {
    const parts: string[] = [];
    this.store.forEach((rec) => parts.push(rec.t, rec.e));
    return parts.join('');
  }

  private rec(i: number): Rec {
    if (!isIndex(i) || i >= this.store.count) throw new RangeError(`LineTracker: line ${i} is outside the document's ${this.store.count} lines`);
    return this.store.get(i);
  }

  private intern(a: Attribution): number {
    const known = this.authorIds.get(a);
    if (known !== undefined) return known;
    const key = this.keyOf(a);
    let id = this.authorKeys.get(key);
    if (id === undefined) {
      id = this.provs.length;
      this.authorKeys.set(key, id);
      this.provs.push([Object.freeze({ kind: 'ai', attribution: a }), Object.freeze({ kind: 'mixed', attribution: a })]);
    }
    this.authorIds.set(a, id);
    return id;
  }

  private provOf(rec: Rec): LineProvenance {
    if (rec.p) return rec.p;
    const r = rec.r;
    if (r === null) return (rec.p = HUMAN);
    let touched = false;
    // Characters per AI author in order of first appearance; a line rarely has more than two.
    const ids: number[] = [];
    const counts: number[] = [];
    for (let k = 0; k < r.length; k += 2) {
      const code = r[k + 1];
      const id = code >> 1;
      if (code & SCAR || id === PERSON) touched = true;
      if (id === PERSON) continue;
      const at = ids.indexOf(id);
      if (at < 0) {
        ids.push(id);
        counts.push(r[k]);
      } else {
        counts[at] += r[k];
      }
    }
    if (ids.length === 0) return (rec.p = HUMAN);
    let best = 0;
    for (let j = 1; j < ids.length; j++) if (counts[j] > counts[best]) best = j;
    return (rec.p = this.provs[ids[best]][touched ? 1 : 0]);
  }

  private summarize(): { runs: LineRuns; ai: number } {
    if (this.summary) return this.summary;
    // One provenance object per author and kind (`provs`), so the builder's merge by attribution and kind joins
    // exactly the lines of one provenance across block borders.
    const b = new ReusingRunsBuilder(this.lastRuns);
    let ai = 0;
    this.store.summarize(
      (block) => this.summarizeBlock(block),
      (summary, start) => {
        ai += summary.ai;
        for (const r of summary.runs) {
          if (r.prov.kind !== 'human' && r.prov.attribution) b.add(start + r.start, start + r.end, r.prov.kind, r.prov.attribution);
        }
      },
    );
    this.lastRuns = b.done(this.store.count);
    return (this.summary = { runs: this.lastRuns, ai });
  }

  private summarizeBlock(block: readonly Rec[]): BlockSummary {
    const runs: { start: number; end: number; prov: LineProvenance }[] = [];
    let ai = 0;
    for (let i = 0; i < block.length; i++) {
      const prov = this.provOf(block[i]);
      if (prov.kind === 'human') continue;
      ai++;
      const last = runs[runs.length - 1];
      if (last && last.prov === prov && last.end === i) last.end = i + 1;
      else runs.push({ start: i, end: i + 1, prov });
    }
    return { runs, ai };
  }

  /** The lines an event leaves untouched at the start (head) and end (tail); validates its line numbers. */
  private span(changes: readonly TextChange[]): Span {
    let count = this.store.count;
    let head = Infinity;
    let tail = Infinity;
    changes.forEach((c, k) => {
      const s = c?.range?.start;
      const e = c?.range?.end;
      const where = `LineTracker: change ${k + 1} of ${changes.length}`;
      if (!s || !e || !isIndex(s.line) || !isIndex(s.character) || !isIndex(e.line) || !isIndex(e.character) || typeof c.text !== 'string') {
        throw new RangeError(`${where} is not a range with text`);
      }
      if (s.line > e.line || (s.line === e.line && s.character > e.character)) throw new RangeError(`${where}: start ${pos(s)} is after end ${pos(e)}`);
      if (e.line >= count) throw new RangeError(`${where}: line ${e.line} is past the last line ${count - 1}`);
      head = Math.min(head, s.line);
      tail = Math.min(tail, count - 1 - e.line);
      count += breaks(c.text) - (e.line - s.line);
    });
    return { head, tail };
  }

  /** Applies an event to the store; undone completely and rethrown if a change does not fit. */
  private edit(changes: readonly TextChange[], code: number, record: boolean, wholeCheck = true, options?: EditOptions): void {
    let { head, tail } = this.span(changes);
    if (wholeCheck && this.isWholeReplace(changes)) {
      const diffed = changesBetween(this.text(), changes[0].text);
      if (diffed.length === 0) return;
      changes = diffed;
      ({ head, tail } = this.span(changes));
    }
    const store = this.store;
    const before = store.slice(head, store.count - tail);
    try {
      changes.forEach((c, k) => this.applyOne(c, code, k, changes.length, options));
    } catch (err) {
      store.replace(head, store.count - tail - head, before);
      throw err;
    }
    if (code === PERSON) this.keepMoved(before, head, tail);
    this.summary = undefined;
    if (!record) return;
    this.redoStack = [];
    const after = store.slice(head, store.count - tail);
    this.push(this.undoStack, { head, tail, before, after });
  }

  /**
   * After a person's event, gives lines of AI blocks it moved unchanged (a reload from disk after a script moved
   * them, lines moved up or down) their old authorship back: moving a line does not write it. `before` held lines
   * [head, count - tail) before the event.
   */
  private keepMoved(before: readonly Rec[], head: number, tail: number): void {
    const end = this.store.count - tail;
    if (before.length < 2 || end - head < 2 || before.length + end - head > MAX_MOVED_SPAN) return;
    if (!before.some((r) => this.provOf(r).kind !== 'human')) return;
    const after = this.store.slice(head, end);
    const moved = movedLines(
      before.map((r) => r.t),
      after.map((r) => r.t),
      (j) => this.provOf(before[j]!).kind !== 'human',
    );
    for (const [i, j] of moved) this.store.set(head + i, { ...before[j]!, e: after[i]!.e });
  }

  /** One change covering a whole non-empty document: how VS Code may report a reload from disk. */
  private isWholeReplace(changes: readonly TextChange[]): boolean {
    if (changes.length !== 1) return false;
    const { start, end } = changes[0].range;
    const n = this.store.count;
    if (start.line !== 0 || start.character !== 0 || end.line !== n - 1) return false;
    const last = this.store.get(n - 1).t;
    return end.character === last.length && (n > 1 || last.length > 0);
  }

  private applyOne(c: TextChange, code: number, k: number, of: number, options?: EditOptions): void {
    const s = c.range.start;
    const e = c.range.end;
    const store = this.store;
    const first = store.get(s.line);
    const last = s.line === e.line ? first : store.get(e.line);
    if (s.character > first.t.length || e.character > last.t.length) {
      const bad = s.character > first.t.length ? s : e;
      const len = bad === s ? first.t.length : last.t.length;
      throw new RangeError(`LineTracker: change ${k + 1} of ${of}: column ${bad.character} is past the end of line ${bad.line} (length ${len})`);
    }
    if (s.line === e.line && s.character === e.character && c.text === '') return;
    let runs: InsertRuns;
    let layout = false;
    if (code === PERSON && options) {
      const carry = options.carry ?? 'none';
      const carried = options.carried;
      if (carried && carry !== 'none') {
        if ((carry === 'any' && (s.line !== e.line || s.character !== e.character)) || s.line !== e.line) carried.remember(this.fragmentAt(s, e));
        if ((carry === 'any' || hasLineBreak(c.text)) && !WHITESPACE.test(c.text)) {
          const f = carried.find(c.text);
          if (f) runs = this.codesOf(f);
        }
      }
      if (!runs && options.layout && WHITESPACE.test(c.text) && this.onlyWhitespace(s, e)) {
        layout = true;
        // Whitespace a formatter puts in belongs to whoever wrote the text it stands next to.
        code = codeAt(first, s.character - 1) ?? codeAt(last, e.character) ?? PERSON;
      }
    }
    const recs = editLines(first, last, s.line !== e.line, s.character, e.character, c.text, code, runs, layout);
    if (recs.length === 1 && s.line === e.line) store.set(s.line, recs[0]);
    else store.replace(s.line, e.line - s.line + 1, recs);
  }

  private push(stack: Entry[], entry: Entry): void {
    const size = entry.before.length + entry.after.length;
    if (size > SNAPSHOT_LINES) {
      // Entries below an unrecorded edit can no longer match the document.
      if (stack === this.undoStack) this.clearHistory();
      else this.redoStack = [];
      return;
    }
    stack.push(entry);
    this.historyLines += size;
    while (this.undoStack.length + this.redoStack.length > HISTORY_ENTRIES || this.historyLines > HISTORY_LINES) {
      const oldest = this.undoStack.length > 0 ? this.undoStack.shift() : this.redoStack.shift();
      if (!oldest) break;
      this.historyLines -= oldest.before.length + oldest.after.length;
    }
  }

  private clearHistory(): void {
    this.undoStack = [];
    this.redoStack = [];
    this.historyLines = 0;
  }

  /**
   * Matches an undo (redo) event against the most recent history entries, one or several combined, by the line texts
   * it produces, and on a match restores the exact lines those entries recorded.
   */
  private replay(changes: readonly TextChange[], reason: 'undo' | 'redo'): boolean {
    const undo = reason === 'undo';
    const stack = undo ? this.undoStack : this.redoStack;
    if (stack.length === 0) return false;
    let sim: { head: number; tail: number; lines: Rec[] };
    try {
      sim = this.simulate(changes);
    } catch {
      return false;
    }
    const store = this.store;
    const n = store.count;
    let head = sim.head;
    let tail = sim.tail;
    let current = store.slice(head, n - tail);
    let candidate = current;
    let expected = sim.lines;
    const depth = Math.min(COMBINE_ENTRIES, stack.length);
    for (let k = 1; k <= depth; k++) {
      const entry = stack[stack.length - k];
      if (entry.head < head) {
        const more = store.slice(entry.head, head);
        current = more.concat(current);
        candidate = more.concat(candidate);
        expected = more.concat(expected);
        head = entry.head;
      }
      if (entry.tail < tail) {
        const more = store.slice(n - tail, n - entry.tail);
        current = current.concat(more);
        candidate = candidate.concat(more);
        expected = expected.concat(more);
        tail = entry.tail;
      }
      const from = entry.head - head;
      const to = candidate.length - (entry.tail - tail);
      const now = undo ? entry.after : entry.before;
      if (to < from || !sameText(candidate.slice(from, to), now)) return false;
      candidate = candidate.slice(0, from).concat(undo ? entry.before : entry.after, candidate.slice(to));
      if (sameText(candidate, expected)) {
        store.replace(head, n - tail - head, candidate);
        this.summary = undefined;
        for (let j = 0; j < k; j++) {
          const gone = stack.pop();
          if (gone) this.historyLines -= gone.before.length + gone.after.length;
        }
        const combined: Entry = undo ? { head, tail, before: candidate, after: current } : { head, tail, before: current, after: candidate };
        this.push(undo ? this.redoStack : this.undoStack, combined);
        return true;
      }
    }
    return false;
  }

  /** The lines an event would produce over its span, without touching the store. */
  private simulate(changes: readonly TextChange[]): { head: number; tail: number; lines: Rec[] } {
    const { head, tail } = this.span(changes);
    let lines = this.store.slice(head, this.store.count - tail);
    for (const c of changes) {
      const s = c.range.start;
      const e = c.range.end;
      const first = lines[s.line - head];
      const last = lines[e.line - head];
      if (!first || !last || s.character > first.t.length || e.character > last.t.length) throw new RangeError('change outside the document');
      const recs = editLines(first, last, s.line !== e.line, s.character, e.character, c.text, PERSON);
      lines = lines.slice(0, s.line - head).concat(recs, lines.slice(e.line - head + 1));
    }
    return { head, tail, lines };
  }
}
