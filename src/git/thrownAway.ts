// AI lines git threw away (`git restore`, `checkout -- FILE`, `reset --hard`, `stash`, a forced branch switch) run no
// hook of ours, so the next read looks for what git leaves: the index entry's time says when git last found or made
// the file equal to the staged version, and a file git wrote anew was born after the AI lines were recorded.
import { readFileSync, statSync } from 'node:fs';
import { HUMAN } from '../core/model';
import { readBlobs } from './diff';
import { fromRepoPath, type Repo } from './repo';
import { git } from './run';
import type { WorkingState } from './workingState';

/** Paths per `ls-files` call: a long list must not outgrow a command line (Windows: 32K characters). */
const BATCH = 200;

interface Suspect {
  /** When the entry (the file's AI lines) was last written. */
  readonly recordedAt: bigint;
  /** The file was created after that: git wrote it anew (or an editor saved it by replacing it). */
  readonly recreated: boolean;
}

/**
 * Settles the entries among `paths` whose file changed after their AI lines were recorded and that git set to
 * another version meanwhile: when the index shows the file was its staged version since, the entry is carried through
 * that version (AI lines it lacks are forgotten); when the file was created since, its AI lines stay only if all of
 * them are in it again, and then only those whose text is unchanged (a person's text never inherits one as `mixed`).
 * Starts git only for files changed since their entry was written; returns the paths whose entries were rewritten.
 */
export async function forgetThrownAway(repo: Repo, state: WorkingState, paths: readonly string[]): Promise<string[]> {
  const suspects = new Map<string, Suspect>();
  for (const p of paths) {
    try {
      const entry = statSync(state.entryFile(p), { bigint: true });
      const file = statSync(fromRepoPath(repo, p), { bigint: true });
      // Nothing changed the file since its AI lines were last recorded.
      if (file.mtimeNs <= entry.mtimeNs) continue;
      suspects.set(p, { recordedAt: entry.mtimeNs, recreated: file.birthtimeNs > entry.mtimeNs });
    } catch {
      continue;
    }
  }
  if (suspects.size === 0) return [];
  const rewritten: string[] = [];
  const kept = new Map<string, Suspect>();
  for (const [p, s] of suspects) {
    if (s.recreated && (await forgetRewritten(repo, state, p))) rewritten.push(p);
    else kept.set(p, s);
  }
  if (kept.size === 0) return rewritten;
  const staged = await stagedSince(repo, kept);
  const blobs = await readBlobs(repo, [...new Set(staged.values())]);
  for (const [p, s] of kept) {
    const blob = staged.get(p);
    const text = blob !== undefined ? blobs.get(blob)?.toString('utf8') : undefined;
    if (text !== undefined) await state.update(p, text, (lines) => lines);
    if (s.recreated) {
      let disk: string;
      try {
        disk = readFileSync(fromRepoPath(repo, p), 'utf8');
      } catch {
        continue;
      }
      await state.update(p, disk, (lines) => lines.map((l) => (l.kind === 'ai' ? l : HUMAN)));
    }
    if (text !== undefined || s.recreated) rewritten.push(p);
  }
  return rewritten;
}

/**
 * Forgets the AI lines of a file made anew since they were recorded unless all of them are in it again (git put
 * that version back, a tool rewrote the file whole): otherwise git wrote another version or a person wrote the file
 * again, and an AI line's text coming back in it is no evidence. True when the entry was deleted.
 */
async function forgetRewritten(repo: Repo, state: WorkingState, p: string): Promise<boolean> {
  let disk: string;
  try {
    disk = readFileSync(fromRepoPath(repo, p), 'utf8');
  } catch {
    return false;
  }
  return state.forgetUnlessWhole(p, disk);
}

/** The staged blob of each suspect whose index entry git recorded after the suspect's AI lines were. */
async function stagedSince(repo: Repo, suspects: ReadonlyMap<string, Suspect>): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const list = [...suspects.keys()];
  for (let i = 0; i < list.length; i += BATCH) {
    const r = await git(['--literal-pathspecs', 'ls-files', '--debug', '-s', '-z', '--', ...list.slice(i, i + BATCH)], { cwd: repo.root });
    for (const m of r.stdout.matchAll(/^\d{6} ([0-9a-f]{40,64}) 0\t([^\0]*)\0\s*ctime: \d+:\d+\n\s*mtime: (\d+):(\d+)\n/gm)) {
      const [, blob, p, sec, nsec] = m as unknown as [string, string, string, string, string];
      const s = suspects.get(p);
      // A time git did not record (0) says nothing.
      if (s && sec !== '0' && BigInt(sec) * 1_000_000_000n + BigInt(nsec) > s.recordedAt) out.set(p, blob);
    }
  }
  return out;
}
