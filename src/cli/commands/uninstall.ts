import * as path from 'node:path';
import type { Command } from '../command';
import { InstallError, uninstallHooks } from '../../git/install';

const HELP = `Usage: ai-provenance uninstall

Removes exactly what 'ai-provenance install' added to the repository of the
current directory: our hooks, the marked blocks in .husky/<hook>, and the files
under <git-common-dir>/ai-provenance/hooks. Hooks that were there before are
put back byte for byte, with their file modes.
`;

export const command: Command = {
  help: HELP,
  async run(args, io) {
    if (args.length > 0) {
      io.stderr.write(`ai-provenance uninstall: unexpected argument '${args[0]}' (see ai-provenance uninstall --help)\n`);
      return 2;
    }
    try {
      const report = await uninstallHooks(io.cwd);
      for (const f of report.removed) io.stdout.write(`removed: ${path.relative(io.cwd, f) || f}\n`);
      for (const f of report.restored) io.stdout.write(`restored: ${path.relative(io.cwd, f) || f}\n`);
      if (report.removed.length === 0 && report.restored.length === 0) io.stdout.write('nothing to uninstall\n');
      return 0;
    } catch (err) {
      if (err instanceof InstallError) {
        io.stderr.write(`ai-provenance uninstall: ${err.message}\n`);
        return 1;
      }
      throw err;
    }
  },
};
