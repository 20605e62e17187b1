// `ai-provenance export [REV] --format agent-trace`: the Agent Trace record of a commit.
import type { Command } from '../command';
import { parseCommandArgs, stringOpt, UsageError } from '../args';
import { buildTraceRecord, parseTraceRecord, serializeTraceRecord } from '../../core/agentTrace';
import { readNote } from '../../git/notes';
import { discoverRepo } from '../../git/repo';
import { git } from '../../git/run';

declare const VERSION: string;

const HELP = `Usage: ai-provenance export [REV] --format agent-trace

Prints the Agent Trace record (JSON) of commit REV (default HEAD) from refs/notes/ai-provenance;
a commit without a note gets a record with no files.
`;

export const command: Command = {
  help: HELP,
  async run(args, io) {
    try {
      const p = parseCommandArgs('export', args, { format: { type: 'string' } });
      const format = stringOpt(p, 'format') ?? 'agent-trace';
      if (format !== 'agent-trace') throw new UsageError(`ai-provenance export: --format '${format}': only agent-trace is supported`);
      if (p.positionals.length > 1) throw new UsageError(`ai-provenance export: unexpected argument '${p.positionals[1]}'`);
      const rev = p.positionals[0] ?? 'HEAD';
      const repo = await discoverRepo(io.cwd);
      const r = await git(['rev-parse', '-q', '--verify', `${rev}^{commit}`], { cwd: repo.root, okCodes: [1, 128] });
      if (r.exitCode !== 0) throw new UsageError(`ai-provenance export: ${rev}: not a commit`);
      const commit = r.stdout.trim();
      const note = await readNote(repo, commit);
      if (note === undefined) {
        const version = typeof VERSION === 'string' ? VERSION : '0.0.0-dev';
        io.stdout.write(serializeTraceRecord(buildTraceRecord({ revision: commit, files: [], toolVersion: version })));
        return 0;
      }
      const parsed = parseTraceRecord(note);
      if (!parsed.ok) throw new Error(`note of ${commit} on refs/notes/ai-provenance: ${parsed.error}`);
      io.stdout.write(serializeTraceRecord(parsed.record));
      return 0;
    } catch (err) {
      io.stderr.write(`${err instanceof UsageError ? '' : 'ai-provenance export: '}${(err as Error).message}\n`);
      return err instanceof UsageError ? 2 : 1;
    }
  },
};
