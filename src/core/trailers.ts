// Commit trailers of PRODUCT.md §5: built from a commit's provenance, merged and read with git's own rules.
//
// The block detection mirrors git's trailer.c (`git interpret-trailers`) so that git, GitHub and this tool
// agree on which lines are trailers: the last paragraph before any trailing comment/blank run, the scissors
// line and a `---` divider; all lines trailers, or at least 25% with a git-generated prefix.
import { agentLabel, type CommitFileProvenance, type Trailer } from './model';

/**
 * Marks a commit whose hooks could not judge its AI lines (Node missing, an internal error): its value says why.
 * `ai-provenance check` reports such a commit unless a note written later says what it holds.
 */
export const UNJUDGED_TOKEN = 'AI-Unjudged';

/** Tokens this tool writes; existing trailers with these tokens are replaced by each new set. */
export const OWNED_TOKENS: readonly string[] = ['Assisted-by', 'AI-Lines', 'AI-Critical', UNJUDGED_TOKEN];

export interface TrailerOptions {
  readonly assistedBy: boolean;
  readonly lineCounts: boolean;
  readonly coAuthoredBy: boolean;
  isCritical(path: string): boolean;
}

/** Domain of the Co-authored-by addresses this tool makes up for agents without a convention of their own (RFC 2606: never deliverable). */
export const NON_DELIVERABLE_DOMAIN = 'ai-provenance.invalid';

// Identities the agents themselves write in Co-authored-by, so that GitHub links the same account either way.
const CONVENTIONAL_CO_AUTHORS: Readonly<Record<string, string>> = {
  'claude-code': 'Claude <noreply@anthropic.com>',
  copilot: 'Copilot <223556219+Copilot@users.noreply.github.com>',
  cursor: 'Cursor <cursoragent@cursor.com>',
  aider: 'aider <noreply@aider.chat>',
};

const DISPLAY_NAMES: Readonly<Record<string, string>> = {
  codex: 'Codex',
  'gemini-cli': 'Gemini CLI',
  cline: 'Cline',
  roo: 'Roo Code',
  continue: 'Continue',
  windsurf: 'Windsurf',
  kiro: 'Kiro',
  'unknown-ai': 'Unknown AI',
};

/** The `Name <email>` a Co-authored-by trailer uses for an agent. */
export function coAuthorIdentity(agent: string): string {
  const conventional = CONVENTIONAL_CO_AUTHORS[agent];
  if (conventional) return conventional;
  const local = agent.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'unknown-ai';
  const name = DISPLAY_NAMES[agent] ?? (oneLine(agent).replace(/[<>]/g, '') || 'Unknown AI');
  return `${name} <${local}@${NON_DELIVERABLE_DOMAIN}>`;
}

const OWNED_LOWER = new Set(OWNED_TOKENS.map((t) => t.toLowerCase()));
const GENERATED_CO_AUTHOR = new RegExp(`<[^<>@\\s]+@${NON_DELIVERABLE_DOMAIN.replace(/\./g, '\\.')}>$`, 'i');

/**
 * Whether a trailer is one this tool manages. Co-authored-by lines with an agent's conventional identity are
 * not: the agents write the very same lines themselves, so removing them could delete text we did not write.
 */
export function isOwnedTrailer(t: Trailer): boolean {
  const token = t.token.toLowerCase();
  if (OWNED_LOWER.has(token)) return true;
  return token === 'co-authored-by' && GENERATED_CO_AUTHOR.test(t.value.trim());
}

