// Sharing refs/notes/ai-provenance with a remote (PRODUCT.md §11.1). `git fetch` brings a remote's notes into
// refs/notes/remotes/<remote>/ai-provenance (a refspec `install` adds); pushing joins them into the clone's own
// ref record by record and publishes the notes of pushed commits on top of the remote's once the server took them,
// never forced: a rejected push of the notes is answered by fetching, joining and trying again.
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { mergeNoteTexts } from '../core/noteMerge';
import { readBlobs } from './diff';
import { asyncFs, atomicWrite } from './fsAtomic';
import { gitAtLeast } from './gitVersion';
import { AFTER_FETCH_BY, NOTES_REFUSED_ENV, PUSH_PENDING_FILE, PUSH_PID_ENV, pushedNotesLine, rejoinedNotesMessage } from './hookScripts';
import { HEX, NOTES_REF, notesDiff, SYNCING_ENV, trackingRef, type NoteChange, type NoteEntry } from './notes';
import type { Repo } from './repo';
import { parentGitArgs } from './parentCommand';
import { classifyGitFailure, git } from './run';

/**
 * The fetch refspec `install` adds for each remote: a pattern, because a plain `git fetch` fails on a refspec
 * naming a ref the remote does not have (no one pushed notes there yet); its `*` also matches nothing.
 */
export function notesRefspec(remote: string): string {
  return `+${NOTES_REF}*:${trackingRef(remote)}*`;
}

export class SyncError extends Error {
  override name = 'SyncError';
}

export interface SyncOptions {
  readonly remote: string;
  /**
   * Commits the remote was seen to hold before its remote-tracking branches show them (after a push): their notes are
   * published along with those of commits the remote already has.
   */
  readonly tips?: readonly string[];
  /** One line per action taken. */
  readonly say: (line: string) => void;
  /** Runs between fetching and pushing, once per attempt (lets a test push a competing notes commit there). */
  readonly beforePush?: (attempt: number) => Promise<void>;
  /**
   * The first attempt starts from the remote's notes as the clone last fetched or pushed them (their tracking ref)
   * instead of fetching: when they moved meanwhile the server refuses the push, which is no fast-forward then, and
   * the next attempt fetches. For the hooks, where the clone's notes usually only gained the notes of new commits.
   */
  readonly lastSeen?: boolean;
}

export interface SyncResult {
  /** Commits whose notes this run published. */
  readonly pushed: number;
  readonly attempts: number;
}

const MAX_ATTEMPTS = 5;

async function rev(repo: Repo, ref: string): Promise<string | undefined> {
  const r = await git(['rev-parse', '-q', '--verify', `${ref}^{commit}`], { cwd: repo.root, okCodes: [1, 128] });
  return r.exitCode === 0 ? r.stdout.trim() : undefined;
}

async function isAncestor(repo: Repo, a: string, b: string): Promise<boolean> {
  const r = await git(['merge-base', '--is-ancestor', a, b], { cwd: repo.root, okCodes: [1] });
  return r.exitCode === 0;
}

