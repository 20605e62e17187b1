// AI lines a stash holds: `git stash` throws them out of the working tree, `git stash pop` brings them back.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { git, gitBuffer } from './run';
import type { Repo } from './repo';

/** Stashes beyond this many (newest first) are not looked through. */
const MAX_STASHES = 20;

/** Whether a stash's working tree holds `repoPath` with exactly the text whose sha1 is `digest`. */
export async function stashHolds(repo: Repo, repoPath: string, digest: string): Promise<boolean> {
  // No stash, no git process (the stash list is the reflog of refs/stash, shared by all worktrees).
  if (!existsSync(path.join(repo.commonDir, 'logs', 'refs', 'stash'))) return false;
  const list = await git(['log', '-g', '--format=%H', '-n', String(MAX_STASHES), 'refs/stash', '--'], { cwd: repo.root, okCodes: [0, 128] });
  if (list.exitCode !== 0) return false;
  for (const commit of list.stdout.split('\n').filter((h) => h !== '')) {
    const r = await gitBuffer(['cat-file', 'blob', `${commit}:${repoPath}`], { cwd: repo.root, okCodes: [0, 128] });
    if (r.exitCode === 0 && createHash('sha1').update(r.stdout.toString('utf8')).digest('hex') === digest) return true;
  }
  return false;
}