/** Control characters would split a trailer across lines; they never belong in one. */
function oneLine(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

// Paths with separators or control characters are C-quoted the way git quotes them, so the list stays parseable.
function quotePath(path: string): string {
  if (!/[",\\\u0000-\u001f\u007f]|^\s|\s$/.test(path)) return path;
  const escaped = path.replace(/[\\"\u0000-\u001f\u007f]/g, (c) => {
    const named: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\t': '\\t', '\r': '\\r' };
    return named[c] ?? `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`;
  });
  return `"${escaped}"`;
}

function byCountThenName(counts: Map<string, number>): string[] {
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([name]) => name);
}

/** The trailers a commit gets from the lines it adds; empty when none of them is AI. */
export function buildTrailers(files: readonly CommitFileProvenance[], opts: TrailerOptions): Trailer[] {
  const perLabel = new Map<string, number>();
  const perAgent = new Map<string, number>();
  const critical = new Set<string>();
  let ai = 0;
  let added = 0;
  for (const file of files) {
    added += Math.max(0, file.addedLines);
    let fileAi = 0;
    for (const run of file.runs) {
      const n = run.end - run.start;
      if (n <= 0) continue;
      fileAi += n;
      const attribution = file.attributions[run.id]!;
      const agent = oneLine(attribution.agent) || 'unknown-ai';
      const model = attribution.model === undefined ? undefined : oneLine(attribution.model) || undefined;
      const label = agentLabel({ agent, model });
      perLabel.set(label, (perLabel.get(label) ?? 0) + n);
      perAgent.set(agent, (perAgent.get(agent) ?? 0) + n);
    }
    ai += fileAi;
    if (fileAi > 0 && opts.isCritical(file.path)) critical.add(file.path);
  }
  if (ai === 0) return [];

  const out: Trailer[] = [];
  if (opts.assistedBy) for (const label of byCountThenName(perLabel)) out.push({ token: 'Assisted-by', value: label });
  // A share over 100% would only mean stale counts; the AI lines are certainly among the added ones.
  if (opts.lineCounts) out.push({ token: 'AI-Lines', value: `${ai}/${Math.max(added, ai)}` });
  if (critical.size > 0) {
    const paths = [...critical].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map(quotePath);
    out.push({ token: 'AI-Critical', value: paths.join(', ') });
  }
  if (opts.coAuthoredBy) {
    for (const agent of byCountThenName(perAgent)) out.push({ token: 'Co-authored-by', value: coAuthorIdentity(agent) });
  }
  return out;
}

/** `Token: value` lines, each ending in a newline. */
export function formatTrailers(trailers: readonly Trailer[]): string {
  return trailers.map((t) => `${t.token}: ${t.value}\n`).join('');
}

// ---- git's trailer rules -------------------------------------------------------------------------------

interface Line {
  /** Offset of the first character. */
  readonly start: number;
  /** Offset just after the line's `\n` (or the message end). */
  readonly next: number;
  /** The line without its `\n` and one trailing `\r`, so CRLF messages parse as their LF form does in git. */
  readonly text: string;
}

type EntryKind = 'trailer' | 'comment' | 'other';

interface Entry {
  readonly first: number;
  last: number;
  readonly kind: EntryKind;
  readonly token: string;
  rawValue: string;
}

interface Analysis {
  readonly lines: readonly Line[];
  /** Line index where the trailer block starts (equals `end` when there is none). */
  readonly start: number;
  /** Line index just after the trailer block. */
  readonly end: number;
  readonly entries: readonly Entry[];
  /** Line index of the blank line after the title paragraph (equals `end` when there is none). */
  readonly endOfTitle: number;
}

// git's own isspace: no \v or \f.
const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';
const isBlank = (text: string): boolean => /^[ \t\r]*$/.test(text);
const gitTrim = (s: string): string => s.replace(/^[ \t\n\r]+|[ \t\n\r]+$/g, '');
const GIT_GENERATED_PREFIXES = ['Signed-off-by: ', '(cherry picked from commit '];
const SCISSORS = ' ------------------------ >8 ------------------------';

function splitLines(message: string): Line[] {
  const lines: Line[] = [];
  let pos = 0;
  while (pos < message.length) {
    const nl = message.indexOf('\n', pos);
    const next = nl < 0 ? message.length : nl + 1;
    let end = nl < 0 ? message.length : nl;
    if (end > pos && message.charCodeAt(end - 1) === 13) end--;
    lines.push({ start: pos, next, text: message.slice(pos, end) });
    pos = next;
  }
  return lines;
}

/** Index of the `:` ending a `Token:` prefix (letters, digits, `-`, then optional blanks), or -1 (git's find_separator). */
function findSeparator(text: string): number {
  let whitespace = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === ':') return i;
    if (!whitespace && /[A-Za-z0-9-]/.test(c)) continue;
    if (i !== 0 && (c === ' ' || c === '\t')) {
      whitespace = true;
      continue;
    }
    break;
  }
  return -1;
}

