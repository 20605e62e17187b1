import { realpathSync } from 'node:fs';
import * as path from 'node:path';
import type { Command } from '../command';
import { InstallError, installHooks } from '../../git/install';
import { hookScript } from '../../git/hookScripts';

const HELP = `Usage: ai-provenance install

Installs ai-provenance's git hooks (prepare-commit-msg, commit-msg, post-commit,
post-rewrite) into the repository of the current directory.

- Honours core.hooksPath; with husky 9 (core.hooksPath = .husky/_) it adds a
  marked block to .husky/<hook>, which survives husky regenerating .husky/_.
- An existing hook is kept and still runs first: it is renamed to
  <hook>.ai-provenance-chained, and its failure still stops the commit.
- Our own hooks never stop a commit, except commit-msg on a 'block' policy
  violation.
- Records the absolute paths of node and of this CLI; run install again after
  moving or updating either. Running it twice changes nothing.

'ai-provenance uninstall' puts everything back as it was.
`;

export const command: Command = {
  help: HELP,
  async run(args, io) {
    if (args.includes('--agents')) {
      io.stderr.write('ai-provenance install: --agents is not available in this build\n');
      return 2;
    }
    if (args.length > 0) {
      io.stderr.write(`ai-provenance install: unexpected argument '${args[0]}' (see ai-provenance install --help)\n`);
      return 2;
    }
    try {
      const cliPath = realpathSync(process.argv[1] ?? '');
      // Run from VS Code, execPath is its Electron binary, which is node only with ELECTRON_RUN_AS_NODE=1.
      const nodeIsElectron = process.versions.electron !== undefined;
      const report = await installHooks({ cwd: io.cwd, cliPath, nodePath: process.execPath, nodeIsElectron, hookBody: hookScript });
      if (report.movedFrom) io.stdout.write(`removed the earlier install from ${report.movedFrom}\n`);
      for (const h of report.hooks) {
        const state = h.changed ? 'installed' : 'already installed';
        io.stdout.write(`${state}: ${path.relative(io.cwd, h.file) || h.file}${h.chained ? ' (runs the existing hook first)' : ''}\n`);
      }
      if (report.mode === 'husky') {
        io.stdout.write('husky: commit the .husky/<hook> changes to share them; they do nothing where ai-provenance is not installed\n');
      }
      return 0;
    } catch (err) {
      if (err instanceof InstallError) {
        io.stderr.write(`ai-provenance install: ${err.message}\n`);
        return 1;
      }
      throw err;
    }
  },
};
