// `ai-provenance _hook <name> [git's args]`: the Node side of our git hooks (internal; the hook scripts call it).
import type { Command } from '../command';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { BLOCK_EXIT, commitMsg, postCommit, postRewrite, prepareCommitMsg, scratchDir, type HookIO } from '../../git/hookFlows';
import { discoverRepo, repoFromDirs, type Repo } from '../../git/repo';

declare const VERSION: string;

const HELP = `Usage: ai-provenance _hook <prepare-commit-msg|commit-msg|post-commit|post-rewrite> [git's hook arguments]

Internal: run by the git hooks that 'ai-provenance install' places. Never stops a commit
because of its own failure; commit-msg exits ${BLOCK_EXIT} only for a real critical-path violation.
`;

function toolVersion(): string {
  return typeof VERSION === 'string' ? VERSION : '0.0.0-dev';
}

async function readStdin(stream: NodeJS.ReadableStream): Promise<string> {
  let out = '';
  stream.setEncoding('utf8');
  for await (const chunk of stream) out += chunk as string;
  return out;
}

/** Tells this commit's commit-msg and post-commit scripts to stay out of the way (one error line per commit, not three). */
function markFailed(repo: Repo): void {
  try {
    mkdirSync(scratchDir(repo), { recursive: true });
    writeFileSync(path.join(scratchDir(repo), 'failed'), 'prepare-commit-msg\n');
  } catch {
    // Nothing more to do: the later hooks fall back to their own Node run.
  }
}

export const command: Command = {
  help: HELP,
  async run(args, io) {
    const [name, ...rest] = args;
    const hookIO: HookIO = { warn: (line) => io.stderr.write(`${line}\n`), toolVersion: toolVersion(), env: process.env };
    let repo: Repo | undefined;
    try {
      // Our hook scripts pass the dirs they found, which saves a git process on the commit's critical path.
      const { AI_PROVENANCE_GIT_DIR: gitDir, AI_PROVENANCE_COMMON_DIR: commonDir } = process.env;
      repo = gitDir && commonDir && path.isAbsolute(gitDir) && path.isAbsolute(commonDir) ? repoFromDirs(io.cwd, gitDir, commonDir) : await discoverRepo(io.cwd);
      switch (name) {
        case 'prepare-commit-msg':
          return await prepareCommitMsg(repo, rest, hookIO);
        case 'commit-msg':
          return await commitMsg(repo, rest, hookIO);
        case 'post-commit':
          return await postCommit(repo, hookIO);
        case 'post-rewrite':
          return await postRewrite(repo, rest[0] ?? '', await readStdin(io.stdin), hookIO);
        default:
          io.stderr.write(`ai-provenance _hook: unknown hook '${name ?? ''}'\n`);
          return 0;
      }
    } catch (err) {
      // The commit goes through: only a real policy violation may stop it.
      const msg = err instanceof Error ? err.message : String(err);
      io.stderr.write(`ai-provenance: ${name ?? 'hook'} hook failed, the commit is not affected: ${msg.split('\n')[0]}\n`);
      if (name === 'prepare-commit-msg' && repo) markFailed(repo);
      return 0;
    }
  },
};