/** Line index where the log message proper ends: before trailing comments and blank lines (git's ignore_non_trailer). */
function messageEnd(lines: readonly Line[], limit: number, cc: string): number {
  let cutoff = limit;
  for (let i = 0; i < limit; i++) {
    if (lines[i].text === cc + SCISSORS) {
      cutoff = i;
      break;
    }
  }
  let boc = -1;
  let inConflicts = false;
  for (let i = 0; i < cutoff; i++) {
    const t = lines[i].text;
    if (t.startsWith(cc) || t === '') {
      if (boc < 0) boc = i;
    } else if (t === 'Conflicts:') {
      inConflicts = true;
      if (boc < 0) boc = i;
    } else if (inConflicts && t.startsWith('\t')) {
      // a path in an old-style conflicts block
    } else if (boc >= 0) {
      boc = -1;
      inConflicts = false;
    }
  }
  if (boc < 0) return cutoff;
  // git mistakes a run starting at offset 0 for "no run" and so starts it one line later; we follow it for a
  // leading blank line, but a message of only comments keeps them after the trailers, where they belong.
  if (boc === 0 && lines[0].text === '') return Math.min(1, cutoff);
  return boc;
}

/** Line index of the blank line that ends the title paragraph, or `end` when there is none. */
function titleEnd(lines: readonly Line[], end: number, cc: string): number {
  for (let i = 0; i < end; i++) {
    if (lines[i].text.startsWith(cc)) continue;
    if (isBlank(lines[i].text)) return i;
  }
  return end;
}

/** Line index of the first trailer line, or `end` when the last paragraph is not a trailer block (git's find_trailer_start). */
function trailerStart(lines: readonly Line[], end: number, cc: string): number {
  const endOfTitle = titleEnd(lines, end, cc);
  let onlySpaces = true;
  let recognizedPrefix = false;
  let trailerLines = 0;
  let nonTrailerLines = 0;
  let possibleContinuations = 0;
  for (let l = end - 1; l >= endOfTitle; l--) {
    const t = lines[l].text;
    if (t.startsWith(cc)) {
      nonTrailerLines += possibleContinuations;
      possibleContinuations = 0;
      continue;
    }
    if (isBlank(t)) {
      if (onlySpaces) continue;
      nonTrailerLines += possibleContinuations;
      if (recognizedPrefix && trailerLines * 3 >= nonTrailerLines) return l + 1;
      if (trailerLines > 0 && nonTrailerLines === 0) return l + 1;
      return end;
    }
    onlySpaces = false;
    if (GIT_GENERATED_PREFIXES.some((p) => t.startsWith(p))) {
      trailerLines++;
      possibleContinuations = 0;
      recognizedPrefix = true;
      continue;
    }
    if (findSeparator(t) >= 1 && !isSpace(t[0])) {
      trailerLines++;
      possibleContinuations = 0;
    } else if (isSpace(t[0])) {
      possibleContinuations++;
    } else {
      nonTrailerLines += 1 + possibleContinuations;
      possibleContinuations = 0;
    }
  }
  return end;
}

function analyse(message: string, cc: string): Analysis {
  const lines = splitLines(message);
  let limit = lines.length;
  for (let i = 0; i < lines.length; i++) {
    // git looks at the raw character after the dashes: a final `---` with no newline is not a divider.
    if (lines[i].text.startsWith('---') && isSpace(message[lines[i].start + 3])) {
      limit = i;
      break;
    }
  }
  const end = messageEnd(lines, limit, cc);
  const start = trailerStart(lines, end, cc);
  const entries: Entry[] = [];
  let last: Entry | undefined;
  for (let i = start; i < end; i++) {
    const t = lines[i].text;
    if (last && isSpace(t[0])) {
      last.last = i;
      last.rawValue += `\n${t}`;
      continue;
    }
    const sep = findSeparator(t);
    const kind: EntryKind = t.startsWith(cc) ? 'comment' : sep >= 1 ? 'trailer' : 'other';
    const entry: Entry = {
      first: i,
      last: i,
      kind,
      token: kind === 'trailer' ? gitTrim(t.slice(0, sep)) : '',
      rawValue: kind === 'trailer' ? t.slice(sep + 1) : t,
    };
    entries.push(entry);
    last = kind === 'trailer' ? entry : undefined;
  }
  return { lines, start, end, entries, endOfTitle: titleEnd(lines, end, cc) };
}

