import type { Command } from '../command';
import { parseCommandArgs, stringOpt, UsageError } from '../args';
import { checkExitCode, checkReport, CheckUsageError, NOTES_REF, runCheck, type CheckedFile, type CheckResult, type CommitCheck } from '../../git/check';
import { terminalText } from '../../core/terminalText';
import { toSarif } from '../../git/sarif';
import { trackingRef } from '../../git/notes';
import type { PolicyFinding } from '../../core/policy';

const HELP = `Usage: ai-provenance check [REV-RANGE...] [--format text|json|sarif|markdown]

Checks the critical-path policy of .ai-provenance.json for every commit in
REV-RANGE (any git rev-list range, e.g. origin/main..HEAD), from each commit's
note (${NOTES_REF}) and, without a note, its AI-Lines/AI-Critical trailers;
merge commits are judged by their note alone. Commits made with
'git commit --no-verify' are judged like any other.

Each commit is judged by the config at the base of the range (the commit the
range starts from) and by its own, and fails if either finds a violation: a
commit can neither weaken the policy that judges it nor escape a rule it adds.
Where a commit has no config (or a broken one), the working tree's stands in;
when the range reaches the first commit, there is no base and each commit's own
config judges it. AI lines in .ai-provenance.json itself are judged like those
in any other file: guard it with a rule (e.g. "paths": [".ai-provenance.json"]).

Default range: @{upstream}..HEAD, or HEAD alone when the branch has no upstream.

Options:
  --format text|json|sarif|markdown
                             output (default text); sarif is SARIF 2.1.0 for
                             GitHub code scanning (upload it with
                             github/codeql-action/upload-sarif); markdown is
                             the pull-request report: AI share per agent and
                             model, critical files with their rules, violations
                             with the fix (for a job summary or a PR comment)

In CI, fetch the notes first, or only trailers can be judged (notes fetched
into refs/notes/remotes/<remote>/ai-provenance count as well as your own):
  git fetch origin '+${NOTES_REF}:${trackingRef('origin')}'

A note that cannot be read (malformed, a path outside the repository, over
the size limit) is reported, and its commit is judged from its trailers; the
rest of the range is judged as usual. A commit whose hooks could not judge it
(Node or the CLI missing, an internal error: it carries an AI-Unjudged
trailer) is reported unless a note written since says what it holds.

Exit status (when several apply, the lowest):
  0  clean: no violation (warnings print but pass)
  1  a 'block' rule is violated
  2  usage error, not a repository or not a valid range, or a note that cannot
     be read
  3  a commit its hooks could not judge (AI-Unjudged, no note)
`;

const FORMATS = ['text', 'json', 'sarif', 'markdown'] as const;
type Format = (typeof FORMATS)[number];

export const command: Command = {
  help: HELP,
  async run(args, io) {
    let format: Format;
    let range: string[];
    try {
      const parsed = parseCommandArgs('check', args, { format: { type: 'string' } });
      const f = stringOpt(parsed, 'format') ?? 'text';
      if (!(FORMATS as readonly string[]).includes(f)) throw new UsageError(`ai-provenance check: unknown format '${f}': expected text, json, sarif or markdown`);
      format = f as Format;
      range = parsed.positionals;
    } catch (err) {
      if (err instanceof UsageError) {
        io.stderr.write(`${err.message}\n`);
        return 2;
      }
      throw err;
    }
    let result: CheckResult;
    try {
      result = await runCheck({ cwd: io.cwd, range, addedLines: format === 'markdown' });
    } catch (err) {
      if (err instanceof CheckUsageError) {
        io.stderr.write(`ai-provenance check: ${err.message}\n`);
        return 2;
      }
      throw err;
    }
    for (const p of result.problems) io.stderr.write(`${terminalText(p)}\n`);
    if (!result.hasNotes && result.commits.length > 0) {
      io.stderr.write(`ai-provenance check: no ${NOTES_REF} in this clone, judging from trailers only (git fetch origin '+${NOTES_REF}:${trackingRef('origin')}')\n`);
    }
    if (format === 'json') io.stdout.write(`${JSON.stringify(checkReport(result), null, 2)}\n`);
    else if (format === 'markdown') io.stdout.write((require('../../git/checkMarkdown') as typeof import('../../git/checkMarkdown')).checkMarkdown(result));
    else if (format === 'sarif') io.stdout.write(`${JSON.stringify(toSarif(result, typeof VERSION === "string" ? VERSION : "0.0.0-dev"), null, 2)}\n`);
    else io.stdout.write(textReport(result));
    return checkExitCode(result);
  },
};

export function textReport(result: CheckResult): string {
  const lines: string[] = [];
  let violations = 0;
  let warnings = 0;
  let unjudged = 0;
  for (const c of result.commits) {
    const byPath = new Map(c.files.map((f) => [f.path, f]));
    for (const f of [...c.violations, ...c.warnings]) {
      if (f.level === 'block') violations++;
      else warnings++;
      lines.push(...findingLines(c, f, byPath), '');
    }
    if (c.unjudged !== undefined) {
      unjudged++;
      lines.push(
        `error: commit ${c.commit.slice(0, 12)} ${commitLabel(c)} was not judged: its hooks could not run (${c.unjudged}) and it has no note`,
        `  fix: where the commit was made, fix the hooks (ai-provenance install), commit again and push (git push, or ai-provenance sync, shares the notes); or have the commit reviewed by hand`,
        '',
      );
    }
  }
  const unreadable = result.commits.filter((c) => c.noteProblem !== undefined).length;
  const range = result.range.length > 0 ? result.range.join(' ') : '(no commits yet)';
  lines.push(
    `ai-provenance check ${range}: ${count(result.commits.length, 'commit')} checked, ${count(violations, 'violation')}, ${count(warnings, 'warning')}` +
      `${unjudged > 0 ? `, ${count(unjudged, 'unjudged commit')}` : ''}${unreadable > 0 ? `, ${count(unreadable, 'unreadable note')}` : ''}`,
  );
  return `${lines.map((l) => terminalText(l)).join('\n')}\n`;
}

function commitLabel(c: CommitCheck): string {
  return `"${c.subject}" by ${c.author.name} <${c.author.email}>`;
}

function findingLines(c: CommitCheck, f: PolicyFinding, byPath: ReadonlyMap<string, CheckedFile>): string[] {
  const where = f.files.map((p) => {
    const spans = byPath.get(p)?.spans ?? [];
    return spans.length > 0 ? `${p}:${spans.map((s) => (s.startLine === s.endLine ? `${s.startLine}` : `${s.startLine}-${s.endLine}`)).join(',')}` : p;
  });
  const out = [
    `${f.level === 'block' ? 'error' : 'warning'}: commit ${c.commit.slice(0, 12)} ${commitLabel(c)}`,
    `  files: ${where.join(', ')}${c.source === 'trailers' ? ' (from its trailers: the commit has no note)' : ''}`,
    `  ${f.message}`,
  ];
  if (f.level === 'block') {
    out.push(`  fix: the commit is already made, so reword it (git rebase -i ${c.commit.slice(0, 12)}^, or git commit --amend if it is the last one), add the trailer there, and push again`);
  }
  return out;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

declare const VERSION: string;
