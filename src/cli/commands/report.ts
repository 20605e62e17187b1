// `ai-provenance report`: the stats as one self-contained HTML page (or its data as JSON for the editor).
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { Command } from '../command';
import { boolOpt, parseCommandArgs, stringOpt, UsageError } from '../args';
import { renderReport, type ReportModel } from '../../core/report/html';
import { readPending } from '../../git/pending';
import { discoverRepo } from '../../git/repo';
import { loadTeamConfig } from '../../git/teamConfig';
import { WorkingState } from '../../git/workingState';
import { terminalText } from '../../core/terminalText';
import { depthOpt, guarded, insightFor } from './stats';

const DEFAULT_FILE = 'ai-provenance-report.html';

const HELP = `Usage: ai-provenance report [REV-RANGE...] [-o FILE.html] [--at REV] [--format html|json] [--no-cache]

Writes the figures of 'ai-provenance stats' as one self-contained HTML page:
AI share over time per agent, AI share by directory (drill down by folder),
critical paths with signed-off and unsigned AI lines, the commits that brought
AI lines into critical paths with their sign-offs, agents and models, and the
AI lines not committed yet. It needs no network (no script, font or image is
fetched), reads well in light and dark, prints, and every chart has a table
with its figures: fit for a CI artifact.

Options:
  -o, --output FILE  where to write (default ${DEFAULT_FILE}; '-' for stdout)
  --at REV           the revision whose code is measured (default: the range's end)
  --depth N          folders per path in the path figures (default 1)
  --format F         html (default) or json (the report's data)
  --no-cache         read everything from git; read and write no cache
`;

export const command: Command = {
  help: HELP,
  run: (args, io) =>
    guarded('report', io, async () => {
      const p = parseCommandArgs('report', args, { output: { type: 'string', short: 'o' }, at: { type: 'string' }, format: { type: 'string' }, depth: { type: 'string' }, 'no-cache': { type: 'boolean' } });
      const format = stringOpt(p, 'format') ?? 'html';
      if (format !== 'html' && format !== 'json') throw new UsageError(`ai-provenance report: unknown format '${format}': expected html or json`);
      const depth = depthOpt('report', stringOpt(p, 'depth'));
      const r = await insightFor(io, { range: p.positionals, at: stringOpt(p, 'at'), depth, noCache: boolOpt(p, 'no-cache') });
      const repo = await discoverRepo(io.cwd);
      const config = await loadTeamConfig(repo, () => undefined);
      const pending = await readPending(repo, WorkingState.forRepo(repo), config);
      const model: ReportModel = {
        version: 1,
        repository: path.basename(r.repoRoot),
        generatedAt: new Date().toISOString(),
        range: r.range,
        ...(r.at && { at: r.at }),
        notesRef: r.hasNotes,
        problems: [],
        insight: r.insight,
        pending: pending.files,
      };
      const text = format === 'json' ? `${JSON.stringify(model)}\n` : renderReport(model, { nonce: randomBytes(16).toString('base64') });
      const out = stringOpt(p, 'output') ?? (format === 'json' ? '-' : DEFAULT_FILE);
      if (out === '-') {
        io.stdout.write(text);
        return 0;
      }
      const file = path.resolve(io.cwd, out);
      await fsp.writeFile(file, text);
      io.stderr.write(`ai-provenance report: wrote ${terminalText(file)}\n`);
      return 0;
    }),
};
