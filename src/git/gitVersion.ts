// The version of the git on PATH, asked once where a feature depends on it.
import { git } from './run';

/** The oldest git the team sync works with: its fetch and push of the notes pass --end-of-options (git 2.24). */
export const MIN_GIT_VERSION: readonly [number, number] = [2, 24];

/** `[major, minor]` from `git version` output (`git version 2.39.2`, `git version 2.20.1.windows.1`), or undefined. */
export function parseGitVersion(out: string): [number, number] | undefined {
  const m = /git version (\d+)\.(\d+)/.exec(out);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

let versionOutput: Promise<string> | undefined;

/** `git version` of the git on PATH, asked once per process: a hook or CLI run may gate several fetches on it. */
function gitVersionOutput(cwd: string): Promise<string> {
  versionOutput ??= git(['version'], { cwd, okCodes: [1, 128, 129] }).then((r) => r.stdout);
  return versionOutput;
}

/** Whether the git on PATH is `least` or newer; false when its version cannot be read. */
export async function gitAtLeast(cwd: string, least: readonly [number, number]): Promise<boolean> {
  return meets(parseGitVersion(await gitVersionOutput(cwd)), least);
}

function meets(v: [number, number] | undefined, [major, minor]: readonly [number, number]): boolean {
  return v !== undefined && (v[0] > major || (v[0] === major && v[1] >= minor));
}

/** The line `install` prints when the git on PATH is older than MIN_GIT_VERSION, else undefined. */
export async function oldGitWarning(cwd: string): Promise<string | undefined> {
  const out = await gitVersionOutput(cwd);
  const v = parseGitVersion(out);
  if (!v || meets(v, MIN_GIT_VERSION)) return undefined;
  const [major, minor] = MIN_GIT_VERSION;
  return `warning: git ${/git version (\S+)/.exec(out)![1]} is older than ${major}.${minor}, which ai-provenance needs to share notes on git push and fetch`;
}