/** The value as `git interpret-trailers --parse` prints it: trimmed, continuation lines folded into single spaces. */
function unfold(raw: string): string {
  return gitTrim(gitTrim(raw).replace(/\n[ \t\n\r]*/g, ' '));
}

function toTrailer(e: Entry): Trailer {
  return { token: e.token, value: unfold(e.rawValue) };
}

// git's addIfDifferent compares tokens and values without regard to case.
function sameTrailer(a: Trailer, b: Trailer): boolean {
  return a.token.toLowerCase() === b.token.toLowerCase() && a.value.toLowerCase() === b.value.toLowerCase();
}

/** The trailers of a commit message, read as git reads them. */
export function parseTrailers(message: string, opts?: { commentChar?: string }): Trailer[] {
  const cc = opts?.commentChar || '#';
  return analyse(message, cc)
    .entries.filter((e) => e.kind === 'trailer')
    .map(toTrailer);
}

/** Tokens read from the commits a server squashed: ours and the sign-off. */
const SQUASHED_TOKENS = new Set([...OWNED_LOWER, 'ai-reviewed-by']);

/**
 * The trailers of each commit a server squashed into this one, where the message has the shape GitHub's "Squash and
 * merge" gives it: after the subject, per squashed commit a `* subject` line, then that commit's body with its
 * trailer paragraph, and a `---------` line before the co-author trailers. Only our tokens and `AI-Reviewed-by` are
 * kept; a message without `* ` lines gives none, so prose that merely mentions a token is never read.
 */
export function squashedTrailers(message: string): Trailer[][] {
  const lines = message.replace(/\r\n/g, '\n').split('\n');
  const sections: string[][] = [];
  let current: string[] | undefined;
  for (const line of lines.slice(1)) {
    if (/^\* \S/.test(line)) {
      current = [];
      sections.push(current);
    } else if (/^-{3,}\s*$/.test(line)) current = undefined;
    else current?.push(line);
  }
  const out: Trailer[][] = [];
  for (const body of sections) {
    // Read as git reads the trailers of a message with that body.
    const found = parseTrailers(`squashed\n\n${body.join('\n')}\n`).filter((t) => SQUASHED_TOKENS.has(t.token.toLowerCase()));
    if (found.length > 0) out.push(found);
  }
  return out;
}

/**
 * Merges our trailers into a commit message: previous trailers with our tokens give way to the new set, the
 * user's own trailers, comments and every other byte stay; applying the same set twice changes nothing.
 */
export function applyTrailers(message: string, trailers: readonly Trailer[], opts?: { commentChar?: string }): string {
  const cc = opts?.commentChar || '#';
  for (const t of trailers) {
    if (!/^[A-Za-z0-9-]+$/.test(t.token)) throw new Error(`invalid trailer token '${oneLine(t.token)}'`);
  }
  const eol = /\r\n/.test(message.slice(0, message.indexOf('\n') + 1)) ? '\r\n' : '\n';
  // A final bare `---` becomes a divider once its line is finished, so read it as one from the start.
  const finished = /(^|\n)---$/.test(message) ? message + eol : message;
  // Ours in an earlier trailer paragraph (a sign-off added as a new last paragraph below them) go too.
  const first = analyse(finished, cc);
  const text = withoutEarlierOwned(finished, first, cc);
  const a = text === finished ? first : analyse(text, cc);
  const present = a.entries.filter((e) => e.kind === 'trailer');
  const owned = present.filter((e) => isOwnedTrailer(toTrailer(e)));
  const users = present.filter((e) => !isOwnedTrailer(toTrailer(e))).map(toTrailer);

  const wanted: Trailer[] = [];
  for (const raw of trailers) {
    const t = { token: raw.token, value: oneLine(raw.value) };
    if (wanted.some((w) => sameTrailer(w, t)) || users.some((u) => sameTrailer(u, t))) continue;
    wanted.push(t);
  }
  if (owned.length === wanted.length && owned.every((e, i) => sameTrailer(toTrailer(e), wanted[i]))) {
    return wanted.length > 0 || text !== finished ? text : message;
  }

  const at = (line: number): number => (line < a.lines.length ? a.lines[line].start : text.length);
  // Blank-looking lines closing the block stay last: git would read them as a paragraph break before our lines.
  let tail = a.end;
  while (tail > a.start && isBlank(a.lines[tail - 1].text)) tail--;
  const rest = text.slice(at(tail));

  let kept = '';
  for (const e of a.entries) {
    if (owned.includes(e) || e.first >= tail) continue;
    kept += text.slice(a.lines[e.first].start, a.lines[Math.min(e.last, tail - 1)].next);
  }

  if (kept === '' && wanted.length === 0) {
    // Our trailers were the whole block: drop the empty line that set it apart, as we would have added it.
    const gap = a.start - 1;
    const ours = gap >= 0 && a.lines[gap].text === '' && (a.lines[gap].start > 0 || rest === '');
    const without = ours ? text.slice(0, a.lines[gap].start) + rest : text.slice(0, at(a.start)) + rest;
    return removeAgain(without, opts);
  }

  let prefix = text.slice(0, at(a.start));
  if (a.start === a.end) {
    if (prefix !== '' && !prefix.endsWith('\n')) prefix += eol;
    const lastBefore = a.start > 0 ? a.lines[a.start - 1].text : undefined;
    if (lastBefore === undefined || !isBlank(lastBefore)) prefix += eol;
  }
  if (kept !== '' && !kept.endsWith('\n') && wanted.length > 0) kept += eol;
  const added = wanted.map((t) => `${t.token}: ${t.value}${eol}`).join('');
  const out = prefix + kept + added + rest;
  return wanted.length === 0 ? removeAgain(out, opts) : out;
}

