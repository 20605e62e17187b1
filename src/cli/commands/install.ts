import { existsSync, realpathSync } from 'node:fs';
import * as path from 'node:path';
import type { Command } from '../command';
import { parseCommandArgs, stringOpt, UsageError } from '../args';
import { InstallError, installHooks } from '../../git/install';
import { discoverRepo } from '../../git/repo';
import { hookScript } from '../../git/hookScripts';
import { AgentSettingsError, LOCAL_CLI, planAgentHooks, type CliLocation } from '../../agents/install';
import { HOOK_AGENTS, isHookAgent } from '../../agents/index';

const HELP = `Usage: ai-provenance install [--agents a,b]

Installs ai-provenance's git hooks (prepare-commit-msg, commit-msg, post-commit,
post-rewrite, pre-push, reference-transaction) into the repository of the
current directory, and a
fetch refspec per remote, so that the notes travel with a plain git push and
git fetch (see 'ai-provenance sync --help').

- Honours core.hooksPath; with husky 9 (core.hooksPath = .husky/_) it adds a
  marked block to .husky/<hook>, which survives husky regenerating .husky/_,
  and its reference-transaction hook to .husky/_ itself (per clone; run install
  again if .husky/_ is made anew, or the notes of a push follow with the next).
- An existing hook is kept and still runs first: it is renamed to
  <hook>.ai-provenance-chained, and its failure still stops the commit.
- Our own hooks never stop a commit, except commit-msg on a 'block' policy
  violation.
- Records the absolute paths of node and of this CLI; run install again after
  moving or updating either. Running it twice changes nothing.

Options:
  --agents a,b   also add our hook to these agents' project settings
                 (claude-code, cursor, codex, gemini-cli, copilot, kiro); it starts
                 the project's node_modules/ai-provenance when there is one,
                 else this CLI by its absolute path

'ai-provenance uninstall' puts everything back as it was.
`;

export const command: Command = {
  help: HELP,
  async run(args, io) {
    let agents: string[];
    try {
      const parsed = parseCommandArgs('install', args, { agents: { type: 'string' } });
      if (parsed.positionals.length > 0) {
        throw new UsageError(`ai-provenance install: unexpected argument '${parsed.positionals[0]}' (see ai-provenance install --help)`);
      }
      const list = stringOpt(parsed, 'agents');
      agents = list === undefined ? [] : list.split(',').map((a) => a.trim()).filter((a) => a !== '');
      if (list !== undefined && agents.length === 0) throw new UsageError('ai-provenance install: --agents needs a comma-separated list of agents');
      // Checked before anything is written: a typo must not leave the git hooks installed and the agent hooks not.
      const unknown = [...new Set(agents.filter((a) => !isHookAgent(a)))];
      if (unknown.length > 0) {
        const names = unknown.map((a) => (/[\x00-\x1f\x7f]/.test(a) ? JSON.stringify(a) : `'${a}'`)).join(', ');
        throw new UsageError(`ai-provenance install: unknown agent${unknown.length === 1 ? '' : 's'} ${names} in --agents (valid: ${HOOK_AGENTS.join(', ')})`);
      }
    } catch (err) {
      if (err instanceof UsageError) {
        io.stderr.write(`${err.message}\n`);
        return 2;
      }
      throw err;
    }
    try {
      const cliPath = realpathSync(process.argv[1] ?? '');
      // Run from VS Code, execPath is its Electron binary, which is node only with ELECTRON_RUN_AS_NODE=1.
      const nodeIsElectron = process.versions.electron !== undefined;
      // Agent settings files that cannot be merged fail the install before the git hooks are touched. Outside a
      // repository, installHooks below says so.
      const top = agents.length > 0 ? await discoverRepo(io.cwd).then((r) => r.root, () => undefined) : undefined;
      const agentPlan = top !== undefined ? await planAgentHooks(top, agents, cliLocation(top, cliPath)) : undefined;
      const report = await installHooks({ cwd: io.cwd, cliPath, nodePath: process.execPath, nodeIsElectron, hookBody: hookScript });
      if (report.movedFrom) io.stdout.write(`removed the earlier install from ${report.movedFrom}\n`);
      for (const h of report.hooks) {
        const state = h.changed ? 'installed' : 'already installed';
        io.stdout.write(`${state}: ${path.relative(io.cwd, h.file) || h.file}${h.chained ? ' (runs the existing hook first)' : ''}\n`);
      }
      const { configureNotesFetch, notesRefspec, overwritingRefspecWarning } = require('../../git/notesSync') as typeof import('../../git/notesSync');
      const setup = await configureNotesFetch(await discoverRepo(report.topLevel));
      for (const r of setup.added) io.stdout.write(`fetch refspec added: remote.${r}.fetch ${notesRefspec(r)}\n`);
      for (const pair of setup.overwriting) io.stdout.write(`${overwritingRefspecWarning(pair)}\n`);
      const oldGit = await (require('../../git/gitVersion') as typeof import('../../git/gitVersion')).oldGitWarning(report.topLevel);
      if (oldGit) io.stdout.write(`${oldGit}\n`);
      if (report.mode === 'husky') {
        io.stdout.write('husky: commit the .husky/<hook> changes to share them; they do nothing where ai-provenance is not installed\n');
      }
      if (agents.length > 0) {
        const plan = agentPlan ?? (await planAgentHooks(report.topLevel, agents, cliLocation(report.topLevel, cliPath)));
        for (const f of await plan.apply()) io.stdout.write(`agent hook added: ${f}\n`);
      }
      return 0;
    } catch (err) {
      if (err instanceof InstallError || err instanceof AgentSettingsError) {
        io.stderr.write(`ai-provenance install: ${err.message}\n`);
        return 1;
      }
      throw err;
    }
  },
};

/**
 * Which CLI the agents start: the project's own copy when it has one, since the settings files are shared and every
 * clone gets that copy with its dependencies; else this one, by its absolute path. The hooks start the copy's
 * dist/cli.js with node directly: through npx each call would cost about 0.3 s more, twice per edit.
 */
function cliLocation(topLevel: string, cliPath: string): CliLocation {
  if (existsSync(path.join(topLevel, ...LOCAL_CLI.split('/')))) return { local: true };
  return { local: false, cliPath };
}
