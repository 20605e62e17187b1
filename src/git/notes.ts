// Agent Trace notes on refs/notes/ai-provenance: read in bulk through one `notes list` and one `cat-file --batch`.
import { git } from './run';
import { readBlobs } from './diff';
import type { Repo } from './repo';

export const NOTES_REF = 'refs/notes/ai-provenance';

/** Every note on the ref: commit id → note blob id (one `git notes list`). */
export async function listNotes(repo: Repo): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  const r = await git(['notes', `--ref=${NOTES_REF}`, 'list'], { cwd: repo.root, okCodes: [1, 128] });
  if (r.exitCode !== 0) return map;
  for (const line of r.stdout.split('\n')) {
    const [blob, commit] = line.split(' ');
    if (blob && commit) map.set(commit, blob);
  }
  return map;
}

/** Note texts of the given commits (full ids); commits without a note are absent from the map. */
export async function readNotes(repo: Repo, commits: readonly string[], listed?: Promise<Map<string, string>>): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (commits.length === 0) return out;
  const all = await (listed ?? listNotes(repo));
  const blobOf = new Map<string, string>();
  for (const c of commits) {
    const blob = all.get(c);
    if (blob) blobOf.set(c, blob);
  }
  const blobs = await readBlobs(repo, [...blobOf.values()]);
  for (const [commit, blob] of blobOf) {
    const b = blobs.get(blob);
    if (b) out.set(commit, b.toString('utf8'));
  }
  return out;
}

export async function readNote(repo: Repo, commit: string): Promise<string | undefined> {
  const r = await git(['notes', `--ref=${NOTES_REF}`, 'show', commit], { cwd: repo.root, okCodes: [1, 128] });
  return r.exitCode === 0 ? r.stdout : undefined;
}

/** Adds or replaces the note of `commit`. */
export async function writeNote(repo: Repo, commit: string, text: string): Promise<void> {
  await git(['notes', `--ref=${NOTES_REF}`, 'add', '-f', '-F', '-', commit], { cwd: repo.root, input: text });
}
