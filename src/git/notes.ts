// Agent Trace notes on refs/notes/ai-provenance: read in bulk through one `notes list` and one `cat-file --batch`.
// Readers join the clone's own notes with the ones fetched from each remote (refs/notes/remotes/<remote>/…), so
// fetched notes count before anything merges them into the clone's own ref.
import { catFileBatch, git } from './run';
import { parseBatchHeader, parseLsTree } from './parsers';
import { readBlobs } from './diff';
import { emptyTree, type Repo } from './repo';
import { mergeNoteTexts } from '../core/noteMerge';

export const NOTES_REF = 'refs/notes/ai-provenance';
/** Where `git fetch` puts the notes of each remote (a fetch refspec `install` adds). */
export const TRACKING_PREFIX = 'refs/notes/remotes/';
const TRACKING_SUFFIX = '/ai-provenance';
/** Set in the environment of the fetches and pushes of notes we run, so that no hook of ours acts on them. */
export const SYNCING_ENV = 'AI_PROVENANCE_SYNCING';

/** The tracking ref of `remote`'s notes. */
export function trackingRef(remote: string): string {
  return `${TRACKING_PREFIX}${remote}${TRACKING_SUFFIX}`;
}

/** The tracking refs this clone has, one per remote whose notes were fetched. */
export async function trackingRefs(repo: Repo): Promise<string[]> {
  const r = await git(['for-each-ref', '--format=%(refname)', TRACKING_PREFIX], { cwd: repo.root });
  return r.stdout.split('\n').filter(isTrackingRef);
}

/** Whether `ref` is a remote's notes as a fetch puts them (see trackingRef). */
export function isTrackingRef(ref: string): boolean {
  return ref.startsWith(TRACKING_PREFIX) && ref.endsWith(TRACKING_SUFFIX);
}

/** Every note on one notes ref: commit id → note blob id (one `git notes list`). */
export async function listNotesOf(repo: Repo, ref: string): Promise<Map<string, string>> {
  const r = await git(['notes', `--ref=${ref}`, 'list'], { cwd: repo.root, okCodes: [1, 128] });
  return r.exitCode === 0 ? parseList(r.stdout) : new Map();
}

/** Every note this clone has, its own and fetched: commit id → the distinct note blobs, the clone's own first. */
export async function listNotes(repo: Repo): Promise<Map<string, readonly string[]>> {
  const refs = [NOTES_REF, ...(await trackingRefs(repo))];
  return joinLists(await Promise.all(refs.map((ref) => listNotesOf(repo, ref))));
}

/** Commit id → the distinct note blobs of `lists` (one per notes ref), in their order. */
function joinLists(lists: readonly ReadonlyMap<string, string>[]): Map<string, readonly string[]> {
  const map = new Map<string, string[]>();
  for (const list of lists) {
    for (const [commit, blob] of list) {
      const blobs = map.get(commit);
      if (!blobs) map.set(commit, [blob]);
      else if (!blobs.includes(blob)) blobs.push(blob);
    }
  }
  return map;
}

/** Lookups one at a time before NoteLists makes its maps: each searches the text of every list. */
const LOOKUPS_BEFORE_MAP = 32;
/** Fan-out levels a notes tree is searched at (`<id>`, `ab/<rest>`, `ab/cd/<rest>`, …): git adds one per 256-fold growth. */
const FANOUT_LEVELS = 4;

/** Where a notes tree at fan-out `level` keeps the note of `commit`. */
function fannedOut(commit: string, level: number): string {
  let out = '';
  for (let k = 0; k < level; k++) out += `${commit.slice(2 * k, 2 * k + 2)}/`;
  return out + commit.slice(2 * level);
}

/**
 * The notes of some notes commits (the clone's own first, as listNotes orders them), kept as `git ls-tree -r` printed
 * them: a run that asks about a few commits searches the text rather than making a map of every note. Read by notes
 * commit, so that what is read is what those commits hold, whatever moves the refs meanwhile.
 */
export class NoteLists {
  private lookups = 0;

  private constructor(
    private readonly texts: readonly string[],
    private maps?: Map<string, string>[],
    /** Made by `lookup`: the only commits it can tell about. */
    private readonly asked?: ReadonlySet<string>,
  ) {}

