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

/**
 * Adds or replaces the notes of many commits in one notes commit (one `git fast-import`, where `git notes add` would
 * make a commit and start a process per note). The ref moves only from the tip read here, never forced: if anything
 * changed it meanwhile, fast-import refuses and nothing is lost.
 */
export async function writeNotes(repo: Repo, notes: ReadonlyMap<string, string>): Promise<void> {
  if (notes.size === 0) return;
  if (notes.size === 1) {
    const [[commit, text]] = [...notes] as [[string, string]];
    return writeNote(repo, commit, text);
  }
  const [tip, ident] = await Promise.all([
    git(['rev-parse', '-q', '--verify', `${NOTES_REF}^{commit}`], { cwd: repo.root, okCodes: [1, 128] }),
    git(['var', 'GIT_COMMITTER_IDENT'], { cwd: repo.root }),
  ]);
  const data = (s: string): string => `data ${Buffer.byteLength(s)}\n${s}\n`;
  const parts = [`commit ${NOTES_REF}\ncommitter ${ident.stdout.trim()}\n${data(`Notes added for ${notes.size} commits`)}`];
  if (tip.exitCode === 0) parts.push(`from ${tip.stdout.trim()}\n`);
  // As `git notes add` stores a message: ended by exactly one line break.
  for (const [commit, text] of notes) parts.push(`N inline ${commit}\n${data(`${text.replace(/\s+$/, '')}\n`)}`);
  await git(['fast-import', '--quiet', '--done'], { cwd: repo.root, input: `${parts.join('')}done\n` });
}
