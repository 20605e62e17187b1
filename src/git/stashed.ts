// AI lines a stash holds: `git stash` throws them out of the working tree, `git stash pop` or `apply` brings them back.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { git, gitBuffer } from './run';
import type { Repo } from './repo';

/** Stashes beyond this many (newest first) are not looked through. */
const MAX_STASHES = 20;

/** What the working state asks git about the stashes and HEAD while entries wait aside (see WorkingState.unstash). */
export interface Stashes {
  /** The stash list's reflog: a copy of it waits beside the entries kept aside, for the hook scripts to compare. */
  readonly log: string;
  /** Whether a stash's working tree has a version of `repoPath` for which `holds` is true. */
  holds(repoPath: string, holds: (text: string) => boolean): Promise<boolean>;
  /** HEAD's version of `repoPath`; undefined when HEAD has none. */
  committed(repoPath: string): Promise<string | undefined>;
}

export function stashesOf(repo: Repo): Stashes {
  return {
    log: path.join(repo.commonDir, 'logs', 'refs', 'stash'),
    holds: (p, holds) => stashHolds(repo, p, holds),
    committed: async (p) => {
      const r = await gitBuffer(['cat-file', 'blob', `HEAD:${p}`], { cwd: repo.root, okCodes: [0, 128] });
      return r.exitCode === 0 ? r.stdout.toString('utf8') : undefined;
    },
  };
}

async function stashHolds(repo: Repo, repoPath: string, holds: (text: string) => boolean): Promise<boolean> {
  // No stash, no git process (the stash list is the reflog of refs/stash, shared by all worktrees).
  if (!existsSync(path.join(repo.commonDir, 'logs', 'refs', 'stash'))) return false;
  const list = await git(['log', '-g', '--format=%H', '-n', String(MAX_STASHES), 'refs/stash', '--'], { cwd: repo.root, okCodes: [0, 128] });
  if (list.exitCode !== 0) return false;
  for (const commit of list.stdout.split('\n').filter((h) => h !== '')) {
    const r = await gitBuffer(['cat-file', 'blob', `${commit}:${repoPath}`], { cwd: repo.root, okCodes: [0, 128] });
    if (r.exitCode === 0 && holds(r.stdout.toString('utf8'))) return true;
  }
  return false;
}
