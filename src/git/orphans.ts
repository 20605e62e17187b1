// Entries of files gone from the disk that git does not know either (not in the index, not in HEAD). Their AI text
// cannot come back with a checkout or a branch switch, nor reach a commit; yet each such entry would keep `pending`
// set, and with it a Node run on every commit, and `status` listing the file, for good.
import { existsSync } from 'node:fs';
import { fromRepoPath, type Repo } from './repo';
import { git } from './run';
import type { WorkingState } from './workingState';

/** Forgets the entries among `paths` whose file is an orphan as above; returns their paths. Starts git only when a file is gone. */
export async function forgetOrphans(repo: Repo, state: WorkingState, paths: Iterable<string>): Promise<string[]> {
  const gone = [...paths].filter((p) => !existsSync(fromRepoPath(repo, p)));
  if (gone.length === 0) return [];
  // Literal pathspecs: a file name may hold `*` or `?`.
  const [indexed, committed] = await Promise.all([
    git(['--literal-pathspecs', 'ls-files', '-z', '--cached', '--', ...gone], { cwd: repo.root }),
    // No HEAD yet (exit 128): nothing is committed.
    git(['--literal-pathspecs', 'ls-tree', '-r', '-z', '--name-only', 'HEAD', '--', ...gone], { cwd: repo.root, okCodes: [128] }),
  ]);
  const known = new Set([...indexed.stdout.split('\0'), ...committed.stdout.split('\0')]);
  const forgotten: string[] = [];
  for (const p of gone) {
    const raw = await state.entryRaw(p);
    // Looked at again just before: a tool that deletes and writes a file anew may have written it meanwhile.
    if (known.has(p) || raw === undefined || existsSync(fromRepoPath(repo, p))) continue;
    await state.forget(p, raw);
    forgotten.push(p);
  }
  return forgotten;
}
