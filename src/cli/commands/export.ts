// `ai-provenance export [REV] --format agent-trace`: the Agent Trace record of a commit.
import type { CliIO, Command } from '../command';
import { parseCommandArgs, stringOpt, UsageError } from '../args';
import { buildTraceRecord, parseTraceRecord, serializeTraceRecord } from '../../core/agentTrace';
import { NOTES_REF, readNotes } from '../../git/notes';
import type { Repo } from '../../git/repo';
import { discoverRepo } from '../../git/repo';
import { git } from '../../git/run';
import { terminalText } from '../../core/terminalText';

declare const VERSION: string;

const HELP = `Usage: ai-provenance export [REV] --format agent-trace
       ai-provenance export --range A..B --format ndjson

Prints the Agent Trace record (JSON) of commit REV (default HEAD) from refs/notes/ai-provenance;
a commit without a note gets a record with no files.

With --range and --format ndjson: one Agent Trace record per line (newline-delimited JSON), oldest
commit first, for every commit of the range (any git rev-list range) that has a note; for loading
into a warehouse (see the README for DuckDB). A note that cannot be read is reported once on stderr
and skipped.
`;

export const command: Command = {
  help: HELP,
  async run(args, io) {
    try {
      const p = parseCommandArgs('export', args, { format: { type: 'string' }, range: { type: 'string' } });
      const range = stringOpt(p, 'range');
      const format = stringOpt(p, 'format') ?? (range !== undefined ? 'ndjson' : 'agent-trace');
      if (format !== 'agent-trace' && format !== 'ndjson') throw new UsageError(`ai-provenance export: --format '${format}': expected agent-trace or ndjson`);
      if ((format === 'ndjson') !== (range !== undefined)) {
        throw new UsageError(`ai-provenance export: ${format === 'ndjson' ? '--format ndjson needs --range A..B' : '--range goes with --format ndjson'}`);
      }
      if (range !== undefined) {
        if (p.positionals.length > 0) throw new UsageError(`ai-provenance export: unexpected argument '${p.positionals[0]}' (the range is given with --range)`);
        return await exportRange(await discoverRepo(io.cwd), range, io);
      }
      if (p.positionals.length > 1) throw new UsageError(`ai-provenance export: unexpected argument '${p.positionals[1]}'`);
      const rev = p.positionals[0] ?? 'HEAD';
      const repo = await discoverRepo(io.cwd);
      const r = await git(['rev-parse', '-q', '--verify', `${rev}^{commit}`], { cwd: repo.root, okCodes: [1, 128] });
      if (r.exitCode !== 0) throw new UsageError(`ai-provenance export: ${rev}: not a commit`);
      const commit = r.stdout.trim();
      const note = (await readNotes(repo, [commit])).get(commit);
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
      io.stderr.write(`${err instanceof UsageError ? '' : 'ai-provenance export: '}${terminalText((err as Error).message)}\n`);
      return err instanceof UsageError ? 2 : 1;
    }
  },
};

/** One compact record per line for each noted commit of the range, oldest first. */
async function exportRange(repo: Repo, range: string, io: CliIO): Promise<number> {
  if (range.startsWith('-')) throw new UsageError(`ai-provenance export: --range '${range}': expected a revision range such as origin/main..HEAD`);
  const r = await git(['rev-list', '--reverse', range, '--'], { cwd: repo.root, okCodes: [128] });
  if (r.exitCode !== 0) throw new UsageError(`ai-provenance export: --range '${range}': not a valid revision range`);
  const commits = r.stdout.split('\n').filter((l) => l !== '');
  const notes = await readNotes(repo, commits);
  for (const commit of commits) {
    const text = notes.get(commit);
    if (text === undefined) continue;
    const parsed = parseTraceRecord(text);
    if (!parsed.ok) {
      io.stderr.write(`${NOTES_REF}:${commit}: ${terminalText(parsed.error)}; skipped\n`);
      continue;
    }
    io.stdout.write(`${JSON.stringify(parsed.record)}\n`);
  }
  return 0;
}
