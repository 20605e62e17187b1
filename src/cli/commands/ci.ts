// `ai-provenance ci`: notes for the commits a server makes when it merges a pull request (PRODUCT.md §11.2).
import type { CliIO, Command } from '../command';
import { parseCommandArgs, stringOpt, UsageError } from '../args';
import { terminalText } from '../../core/terminalText';
import { discoverRepo, NotARepositoryError, type Repo } from '../../git/repo';
import { git } from '../../git/run';
import { loadTeamConfig } from '../../git/teamConfig';
import { carryServerMerge, MERGE_METHODS, MissingCommitError, type MergeMethod } from '../../git/serverMerge';
import { pushNotes } from '../../git/notesExchange';

const HELP = `Usage: ai-provenance ci [local ... | install github|gitlab]

Writes notes (refs/notes/ai-provenance) for the commits a server made when it
merged a pull request, so their AI lines stay visible on the target branch.

  ai-provenance ci local --base SHA --head SHA --merge SHA
                         [--method squash|rebase|merge] [--push REMOTE]
      base: what the pull request was based on; head: its last commit;
      merge: the commit the server put on the target branch.
      merge    (a merge commit): the pull request's commits keep their notes;
               nothing to carry.
      squash   the lines of each PR commit, as blame shows them at the head
               (a line a person changed later is theirs), carried through the
               head->squash diff onto the squash commit.
      rebase   each new commit paired with its original by patch id
               (git patch-id --stable) and that note carried through the
               pair's diff; commits without a certain pair are reported.
      Without --method: a commit with two parents is a merge commit; else a
      rebase when every PR commit pairs in order, a squash otherwise.
      --push REMOTE   push refs/notes/ai-provenance to REMOTE afterwards, never
                      forced: a rejection is answered by fetching the remote's
                      notes, joining them record by record, and trying again.

A note is written only where the mapping is certain; a note already on a
commit is never overwritten (missing lines are joined to it). Every decision is
one line of output.

Exit status: 0 done (things that could not be carried are listed), 1 the
notes could not be pushed, 2 usage error or a commit this clone does not have.
`;

declare const VERSION: string;
const toolVersion = (): string => (typeof VERSION === 'string' ? VERSION : '0.0.0-dev');

export const command: Command = {
  help: HELP,
  async run(args, io) {
    const [sub, ...rest] = args;
    try {
      if (sub === 'local') return await runLocal(rest, io);
      throw new UsageError(`ai-provenance ci: ${sub === undefined ? 'name a subcommand' : `unknown subcommand '${terminalText(sub)}'`} (see ai-provenance ci --help)`);
    } catch (err) {
      if (err instanceof UsageError) {
        io.stderr.write(`${terminalText(err.message)}\n`);
        return 2;
      }
      if (err instanceof MissingCommitError || err instanceof NotARepositoryError) {
        io.stderr.write(`ai-provenance ci: ${terminalText(err.message)}\n`);
        return 2;
      }
      throw err;
    }
  },
};

function logTo(io: CliIO): (line: string) => void {
  return (line) => io.stdout.write(`${terminalText(line)}\n`);
}

async function runLocal(args: readonly string[], io: CliIO): Promise<number> {
  const p = parseCommandArgs('ci local', args, { base: { type: 'string' }, head: { type: 'string' }, merge: { type: 'string' }, method: { type: 'string' }, push: { type: 'string' } });
  if (p.positionals.length > 0) throw new UsageError(`ai-provenance ci local: unexpected argument '${p.positionals[0]}' (see ai-provenance ci --help)`);
  const need = (name: string): string => {
    const v = stringOpt(p, name);
    if (!v) throw new UsageError(`ai-provenance ci local: --${name} SHA is required (see ai-provenance ci --help)`);
    return v;
  };
  const [base, head, merge] = [need('base'), need('head'), need('merge')];
  const method = stringOpt(p, 'method');
  if (method !== undefined && !(MERGE_METHODS as readonly string[]).includes(method)) {
    throw new UsageError(`ai-provenance ci local: unknown method '${method}': expected squash, rebase or merge`);
  }
  const repo = await discoverRepo(io.cwd);
  const log = logTo(io);
  await ensureIdentity(repo, { name: 'ai-provenance', email: 'ai-provenance@localhost' });
  const config = await loadTeamConfig(repo, log);
  await carryServerMerge(repo, { base, head, merge, ...(method ? { method: method as MergeMethod } : {}) }, { config, toolVersion: toolVersion(), log });
  const remote = stringOpt(p, 'push');
  if (remote !== undefined && !(await pushNotes(repo, remote, toolVersion(), log))) return 1;
  return 0;
}

/** Notes commits need an identity; where git has none (a fresh CI runner), `fallback` is used for this process. */
export async function ensureIdentity(repo: Repo, fallback: { name: string; email: string }): Promise<void> {
  const r = await git(['var', 'GIT_COMMITTER_IDENT'], { cwd: repo.root, okCodes: [128] });
  if (r.exitCode === 0) return;
  process.env.GIT_AUTHOR_NAME ??= fallback.name;
  process.env.GIT_AUTHOR_EMAIL ??= fallback.email;
  process.env.GIT_COMMITTER_NAME ??= fallback.name;
  process.env.GIT_COMMITTER_EMAIL ??= fallback.email;
}
