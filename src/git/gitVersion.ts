// The version of the git on PATH, asked once where a feature depends on it.
import { git } from './run';

/** The oldest git the team sync works with: its fetch and push of the notes pass --end-of-options (git 2.24). */
export const MIN_GIT_VERSION: readonly [number, number] = [2, 24];

/** `[major, minor]` from `git version` output (`git version 2.39.2`, `git version 2.20.1.windows.1`), or undefined. */
export function parseGitVersion(out: string): [number, number] | undefined {
  const m = /git version (\d+)\.(\d+)/.exec(out);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** The line `install` prints when the git on PATH is older than MIN_GIT_VERSION, else undefined. */
export async function oldGitWarning(cwd: string): Promise<string | undefined> {
  const out = (await git(['version'], { cwd, okCodes: [1, 128, 129] })).stdout;
  const v = parseGitVersion(out);
  if (!v) return undefined;
  const [major, minor] = MIN_GIT_VERSION;
  if (v[0] > major || (v[0] === major && v[1] >= minor)) return undefined;
  return `warning: git ${/git version (\S+)/.exec(out)![1]} is older than ${major}.${minor}, which ai-provenance needs to share notes on git push and fetch`;
}
