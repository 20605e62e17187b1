import type { Command } from '../command';
import { parseCommandArgs, UsageError } from '../args';
import { discoverRepo, type Repo } from '../../git/repo';
import { configureNotesFetch, overwritingRefspecWarning, remoteNames, SyncError, syncNotes } from '../../git/notesSync';
import { git } from '../../git/run';
import { terminalText } from '../../core/terminalText';

const HELP = `Usage: ai-provenance sync [REMOTE]

Shares refs/notes/ai-provenance with REMOTE (default: the current branch's
remote, else origin, else the only remote) and says what it did, one line per
action. After 'ai-provenance install' a plain git push and git fetch do the same.

- Fetches REMOTE's notes into refs/notes/remotes/REMOTE/ai-provenance (never
  straight onto refs/notes/ai-provenance) and joins them into your notes record
  by record: two notes on one commit become one with both sets of lines.
- Pushes the notes of the commits REMOTE has, on top of its own notes, never
  forced; when REMOTE's notes changed meanwhile it fetches, joins and retries.
- Joins back notes a fetch with a +refs/notes/*:refs/notes/* refspec overwrote.

Exit status: 0 done, 1 the remote could not be reached or refused, 2 usage.
`;

async function defaultRemote(repo: Repo): Promise<string> {
  const remotes = await remoteNames(repo);
  const branch = await git(['symbolic-ref', '-q', '--short', 'HEAD'], { cwd: repo.root, okCodes: [1, 128] });
  if (branch.exitCode === 0) {
    const r = await git(['config', `branch.${branch.stdout.trim()}.remote`], { cwd: repo.root, okCodes: [1] });
    const name = r.stdout.trim();
    if (name && remotes.includes(name)) return name;
  }
  if (remotes.includes('origin')) return 'origin';
  if (remotes.length === 1) return remotes[0]!;
  throw new UsageError(remotes.length === 0 ? 'ai-provenance sync: this repository has no remote' : `ai-provenance sync: name the remote to sync with (${remotes.join(', ')})`);
}

export const command: Command = {
  help: HELP,
  async run(args, io) {
    const say = (line: string): void => void io.stdout.write(`${terminalText(line)}\n`);
    try {
      const p = parseCommandArgs('sync', args, {});
      if (p.positionals.length > 1) throw new UsageError(`ai-provenance sync: unexpected argument '${p.positionals[1]}' (see ai-provenance sync --help)`);
      const repo = await discoverRepo(io.cwd);
      const remote = p.positionals[0] ?? (await defaultRemote(repo));
      if (!(await remoteNames(repo)).includes(remote)) throw new UsageError(`ai-provenance sync: '${remote}' is not a remote of this repository`);
      const setup = await configureNotesFetch(repo, remote);
      if (setup.added.length > 0) say(`git fetch now brings ${remote}'s notes into refs/notes/remotes/${remote}/ai-provenance`);
      for (const pair of setup.overwriting) say(overwritingRefspecWarning(pair));
      await syncNotes(repo, { remote, say });
      return 0;
    } catch (err) {
      if (err instanceof UsageError) {
        io.stderr.write(`${terminalText(err.message)}\n`);
        return 2;
      }
      if (err instanceof SyncError) {
        io.stderr.write(`ai-provenance sync: ${terminalText(err.message)}\n`);
        return 1;
      }
      throw err;
    }
  },
};
