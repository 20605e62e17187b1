// Agent Trace 0.1.0 records (PRODUCT.md §6): the line-level provenance a commit's git note carries.
//
// The schema has room for a contributor type and a model per conversation, but not for our agent, source,
// session, time or the count of added lines. Those live in one namespaced record-level entry,
// `metadata["dev.ai-provenance"]`: a table of distinct attributions, and per file path the added-line count
// and, for each of that file's conversations in order, the index of its attribution. Keeping it at record
// level leaves every conversation plain Agent Trace for other readers, while every range still maps back to
// its full Attribution.
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import type { AttributedRun } from './lineRuns';
import { ATTRIBUTION_SOURCES, attributionKey, KNOWN_AGENTS, type Attribution, type AttributionSource, type CommitFileProvenance } from './model';

export const AGENT_TRACE_VERSION = '0.1.0';
export const TOOL_NAME = 'ai-provenance';
/** Key of this tool's entry in a record's `metadata`. */
export const METADATA_KEY = 'dev.ai-provenance';

export type ContributorType = 'human' | 'ai' | 'mixed' | 'unknown';

export interface TraceContributor {
  readonly type: ContributorType;
  /** models.dev id, at most 250 characters. */
  readonly model_id?: string;
}

export interface TraceRange {
  /** 1-based, inclusive. */
  readonly start_line: number;
  readonly end_line: number;
  readonly content_hash?: string;
  readonly contributor?: TraceContributor;
}

export interface TraceConversation {
  readonly url?: string;
  readonly contributor?: TraceContributor;
  readonly ranges: readonly TraceRange[];
  readonly related?: readonly { readonly type: string; readonly url: string }[];
}

export interface TraceFile {
  readonly path: string;
  readonly conversations: readonly TraceConversation[];
}

export interface TraceRecord {
  readonly version: string;
  readonly id: string;
  readonly timestamp: string;
  readonly vcs?: { readonly type: 'git' | 'jj' | 'hg' | 'svn'; readonly revision: string };
  readonly tool?: { readonly name?: string; readonly version?: string };
  readonly files: readonly TraceFile[];
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/** This tool's entry under `metadata[METADATA_KEY]`. */
export interface ProvenanceMetadata {
  readonly attributions: readonly Attribution[];
  readonly files: Readonly<Record<string, { readonly added_lines: number; readonly conversations: readonly number[] }>>;
}

const MAX_MODEL_ID = 250;

/** An Attribution with only the fields that are set, in one key order. */
function cleanAttribution(a: Attribution): Attribution {
  return {
    agent: a.agent,
    ...(a.model !== undefined && { model: a.model }),
    source: a.source,
    ...(a.session !== undefined && { session: a.session }),
    at: a.at,
    ...(a.detail !== undefined && { detail: a.detail }),
  };
}

/** The Agent Trace record of one commit; files without AI lines are left out. */
export function buildTraceRecord(input: {
  revision: string;
  files: readonly CommitFileProvenance[];
  toolVersion: string;
  id?: string;
  timestamp?: string;
}): TraceRecord {
  const attributions: Attribution[] = [];
  const attributionIndex = new Map<string, number>();
  const metaFiles: [string, { added_lines: number; conversations: number[] }][] = [];
  const files: TraceFile[] = [];
  const seen = new Set<string>();

  const sorted = [...input.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const file of sorted) {
    if (seen.has(file.path)) throw new Error(`agent trace: ${file.path}: the file is listed twice`);
    seen.add(file.path);
    const runs = file.runs.filter((r) => r.end > r.start);
    if (runs.length === 0) continue;
    for (const r of runs) {
      if (!Number.isInteger(r.start) || !Number.isInteger(r.end) || r.start < 0) {
        throw new Error(`agent trace: ${file.path}: invalid line run ${r.start}-${r.end}`);
      }
    }
    runs.sort((a, b) => a.start - b.start);

    const conversations: { contributor: TraceContributor; ranges: TraceRange[] }[] = [];
    const conversationIndex = new Map<string, number>();
    const conversationAttribution: number[] = [];
    // Each id of the file's table once: its key and its index in the record's table.
    const recordIndex: (number | undefined)[] = [];
    for (const run of runs) {
      const attribution = file.attributions[run.id]!;
      let ai = recordIndex[run.id];
      if (ai === undefined) {
        const key = attributionKey(attribution);
        ai = attributionIndex.get(key);
        if (ai === undefined) {
          ai = attributions.length;
          attributions.push(cleanAttribution(attribution));
          attributionIndex.set(key, ai);
        }
        recordIndex[run.id] = ai;
      }
      const convKey = `${ai}:${run.kind}`;
      let ci = conversationIndex.get(convKey);
      if (ci === undefined) {
        ci = conversations.length;
        const model = attribution.model;
        // A longer id breaks the schema; the full model stays in the metadata.
        const contributor: TraceContributor =
          model !== undefined && model.length <= MAX_MODEL_ID ? { type: run.kind, model_id: model } : { type: run.kind };
        conversations.push({ contributor, ranges: [] });
        conversationIndex.set(convKey, ci);
        conversationAttribution.push(ai);
      }
      conversations[ci].ranges.push({ start_line: run.start + 1, end_line: run.end });
    }
    files.push({ path: file.path, conversations });
    metaFiles.push([file.path, { added_lines: file.addedLines, conversations: conversationAttribution }]);
  }

  const meta: ProvenanceMetadata = { attributions, files: Object.fromEntries(metaFiles) };
  return {
    version: AGENT_TRACE_VERSION,
    id: input.id ?? crypto.randomUUID(),
    timestamp: input.timestamp ?? new Date().toISOString(),
    vcs: { type: 'git', revision: input.revision },
    tool: { name: TOOL_NAME, version: input.toolVersion },
    files,
    metadata: { [METADATA_KEY]: meta },
  };
}

/** Pretty JSON with a final newline; the same record always gives the same text. */
export function serializeTraceRecord(r: TraceRecord): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}

