// `ai-provenance _hook <name> [git's args]`: the Node side of our git hooks (internal; the hook scripts call it).
import type { Command } from '../command';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { BLOCK_EXIT, commitMsg, postCommit, postRewrite, prepareCommitMsg, replayKind, type HookIO } from '../../git/hookFlows';
import { loadTeamConfig } from '../../git/teamConfig';
import { carryLater, catchUp, failureReason, markUnjudged, noteLater, refuseUnjudged } from '../../git/hookFailures';
import { terminalText } from '../../core/terminalText';
import { discoverRepo, repoFromDirs, stateDir, type Repo } from '../../git/repo';

declare const VERSION: string;

const HELP = `Usage: ai-provenance _hook <prepare-commit-msg|commit-msg|post-commit|post-rewrite|pre-push|reference-transaction> [git's hook arguments]

Internal: run by the git hooks that 'ai-provenance install' places. commit-msg exits
${BLOCK_EXIT} for a critical-path violation, or when it cannot judge a commit a block rule may
apply to. A failure of its own keeps the recorded AI lines and marks the commit AI-Unjudged.
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

export const command: Command = {
  help: HELP,
  async run(args, io) {
    const [name, ...rest] = args;
    // Lines name files, rules and reasons from the repository: control characters are shown, never acted on (a
    // refusal's own line breaks stay).
    const hookIO: HookIO = {
      warn: (line) => io.stderr.write(`${line.split('\n').map((l) => terminalText(l)).join('\n')}\n`),
      toolVersion: toolVersion(),
      env: process.env,
    };
    let repo: Repo | undefined;
    let input = '';
    try {
      // Our hook scripts pass the dirs they found, which saves a git process on the commit's critical path.
      const { AI_PROVENANCE_GIT_DIR: gitDir, AI_PROVENANCE_COMMON_DIR: commonDir } = process.env;
      repo = gitDir && commonDir && path.isAbsolute(gitDir) && path.isAbsolute(commonDir) ? repoFromDirs(io.cwd, gitDir, commonDir) : await discoverRepo(io.cwd);
      switch (name) {
        case 'prepare-commit-msg':
          // What earlier hooks could not do comes first: this commit's own advance would otherwise take it away.
          await catchUp(repo, hookIO);
          await recoverAtCommit(repo, hookIO);
          return await prepareCommitMsg(repo, rest, hookIO);
        case 'commit-msg':
          return await commitMsg(repo, rest, hookIO);
        case 'post-commit':
          return await postCommit(repo, hookIO);
        case 'post-rewrite':
          input = await readStdin(io.stdin);
          return await postRewrite(repo, rest[0] ?? '', input, hookIO);
        case 'pre-push': {
          input = await readStdin(io.stdin);
          const { prePush } = require('../../git/notesSync') as typeof import('../../git/notesSync');
          return await prePush(repo, rest, input, hookIO.warn);
        }
        case 'reference-transaction': {
          input = await readStdin(io.stdin);
          const { afterFetch, afterPull, afterPush } = require('../../git/notesSync') as typeof import('../../git/notesSync');
          if (rest[0] === 'fetch') return await afterFetch(repo, hookIO.warn);
          return await (rest[0] === 'pull' ? afterPull : afterPush)(repo, input, hookIO.warn);
        }
        default:
          io.stderr.write(`ai-provenance _hook: unknown hook '${terminalText(name ?? '')}'\n`);
          return 0;
      }
    } catch (err) {
      // Fail closed where it matters: the commit is marked (and refused where a block rule may apply), nothing
      // recorded is dropped, and one line says so.
      const why = failureReason(name ?? 'hook', err);
      if (!repo) {
        io.stderr.write(`ai-provenance: ${why}\n`);
        return 0;
      }
      switch (name) {
        case 'prepare-commit-msg':
          await markUnjudged(repo, rest[0], why, hookIO);
          return 0;
        case 'commit-msg':
          return await refuseUnjudged(repo, why, hookIO);
        case 'post-commit':
          await noteLater(repo, why, hookIO);
          return 0;
        case 'post-rewrite':
          await carryLater(repo, input, why, hookIO);
          return 0;
        case 'pre-push':
          hookIO.warn(`ai-provenance: the notes were not pushed (${why}); your push goes on`);
          return 0;
        case 'reference-transaction':
          if (rest[0] === 'fetch' || rest[0] === 'pull') {
            hookIO.warn(`ai-provenance: the notes were not brought in (${why}); your ${rest[0]} went through, 'ai-provenance sync' does it`);
            return 0;
          }
          hookIO.warn(`ai-provenance: the notes were not pushed (${why}); your push went through, 'ai-provenance sync' publishes them`);
          return 0;
        default:
          return 0;
      }
    }
  },
};

/**
 * An agent edit whose after-edit event never came is recorded before the commit reads what is pending, when the file
 * holds exactly its announced result: the user is committing, so what is on disk is settled. Never stops a commit.
 */
async function recoverAtCommit(repo: Repo, io: HookIO): Promise<void> {
  if (!announcedEdits(repo) || replayKind(repo) === 'rebase') return;
  try {
    const { recoverMissedEdits, recoveryLines } = require('../../agents/recover') as typeof import('../../agents/recover');
    const config = await loadTeamConfig(repo, io.warn);
    for (const line of recoveryLines(await recoverMissedEdits(repo, { settled: true, isIgnored: (p) => config.isIgnored(p) }))) io.warn(`ai-provenance: ${line}`);
  } catch (err) {
    io.warn(`ai-provenance: agent edits whose after-event was lost not checked: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Whether some agent announced an edit it has not reported done (a snapshot waits): only then can a recovery find one. */
function announcedEdits(repo: Repo): boolean {
  try {
    return readdirSync(path.join(stateDir(repo), 'snapshots')).some((n) => n.endsWith('.json'));
  } catch {
    return false;
  }
}
