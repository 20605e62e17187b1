// Entries of files gone from the disk that git does not know either (not in the index, not in HEAD, no stash). Their
// AI text cannot come back with a checkout, a branch switch or a stash pop, nor reach a commit; yet each such entry
// would keep `pending` set, and with it a Node run on every commit, and `status` listing the file, for good.
import { existsSync } from 'node:fs';
import { fromRepoPath, type Repo } from './repo';
import { git } from './run';
import type { WorkingState } from './workingState';

/** Forgets the entries among `paths` whose file is an orphan as above; returns their paths. Starts git only when a file is gone. */
export async function forgetOrphans(repo: Repo, state: WorkingState, paths: Iterable<string>): Promise<string[]> {
  const gone = [...paths].filter((p) => !existsSync(fromRepoPath(repo, p)));
  if (gone.length === 0) return [];
  const [stash, head] = await Promise.all([
    git(['rev-parse', '-q', '--verify', 'refs/stash'], { cwd: repo.root, okCodes: [1] }),
    git(['rev-parse', '-q', '--verify', 'HEAD^{tree}'], { cwd: repo.root, okCodes: [1] }),
  ]);
  // `git stash` (with -u, untracked files too) takes new files away to bring them back on `stash pop`: while any
  // stash exists, nothing is forgotten.
  if (stash.exitCode === 0) return [];
  const known = new Set<string>();
  // In batches: a long list of deleted files must not outgrow a command line (Windows: 32K characters).
  for (let i = 0; i < gone.length; i += 200) {
    const batch = gone.slice(i, i + 200);
    // Literal pathspecs: a file name may hold `*` or `?`.
    const [indexed, committed] = await Promise.all([
      git(['--literal-pathspecs', 'ls-files', '-z', '--cached', '--', ...batch], { cwd: repo.root }),
      head.exitCode === 0 ? git(['--literal-pathspecs', 'ls-tree', '-r', '-z', '--name-only', 'HEAD', '--', ...batch], { cwd: repo.root }) : Promise.resolve({ stdout: '' }),
    ]);
    for (const p of [...indexed.stdout.split('\0'), ...committed.stdout.split('\0')]) known.add(p);
  }
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
