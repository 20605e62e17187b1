// Repository discovery without starting git: agent hooks run on every edit, and a git process costs more than
// the rest of the hook. Reads what `git rev-parse` would (the .git dir or file, `commondir`); anything unusual
// (GIT_DIR and friends, core.worktree, a bare repository) is left to `discoverRepo`.
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { discoverRepo, type Repo } from '../git/repo';

function readTrim(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** The repository containing `cwd` as read from disk, or undefined when only git itself can tell. */
export function findRepoOnDisk(cwd: string, env: NodeJS.ProcessEnv = process.env): Repo | undefined {
  if (env['GIT_DIR'] || env['GIT_WORK_TREE'] || env['GIT_COMMON_DIR'] || env['GIT_CEILING_DIRECTORIES'] || env['GIT_DISCOVERY_ACROSS_FILESYSTEM']) return undefined;
  let dir: string;
  try {
    dir = realpathSync.native(cwd);
  } catch {
    return undefined;
  }
  for (;;) {
    const dotGit = path.join(dir, '.git');
    let st;
    try {
      st = statSync(dotGit);
    } catch {
      st = undefined;
    }
    if (st) {
      let gitDir: string;
      if (st.isDirectory()) gitDir = dotGit;
      else {
        const m = /^gitdir: (.+)$/m.exec(readTrim(dotGit) ?? '');
        if (!m) return undefined;
        gitDir = path.resolve(dir, m[1]!);
      }
      if (!existsSync(path.join(gitDir, 'HEAD'))) return undefined;
      const common = readTrim(path.join(gitDir, 'commondir'));
      const commonDir = realpathSync.native(common ? path.resolve(gitDir, common) : gitDir);
      const config = readTrim(path.join(commonDir, 'config')) ?? '';
      // A configured work tree or a bare repository moves the top level away from where .git was found.
      if (/^\s*(worktree|bare\s*=\s*true)\b/im.test(config)) return undefined;
      const realGitDir = realpathSync.native(gitDir);
      return {
        root: dir,
        gitDir: realGitDir,
        commonDir,
        worktreeId: realGitDir === commonDir ? 'main' : path.basename(realGitDir),
        objectFormat: /^\s*objectformat\s*=\s*sha256\s*$/im.test(config) ? 'sha256' : 'sha1',
      };
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** `findRepoOnDisk`, falling back to asking git. */
export async function findRepo(cwd: string): Promise<Repo> {
  return findRepoOnDisk(cwd) ?? (await discoverRepo(cwd));
}