export type TraceParseResult =
  | { readonly ok: true; readonly record: TraceRecord; readonly files: CommitFileProvenance[] }
  | { readonly ok: false; readonly error: string };

class Invalid extends Error {}

const has = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function fail(path: string, message: string): never {
  throw new Invalid(`${path}: ${message}`);
}

function kindOf(v: unknown): string {
  if (v === undefined) return 'nothing';
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function objectAt(v: unknown, path: string): Record<string, unknown> {
  if (!isObject(v)) fail(path, `expected an object, found ${kindOf(v)}`);
  return v;
}

function arrayAt(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) fail(path, `expected an array, found ${kindOf(v)}`);
  return v;
}

function stringAt(v: unknown, path: string, nonEmpty = false): string {
  if (typeof v !== 'string') fail(path, `expected a string, found ${kindOf(v)}`);
  if (nonEmpty && v === '') fail(path, 'must not be empty');
  return v;
}

function optionalString(o: Record<string, unknown>, key: string, path: string): string | undefined {
  return has(o, key) ? stringAt(o[key], `${path}.${key}`) : undefined;
}

function integerAt(v: unknown, path: string, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) fail(path, `expected an integer ≥ ${min}, found ${JSON.stringify(v) ?? kindOf(v)}`);
  return v;
}

const CONTRIBUTOR_TYPES: readonly string[] = ['human', 'ai', 'mixed', 'unknown'];

function contributorAt(v: unknown, path: string): TraceContributor {
  const o = objectAt(v, path);
  const type = stringAt(o.type, `${path}.type`);
  if (!CONTRIBUTOR_TYPES.includes(type)) fail(`${path}.type`, `unknown contributor type ${JSON.stringify(type)}`);
  const model = optionalString(o, 'model_id', path);
  return { type: type as ContributorType, ...(model !== undefined && { model_id: model }) };
}