  static async read(repo: Repo, commits: readonly string[]): Promise<NoteLists> {
    return new NoteLists(await Promise.all(commits.map(async (c) => (await git(['ls-tree', '-r', c], { cwd: repo.root })).stdout)));
  }

  /**
   * The notes of `wanted` alone in these notes commits, looked up where each fan-out would put them (one `git
   * cat-file --batch-check`): for a run that asks about a few commits, rather than listing every note.
   */
  static async lookup(repo: Repo, commits: readonly string[], wanted: ReadonlySet<string>): Promise<NoteLists> {
    const names = commits.flatMap((c) => [...wanted].flatMap((w) => Array.from({ length: FANOUT_LEVELS }, (_, level) => `${c}:${fannedOut(w, level)}`)));
    const out = names.length === 0 ? '' : (await git(['cat-file', '--batch-check'], { cwd: repo.root, input: `${names.join('\n')}\n` })).stdout;
    const headers = out.split('\n');
    const maps = commits.map(() => new Map<string, string>());
    let k = 0;
    for (const map of maps) {
      for (const w of wanted) {
        for (let level = 0; level < FANOUT_LEVELS; level++, k++) {
          const h = parseBatchHeader(headers[k] ?? '');
          if (h?.type === 'blob' && !map.has(w)) map.set(w, h.id);
        }
      }
    }
    return new NoteLists([], maps, wanted);
  }

  /** The note blob of `commit` in the list at `index`. */
  blobOn(index: number, commit: string): string | undefined {
    if (this.asked && !this.asked.has(commit)) throw new Error(`notes of ${commit} were not looked up`);
    if (this.maps) return this.maps[index]?.get(commit);
    const text = this.texts[index] ?? '';
    for (let level = 0; level < FANOUT_LEVELS; level++) {
      // `<mode> blob <blob>\t<path>\n`, the blob id as long as the commit id.
      const at = text.indexOf(`\t${fannedOut(commit, level)}\n`);
      if (at >= 0 && text.startsWith(' blob ', at - commit.length - 6)) return text.slice(at - commit.length, at);
    }
    return undefined;
  }

  /** The distinct note blobs of `commit`, in the lists' order; undefined when it has none. */
  blobsOf(commit: string): readonly string[] | undefined {
    if (!this.maps && ++this.lookups > LOOKUPS_BEFORE_MAP) this.maps = this.texts.map(parseTree);
    const out: string[] = [];
    for (let i = 0; i < (this.maps ?? this.texts).length; i++) {
      const b = this.blobOn(i, commit);
      if (b !== undefined && !out.includes(b)) out.push(b);
    }
    return out.length > 0 ? out : undefined;
  }

  /** Every note, as listNotes gives them (of lists that `read` made). */
  all(): Map<string, readonly string[]> {
    if (this.asked) throw new Error('notes looked up by commit are not all the notes');
    this.maps ??= this.texts.map(parseTree);
    return joinLists(this.maps);
  }
}

/** Commit id → note blob of a notes tree as `git ls-tree -r` prints it (entries whose path is no commit id are not notes). */
function parseTree(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split('\n')) {
    const tab = line.indexOf('\t');
    const sp = line.indexOf(' ');
    if (tab < 0 || !line.startsWith(' blob ', sp)) continue;
    const commit = line.slice(tab + 1).replace(/\//g, '');
    if (HEX.test(commit)) map.set(commit, line.slice(sp + 6, tab));
  }
  return map;
}

function parseList(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split('\n')) {
    const [blob, commit] = line.split(' ');
    if (blob && commit) map.set(commit, blob);
  }
  return map;
}

/**
 * Note texts of the given commits (full ids); commits without a note are absent from the map. Where the clone's own
 * note and fetched ones differ, their join; a note that cannot be joined leaves the clone's own (or the first) text.
 */
export async function readNotes(repo: Repo, commits: readonly string[], listed?: Promise<Map<string, readonly string[]>>): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (commits.length === 0) return out;
  const all = await (listed ?? listNotes(repo));
  const blobsOf = new Map<string, readonly string[]>();
  for (const c of commits) {
    const blobs = all.get(c);
    if (blobs && blobs.length > 0) blobsOf.set(c, blobs);
  }
  return readNoteBlobs(repo, blobsOf);
}

