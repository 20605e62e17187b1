// The working state's entry format: one JSON file per path with AI lines, anchored by line hashes. How an entry is
// built from a text and its lines' provenance, checked when read, and re-anchored onto another text. Pure but for
// Node's hashing; where entries live and how they are written is the store's part (stateStore.ts).
import { createHash } from 'node:crypto';
import type { Attribution, LineProvenance } from '../core/model';
import { splitLines } from '../core/lines';
import { countLines, fromLines, hasAi, humanLines, type AttributedRun, type LineRuns } from '../core/lineRuns';
import { carry } from './lazyCore';

export class CorruptStateError extends Error {
  override name = 'CorruptStateError';
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: corrupt ai-provenance working state: ${detail}`);
  }
}

/**
 * AI line texts (`texts`) came as an optional field, not as a new format: hooks keep running the CLI they were
 * installed with, and an earlier version reads an entry with `texts` (it ignores the field) but refuses a new format.
 */
const FORMAT = 'ai-provenance/working-state@1';
/** Characters per line hash in an entry's `hashes` string (48 bits, base64url). */
const HASH_WIDTH = 8;
/** AI line texts beyond this many characters in one entry are not kept (its changed AI lines are then `mixed`, as with an earlier version's entry). */
const MAX_TEXT_CHARS = 2_000_000;

export interface Entry {
  readonly format: typeof FORMAT;
  readonly path: string;
  /** sha1 of the text the entry describes: equal means no re-anchoring is needed. */
  readonly sha1: string;
  readonly lineCount: number;
  /** One fixed-width hash per line, concatenated. */
  readonly hashes: string;
  readonly attributions: Attribution[];
  /** [start, end (exclusive), 'a' | 'm', attribution index]. */
  readonly runs: [number, number, 'a' | 'm', number][];
  /**
   * The text of every line the runs cover, in run order (absent from entries of earlier versions): AI text, which the commit will hold
   * anyway; it tells a person's touch-up of an AI line from their rewrite of it. Left out beyond MAX_TEXT_CHARS.
   */
  readonly texts?: string[];
}

/** 48-bit line hashes (cyrb53), base64url, fixed width; collisions only matter within one file's diff. */
export function lineHash(line: string): string {
  const b = Buffer.allocUnsafe(6);
  writeLineHash(line, b, 0);
  return b.toString('base64url');
}

function writeLineHash(line: string, out: Buffer, at: number): void {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < line.length; i++) {
    const ch = line.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  out.writeUInt32BE(h1 >>> 0, at);
  out.writeUInt16BE(h2 & 0xffff, at + 4);
}

/** Blank lines get a hash that reads back as '' so reanchor still sees them as blank (blank lines carry no authorship). */
const BLANK_HASH = '........';

/** Every line's hash from one buffer and one base64 conversion: 6 bytes encode to exactly HASH_WIDTH characters. */
function hashesOf(lines: readonly string[]): string[] {
  const buf = Buffer.allocUnsafe(lines.length * 6);
  for (let k = 0; k < lines.length; k++) writeLineHash(lines[k]!, buf, k * 6);
  const all = buf.toString('base64url');
  return lines.map((l, k) => (l === '' ? BLANK_HASH : all.slice(k * HASH_WIDTH, (k + 1) * HASH_WIDTH)));
}

function forReanchor(hashes: string[]): string[] {
  return hashes.map((h) => (h === BLANK_HASH ? '' : h));
}

export function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/** What the store derives from a text, each computed on first use. */
export class TextFacts {
  private digest: string | undefined;
  private split: string[] | undefined;
  private joinedHashes: string | undefined;

  constructor(readonly text: string) {}

  sha1(): string {
    return (this.digest ??= sha1(this.text));
  }

  lines(): string[] {
    return (this.split ??= splitLines(this.text));
  }

  /** Every line's hash, concatenated, as an entry stores them. */
  hashes(): string {
    return (this.joinedHashes ??= hashesOf(this.lines()).join(''));
  }

  /** Takes the hashes from an entry of this very text instead of computing them. */
  adopt(entry: Entry): void {
    if (entry.sha1 === this.sha1()) this.joinedHashes = entry.hashes;
  }
}

function splitHashes(joined: string, count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(joined.slice(i * HASH_WIDTH, (i + 1) * HASH_WIDTH));
  return out;
}

export function buildEntry(repoPath: string, text: TextFacts, lines: LineRuns): Entry | undefined {
  const textLines = text.lines();
  const attributions: Attribution[] = [];
  // Equal attributions, whatever their object, are one in the entry: the format keys them by value.
  const index = new Map<string, number>();
  const runs: Entry['runs'] = [];
  const n = Math.min(lines.lineCount, textLines.length);
  for (const r of lines.runs) {
    if (r.start >= n) break;
    const attribution = lines.attributions[r.id]!;
    const key = JSON.stringify(attribution);
    let a = index.get(key);
    if (a === undefined) {
      a = attributions.push(attribution) - 1;
      index.set(key, a);
    }
    const k = r.kind === 'ai' ? 'a' : 'm';
    const end = Math.min(r.end, n);
    const last = runs[runs.length - 1];
    if (last && last[1] === r.start && last[2] === k && last[3] === a) last[1] = end;
    else runs.push([r.start, end, k, a]);
  }
  if (runs.length === 0) return undefined;
  const texts = runs.flatMap(([start, end]) => textLines.slice(start, end));
  const entry: Entry = { format: FORMAT, path: repoPath, sha1: text.sha1(), lineCount: textLines.length, hashes: text.hashes(), attributions, runs };
  return texts.reduce((n, t) => n + t.length, 0) > MAX_TEXT_CHARS ? entry : { ...entry, texts };
}

/** The lines an entry records, for the text it was made of. */
export function expand(entry: Entry): LineRuns {
  const runs: AttributedRun[] = [];
  let sorted = true;
  for (const [start, end, k, id] of entry.runs) {
    const last = runs[runs.length - 1];
    // Touching runs of one author and kind, or runs out of order (an entry written by hand): read line by line below.
    if (last && (last.end > start || (last.end === start && last.id === id && last.kind === (k === 'a' ? 'ai' : 'mixed')))) sorted = false;
    runs.push({ start, end, kind: k === 'a' ? 'ai' : 'mixed', id });
  }
  const r: LineRuns = { lineCount: entry.lineCount, attributions: entry.attributions, runs };
  return sorted ? r : fromLines(perLine(entry));
}

/** An entry's lines one by one, a later run winning where runs overlap (as entries have always been read). */
function perLine(entry: Entry): (LineProvenance | undefined)[] {
  const out = new Array<LineProvenance | undefined>(entry.lineCount);
  for (const [start, end, k, a] of entry.runs) {
    const p: LineProvenance = { kind: k === 'a' ? 'ai' : 'mixed', attribution: entry.attributions[a] };
    for (let i = start; i < end; i++) out[i] = p;
  }
  return out;
}

export function provenanceFor(entry: Entry, text: TextFacts): LineRuns {
  if (text.sha1() === entry.sha1) {
    text.adopt(entry);
    return expand(entry);
  }
  const newHashes = splitHashes(text.hashes(), text.lines().length);
  return anchoredReanchor(forReanchor(splitHashes(entry.hashes, entry.lineCount)), expand(entry), forReanchor(newHashes), text.lines(), textsOf(entry));
}

/** The old text of each line an entry's runs cover, by line; undefined for an entry without `texts`. */
export function textsOf(entry: Entry): (string | undefined)[] | undefined {
  if (!entry.texts) return undefined;
  const out = new Array<string | undefined>(entry.lineCount);
  let k = 0;
  for (const [start, end] of entry.runs) for (let i = start; i < end; i++) out[i] = entry.texts[k++];
  return out;
}

/** Whether `text` has every AI line of `entry`, line by line (lines of a person around them may differ). */
export function holdsAll(entry: Entry, text: TextFacts): boolean {
  const now = provenanceFor(entry, text);
  const then = expand(entry);
  return countLines(now, 'ai') >= countLines(then, 'ai') && countLines(now) >= countLines(then);
}

/**
 * Carries provenance from old line hashes to new ones, keeping it only where the match is anchored (see `carry` in
 * core/carry): unchanged lines in an unchanged order, blocks of AI lines moved elsewhere, and a changed AI line as
 * `mixed` only where its old text (`oldTexts`, when known) meaningfully remains. `newLines`: the new text's lines.
 */
export function anchoredReanchor(
  oldHashes: readonly string[],
  oldProv: LineRuns,
  newHashes: readonly string[],
  newLines?: readonly string[],
  oldTexts?: readonly (string | undefined)[],
): LineRuns {
  if (!hasAi(oldProv)) return humanLines(newHashes.length);
  // jsdiff is loaded only when an entry must be re-anchored: a hook whose files are as recorded never needs it.
  return carry(oldHashes, oldProv, newHashes, newLines, oldTexts);
}

export function parseEntry(file: string, raw: string): Entry {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch (err) {
    throw new CorruptStateError(file, `not valid JSON (${(err as Error).message})`);
  }
  const e = v as Partial<Entry> | null;
  if (!e || typeof e !== 'object' || e.format !== FORMAT) throw new CorruptStateError(file, 'unknown format');
  if (typeof e.path !== 'string' || typeof e.sha1 !== 'string' || typeof e.hashes !== 'string' || !Number.isInteger(e.lineCount)) {
    throw new CorruptStateError(file, 'missing fields');
  }
  const lineCount = e.lineCount as number;
  if (e.hashes.length !== lineCount * HASH_WIDTH) throw new CorruptStateError(file, `hashes do not cover ${lineCount} lines`);
  if (!Array.isArray(e.attributions) || !e.attributions.every((a) => a && typeof a.agent === 'string' && typeof a.source === 'string')) {
    throw new CorruptStateError(file, 'bad attributions');
  }
  const nAttr = e.attributions.length;
  if (
    !Array.isArray(e.runs) ||
    !e.runs.every(
      (r) =>
        Array.isArray(r) &&
        Number.isInteger(r[0]) &&
        Number.isInteger(r[1]) &&
        r[0] >= 0 &&
        r[0] < r[1] &&
        r[1] <= lineCount &&
        (r[2] === 'a' || r[2] === 'm') &&
        Number.isInteger(r[3]) &&
        r[3] >= 0 &&
        r[3] < nAttr,
    )
  ) {
    throw new CorruptStateError(file, 'bad line runs');
  }
  if (e.texts !== undefined) {
    const covered = e.runs.reduce((n, r) => n + r[1] - r[0], 0);
    if (!Array.isArray(e.texts) || e.texts.length !== covered || !e.texts.every((t) => typeof t === 'string')) {
      throw new CorruptStateError(file, `texts do not cover the ${covered} lines of its runs`);
    }
  }
  return e as Entry;
}

/** The entry in `raw`; undefined for none or a corrupt one (an entry kept aside that cannot be read is dropped). */
export function parseIfSound(file: string, raw: string | undefined): Entry | undefined {
  try {
    return raw === undefined ? undefined : parseEntry(file, raw);
  } catch {
    return undefined;
  }
}