/** A scratch folder removed after `fn`, for the temporary index and the joined notes. */
async function withScratch<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await fs.mkdtemp(path.join(tmpdir(), 'ai-provenance-sync-'));
  try {
    return await fn(dir);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Writes texts as blobs through one `hash-object`; their ids in order. */
async function writeBlobs(repo: Repo, texts: readonly string[]): Promise<string[]> {
  if (texts.length === 0) return [];
  return withScratch(async (dir) => {
    const files = texts.map((_, i) => path.join(dir, `n${i}`));
    await Promise.all(texts.map((t, i) => fs.writeFile(files[i]!, t)));
    const out = (await git(['hash-object', '-w', '--stdin-paths'], { cwd: repo.root, input: files.map((f) => `${f}\n`).join('') })).stdout;
    return out.split('\n').filter((l) => l !== '');
  });
}

/** `base`'s notes tree (or an empty one) with `changes` (path → blob) written in, through a temporary index. */
async function treeWith(repo: Repo, base: string | undefined, changes: ReadonlyMap<string, string>): Promise<string> {
  return withScratch(async (dir) => {
    const env = { GIT_INDEX_FILE: path.join(dir, 'index') };
    if (base) await git(['read-tree', base], { cwd: repo.root, env });
    const lines = [...changes].map(([file, blob]) => `100644 blob ${blob}\t${file}\n`).join('');
    await git(['update-index', '--add', '--index-info'], { cwd: repo.root, env, input: lines });
    return (await git(['write-tree'], { cwd: repo.root, env })).stdout.trim();
  });
}

/** Where a note goes in a tree that does not hold one for `commit` yet (git's own 2/38 fan-out). */
function newPath(commit: string): string {
  return `${commit.slice(0, 2)}/${commit.slice(2)}`;
}

async function commitTree(repo: Repo, tree: string, parents: readonly string[], message: string): Promise<string> {
  // The user's own identity, as for any commit they make; git says clearly when none is configured.
  const args = ['commit-tree', tree, ...parents.flatMap((p) => ['-p', p])];
  return (await git(args, { cwd: repo.root, input: `${message}\n` })).stdout.trim();
}

/**
 * What joining `other`'s notes into `base`'s changes, as path → blob in `base`'s tree: a commit only `other` notes
 * gets its note, one noted differently on both gets their join. Where a pair cannot be joined (a note unreadable),
 * `base`'s note stays and the problem is reported.
 */
async function joinChanges(repo: Repo, diff: ReadonlyMap<string, NoteChange>, report: (line: string) => void): Promise<{ changes: Map<string, string>; added: number; joined: number }> {
  const changes = new Map<string, string>();
  const conflicts: [string, NoteEntry, NoteEntry][] = [];
  let added = 0;
  for (const [commit, { a, b }] of diff) {
    if (!b) continue;
    if (!a) {
      changes.set(newPath(commit), b.blob);
      added++;
    } else conflicts.push([commit, a, b]);
  }
  if (conflicts.length === 0) return { changes, added, joined: 0 };
  const texts = await readBlobs(repo, conflicts.flatMap(([, a, b]) => [a.blob, b.blob]));
  const joinedAt: string[] = [];
  const joinedTexts: string[] = [];
  for (const [commit, a, b] of conflicts) {
    const r = mergeNoteTexts(texts.get(a.blob)?.toString('utf8') ?? '', texts.get(b.blob)?.toString('utf8') ?? '');
    if (!r.ok) {
      report(`ai-provenance: the notes of ${commit.slice(0, 12)} could not be joined (${r.error}); kept ${a.blob.slice(0, 12)}, the other stays in ${b.blob.slice(0, 12)}`);
      continue;
    }
    joinedAt.push(a.path);
    joinedTexts.push(r.text);
  }
  const ids = await writeBlobs(repo, joinedTexts);
  joinedAt.forEach((file, i) => changes.set(file, ids[i]!));
  return { changes, added, joined: joinedAt.length };
}

export interface MergeOutcome {
  readonly kind: 'up-to-date' | 'created' | 'fast-forward' | 'merged';
  /** Commits whose note came in from the other side. */
  readonly added: number;
  /** Commits whose two notes were joined. */
  readonly joined: number;
}

/**
 * Joins the notes commit `other` into `ref`, record by record, with a merge commit whose parents are both sides (so
 * the next join starts from there). The ref is moved only from the value it was read at: a note written meanwhile is
 * never overwritten, the join is redone instead.
 */
export async function mergeNotesInto(repo: Repo, ref: string, other: string, message: string, report: (line: string) => void): Promise<MergeOutcome> {
  for (let attempt = 0; ; attempt++) {
    const current = await rev(repo, ref);
    let outcome: MergeOutcome;
    let next: string;
    if (current === undefined) {
      // Nothing to join with: the ref is simply created (counting its notes would cost a listing of all of them).
      outcome = { kind: 'created', added: 0, joined: 0 };
      next = other;
    } else if (current === other || (await isAncestor(repo, other, current))) {
      return { kind: 'up-to-date', added: 0, joined: 0 };
    } else {
      const diff = await notesDiff(repo, current, other);
      // A fast-forward that drops or changes a note (someone removed or rewrote it) would lose it here: join instead.
      if ((await isAncestor(repo, current, other)) && [...diff.values()].every((c) => !c.a)) {
        outcome = { kind: 'fast-forward', added: diff.size, joined: 0 };
        next = other;
      } else {
        const j = await joinChanges(repo, diff, report);
        outcome = { kind: 'merged', added: j.added, joined: j.joined };
        next = await commitTree(repo, await treeWith(repo, current, j.changes), [current, other], message);
      }
    }
    const r = await git(['update-ref', '-m', message, ref, next, current ?? ''], { cwd: repo.root, okCodes: [128] });
    if (r.exitCode === 0) return outcome;
    if (attempt >= MAX_ATTEMPTS) throw new SyncError(`${ref} kept changing while its notes were joined; run 'ai-provenance sync' again`);
  }
}

/**
 * The values a fetch or pull moved the clone's notes ref away from, newest first, read from its reflog file with no
 * git process; undefined where git keeps the reflog elsewhere (another ref backend). Only such a move (a
 * `+refs/notes/*:refs/notes/*` refspec) can leave notes behind: every other writer (git notes, our hooks, our joins)
 * moves the ref to a descendant.
 */
async function movedAwayByFetch(repo: Repo): Promise<string[] | undefined> {
  let log: string;
  try {
    log = await fs.readFile(path.join(repo.commonDir, 'logs', ...NOTES_REF.split('/')), 'utf8');
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ENOENT' || (await exists(path.join(repo.commonDir, 'reftable'))) ? undefined : [];
  }
  const values: string[] = [];
  for (const line of log.split('\n')) {
    const m = /^([0-9a-f]+) [0-9a-f]+ [^\t]*\t(fetch|pull)\b/.exec(line);
    if (m && !isZero(m[1]!)) values.push(m[1]!);
  }
  return [...new Set(values.reverse())];
}

async function exists(p: string): Promise<boolean> {
  return fs.access(p).then(() => true, () => false);
}

/**
 * Values the clone's notes ref had before a fetch or pull moved it to a value that does not contain them, still in
 * its reflog: they are joined back so that no local note is lost.
 */
export async function recoverOverwrittenNotes(repo: Repo, say: (line: string) => void, by = "'ai-provenance sync'"): Promise<number> {
  const moved = await movedAwayByFetch(repo);
  if (moved?.length === 0) return 0;
  const current = await rev(repo, NOTES_REF);
  if (!current) return 0;
  let candidates = moved;
  if (candidates === undefined) {
    const log = await git(['log', '-g', '--format=%H', NOTES_REF, '--'], { cwd: repo.root, okCodes: [128] });
    if (log.exitCode !== 0) return 0;
    candidates = [...new Set(log.stdout.split('\n').filter((l) => l !== ''))];
  }
  const earlier = candidates.filter((l) => l !== current);
  if (earlier.length === 0) return 0;
  const walk = await git(['rev-list', '--ignore-missing', '--stdin'], { cwd: repo.root, input: [...earlier, `^${current}`].map((l) => `${l}\n`).join('') });
  const missing = new Set(walk.stdout.split('\n'));
  let recovered = 0;
  for (const lost of earlier.filter((e) => missing.has(e))) {
    const m = await mergeNotesInto(repo, NOTES_REF, lost, rejoinedNotesMessage(by), say);
    if (m.kind === 'up-to-date') continue;
    recovered++;
    say(`recovered ${NOTES_REF} as it was before a fetch overwrote it (${lost.slice(0, 12)}); ${m.added} note${m.added === 1 ? '' : 's'} came back`);
  }
  return recovered;
}

/**
 * A fetch of ours leaves the repository's housekeeping alone. As config, not --no-auto-maintenance, which git before
 * 2.29 refuses: older git ignores maintenance.auto, and gc.auto=0 holds its housekeeping back.
 */
const QUIET_FETCH_CONFIG: readonly string[] = ['-c', 'maintenance.auto=false', '-c', 'gc.auto=0'];

/** The first git that knows `fetch --no-write-fetch-head`. */
const NO_WRITE_FETCH_HEAD: readonly [number, number] = [2, 29];

/**
 * `git … fetch` as every fetch of ours starts: it leaves FETCH_HEAD alone (a user's `git merge FETCH_HEAD`, or the
 * `git pull` whose hook runs it, reads it), which only the flag does; git has no config for it. Git before 2.29
 * refuses the flag, and there FETCH_HEAD is rewritten (fetchNotes puts it back).
 */
export async function quietFetch(cwd: string): Promise<string[]> {
  return [...QUIET_FETCH_CONFIG, 'fetch', ...((await gitAtLeast(cwd, NO_WRITE_FETCH_HEAD)) ? ['--no-write-fetch-head'] : [])];
}

/**
 * Runs `fetch` leaving the worktree's FETCH_HEAD as it was: on a git before 2.29, which rewrites it, its bytes are
 * read before and put back after (or the file removed when there was none). Not for a fetch inside a `git pull`,
 * whose own fetch still writes the file its merge reads.
 */
async function keepingFetchHead<T>(repo: Repo, fetch: () => Promise<T>): Promise<T> {
  if (await gitAtLeast(repo.root, NO_WRITE_FETCH_HEAD)) return fetch();
  const file = path.join(repo.gitDir, 'FETCH_HEAD');
  const before = await fs.readFile(file).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  try {
    return await fetch();
  } finally {
    if (before === undefined) await fs.rm(file, { force: true });
    else await atomicWrite(file, before);
  }
}

/**
 * Fetches `remote`'s notes into their tracking ref (or `into`, for a repository that is no remote of the clone, such
 * as a pull request's fork); false when the remote has none yet.
 */
export async function fetchNotes(repo: Repo, remote: string, into = trackingRef(remote), opts: { protocols?: readonly string[] } = {}): Promise<boolean> {
  // Only the transports named, for a URL that came from elsewhere: no ext:: or fd:: (commands of the URL's choosing),
  // even where the clone's config allows them (a protocol's own key outranks protocol.allow, so both are said here).
  const only = opts.protocols
    ? ['-c', 'protocol.allow=never', '-c', 'protocol.ext.allow=never', '-c', 'protocol.fd.allow=never', ...opts.protocols.flatMap((p) => ['-c', `protocol.${p}.allow=always`])]
    : [];
  // --refmap= keeps configured refspecs (a user's +refs/notes/*:refs/notes/*) from also writing our own ref.
  const args = [...only, ...(await quietFetch(repo.root)), '--quiet', '--no-tags', '--refmap=', '--end-of-options', remote, `+${NOTES_REF}:${into}`];
  const r = await keepingFetchHead(repo, () => git(args, { cwd: repo.root, okCodes: [1, 128], env: { [SYNCING_ENV]: '1' } }));
  if (r.exitCode === 0) return true;
  const err = r.stderr;
  if (classifyGitFailure(err) === 'no-remote-ref') {
    // The remote has no notes (any more): a stale tracking ref would offer notes it does not have.
    await git(['update-ref', '-d', into], { cwd: repo.root, okCodes: [1, 128] });
    return false;
  }
  throw new SyncError(`cannot fetch ${NOTES_REF} from ${remote}: ${firstLine(err) || `git fetch exited with ${r.exitCode}`}`);
}

function firstLine(s: string): string {
  return s.split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
}

/**
 * The noted commits among `candidates` reachable from `tips` or from `remote`'s branches (the ones it has or gets).
 * git walks only what those do not reach, so the cost follows the unpublished commits, not the history.
 */
async function published(repo: Repo, remote: string, tips: readonly string[], candidates: readonly string[]): Promise<string[]> {
  if (candidates.length === 0) return [];
  // Many candidates (a first sync): listing what the branches reach costs less than asking about each.
  if (candidates.length > 1000) {
    const reachable = new Set((await git(['rev-list', '--ignore-missing', ...tips, `--remotes=${remote}`, '--'], { cwd: repo.root })).stdout.split('\n'));
    return candidates.filter((c) => reachable.has(c));
  }
  const walk = (input: readonly string[], strict: boolean): ReturnType<typeof git> =>
    git(['rev-list', ...(strict ? [] : ['--ignore-missing']), '--stdin', '--not', ...tips, `--remotes=${remote}`, '--'], { cwd: repo.root, input: input.map((c) => `${c}\n`).join(''), okCodes: strict ? [128] : [] });
  // Notes can name any object: `^{commit}` makes git refuse all at once when one is no commit or absent (as a tip
  // may be), and the usual case, commits only, takes one process.
  const strict = await walk(candidates.map((c) => `${c}^{commit}`), true);
  if (strict.exitCode === 0) {
    const unreachable = new Set(strict.stdout.split('\n'));
    return candidates.filter((c) => !unreachable.has(c));
  }
  const unreachable = new Set((await walk(candidates, false)).stdout.split('\n'));
  const reached = candidates.filter((c) => !unreachable.has(c));
  if (reached.length === 0) return [];
  // Only commits (those present) are reached from a branch.
  const commits = new Set((await git(['rev-list', '--no-walk', '--ignore-missing', '--stdin'], { cwd: repo.root, input: reached.map((c) => `${c}\n`).join('') })).stdout.split('\n'));
  return reached.filter((c) => commits.has(c));
}

/**
 * The commits whose note in the clone may replace the remote's: those the remote has no note for, and those where
 * the clone's note already holds the remote's (their join is the clone's note). A remote note that cannot be joined
 * stays as it is.
 */
async function replaceable(repo: Repo, diff: ReadonlyMap<string, NoteChange>, say: (line: string) => void): Promise<string[]> {
  const differ = [...diff].filter(([, c]) => c.b).map(([id]) => id);
  const both = differ.filter((c) => diff.get(c)!.a);
  if (both.length === 0) return differ;
  const texts = await readBlobs(repo, both.flatMap((c) => [diff.get(c)!.b!.blob, diff.get(c)!.a!.blob]));
  const keep = new Set<string>();
  for (const c of both) {
    const mine = texts.get(diff.get(c)!.b!.blob)?.toString('utf8') ?? '';
    const joined = mergeNoteTexts(mine, texts.get(diff.get(c)!.a!.blob)?.toString('utf8') ?? '');
    if (joined.ok && joined.text === mine) continue;
    keep.add(c);
    say(`kept the remote's note of ${c.slice(0, 12)}: yours does not hold it${joined.ok ? '' : ` (${joined.error})`}`);
  }
  return differ.filter((c) => !keep.has(c));
}

/** Path → blob of the clone's notes of `publish`, where they go in the remote's notes tree. */
function publishedChanges(diff: ReadonlyMap<string, NoteChange>, publish: readonly string[]): Map<string, string> {
  const changes = new Map<string, string>();
  for (const c of publish) {
    const { a, b } = diff.get(c)!;
    changes.set(a?.path ?? newPath(c), b!.blob);
  }
  return changes;
}

/**
 * After a push of `pushed` (the remote's notes plus some of the clone's as they are in `mine`), the clone's ref gets
 * a merge of both with `mine`'s tree, which already holds all of it; the full join runs when the ref moved meanwhile.
 */
async function recordPublished(repo: Repo, mine: string, pushed: string, message: string, say: (line: string) => void): Promise<void> {
  const merged = await commitTree(repo, `${mine}^{tree}`, [mine, pushed], message);
  const r = await git(['update-ref', '-m', message, NOTES_REF, merged, mine], { cwd: repo.root, okCodes: [128] });
  if (r.exitCode === 0) return;
  // The ref moved meanwhile; a push moves it to `pushed` itself where a user's refspec fetches onto it, so `mine` is joined back too.
  await mergeNotesInto(repo, NOTES_REF, mine, message, say);
  await mergeNotesInto(repo, NOTES_REF, pushed, message, say);
}

/**
 * Fetches `remote`'s notes into their tracking ref and joins them into the clone's own (after joining back any a
 * fetch overwrote); the remote's notes commit, undefined when it has none.
 */
export async function fetchAndJoin(repo: Repo, remote: string, say: (line: string) => void): Promise<string | undefined> {
  const remoteHas = await fetchNotes(repo, remote);
  say(remoteHas ? `fetched ${NOTES_REF} from ${remote} into ${trackingRef(remote)}` : `${remote} has no ${NOTES_REF} yet`);
  await recoverOverwrittenNotes(repo, say);
  const theirs = remoteHas ? await rev(repo, trackingRef(remote)) : undefined;
  if (theirs) {
    const m = await mergeNotesInto(repo, NOTES_REF, theirs, `Notes from ${remote} joined by 'ai-provenance sync'`, say);
    if (m.kind === 'created') say(`${NOTES_REF} starts from ${remote}'s notes (it had none)`);
    else if (m.kind !== 'up-to-date') say(`joined ${remote}'s notes into ${NOTES_REF}: ${m.added} new, ${m.joined} joined record by record`);
  }
  return theirs;
}

/**
 * Fetches `remote`'s notes, joins them into the clone's own, and pushes the notes of the commits the remote has or
 * is being pushed on top of the remote's notes (never forced). A refused push starts over from the fetch (a refusal
 * other than a race for the remote's notes, once).
 */
export async function syncNotes(repo: Repo, opts: SyncOptions): Promise<SyncResult> {
  const { remote, say } = opts;
  const tracking = trackingRef(remote);
  let otherRefusals = 0;
  for (let attempt = 1; ; attempt++) {
    const seen = attempt === 1 && opts.lastSeen ? await lastSeenNotes(repo, remote, say) : undefined;
    const theirs = seen ? seen.theirs : await fetchAndJoin(repo, remote, say);
    const mine = seen ? seen.mine : await rev(repo, NOTES_REF);
    if (!mine) {
      say(`nothing to push to ${remote}`);
      return { pushed: 0, attempts: attempt };
    }
    const diff = seen?.diff ?? (theirs === mine ? new Map<string, NoteChange>() : await notesDiff(repo, theirs, mine));
    const differ = await replaceable(repo, diff, say);
    const publish = await published(repo, remote, opts.tips ?? [], differ);
    if (publish.length === 0) {
      say(differ.length > 0 ? `nothing to push to ${remote} (${differ.length} note${differ.length === 1 ? ' is' : 's are'} on commits it does not have)` : `nothing to push to ${remote}`);
      return { pushed: 0, attempts: attempt };
    }
    const message = `Notes of ${publish.length} commit${publish.length === 1 ? '' : 's'} pushed to ${remote} by 'ai-provenance'`;
    // Every note that differs being published, the tree is the clone's own, with no index to build. Always a new
    // commit on the remote's notes, never the clone's notes commit itself: its history holds notes since removed or
    // rewritten (an amended commit's, a note taken back), of commits the remote never got.
    const tree = publish.length === diff.size ? `${mine}^{tree}` : await treeWith(repo, theirs, publishedChanges(diff, publish));
    const commit = await commitTree(repo, tree, theirs ? [theirs] : [], message);
    await opts.beforePush?.(attempt);
    const push = await git(['push', '--no-verify', '--porcelain', '--quiet', '--no-follow-tags', '--no-signed', '--end-of-options', remote, `${commit}:${NOTES_REF}`], {
      cwd: repo.root,
      okCodes: [1, 128],
      env: { [SYNCING_ENV]: '1' },
    });
    if (push.exitCode === 0) {
      // git moves the tracking ref itself through our fetch refspec, unless a refspec of the user's maps the notes ref first.
      if ((await looseRef(repo, tracking)) !== commit) await git(['update-ref', '-m', `pushed to ${remote}`, tracking, commit], { cwd: repo.root });
      await recordPublished(repo, mine, commit, message, say);
      say(`pushed the notes of ${publish.length} commit${publish.length === 1 ? '' : 's'} to ${remote}`);
      return { pushed: publish.length, attempts: attempt };
    }
    // --porcelain prints `!` for a ref the remote refused: `[rejected]`, or a lost race for its lock, when it moved
    // meanwhile. Any other refusal (`[remote rejected]`: a hook, a permission) is answered the same way once, in case
    // it too came from notes that changed meanwhile; refused again, it is a no that fetching cannot change.
    const refused = /^!\t[^\t]*\t(.*)$/m.exec(push.stdout)?.[1];
    const moved = refused !== undefined && (refused.startsWith('[rejected]') || /lock|failed to update ref|incorrect old value/i.test(refused));
    if (!moved && (refused === undefined || otherRefusals++ > 0)) {
      const why = refused !== undefined ? `! ${refused.replace(/^(\[[^\]]*\])/, `$1 ${NOTES_REF} -> ${NOTES_REF}`)}` : firstLine(push.stderr) || `git push exited with ${push.exitCode}`;
      throw new SyncError(`could not push ${NOTES_REF} to ${remote}: ${why}`);
    }
    if (attempt >= MAX_ATTEMPTS) throw new SyncError(`${remote} refused ${NOTES_REF} ${attempt} times (its notes kept changing); run 'ai-provenance sync ${remote}' later, nothing is lost`);
    say(`${remote} refused the notes (${moved ? 'they changed meanwhile' : refused}); fetching, joining and trying again`);
  }
}

/** The remote's notes as the clone last saw them, and the clone's own, joined where needed (SyncOptions.lastSeen). */
interface LastSeen {
  readonly theirs: string;
  readonly mine: string | undefined;
  readonly diff: ReadonlyMap<string, NoteChange>;
}

/**
 * The remote's notes as the clone last fetched or pushed them (their tracking ref), joined into the clone's own when
 * they hold what it lacks or notes it has differently (as after a fetch); undefined when either ref is missing (the
 * caller fetches).
 */
async function lastSeenNotes(repo: Repo, remote: string, say: (line: string) => void): Promise<LastSeen | undefined> {
  await recoverOverwrittenNotes(repo, say);
  const at = await refValues(repo, [NOTES_REF, trackingRef(remote)]);
  const theirs = at.get(trackingRef(remote));
  let mine = at.get(NOTES_REF);
  if (!theirs || !mine) return undefined;
  let diff = theirs === mine ? new Map<string, NoteChange>() : await notesDiff(repo, theirs, mine);
  const additionsOnly = [...diff.values()].every((c) => !c.a);
  if (!additionsOnly) {
    const m = await mergeNotesInto(repo, NOTES_REF, theirs, `Notes from ${remote} joined by 'ai-provenance sync'`, say);
    if (m.kind !== 'up-to-date') {
      mine = (await rev(repo, NOTES_REF))!;
      diff = await notesDiff(repo, theirs, mine);
    }
  }
  return { theirs, mine, diff };
}

/** The values of `refs` that exist, from one git process. */
async function refValues(repo: Repo, refs: readonly string[]): Promise<Map<string, string>> {
  const out = (await git(['for-each-ref', '--format=%(refname) %(objectname)', ...refs], { cwd: repo.root })).stdout;
  const wanted = new Set(refs);
  return new Map(out.split('\n').map((l) => l.split(' ') as [string, string]).filter(([name, id]) => wanted.has(name) && id !== undefined));
}

/** What a loose ref file of the common dir holds (no git process), undefined when there is none (a packed ref, another ref backend). */
async function looseRef(repo: Repo, ref: string): Promise<string | undefined> {
  return (await fs.readFile(path.join(repo.commonDir, ...ref.split('/')), 'utf8').catch(() => undefined))?.trim();
}

/** Each remote of the repository (`remote.<name>.url`) with its fetch refspecs, from one git process. */
export async function remoteFetchSpecs(repo: Repo): Promise<Map<string, string[]>> {
  const r = await git(['config', '-z', '--get-regexp', '^remote\\..*\\.(url|fetch)$'], { cwd: repo.root, okCodes: [1] });
  const urls = new Set<string>();
  const specs = new Map<string, string[]>();
  for (const entry of r.stdout.split('\0')) {
    const nl = entry.indexOf('\n');
    const key = nl < 0 ? entry : entry.slice(0, nl);
    const m = /^remote\.(.+)\.(url|fetch)$/i.exec(key);
    if (!m) continue;
    const name = m[1]!;
    if (m[2]!.toLowerCase() === 'url') urls.add(name);
    else specs.set(name, [...(specs.get(name) ?? []), entry.slice(nl + 1)]);
  }
  return new Map([...urls].map((name) => [name, specs.get(name) ?? []]));
}

/** Remote names of the repository (`remote.<name>.url`). */
export async function remoteNames(repo: Repo): Promise<string[]> {
  return [...(await remoteFetchSpecs(repo)).keys()];
}

/** Where a fetch refspec puts `ref`, or undefined when it does not fetch it (one `*` at most, as git allows). */
export function refspecDestination(refspec: string, ref: string): string | undefined {
  const spec = refspec.replace(/^\+/, '');
  if (spec.startsWith('^')) return undefined;
  const colon = spec.indexOf(':');
  if (colon < 0) return undefined;
  const src = spec.slice(0, colon);
  const dst = spec.slice(colon + 1);
  const star = src.indexOf('*');
  if (star < 0) return src === ref ? dst : undefined;
  const head = src.slice(0, star);
  const tail = src.slice(star + 1);
  if (!ref.startsWith(head) || !ref.endsWith(tail) || ref.length < head.length + tail.length) return undefined;
  return dst.replace('*', ref.slice(head.length, ref.length - tail.length));
}

export interface FetchSetup {
  /** Remotes that got our refspec now. */
  readonly added: readonly string[];
  /** `remote: refspec` pairs of the user's that fetch straight onto our notes ref. */
  readonly overwriting: readonly string[];
}

/**
 * Where the clone remembers that a remote's notes refspec is ours: beside it, in the remote's own section (which
 * `git remote remove` takes away with it), so that uninstall never removes an identical refspec the user had added.
 */
function addedKey(remote: string): string {
  return `remote.${remote}.aiProvenanceRefspec`;
}

/**
 * Adds our fetch refspec to every remote that lacks it (or to `only`), and finds refspecs that overwrite our ref.
 * `remotes`: what remoteFetchSpecs read, when the caller has it.
 */
export async function configureNotesFetch(repo: Repo, only?: string, remotes?: ReadonlyMap<string, readonly string[]>): Promise<FetchSetup> {
  const added: string[] = [];
  const overwriting: string[] = [];
  const known = remotes ?? (await remoteFetchSpecs(repo));
  for (const remote of only !== undefined ? [only] : known.keys()) {
    const specs = known.get(remote) ?? [];
    for (const s of specs) if (refspecDestination(s, NOTES_REF) === NOTES_REF) overwriting.push(`${remote}: ${s}`);
    if (specs.includes(notesRefspec(remote))) continue;
    await git(['config', '--add', `remote.${remote}.fetch`, notesRefspec(remote)], { cwd: repo.root });
    await git(['config', addedKey(remote), notesRefspec(remote)], { cwd: repo.root });
    added.push(remote);
  }
  return { added, overwriting };
}

/** `value` as an extended regular expression matching exactly it, for git config's value patterns. */
function exactValuePattern(value: string): string {
  return `^${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
}

/** Removes the fetch refspec we added (and only that) from every remote; the remotes it was removed from. */
export async function unconfigureNotesFetch(repo: Repo): Promise<string[]> {
  const removed: string[] = [];
  for (const [remote, specs] of await remoteFetchSpecs(repo)) {
    const ours = await git(['config', '--get', addedKey(remote)], { cwd: repo.root, okCodes: [1] });
    if (ours.exitCode !== 0) continue;
    const spec = ours.stdout.trim();
    const copies = specs.filter((s) => s === spec).length;
    if (copies > 0) {
      // A value pattern rather than --fixed-value, which git before 2.30 does not know.
      await git(['config', '--unset-all', `remote.${remote}.fetch`, exactValuePattern(spec)], { cwd: repo.root });
      // The same line added again by the user after install is theirs.
      if (copies > 1) await git(['config', '--add', `remote.${remote}.fetch`, spec], { cwd: repo.root });
      removed.push(remote);
    }
    await git(['config', '--unset-all', addedKey(remote)], { cwd: repo.root, okCodes: [5] });
  }
  return removed;
}

/** The line `install` prints for a refspec that fetches straight onto our notes ref. */
export function overwritingRefspecWarning(pair: string): string {
  return `warning: ${pair} makes git fetch overwrite ${NOTES_REF}; the notes it replaces are joined back from the reflog right after each fetch (or on the next push or 'ai-provenance sync'), and where a pruning fetch (--prune, fetch.prune) from a server without notes deletes the ref, it is put back within that fetch (not for --no-write-fetch-head, 'git remote prune', or a later remote of 'fetch --all': one line then names what it held). Better take that refspec out: ours fetches the notes`;
}

/** pre-push's stdin (`<local ref> <local id> <remote ref> <remote id>` lines), without pushes of notes refs. */
function pushLines(input: string): { local: string; remote: string }[] {
  const out: { local: string; remote: string }[] = [];
  for (const line of input.split('\n')) {
    const [, local, remoteRef, remote] = line.trim().split(' ');
    if (!local || !remoteRef || !remote || remoteRef.startsWith('refs/notes/')) continue;
    out.push({ local, remote });
  }
  return out;
}

const isZero = (id: string): boolean => /^0+$/.test(id);

/** The commits a push sends (a deletion sends none). */
export function pushedTips(input: string): string[] {
  return pushLines(input).flatMap((l) => (isZero(l.local) ? [] : [l.local]));
}

/**
 * What the server's refs a push updates point at before it (the remote ids): commits it holds, whose notes can go
 * even where no remote-tracking branch shows them (a branch the fetch refspec does not map).
 */
export function serverTips(input: string): string[] {
  return pushLines(input).flatMap((l) => (isZero(l.remote) ? [] : [l.remote]));
}

/** Whether `git push` arguments ask for a dry run (`--dry-run`, `-n`, or `-n` among bundled short options). */
export function isDryRun(args: readonly string[] | undefined): boolean {
  for (const a of args ?? []) {
    if (a === '--') break;
    if (a === '--dry-run' || /^-[a-zA-Z]*n[a-zA-Z]*$/.test(a)) return true;
  }
  return false;
}

/** Where a failed sync of the pre-push hook is logged, besides its one line. */
export function syncLogFile(repo: Repo): string {
  return path.join(repo.commonDir, 'ai-provenance', 'sync.log');
}

/** One line of the sync log: when, what ran, and what it said (a log that cannot be written is no failure). */
async function appendSyncLog(repo: Repo, what: string, said: readonly string[]): Promise<void> {
  await fs.mkdir(path.dirname(syncLogFile(repo)), { recursive: true }).catch(() => undefined);
  await fs.appendFile(syncLogFile(repo), `${new Date().toISOString()} ${what}: ${said.join(' | ')}\n`).catch(() => undefined);
}

/** Publishes the notes of commits `remote` has (or `tips` it was seen to hold), saying so in one line; a failure is logged and said, never thrown. */
async function publishQuietly(repo: Repo, remotes: ReadonlyMap<string, readonly string[]>, remote: string, hook: string, warn: (line: string) => void, tips: readonly string[] = []): Promise<boolean> {
  const said: string[] = [];
  try {
    await configureNotesFetch(repo, remote, remotes);
    // The hook's shell already offered the notes on top of the last seen ones when it says the server refused them.
    const r = await syncNotes(repo, { remote, tips, say: (l) => said.push(l), lastSeen: process.env[NOTES_REFUSED_ENV] !== '1' });
    if (r.pushed > 0) warn(pushedNotesLine(String(r.pushed), r.pushed === 1 ? '' : 's', remote));
    return true;
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    await appendSyncLog(repo, `${hook} ${remote}`, [...said, why]);
    warn(`ai-provenance: the notes were not pushed to ${remote} (${why.split('\n')[0]}); your push ${hook === 'pre-push' ? 'goes on' : 'went through'}, 'ai-provenance sync ${remote}' retries`);
    return false;
  }
}

/**
 * pre-push, where our reference-transaction hook does not run (a husky folder made anew without it, git before 2.28,
 * hooks an earlier version installed, a push to a ref git tracks no branch for): publishes the notes of commits the remote already has, those
 * of earlier pushes. Not those of the
 * commits being pushed: the server may still refuse them (a protected branch, a hook of its own, someone pushed
 * first), and a note of a commit it does not have would tell others of work they cannot see. It never fails or stops
 * the push.
 */
export async function prePush(repo: Repo, args: readonly string[], input: string, warn: (line: string) => void): Promise<number> {
  const remote = args[0] ?? '';
  // A push to a URL has no remote to track notes for; a push of notes refs alone publishes nothing else.
  if (pushedTips(input).length === 0) return 0;
  const remotes = await remoteFetchSpecs(repo);
  if (!remotes.has(remote)) return 0;
  // git runs pre-push for `push --dry-run` too, which sends nothing: neither do we.
  if (isDryRun(await parentGitArgs('push'))) return 0;
  // What the server's refs held before this push (an earlier push of a branch no remote-tracking branch follows)
  // is published too; a commit of theirs this clone never had is passed over by git (--ignore-missing).
  await publishQuietly(repo, remotes, remote, 'pre-push', warn, serverTips(input));
  return 0;
}

/**
 * Where pre-push left what git push `pid` sends (hookScripts.ts PUSH_PENDING_FILE); without a pid, the one file hooks
 * of an earlier version write for every push.
 */
export function pendingPushFile(repo: Repo, pid?: string): string {
  return path.join(repo.gitDir, pid === undefined ? PUSH_PENDING_FILE : `${PUSH_PENDING_FILE}.${pid}`);
}

/**
 * reference-transaction (committed, in the git push that wrote the pending file): git moved remote-tracking branches,
 * which it does once the server took the push. When one moved onto a pushed commit, publishes the notes of the
 * commits the remote now has, in this same git push. git moves one branch per transaction: when more were pushed,
 * the server is asked once which of them it holds now, so that one run publishes for all; those it does not (a
 * refused branch) wait for a later push that the server takes.
 */
export async function afterPush(repo: Repo, input: string, warn: (line: string) => void): Promise<number> {
  const named = process.env[PUSH_PID_ENV];
  const pid = named !== undefined && /^[1-9][0-9]*$/.test(named) ? named : undefined;
  const file = pendingPushFile(repo, pid);
  const [head = '', ...rest] = (await fs.readFile(file, 'utf8').catch(() => '')).split('\n');
  const remote = head.slice(head.indexOf(' ') + 1);
  const waiting = rest.map((l) => l.split(' ')).filter((f): f is [string, string] => f.length === 2 && HEX.test(f[0]!));
  const arrived = new Set<string>();
  for (const line of input.split('\n')) {
    const [, next, ref] = line.split(' ');
    if (next && ref?.startsWith(`refs/remotes/${remote}/`) && waiting.some(([c]) => c === next)) arrived.add(next);
  }
  const remotes = arrived.size === 0 ? undefined : await remoteFetchSpecs(repo);
  if (!remotes?.has(remote)) {
    // A file an earlier process of this pid left behind (a push the server refused), now met by a git that is no push.
    if (pid !== undefined && (await parentGitArgs('push')) === undefined) await fs.rm(file, { force: true });
    return 0;
  }
  const others = waiting.filter(([c]) => !arrived.has(c));
  if (others.length > 0) for (const c of await serverHolds(repo, remote, others)) arrived.add(c);
  const published = await publishQuietly(repo, remotes, remote, 'after push', warn, [...arrived]);
  const left = waiting.filter(([c]) => !arrived.has(c));
  // After a failure, one line said so: the other branches of this push do not try (and say it) again.
  if (!published || left.length === 0) await fs.rm(file, { force: true });
  else await atomicWrite(file, `${head}\n${left.map(([c, r]) => `${c} ${r}\n`).join('')}`, asyncFs);
  return 0;
}

/** The pushed commits the server's refs point at now (`<commit> <remote ref>` pairs); none when it cannot be asked. */
async function serverHolds(repo: Repo, remote: string, pushed: readonly [string, string][]): Promise<string[]> {
  const r = await git(['ls-remote', '--end-of-options', remote, ...new Set(pushed.map(([, ref]) => ref))], { cwd: repo.root, okCodes: [1, 2, 128] });
  if (r.exitCode !== 0) return [];
  const now = new Set(r.stdout.split('\n').map((l) => l.replace('\t', ' ')));
  return pushed.filter((p) => now.has(p.join(' '))).map(([c]) => c);
}

/**
 * reference-transaction (committed, in a git fetch that moved the clone's notes ref from a value it checked: a user's
 * `+refs/notes/*:refs/notes/*` refspec overwrote it with the server's notes). Joins the notes it replaced back in
 * from the reflog, as `ai-provenance sync` would, so that the clone's own AI lines stay visible right after the
 * fetch. A failure is one line and a line in the sync log; the next push or sync joins them back.
 */
export async function afterFetch(repo: Repo, warn: (line: string) => void): Promise<number> {
  // The join moves the notes ref again: that transaction's hook must not start Node once more.
  process.env[SYNCING_ENV] = '1';
  const said: string[] = [];
  try {
    await recoverOverwrittenNotes(repo, (l) => said.push(l), AFTER_FETCH_BY);
    for (const line of said) warn(`ai-provenance: ${line}`);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    await appendSyncLog(repo, 'after fetch', [...said, why]);
    warn(`ai-provenance: the notes this fetch replaced on ${NOTES_REF} were not joined back (${why.split('\n')[0]}); the next push or 'ai-provenance sync' does it`);
  }
  return 0;
}

/**
 * reference-transaction (committed, in a `git pull` that named what to fetch): the pull's fetch moved remote-tracking
 * branches but, given a refspec, fetched no notes. Fetches the notes of each such remote whose fetch refspecs name
 * ours (install added it), into its tracking ref, as a plain git pull would have; a failure is one line.
 */
export async function afterPull(repo: Repo, input: string, warn: (line: string) => void): Promise<number> {
  // The pull merges what FETCH_HEAD names once its fetch is done: a git that cannot leave FETCH_HEAD alone fetches nothing.
  if (!(await gitAtLeast(repo.root, NO_WRITE_FETCH_HEAD))) return 0;
  const specs = await remoteFetchSpecs(repo);
  const remotes = [...specs.keys()].sort((a, b) => b.length - a.length);
  const moved = new Set<string>();
  for (const line of input.split('\n')) {
    const [, next = '', ref = ''] = line.split(' ');
    if (!/[^0]/.test(next)) continue;
    // The longest remote name the ref starts with: a remote's name may hold a slash.
    const remote = remotes.find((r) => ref.startsWith(`refs/remotes/${r}/`));
    if (remote !== undefined) moved.add(remote);
  }
  for (const remote of moved) {
    if (!specs.get(remote)?.includes(notesRefspec(remote))) continue;
    try {
      await fetchNotes(repo, remote);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      warn(`ai-provenance: the notes of ${remote} were not fetched (${why.split('\n')[0]}); 'ai-provenance sync ${remote}' fetches them`);
    }
  }
  return 0;
}