/**
 * The notes read from these blobs (commit id → its note blobs, the clone's own first, as listNotes gives them), joined
 * as readNotes joins them. `whole`: a note one of whose blobs cannot be read (a blob no longer kept) is left out.
 */
export async function readNoteBlobs(repo: Repo, blobsOf: ReadonlyMap<string, readonly string[]>, whole = false): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const texts = await readBlobs(repo, [...blobsOf.values()].flat());
  for (const [commit, blobs] of blobsOf) {
    if (whole && !blobs.every((b) => texts.has(b))) continue;
    let text: string | undefined;
    for (const blob of blobs) {
      const b = texts.get(blob)?.toString('utf8');
      if (b === undefined) continue;
      if (text === undefined) text = b;
      else {
        const joined = mergeNoteTexts(text, b);
        if (joined.ok) text = joined.text;
      }
    }
    if (text !== undefined) out.set(commit, text);
  }
  return out;
}

/**
 * The joined notes of the commits whose fetched notes differ from the clone's own (or that only fetched notes
 * describe): what a reader of the clone's own ref alone (a `git log --notes` walk) must take instead.
 */
export async function fetchedNoteTexts(repo: Repo): Promise<Map<string, string>> {
  if ((await trackingRefs(repo)).length === 0) return new Map();
  const listed = listNotes(repo);
  const all = await listed;
  const own = await listNotesOf(repo, NOTES_REF);
  const differing = [...all].filter(([commit, blobs]) => blobs.length > 1 || !own.has(commit)).map(([commit]) => commit);
  return readNotes(repo, differing, listed);
}

/** The note of `commit` on the clone's own ref only (what the hooks wrote here). */
export async function readNote(repo: Repo, commit: string): Promise<string | undefined> {
  const r = await git(['notes', `--ref=${NOTES_REF}`, 'show', commit], { cwd: repo.root, okCodes: [1, 128] });
  return r.exitCode === 0 ? r.stdout : undefined;
}

/** Adds or replaces the note of `commit`. */
export async function writeNote(repo: Repo, commit: string, text: string): Promise<void> {
  await git(['notes', `--ref=${NOTES_REF}`, 'add', '-f', '-F', '-', commit], { cwd: repo.root, input: text });
}

/**
 * The clone's own notes of `commits` as they stand at one value of its notes ref, and that value (undefined: no notes
 * yet). Handing that value to `writeNotes` makes the write refuse when anything changed the ref after this read.
 */
