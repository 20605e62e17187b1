// `ai-provenance status`: AI lines pending in the working tree, per file, with critical-path hits.
import type { Command } from '../command';
import { recoverMissedEdits, recoveryLines } from '../../agents/recover';
import { boolOpt, parseCommandArgs, UsageError } from '../args';
import type { PendingFile } from '../../core/pending';
import { misplacedHooksDir, misplacedHooksWarning } from '../../git/install';
import { discoverRepo } from '../../git/repo';
import { readPending } from '../../git/pending';
import { forgetOrphans } from '../../git/orphans';
import { loadTeamConfig } from '../../git/teamConfig';
import { WorkingState } from '../../git/workingState';
import { forgetThrownAway } from '../../git/thrownAway';
import { terminalText } from '../../core/terminalText';

const HELP = `Usage: ai-provenance status [--json]

Lists the AI-written lines not committed yet, per file, and the critical paths (.ai-provenance.json) they touch.
First records an agent edit whose after-edit hook event never came, when the file holds exactly the result its
before-edit event announced (said on stderr).
Files matched by the config's "ignore" patterns are left out, as commits leave them out.
Warns on stderr when git no longer runs the hooks 'ai-provenance install' put in place (e.g. core.hooksPath
was set since).

Options:
  --json   machine-readable: [{path, lines, aiLines, mixedLines, ranges: [[start, end]], agents, critical?}]
`;

type FileStatus = PendingFile | { path: string; aiLines: 0; mixedLines: 0; ranges: []; agents: []; missing: true };

export const command: Command = {
  help: HELP,
  async run(args, io) {
    try {
      const p = parseCommandArgs('status', args, { json: { type: 'boolean' } });
      if (p.positionals.length > 0) throw new UsageError(`ai-provenance status: unexpected argument '${p.positionals[0]}'`);
      const repo = await discoverRepo(io.cwd);
      const misplaced = misplacedHooksDir(repo.root).catch(() => undefined);
      const config = await loadTeamConfig(repo, (l) => io.stderr.write(`${terminalText(l)}\n`));
      // An agent edit whose after-event was lost is recorded now, when the file holds exactly its announced result.
      try {
        const lines = recoveryLines(await recoverMissedEdits(repo, { isIgnored: (p) => config.isIgnored(p) }));
        for (const n of lines) io.stderr.write(`ai-provenance status: ${terminalText(n)}\n`);
      } catch (err) {
        io.stderr.write(`ai-provenance status: agent edits whose after-event was lost not checked: ${terminalText((err as Error).message)}\n`);
      }
      const state = WorkingState.forRepo(repo);
      // AI lines `git stash pop` or `apply` put back are pending again now, not only at the next commit.
      await state.unstash();
      // A file deleted before git ever knew it can no longer reach a commit: its entry goes rather than stay listed.
      const paths = await state.paths();
      const orphans = new Set(await forgetOrphans(repo, state, paths));
      // Lines git threw away since they were recorded (restore, reset, stash) are not pending any more.
      await forgetThrownAway(repo, state, paths);
      // Ignored files get no trailers, notes or policy check at commit; listing them here would promise otherwise.
      const { files, missing } = await readPending(repo, state, config, { skip: orphans });
      const out: FileStatus[] = [...files, ...missing.map((path) => ({ path, aiLines: 0 as const, mixedLines: 0 as const, ranges: [] as [], agents: [] as [], missing: true as const }))];
      const hooksDir = await misplaced;
      if (hooksDir !== undefined) io.stderr.write(`${misplacedHooksWarning(hooksDir)}\n`);
      if (boolOpt(p, 'json')) {
        io.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
        return 0;
      }
      if (out.length === 0) {
        io.stdout.write('No AI-written lines pending.\n');
        return 0;
      }
      // File names, agents and reasons come from the repository: shown, never acted on by the terminal.
      for (const s of out) {
        if ('missing' in s) {
          io.stdout.write(`${terminalText(s.path)}: deleted or unreadable (its recorded AI lines are kept: git can bring the file back, and committing its deletion clears them)\n`);
          continue;
        }
        const n = s.aiLines + s.mixedLines;
        const kinds = s.mixedLines ? ` (${s.aiLines} ai, ${s.mixedLines} mixed)` : '';
        const ranges = s.ranges.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',');
        const crit = s.critical ? `  CRITICAL ${s.critical.level}: ${s.critical.reason}` : '';
        io.stdout.write(`${terminalText(`${s.path}: ${n} AI line${n === 1 ? '' : 's'}${kinds} at ${ranges} by ${s.agents.join(', ')}${crit}`)}\n`);
      }
      return 0;
    } catch (err) {
      io.stderr.write(`${err instanceof UsageError ? '' : 'ai-provenance status: '}${terminalText((err as Error).message)}\n`);
      return err instanceof UsageError ? 2 : 1;
    }
  },
};