function attributionAt(v: unknown, path: string): Attribution {
  const o = objectAt(v, path);
  const agent = stringAt(o.agent, `${path}.agent`, true);
  const source = stringAt(o.source, `${path}.source`);
  if (!(ATTRIBUTION_SOURCES as readonly string[]).includes(source)) fail(`${path}.source`, `unknown source ${JSON.stringify(source)}`);
  const at = stringAt(o.at, `${path}.at`, true);
  return cleanAttribution({
    agent,
    model: optionalString(o, 'model', path),
    source: source as AttributionSource,
    session: optionalString(o, 'session', path),
    at,
    detail: optionalString(o, 'detail', path),
  });
}

/** Position of the first JSON syntax error as `line:col: message` (1-based). */
function syntaxError(json: string, fallback: string): string {
  const errors: ParseError[] = [];
  parseJsonc(json, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (errors.length === 0) return `invalid JSON: ${fallback}`;
  const { offset, error } = errors[0];
  const before = json.slice(0, offset).split('\n');
  return `${before.length}:${before[before.length - 1].length + 1}: invalid JSON (${printParseErrorCode(error)})`;
}

/** Reads a record back, with each file's runs rebuilt; malformed or foreign JSON gives a one-line error instead. */
export function parseTraceRecord(json: string): TraceParseResult {
  try {
    return parseChecked(json);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { ok: false, error: message.replace(/\s*\n\s*/g, ' ') };
  }
}

/** Larger notes are refused unread: the largest real commit's note is a few megabytes. */
export const MAX_NOTE_CHARS = 64 * 1024 * 1024;

/** Why `p` is not a repository-relative `/` path a note may name (absolute, `.`/`..`, empty segments); undefined when it is one. */
export function notePathProblem(p: string): string | undefined {
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p)) return 'an absolute path, not one relative to the repository';
  const segments = p.split('/');
  if (segments.some((s) => s === '..' || s === '.')) return "a path with '.' or '..' segments, which may leave the repository";
  if (segments.some((s) => s === '')) return 'a path with an empty segment';
  if (p.includes('\0')) return 'a path with a NUL character';
  return undefined;
}

function parseChecked(json: string): TraceParseResult {
  if (json.length > MAX_NOTE_CHARS) return { ok: false, error: `too large (${json.length} characters; at most ${MAX_NOTE_CHARS})` };
  const text = json.charCodeAt(0) === 0xfeff ? json.slice(1) : json;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: syntaxError(text, err instanceof Error ? err.message : String(err)) };
  }
  if (!isObject(value)) return { ok: false, error: `not an Agent Trace record: expected a JSON object, found ${kindOf(value)}` };
  try {
    return readRecord(value);
  } catch (err) {
    if (err instanceof Invalid) return { ok: false, error: `not a valid Agent Trace record: ${err.message}` };
    throw err;
  }
}

