// Bringing a remote's refs/notes/ai-provenance in and sending ours out without forcing: remote notes land in a
// temporary ref outside refs/notes, are joined record by record with ours, and a rejected push is answered by
// fetch, join, retry.
import { buildTraceRecord, parseTraceRecord, serializeTraceRecord } from '../core/agentTrace';
import { joinFileProvenance } from '../core/traceJoin';
import { NOTES_REF } from './notes';
import type { Repo } from './repo';
import { git, GitError } from './run';

/** Where fetched notes wait to be joined; outside refs/notes so no reader takes them for ours. */
export const INCOMING_REF = 'refs/ai-provenance/incoming-notes';
const PUSH_ATTEMPTS = 4;

async function refSha(repo: Repo, ref: string): Promise<string | undefined> {
  const r = await git(['rev-parse', '-q', '--verify', `${ref}^{commit}`], { cwd: repo.root, okCodes: [1, 128] });
  return r.exitCode === 0 ? r.stdout.trim() : undefined;
}

async function isAncestor(repo: Repo, a: string, b: string): Promise<boolean> {
  return (await git(['merge-base', '--is-ancestor', a, b], { cwd: repo.root, okCodes: [1] })).exitCode === 0;
}

/** Annotated commit → note blob of a notes commit, whatever fan-out its tree uses. */
async function noteBlobs(repo: Repo, notesCommit: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const r = await git(['ls-tree', '-r', '-z', notesCommit], { cwd: repo.root });
  for (const rec of r.stdout.split('\0')) {
    const tab = rec.indexOf('\t');
    if (tab < 0) continue;
    const [, type, id] = rec.slice(0, tab).split(' ');
    const annotated = rec.slice(tab + 1).replaceAll('/', '');
    if (type === 'blob' && id && /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(annotated)) out.set(annotated, id);
  }
  return out;
}

/**
 * Joins the notes commit `incoming` into refs/notes/ai-provenance: a fast-forward when one side has all of the
 * other, else a merge commit whose tree holds, per annotated commit, the side that changed its note since the merge
 * base, or both records joined when both did. Returns what happened, in one line.
 */
export async function joinNotesCommit(repo: Repo, incoming: string, toolVersion: string, log: (line: string) => void): Promise<void> {
  const local = await refSha(repo, NOTES_REF);
  if (!local) {
    await git(['update-ref', NOTES_REF, incoming, ''], { cwd: repo.root });
    log(`took the remote's ${NOTES_REF} (there were none here)`);
    return;
  }
  if (local === incoming || (await isAncestor(repo, incoming, local))) return;
  if (await isAncestor(repo, local, incoming)) {
    await git(['update-ref', NOTES_REF, incoming, local], { cwd: repo.root });
    log(`fast-forwarded ${NOTES_REF} to the remote's`);
    return;
  }
  const mb = await git(['merge-base', local, incoming], { cwd: repo.root, okCodes: [1] });
  const mergeBase = mb.exitCode === 0 ? mb.stdout.trim() : undefined;
  const [ours, theirs, before] = await Promise.all([noteBlobs(repo, local), noteBlobs(repo, incoming), mergeBase ? noteBlobs(repo, mergeBase) : new Map<string, string>()]);
  const result = new Map(ours);
  let joined = 0;
  for (const [commit, theirBlob] of theirs) {
    const ourBlob = ours.get(commit);
    const baseBlob = before.get(commit);
    if (ourBlob === theirBlob || theirBlob === baseBlob) continue;
    if (ourBlob === undefined || ourBlob === baseBlob) {
      result.set(commit, theirBlob);
      continue;
    }
    const blob = await joinBlobs(repo, commit, ourBlob, theirBlob, toolVersion, log);
    result.set(commit, blob);
    joined++;
  }
  const tree = (await git(['mktree', '-z'], { cwd: repo.root, input: [...result].map(([c, b]) => `100644 blob ${b}\t${c}\0`).join('') })).stdout.trim();
  const commit = (await git(['commit-tree', tree, '-p', local, '-p', incoming, '-m', 'Notes joined by ai-provenance'], { cwd: repo.root })).stdout.trim();
  await git(['update-ref', NOTES_REF, commit, local], { cwd: repo.root });
  log(`joined the remote's ${NOTES_REF} with ours (${joined} commit${joined === 1 ? '' : 's'} noted on both sides, records joined)`);
}

