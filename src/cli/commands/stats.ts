// `ai-provenance stats`: lines added by AI and by people over a range, the AI share at a revision, critical paths.
import type { Command, CliIO } from '../command';
import { boolOpt, parseCommandArgs, stringOpt, UsageError } from '../args';
import { NO_NOTE_PATH, PEOPLE, UNJUDGED, unjudgedNote, type Insight, type Row } from '../../core/insight';
import { InsightUsageError, readHistory, type HistoryResult } from '../../git/history';
import { NOTES_REF } from '../../git/notes';
import { discoverRepo } from '../../git/repo';
import { loadTeamConfig } from '../../git/teamConfig';
import { terminalText } from '../../core/terminalText';

const HELP = `Usage: ai-provenance stats [REV-RANGE...] [--by agent|model|author|path|week] [--at REV]
                           [--format text|json|csv] [--depth N] [--no-cache]

Lines added by AI and by people in REV-RANGE (default HEAD: the whole history),
from each commit's note (${NOTES_REF}) and, for commits without
one, their AI-Lines/Assisted-by trailers; a merge counts only the lines it adds
itself (a conflict resolution). The AI share of the code as it stands at REV
(default: the end of the range), from blame joined with the notes, following
renames. Per critical rule of .ai-provenance.json: AI lines signed off
(AI-Reviewed-by by an allowed reviewer) or not. Files the config ignores are
left out. A note that cannot be read is reported once on stderr and skipped.
What each commit and note says is kept in .git/ai-provenance/ (shared by
all worktrees; exact, since commits never change and a changed or fetched note
is a new one), so a second run over the same history reads little from git,
and one after new commits reads only those.

Options:
  --by KEY        the breakdown: agent (default), model, author, path, week
  --at REV        the revision whose code is measured
  --depth N       folders per path in --by path (default 1)
  --format F      text (default, a table sized to the terminal), json (every
                  breakdown), csv (the --by breakdown, one row per group)
  --no-cache      read everything from git; read and write no cache

Exit status: 0, or 2 on a usage error.
`;

const BY = ['agent', 'model', 'author', 'path', 'week'] as const;
type By = (typeof BY)[number];
const FORMATS = ['text', 'json', 'csv'] as const;

export interface InsightArgs {
  readonly range: string[];
  readonly at?: string;
  readonly depth?: number;
  readonly noCache?: boolean;
}

/** Runs the history pass for `stats` and `report`; problems go to stderr as they are met. */
export async function insightFor(io: CliIO, args: InsightArgs): Promise<HistoryResult & { repoRoot: string }> {
  const repo = await discoverRepo(io.cwd);
  // Problems name paths and notes from the repository: shown, never acted on by the terminal.
  const config = await loadTeamConfig(repo, (l) => io.stderr.write(`${terminalText(l)}\n`));
  const result = await readHistory(repo, { range: args.range, at: args.at, pathDepth: args.depth, config, cache: args.noCache ? 'off' : 'write', report: (l) => io.stderr.write(`${terminalText(l)}\n`) });
  if (!result.hasNotes && result.insight.commits > 0) {
    io.stderr.write(`ai-provenance: no ${NOTES_REF} in this clone, counting from trailers only (git fetch origin '${NOTES_REF}:${NOTES_REF}')\n`);
  }
  return { ...result, repoRoot: repo.root };
}

export function depthOpt(command: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`ai-provenance ${command}: --depth '${value}': expected a whole number of folders, 1 or more`);
  return n;
}

/** Runs `fn`, turning bad input into a one-line message and exit 2. */
export async function guarded(command: string, io: CliIO, fn: () => Promise<number>): Promise<number> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`${terminalText(err.message)}\n`);
      return 2;
    }
    if (err instanceof InsightUsageError) {
      io.stderr.write(`ai-provenance ${command}: ${terminalText(err.message)}\n`);
      return 2;
    }
    io.stderr.write(`ai-provenance ${command}: ${terminalText((err as Error).message)}\n`);
    return 1;
  }
}