function readRecord(o: Record<string, unknown>): TraceParseResult {
  if (!has(o, 'version')) fail('version', 'missing');
  const version = stringAt(o.version, 'version');
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  if (!m) fail('version', `expected MAJOR.MINOR.PATCH, found ${JSON.stringify(version)}`);
  if (m[1] !== '0') fail('version', `unsupported version ${version} (this tool reads 0.x)`);
  const id = stringAt(o.id, 'id', true);
  const timestamp = stringAt(o.timestamp, 'timestamp', true);

  let vcs: TraceRecord['vcs'];
  if (has(o, 'vcs')) {
    const v = objectAt(o.vcs, 'vcs');
    const type = stringAt(v.type, 'vcs.type');
    if (!['git', 'jj', 'hg', 'svn'].includes(type)) fail('vcs.type', `unknown version control system ${JSON.stringify(type)}`);
    vcs = { type: type as 'git', revision: stringAt(v.revision, 'vcs.revision') };
  }
  let tool: TraceRecord['tool'];
  if (has(o, 'tool')) {
    const t = objectAt(o.tool, 'tool');
    const name = optionalString(t, 'name', 'tool');
    const toolVersion = optionalString(t, 'version', 'tool');
    tool = { ...(name !== undefined && { name }), ...(toolVersion !== undefined && { version: toolVersion }) };
  }
  const metadata = has(o, 'metadata') ? objectAt(o.metadata, 'metadata') : undefined;

  const files: TraceFile[] = arrayAt(o.files, 'files').map((f, i) => {
    const path = `files[${i}]`;
    const fo = objectAt(f, path);
    const filePath = stringAt(fo.path, `${path}.path`, true);
    const bad = notePathProblem(filePath);
    if (bad) fail(`${path}.path`, `${JSON.stringify(filePath)} is ${bad}`);
    return {
      path: filePath,
      conversations: arrayAt(fo.conversations, `${path}.conversations`).map((c, j) => readConversation(c, `${path}.conversations[${j}]`)),
    };
  });

  const record: TraceRecord = {
    version,
    id,
    timestamp,
    ...(vcs && { vcs }),
    ...(tool && { tool }),
    files,
    ...(metadata && { metadata }),
  };
  const ours = metadata && has(metadata, METADATA_KEY) ? readMetadata(metadata[METADATA_KEY]) : undefined;
  return { ok: true, record, files: ours ? ownRuns(files, ours) : importedRuns(record) };
}

function readConversation(v: unknown, path: string): TraceConversation {
  const c = objectAt(v, path);
  const ranges = arrayAt(c.ranges, `${path}.ranges`).map((r, k) => {
    const rp = `${path}.ranges[${k}]`;
    const ro = objectAt(r, rp);
    const start = integerAt(ro.start_line, `${rp}.start_line`, 1);
    const end = integerAt(ro.end_line, `${rp}.end_line`, 1);
    if (end < start) fail(rp, `end_line ${end} is before start_line ${start}`);
    const hash = optionalString(ro, 'content_hash', rp);
    const contributor = has(ro, 'contributor') ? contributorAt(ro.contributor, `${rp}.contributor`) : undefined;
    return { start_line: start, end_line: end, ...(hash !== undefined && { content_hash: hash }), ...(contributor && { contributor }) };
  });
  const url = optionalString(c, 'url', path);
  const contributor = has(c, 'contributor') ? contributorAt(c.contributor, `${path}.contributor`) : undefined;
  const related = has(c, 'related')
    ? arrayAt(c.related, `${path}.related`).map((x, k) => {
        const xo = objectAt(x, `${path}.related[${k}]`);
        return { type: stringAt(xo.type, `${path}.related[${k}].type`), url: stringAt(xo.url, `${path}.related[${k}].url`) };
      })
    : undefined;
  return { ...(url !== undefined && { url }), ...(contributor && { contributor }), ranges, ...(related && { related }) };
}

function readMetadata(v: unknown): ProvenanceMetadata {
  const base = `metadata.${METADATA_KEY}`;
  const o = objectAt(v, base);
  const attributions = arrayAt(o.attributions, `${base}.attributions`).map((a, i) => attributionAt(a, `${base}.attributions[${i}]`));
  const filesObj = objectAt(o.files, `${base}.files`);
  const files: Record<string, { added_lines: number; conversations: number[] }> = Object.create(null);
  for (const [path, entry] of Object.entries(filesObj)) {
    const p = `${base}.files[${JSON.stringify(path)}]`;
    const e = objectAt(entry, p);
    const conversations = arrayAt(e.conversations, `${p}.conversations`).map((n, i) => {
      const idx = integerAt(n, `${p}.conversations[${i}]`, 0);
      if (idx >= attributions.length) fail(`${p}.conversations[${i}]`, `no attribution #${idx}`);
      return idx;
    });
    files[path] = { added_lines: integerAt(e.added_lines, `${p}.added_lines`, 0), conversations };
  }
  return { attributions, files };
}

