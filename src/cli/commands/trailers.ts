// `ai-provenance trailers`: the trailers the staged change would get.
import type { Command } from '../command';
import { parseCommandArgs, UsageError } from '../args';
import { buildTrailers, formatTrailers } from '../../core/trailers';
import { stagedProvenance } from '../../git/provenance';
import { misplacedHooksDir, misplacedHooksWarning } from '../../git/install';
import { discoverRepo } from '../../git/repo';
import { loadTeamConfig } from '../../git/teamConfig';
import { WorkingState } from '../../git/workingState';
import { terminalText } from '../../core/terminalText';

const HELP = `Usage: ai-provenance trailers

Prints the trailers (Assisted-by, AI-Lines, AI-Critical) that the prepare-commit-msg hook
would add for the change staged now; prints nothing when it has no AI-written lines.
Warns on stderr when git no longer runs the hooks 'ai-provenance install' put in place.
`;

export const command: Command = {
  help: HELP,
  async run(args, io) {
    try {
      const p = parseCommandArgs('trailers', args, {});
      if (p.positionals.length > 0) throw new UsageError(`ai-provenance trailers: unexpected argument '${p.positionals[0]}'`);
      const repo = await discoverRepo(io.cwd);
      const misplaced = misplacedHooksDir(repo.root).catch(() => undefined);
      const report = (l: string): void => void io.stderr.write(`${terminalText(l)}\n`);
      const config = await loadTeamConfig(repo, report);
      const files = await stagedProvenance(repo, WorkingState.forRepo(repo), { config, report });
      const hooksDir = await misplaced;
      if (hooksDir !== undefined) report(misplacedHooksWarning(hooksDir));
      io.stdout.write(formatTrailers(buildTrailers(files, { ...config.config.trailers, isCritical: (f) => config.isCritical(f) })));
      return 0;
    } catch (err) {
      io.stderr.write(`${err instanceof UsageError ? '' : 'ai-provenance trailers: '}${terminalText((err as Error).message)}\n`);
      return err instanceof UsageError ? 2 : 1;
    }
  },
};
