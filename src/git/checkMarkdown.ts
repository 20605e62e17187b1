// `ai-provenance check --format markdown` (PRODUCT.md §11.4): what a reviewer of a pull request needs on one screen.
// Every string from the repository (paths, subjects, names, reasons, patterns, agents, models) goes through
// markdownText, so none can start a heading, a table cell, a link, a mention or HTML.
import { markdownCodeSpan, markdownText } from '../core/markdownText';
import type { PolicyFinding } from '../core/policy';
import { checkExitCode, CHECK_EXIT, type CheckResult, type CommitCheck, type LineSpan } from './check';

const md = (s: string): string => markdownText(s);

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function percent(part: number, whole: number): string {
  return whole > 0 ? `${((100 * part) / whole).toFixed(1)} %` : '–';
}

function spansText(spans: readonly LineSpan[]): string {
  return spans.map((s) => (s.startLine === s.endLine ? `${s.startLine}` : `${s.startLine}–${s.endLine}`)).join(', ');
}

/** `agent[:model]` split back into its two columns; a model id holds no colon of its own before the provider. */
function agentAndModel(label: string): [string, string] {
  const i = label.indexOf(':');
  return i < 0 ? [label, ''] : [label.slice(0, i), label.slice(i + 1)];
}

function commitRef(c: CommitCheck): string {
  return `\`${c.commit.slice(0, 12)}\` ${md(c.subject)} (${md(c.author.name)})`;
}

function reviewers(f: PolicyFinding): string {
  return f.rule.reviewers.length > 0 ? f.rule.reviewers.map(md).join(', ') : 'anyone but the author';
}

function ruleName(f: PolicyFinding): string {
  return `#${f.ruleIndex + 1} ${f.rule.paths.map(md).join(', ')}`;
}

export function checkMarkdown(result: CheckResult): string {
  const out: string[] = [];
  const violations = result.commits.flatMap((c) => c.violations.map((f) => ({ c, f })));
  const warnings = result.commits.reduce((n, c) => n + c.warnings.length, 0);
  const unjudged = result.commits.filter((c) => c.unjudged !== undefined);
  const unreadable = result.commits.filter((c) => c.noteProblem !== undefined);
  const status = checkExitCode(result);
  const verdict =
    status === CHECK_EXIT.violation
      ? `❌ ${count(violations.length, 'violation')}`
      : status === CHECK_EXIT.unreadable
        ? `⚠️ ${count(unreadable.length, 'unreadable note')}`
        : status === CHECK_EXIT.unjudged
          ? `⚠️ ${count(unjudged.length, 'unjudged commit')}`
          : '✅ no violations';
  out.push(`## AI Provenance: ${verdict}`, '');
  const range = result.range.length > 0 ? result.range.map((r) => `\`${r.replace(/`/g, '')}\``).join(' ') : 'no commits yet';
  out.push(`${range}: ${count(result.commits.length, 'commit')} checked, ${count(violations.length, 'violation')}, ${count(warnings, 'warning')}.`, '');
  if (!result.hasNotes && result.commits.length > 0) out.push('No notes in this clone: judged from commit trailers only.', '');

  // AI share of the change.
  const byAgent = new Map<string, number>();
  let ai = 0;
  let added = 0;
  let addedKnown = true;
  for (const c of result.commits) {
    ai += c.share.total;
    if (c.addedLines === undefined) addedKnown = false;
    else added += c.addedLines;
    for (const [label, n] of c.share.byAgent) byAgent.set(label, (byAgent.get(label) ?? 0) + n);
  }
  out.push('### AI share of the change', '');
  if (ai === 0) out.push('No AI lines in this change.', '');
  else {
    const whole = addedKnown ? added : 0;
    out.push('| Agent | Model | AI lines | Share of added lines |', '|---|---|---:|---:|');
    for (const [label, n] of [...byAgent].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) {
      const [agent, model] = agentAndModel(label);
      out.push(`| ${md(agent)} | ${model ? md(model) : '–'} | ${n} | ${percent(n, whole)} |`);
    }
    out.push(`| **All AI** | | **${ai}**${addedKnown ? ` of ${added}` : ''} | **${percent(ai, whole)}** |`, '');
    if (byAgent.size > 1) out.push('A line two agents are recorded for counts for each of them, and once in all.', '');
  }

  // Critical files AI lines touch, one row per file and rule.
  const rows = new Map<string, string>();
  for (const c of result.commits) {
    const spans = new Map(c.files.map((f) => [f.path, f.spans]));
    for (const f of [...c.violations, ...c.warnings]) {
      for (const file of f.files) {
        const key = JSON.stringify([file, f.ruleIndex, f.rule.paths]);
        if (rows.has(key)) continue;
        const lines = spansText(spans.get(file) ?? []);
        rows.set(key, `| ${md(file)} | ${lines || '(from trailers)'} | ${ruleName(f)} | ${f.level} | ${md(f.rule.reason)} | ${reviewers(f)} |`);
      }
    }
  }
  out.push('### Critical files AI lines touch', '');
  if (rows.size === 0) out.push('None.', '');
  else out.push('| File | AI lines | Rule | Level | Reason | Allowed reviewers |', '|---|---|---|---|---|---|', ...rows.values(), '');

  if (violations.length > 0) {
    out.push('### Violations', '');
    violations.forEach(({ c, f }, i) => {
      // The message ends with the fix, which has a line of its own here.
      const tail = f.howToFix ? `. To proceed, ${f.howToFix}` : '';
      const message = tail && f.message.endsWith(tail) ? f.message.slice(0, -tail.length) : f.message;
      out.push(`${i + 1}. ${f.files.map(md).join(', ')} in ${commitRef(c)}: ${md(message)}.`);
      if (f.howToFix) out.push(`   - **Fix:** ${md(f.howToFix)}`);
      out.push(`   - The commit is already made: reword it (${markdownCodeSpan(`git rebase -i ${c.commit.slice(0, 12)}^`)}, or ${markdownCodeSpan('git commit --amend')} if it is the last one), add the trailer there, and push again.`);
    });
    out.push('');
  }
  if (unjudged.length > 0) {
    out.push('### Commits not judged', '');
    for (const c of unjudged) out.push(`- ${commitRef(c)}: its hooks could not run (${md(c.unjudged ?? '')}) and it has no note. **Fix:** where it was made, run ${markdownCodeSpan('ai-provenance install')}, commit again and push; or review it by hand.`);
    out.push('');
  }
  if (result.problems.length > 0) {
    out.push('### Problems', '');
    for (const p of result.problems) out.push(`- ${md(p)}`);
    out.push('');
  }
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}