function runKind(c: TraceContributor | undefined): 'ai' | 'mixed' | undefined {
  return c?.type === 'ai' || c?.type === 'mixed' ? c.type : undefined;
}

function byStart(a: AttributedRun, b: AttributedRun): number {
  return a.start - b.start || a.end - b.end;
}

/** Runs in line order naming `table` (ids one per entry), as a file's NoteRuns: its table holds just the entries they name, in the order first named. */
function ownTable(runs: { start: number; end: number; kind: AttributedRun['kind']; id: number }[], table: readonly Attribution[]): CommitFileProvenance['attributions'] {
  const local: number[] = [];
  const attributions: Attribution[] = [];
  for (const r of runs) {
    let id = local[r.id];
    if (id === undefined) {
      id = attributions.push(table[r.id]!) - 1;
      local[r.id] = id;
    }
    r.id = id;
  }
  return attributions;
}

/** Runs of a record written by this tool: every range maps to its attribution through our metadata. */
function ownRuns(files: readonly TraceFile[], meta: ProvenanceMetadata): CommitFileProvenance[] {
  return files.map((file, i) => {
    const entry = has(meta.files, file.path) ? meta.files[file.path] : undefined;
    const p = `files[${i}]`;
    if (!entry) fail(p, `no entry for ${JSON.stringify(file.path)} in metadata.${METADATA_KEY}.files`);
    if (entry.conversations.length !== file.conversations.length) {
      fail(p, `${file.conversations.length} conversations but metadata.${METADATA_KEY} maps ${entry.conversations.length}`);
    }
    const runs: { start: number; end: number; kind: AttributedRun['kind']; id: number }[] = [];
    file.conversations.forEach((conv, j) => {
      const id = entry.conversations[j]!;
      conv.ranges.forEach((r, k) => {
        const kind = runKind(r.contributor ?? conv.contributor);
        if (!kind) fail(`${p}.conversations[${j}].ranges[${k}]`, 'contributor must be "ai" or "mixed"');
        runs.push({ start: r.start_line - 1, end: r.end_line, kind, id });
      });
    });
    runs.sort(byStart);
    return { path: file.path, addedLines: entry.added_lines, attributions: ownTable(runs, meta.attributions), runs };
  });
}

/**
 * Runs of a record from another tool: only ranges it marks `ai` or `mixed` count (no evidence, no AI mark),
 * attributed to the writing tool when it is a known agent; added lines are unknown, so the AI lines stand in.
 */
function importedRuns(record: TraceRecord): CommitFileProvenance[] {
  const toolName = record.tool?.name?.toLowerCase();
  const agent = toolName && (KNOWN_AGENTS as readonly string[]).includes(toolName) ? toolName : 'unknown-ai';
  const out: CommitFileProvenance[] = [];
  for (const file of record.files) {
    // Each range its own attribution object, as its own entry of the table.
    const table: Attribution[] = [];
    const runs: { start: number; end: number; kind: AttributedRun['kind']; id: number }[] = [];
    for (const conv of file.conversations) {
      for (const r of conv.ranges) {
        const contributor = r.contributor ?? conv.contributor;
        const kind = runKind(contributor);
        if (!kind) continue;
        const model = contributor?.model_id;
        const id = table.push({ agent, ...(model !== undefined && { model }), source: 'import', at: record.timestamp }) - 1;
        runs.push({ start: r.start_line - 1, end: r.end_line, kind, id });
      }
    }
    if (runs.length === 0) continue;
    runs.sort(byStart);
    out.push({ path: file.path, addedLines: coveredLines(runs), attributions: ownTable(runs, table), runs });
  }
  return out;
}

/** Lines covered by runs sorted by start; another tool's ranges may overlap. */
function coveredLines(runs: readonly AttributedRun[]): number {
  let total = 0;
  let reach = 0;
  for (const r of runs) {
    const from = Math.max(r.start, reach);
    if (r.end > from) total += r.end - from;
    reach = Math.max(reach, r.end);
  }
  return total;
}