export const command: Command = {
  help: HELP,
  run: (args, io) =>
    guarded('stats', io, async () => {
      const p = parseCommandArgs('stats', args, { by: { type: 'string' }, at: { type: 'string' }, format: { type: 'string' }, depth: { type: 'string' }, 'no-cache': { type: 'boolean' } });
      const by = (stringOpt(p, 'by') ?? 'agent') as By;
      if (!BY.includes(by)) throw new UsageError(`ai-provenance stats: --by '${by}': expected agent, model, author, path or week`);
      const format = stringOpt(p, 'format') ?? 'text';
      if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`ai-provenance stats: unknown format '${format}': expected text, json or csv`);
      const depth = depthOpt('stats', stringOpt(p, 'depth'));
      const r = await insightFor(io, { range: p.positionals, at: stringOpt(p, 'at'), depth, noCache: boolOpt(p, 'no-cache') });
      if (format === 'json') io.stdout.write(`${JSON.stringify(statsJson(r), null, 2)}\n`);
      else if (format === 'csv') io.stdout.write(toCsv(breakdown(r.insight, by)));
      else io.stdout.write(textReport(r, by, columns(io)));
      return 0;
    }),
};

/**
 * The `--format json` document (stable; `version` changes only with a breaking change): `{version: 1, range, at:
 * {rev, sha}|null, notesRef, commits, merges, withNote, fromTrailers, total, byAgent, byModel, byAuthor, byPath,
 * byWeek, critical, criticalCommits, atRevision: {sha, lines, ai, mixed, share, files, byAgent, byModel}|null}`.
 */
export function statsJson(r: HistoryResult): unknown {
  const { atRevision, ...rest } = r.insight;
  const at = atRevision ? (({ tree: _tree, ...a }) => a)(atRevision) : null;
  return { version: 1, range: r.range, at: r.at ?? null, notesRef: r.hasNotes, ...rest, atRevision: at };
}