export async function readOwnNotesAt(repo: Repo, commits: readonly string[]): Promise<{ tip: string | undefined; texts: Map<string, string> }> {
  const texts = new Map<string, string>();
  const r = await git(['rev-parse', '-q', '--verify', `${NOTES_REF}^{commit}`], { cwd: repo.root, okCodes: [1, 128] });
  if (r.exitCode !== 0) return { tip: undefined, texts };
  const tip = r.stdout.trim();
  if (commits.length === 0) return { tip, texts };
  const wanted = new Set(commits);
  const blobOf = new Map<string, string>();
  // A note's path is its commit's id, split into fan-out folders on a ref holding many notes.
  for (const e of parseLsTree((await git(['ls-tree', '-r', '-z', tip], { cwd: repo.root })).stdout)) {
    const commit = e.path.replace(/\//g, '');
    if (e.type === 'blob' && e.id && wanted.has(commit)) blobOf.set(commit, e.id);
  }
  const blobs = await readBlobs(repo, [...blobOf.values()]);
  for (const [commit, blob] of blobOf) {
    const b = blobs.get(blob);
    if (b) texts.set(commit, b.toString('utf8'));
  }
  return { tip, texts };
}

/** The note of `commit` on the clone's own ref as notes commit `at` had it, wherever git's fan-out put it; undefined without one. */
export async function ownNoteAt(repo: Repo, at: string, commit: string): Promise<string | undefined> {
  const found = await catFileBatch(repo.root, [0, 1, 2].map((level) => `${at}:${fannedOut(commit, level)}`));
  return found.find((o) => o?.type === 'blob')?.content.toString('utf8');
}

/**
 * Adds or replaces the notes of many commits, and removes those of `removed`, in one notes commit (one `git
 * fast-import`, where `git notes add` would make a commit and start a process per note). The ref moves only from the
 * tip it had when read (`at`: the tip `readOwnNotesAt` saw; otherwise read here), never forced: if anything changed it
 * since, nothing is written and the error says so.
 */
export async function writeNotes(repo: Repo, notes: ReadonlyMap<string, string>, at?: { readonly tip: string | undefined }, removed: readonly string[] = []): Promise<void> {
  if (notes.size === 0 && removed.length === 0) return;
  if (notes.size === 1 && !at && removed.length === 0) {
    const [[commit, text]] = [...notes] as [[string, string]];
    return writeNote(repo, commit, text);
  }
  const [tip, ident] = await Promise.all([
    at ? at.tip : git(['rev-parse', '-q', '--verify', `${NOTES_REF}^{commit}`], { cwd: repo.root, okCodes: [1, 128] }).then((r) => (r.exitCode === 0 ? r.stdout.trim() : undefined)),
    git(['var', 'GIT_COMMITTER_IDENT'], { cwd: repo.root }),
  ]);
  const data = (s: string): string => `data ${Buffer.byteLength(s)}\n${s}\n`;
  const count = (n: number): string => `${n} commit${n === 1 ? '' : 's'}`;
  const message = [...(notes.size > 0 ? [`Notes added for ${count(notes.size)}`] : []), ...(removed.length > 0 ? [`Notes removed for ${count(removed.length)}`] : [])].join('; ');
  const parts = [`commit ${NOTES_REF}\ncommitter ${ident.stdout.trim()}\n${data(message)}`];
  if (tip !== undefined) parts.push(`from ${tip}\n`);
  // fast-import removes the note of a commit given the null object id.
  for (const commit of removed) parts.push(`N ${'0'.repeat(commit.length)} ${commit}\n`);
  // As `git notes add` stores a message: ended by exactly one line break.
  for (const [commit, text] of notes) parts.push(`N inline ${commit}\n${data(`${text.replace(/\s+$/, '')}\n`)}`);
  // fast-import exits 1 when it would not move the ref: someone else moved it from the tip the notes were joined at.
  const r = await git(['fast-import', '--quiet', '--done'], { cwd: repo.root, input: `${parts.join('')}done\n`, okCodes: [1] });
  if (r.exitCode !== 0) throw new Error(`${NOTES_REF} changed while notes were being written to it; nothing was written (run again to join with what is there now)`);
}

/** A full object id (SHA-1 or SHA-256). */
export const HEX = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

export interface NoteEntry {
  readonly blob: string;
  /** Where the tree holds it (`<id>`, or `<2 hex>/<rest>` with fan-out). */
  readonly path: string;
}

export interface NoteChange {
  readonly a?: NoteEntry;
  readonly b?: NoteEntry;
}

/**
 * The notes that differ between two notes commits (either absent: the empty tree), by commit id: git compares the trees
 * by their hashes, so the cost follows the change, not the number of notes. A note that only moved to another
 * fan-out folder is no change.
 */
export async function notesDiff(repo: Repo, a: string | undefined, b: string | undefined): Promise<Map<string, NoteChange>> {
  const out = (await git(['diff-tree', '-r', '-z', '--no-renames', '--no-commit-id', a ?? emptyTree(repo), b ?? emptyTree(repo)], { cwd: repo.root })).stdout;
  const fields = out.split('\0');
  const changes = new Map<string, { a?: NoteEntry; b?: NoteEntry }>();
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const m = /^:\d+ \d+ ([0-9a-f]+) ([0-9a-f]+) [A-Z]/.exec(fields[i]!);
    const file = fields[i + 1]!;
    const id = file.replace(/\//g, '');
    if (!m || !HEX.test(id)) continue;
    const c = changes.get(id) ?? {};
    if (!/^0+$/.test(m[1]!)) c.a = { blob: m[1]!, path: file };
    if (!/^0+$/.test(m[2]!)) c.b = { blob: m[2]!, path: file };
    changes.set(id, c);
  }
  for (const [id, c] of changes) if (c.a && c.b && c.a.blob === c.b.blob) changes.delete(id);
  return changes;
}