/** Both records of one commit as one; an unreadable side is reported and the readable one kept (ours when neither is). */
async function joinBlobs(repo: Repo, commit: string, ourBlob: string, theirBlob: string, toolVersion: string, log: (line: string) => void): Promise<string> {
  const read = async (id: string): Promise<string> => (await git(['cat-file', 'blob', id], { cwd: repo.root })).stdout;
  const [a, b] = [parseTraceRecord(await read(ourBlob)), parseTraceRecord(await read(theirBlob))];
  if (!a.ok || !b.ok) {
    log(`note of ${commit.slice(0, 12)}: ${!a.ok ? `ours cannot be read (${a.error})` : `the remote's cannot be read (${(b as { error: string }).error})`}; kept ${a.ok || !b.ok ? 'ours' : "the remote's"}`);
    return a.ok || !b.ok ? ourBlob : theirBlob;
  }
  const text = serializeTraceRecord(buildTraceRecord({ revision: commit, files: joinFileProvenance(a.files, b.files), toolVersion }));
  return (await git(['hash-object', '-w', '--stdin'], { cwd: repo.root, input: text })).stdout.trim();
}

/** Fetches the remote's notes and joins them into ours; false (and a log line) when the remote has none. */
export async function fetchNotes(repo: Repo, remote: string, toolVersion: string, log: (line: string) => void): Promise<boolean> {
  try {
    // An empty --refmap: a configured `+refs/notes/*:refs/notes/*` must not overwrite ours on the way.
    await git(['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--refmap=', remote, `+${NOTES_REF}:${INCOMING_REF}`], { cwd: repo.root });
  } catch (err) {
    if (err instanceof GitError && /couldn't find remote ref|no such ref/i.test(err.stderr)) {
      log(`${remote} has no ${NOTES_REF} yet`);
      return false;
    }
    throw err;
  }
  try {
    const incoming = await refSha(repo, INCOMING_REF);
    if (incoming) await joinNotesCommit(repo, incoming, toolVersion, log);
  } finally {
    await git(['update-ref', '-d', INCOMING_REF], { cwd: repo.root, okCodes: [1] });
  }
  return true;
}

/** Pushes refs/notes/ai-provenance, never forced; a rejection is answered by fetch, join and another try. */
export async function pushNotes(repo: Repo, remote: string, toolVersion: string, log: (line: string) => void): Promise<boolean> {
  if (!(await refSha(repo, NOTES_REF))) {
    log(`no ${NOTES_REF} here: nothing to push`);
    return true;
  }
  for (let attempt = 1; attempt <= PUSH_ATTEMPTS; attempt++) {
    try {
      await git(['push', '--quiet', remote, `${NOTES_REF}:${NOTES_REF}`], { cwd: repo.root });
      log(`pushed ${NOTES_REF} to ${remote}`);
      return true;
    } catch (err) {
      if (!(err instanceof GitError)) throw err;
      // Only a remote that moved on is answered by fetching; a refusal (hook, permissions) is reported as it is.
      const behind = /\[rejected\]|non-fast-forward|fetch first/i.test(err.stderr);
      if (!behind || attempt === PUSH_ATTEMPTS) {
        const lines = err.stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '');
        log(`could not push ${NOTES_REF} to ${remote}: ${lines.find((l) => /rejected|error|fatal|denied/i.test(l)) ?? lines[0] ?? 'git push failed'}`);
        return false;
      }
      log(`${remote} has newer notes; fetching and joining them before pushing again`);
      await fetchNotes(repo, remote, toolVersion, log);
    }
  }
  return false;
}