interface Table {
  readonly head: readonly string[];
  readonly rows: readonly (readonly (string | number)[])[];
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

/**
 * One row per group of the chosen breakdown: added lines for author/path/week, AI lines for agent/model.
 * `unjudged` adds the column of lines whose writer is unknown (commits marked AI-Unjudged without a note), and for
 * agents a row of their own; csv always has it, the text table when there are any.
 */
export function breakdown(i: Insight, by: By, unjudged = true): Table {
  const u = <T,>(...x: T[]): T[] => (unjudged ? x : []);
  const rows = (list: readonly Row[]): Table => ({
    head: [by, 'added', 'ai', 'mixed', ...u('unjudged'), 'human', 'ai_share'],
    rows: list.map((r) => [r.key, r.added, r.ai, r.mixed, ...u(r.unjudged), r.human, Number(r.share.toFixed(4))]),
  });
  const of = (x: number): number => Number((i.total.added > 0 ? x / i.total.added : 0).toFixed(4));
  switch (by) {
    case 'agent':
      return {
        head: ['agent', 'ai', 'mixed', ...u('unjudged'), 'human', 'share_of_added'],
        rows: [
          ...i.byAgent.map((a) => [a.agent, a.ai, a.mixed, ...u(0), 0, Number(a.share.toFixed(4))]),
          ...(unjudged && i.total.unjudged > 0 ? [[UNJUDGED, 0, 0, i.total.unjudged, 0, of(i.total.unjudged)]] : []),
          [PEOPLE, 0, 0, ...u(0), i.total.human, of(i.total.human)],
        ],
      };
    case 'model':
      return { head: ['model', 'agents', 'ai', 'mixed', 'share_of_added'], rows: i.byModel.map((m) => [m.model, m.agent, m.ai, m.mixed, Number(m.share.toFixed(4))]) };
    case 'author':
      return {
        head: ['author', 'email', 'added', 'ai', 'mixed', ...u('unjudged'), 'human', 'ai_share'],
        rows: i.byAuthor.map((r) => [r.name, r.key, r.added, r.ai, r.mixed, ...u(r.unjudged), r.human, Number(r.share.toFixed(4))]),
      };
    case 'path':
      return rows(i.byPath);
    case 'week':
      return rows(i.byWeek);
  }
}

function csvField(v: string | number): string {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(t: Table): string {
  return [t.head, ...t.rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

function columns(io: CliIO): number {
  const c = (io.stdout as { columns?: number }).columns;
  return typeof c === 'number' && c > 20 ? c : 100;
}

/** A text table: numbers right-aligned, the first column cut to fit `width`; names from the repository as terminalText shows them. */
export function formatTable(t: Table, width: number): string[] {
  const isShare = t.head.map((h) => h.includes('share'));
  const cells = [t.head.map(String), ...t.rows.map((r) => r.map((c, j) => (typeof c !== 'number' ? terminalText(c) : isShare[j] ? pct(c) : c.toLocaleString('en-US'))))];
  const widths = t.head.map((_, j) => Math.max(...cells.map((r) => r[j]!.length)));
  const rest = widths.slice(1).reduce((n, w) => n + w + 2, 0);
  widths[0] = Math.max(8, Math.min(widths[0]!, width - rest));
  return cells.map((r) =>
    r
      .map((c, j) => {
        if (j === 0) return (c.length > widths[0]! ? `${c.slice(0, widths[0]! - 1)}…` : c).padEnd(widths[0]!);
        return c.padStart(widths[j]!);
      })
      .join('  ')
      .trimEnd(),
  );
}

function textReport(r: HistoryResult, by: By, width: number): string {
  const i = r.insight;
  const n = (x: number): string => x.toLocaleString('en-US');
  const t = i.total;
  const lines = [
    `ai-provenance stats ${terminalText(r.range.join(' ')) || '(no commits yet)'}: ${n(i.commits)} commit${i.commits === 1 ? '' : 's'} (${n(i.merges)} merge${i.merges === 1 ? '' : 's'}), ${n(i.withNote)} with a note, ${n(i.fromTrailers)} from trailers only`,
    `Lines added: ${n(t.added)}  AI ${n(t.ai)} (${pct(t.added ? t.ai / t.added : 0)})  mixed ${n(t.mixed)} (${pct(t.added ? t.mixed / t.added : 0)})${t.unjudged ? `  unjudged ${n(t.unjudged)} (${pct(t.unjudged / t.added)})` : ''}  people ${n(t.human)}`,
  ];
  const a = i.atRevision;
  if (a && r.at) {
    lines.push(
      `Code at ${terminalText(r.at.rev)} (${a.sha.slice(0, 12)}): ${n(a.lines)} lines in ${n(a.files)} files, AI ${n(a.ai)} (${pct(a.lines ? a.ai / a.lines : 0)}), mixed ${n(a.mixed)} (${pct(a.lines ? a.mixed / a.lines : 0)})${a.unjudged ? `, unjudged ${n(a.unjudged)} (${pct(a.unjudged / a.lines)})` : ''}`,
    );
  }
  const unjudged = t.unjudged > 0 || (a?.unjudged ?? 0) > 0;
  if (unjudged) lines.push(...unjudgedNote(i));
  lines.push('', `By ${by}:`, ...formatTable(breakdown(i, by, unjudged), width));
  if (by === 'path' && i.byPath.some((p) => p.key === NO_NOTE_PATH)) lines.push(`(${NO_NOTE_PATH}: their trailers count AI lines but do not say in which files)`);
  if (i.critical.length > 0) {
    lines.push('', 'Critical paths (AI lines: signed off / not signed off):');
    lines.push(
      ...formatTable(
        {
          head: ['rule', 'level', 'range', 'signed', 'unsigned', 'at rev', 'signed', 'unsigned'],
          rows: i.critical.map((c) => [`[${c.index}] ${c.reason}`, c.level, c.range.aiLines, c.range.signedOff, c.range.unsigned, c.atRevision.aiLines, c.atRevision.signedOff, c.atRevision.unsigned]),
        },
        width,
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}