/**
 * Removes our trailers from the trailer-only paragraphs right above the last trailer block, which git no longer
 * reads as trailers once another paragraph follows them. A paragraph left with no line at all goes with the blank
 * lines below it; the user's lines, comments included, stay where they are.
 */
function withoutEarlierOwned(text: string, a: Analysis, cc: string): string {
  if (a.start >= a.end) return text;
  const drop = new Set<number>();
  let below = a.start;
  for (;;) {
    let last = below - 1;
    while (last > a.endOfTitle && isBlank(a.lines[last].text)) last--;
    if (last <= a.endOfTitle) break;
    let first = last;
    while (first - 1 > a.endOfTitle && !isBlank(a.lines[first - 1].text)) first--;
    const owned = ownedLinesOfTrailerParagraph(a.lines, first, last + 1, cc);
    if (!owned) break;
    for (const i of owned) drop.add(i);
    if (owned.length === last + 1 - first) for (let i = last + 1; i < below; i++) drop.add(i);
    below = first;
  }
  if (drop.size === 0) return text;
  return a.lines.map((l, i) => (drop.has(i) ? '' : text.slice(l.start, l.next))).join('');
}

/** The lines of our trailers (with their continuation lines) in a paragraph of trailers only; undefined when it holds anything else. */
function ownedLinesOfTrailerParagraph(lines: readonly Line[], first: number, end: number, cc: string): number[] | undefined {
  const owned: number[] = [];
  let trailers = 0;
  let current: { token: string; raw: string; lines: number[] } | undefined;
  const close = (): void => {
    if (current && isOwnedTrailer({ token: current.token, value: unfold(current.raw) })) owned.push(...current.lines);
    current = undefined;
  };
  for (let i = first; i < end; i++) {
    const t = lines[i].text;
    if (current && isSpace(t[0])) {
      current.raw += `\n${t}`;
      current.lines.push(i);
      continue;
    }
    close();
    if (t.startsWith(cc)) continue;
    trailers++;
    if (GIT_GENERATED_PREFIXES.some((p) => t.startsWith(p))) continue;
    const sep = findSeparator(t);
    if (sep < 1 || isSpace(t[0])) return undefined;
    current = { token: gitTrim(t.slice(0, sep)), raw: t.slice(sep + 1), lines: [i] };
  }
  close();
  return trailers > 0 ? owned : undefined;
}

// Removing our block can bring up another one of ours (an older run's, above it or behind a comment); it goes
// too, so that removal is final. Each round removes at least one line of ours, so this ends.
function removeAgain(message: string, opts?: { commentChar?: string }): string {
  return applyTrailers(message, [], opts);
}
