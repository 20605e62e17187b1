import * as path from 'node:path';
import type { Command } from '../command';
import { InstallError, locateRepo, uninstallHooks } from '../../git/install';
import { AgentSettingsError, uninstallAgentHooks } from '../../agents/install';
import { discoverRepo } from '../../git/repo';

const HELP = `Usage: ai-provenance uninstall

Removes exactly what 'ai-provenance install' added to the repository of the
current directory: our hooks, the marked blocks in .husky/<hook>, the files
under <git-common-dir>/ai-provenance/hooks, the notes fetch refspec of each
remote, and the entries 'install --agents' added to agents' settings. The notes
themselves (yours and the fetched ones) stay. Hooks that were there before are put back byte for
byte, with their file modes.
`;

export const command: Command = {
  help: HELP,
  async run(args, io) {
    if (args.length > 0) {
      io.stderr.write(`ai-provenance uninstall: unexpected argument '${args[0]}' (see ai-provenance uninstall --help)\n`);
      return 2;
    }
    try {
      // Agent hooks first: their record lives in the folder the git-hook uninstall removes once it is empty.
      const agentFiles = await uninstallAgentHooks((await locateRepo(io.cwd)).topLevel);
      const report = await uninstallHooks(io.cwd);
      const { notesRefspec, unconfigureNotesFetch } = require('../../git/notesSync') as typeof import('../../git/notesSync');
      const refspecs = await unconfigureNotesFetch(await discoverRepo(report.topLevel));
      for (const r of refspecs) io.stdout.write(`fetch refspec removed: remote.${r}.fetch ${notesRefspec(r)}\n`);
      for (const f of report.removed) io.stdout.write(`removed: ${path.relative(io.cwd, f) || f}\n`);
      for (const f of report.restored) io.stdout.write(`restored: ${path.relative(io.cwd, f) || f}\n`);
      for (const f of agentFiles) io.stdout.write(`agent hook removed: ${f}\n`);
      if (report.removed.length === 0 && report.restored.length === 0 && agentFiles.length === 0 && refspecs.length === 0) io.stdout.write('nothing to uninstall\n');
      return 0;
    } catch (err) {
      if (err instanceof InstallError || err instanceof AgentSettingsError) {
        io.stderr.write(`ai-provenance uninstall: ${err.message}\n`);
        return 1;
      }
      throw err;
    }
  },
};
