// `ai-provenance blame FILE`: committed attribution (notes) plus the working tree's, per line.
import { promises as fsp } from 'node:fs';
import type { Command } from '../command';
import { boolOpt, parseCommandArgs, UsageError } from '../args';
import { blameFile, settlePending } from '../../git/blame';
import { discoverRepo, fromRepoPath, toRepoPath } from '../../git/repo';
import { loadTeamConfig } from '../../git/teamConfig';
import { WorkingState } from '../../git/workingState';
import { terminalText } from '../../core/terminalText';

const HELP = `Usage: ai-provenance blame FILE [--json]

Per-line attribution of FILE as it is on disk: lines of earlier commits from their notes
(refs/notes/ai-provenance), uncommitted lines from the working state.

Options:
  --json   [{line, kind, agent?, model?, source?, session?, at?, detail?, commit?}], line 1-based
`;

export const command: Command = {
  help: HELP,
  async run(args, io) {
    try {
      const p = parseCommandArgs('blame', args, { json: { type: 'boolean' } });
      if (p.positionals.length !== 1) throw new UsageError('ai-provenance blame: name exactly one FILE (see ai-provenance blame --help)');
      const file = p.positionals[0]!;
      const repo = await discoverRepo(io.cwd);
      const repoPath = toRepoPath(repo, file, io.cwd);
      // An ignored file's AI lines reach no trailer, note or check: uncommitted ones are not shown as AI either.
      const config = await loadTeamConfig(repo, (l) => io.stderr.write(`${terminalText(l)}\n`));
      const state = config.isIgnored(repoPath) ? undefined : WorkingState.forRepo(repo);
      if (state) await settlePending(repo, state, [repoPath]);
      const lines = await blameFile(repo, repoPath, state).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT' || err.code === 'EISDIR') throw new UsageError(`ai-provenance blame: ${file}: no such file`);
        throw err;
      });
      if (boolOpt(p, 'json')) {
        io.stdout.write(`${JSON.stringify(lines)}\n`);
        return 0;
      }
      const text = (await fsp.readFile(fromRepoPath(repo, repoPath), 'utf8')).split(/\r\n|\r|\n/);
      const width = String(lines.length).length;
      let out = '';
      for (const l of lines) {
        const who = l.kind === 'human' ? '' : l.model ? `${l.agent}:${l.model}` : (l.agent ?? '');
        // The agent and model come from notes, the text from the file: escapes in either are shown, not run.
        out += `${String(l.line).padStart(width)} ${l.kind.padEnd(5)} ${(l.commit ?? 'uncommitted').slice(0, 11).padEnd(11)} ${terminalText(who).padEnd(24)} ${terminalText(text[l.line - 1] ?? '', { keepTabs: true })}\n`;
      }
      io.stdout.write(out);
      return 0;
    } catch (err) {
      io.stderr.write(`${err instanceof UsageError ? '' : 'ai-provenance blame: '}${terminalText((err as Error).message)}\n`);
      return err instanceof UsageError ? 2 : 1;
    }
  },
};
