// Figures of an accuracy run: precision and recall of AI-touched lines, agent and exact-kind accuracy, and how many
// commits carry the right AI-Lines trailer; plus the failures of each scenario, grouped by class.
import { CLASSES, type ClassId, type CommitResult, type LineResult, type ScenarioResult } from './harness';

export interface Ratio {
  readonly hit: number;
  readonly of: number;
}

export interface Figures {
  readonly scenarios: number;
  readonly lines: number;
  readonly commits: number;
  /** Of the lines called ai or mixed, those truly AI-touched. */
  readonly precision: Ratio;
  /** Of the AI-touched lines, those called ai or mixed. */
  readonly recall: Ratio;
  /** Of the AI-touched lines found, those with the right agent. */
  readonly agent: Ratio;
  /** Of all lines, those of exactly the expected kind. */
  readonly exact: Ratio;
  /** Of all commits, those with the expected AI-Lines trailer (or none). */
  readonly aiLines: Ratio;
  /** Scenarios that could not run as written. */
  readonly errors: number;
}

/** ai and mixed lines: those an AI wrote at least part of. */
export const touched = (k: string): boolean => k === 'ai' || k === 'mixed';

/** A ratio as a share; 1 when there is nothing to be wrong about. */
export function share(r: Ratio): number {
  return r.of === 0 ? 1 : r.hit / r.of;
}

export function lineOk(l: LineResult): boolean {
  return l.expected.kind === l.actual.kind && (l.expected.kind === 'human' || l.expected.agent === l.actual.agent);
}

export function commitOk(c: CommitResult): boolean {
  return c.actual === c.expected;
}

export function score(results: readonly ScenarioResult[]): Figures {
  const lines = results.flatMap((r) => r.lines);
  const commits = results.flatMap((r) => r.commits);
  const called = lines.filter((l) => touched(l.actual.kind));
  const truly = lines.filter((l) => touched(l.expected.kind));
  const found = truly.filter((l) => touched(l.actual.kind));
  return {
    scenarios: results.length,
    lines: lines.length,
    commits: commits.length,
    precision: { hit: called.filter((l) => touched(l.expected.kind)).length, of: called.length },
    recall: { hit: found.length, of: truly.length },
    agent: { hit: found.filter((l) => l.actual.agent === l.expected.agent).length, of: found.length },
    exact: { hit: lines.filter((l) => l.actual.kind === l.expected.kind).length, of: lines.length },
    aiLines: { hit: commits.filter(commitOk).length, of: commits.length },
    errors: results.filter((r) => r.error !== undefined).length,
  };
}

const pct = (r: Ratio): string => `${(share(r) * 100).toFixed(1)}% (${r.hit}/${r.of})`;

export function formatFigures(f: Figures): string {
  return [
    `scenarios ${f.scenarios}, lines ${f.lines}, commits ${f.commits}${f.errors ? `, ${f.errors} could not run` : ''}`,
    `precision      ${pct(f.precision)}`,
    `recall         ${pct(f.recall)}`,
    `agent          ${pct(f.agent)}`,
    `exact kind     ${pct(f.exact)}`,
    `AI-Lines       ${pct(f.aiLines)}`,
  ].join('\n');
}

const show = (k: { kind: string; agent?: string }): string => (k.kind === 'human' ? 'human' : `${k.kind}@${k.agent ?? '?'}`);

/** Every scenario that got something wrong, under the class it tests, with each wrong line and commit. */
export function formatFailures(results: readonly ScenarioResult[]): string {
  const byClass = new Map<ClassId, string[]>();
  for (const r of results) {
    const wrongLines = r.lines.filter((l) => !lineOk(l));
    const wrongCommits = r.commits.filter((c) => !commitOk(c));
    if (!r.error && wrongLines.length === 0 && wrongCommits.length === 0 && r.hookProblems.length === 0) continue;
    const out = [`  ${r.scenario.name}`];
    if (r.error) out.push(`    could not run: ${r.error.split('\n').join('\n      ')}`);
    for (const p of r.hookProblems) out.push(`    hook: ${p}`);
    for (const l of wrongLines) out.push(`    ${l.file}:${l.line} expected ${show(l.expected)}, got ${show(l.actual)}  ${JSON.stringify(l.text)}`);
    for (const c of wrongCommits) out.push(`    commit ${JSON.stringify(c.subject)}: expected AI-Lines ${c.expected ?? 'none'}, got ${c.actual === undefined ? 'no such commit' : (c.actual ?? 'none')}`);
    const cls = r.scenario.classes[0]!;
    byClass.set(cls, [...(byClass.get(cls) ?? []), ...out]);
  }
  if (byClass.size === 0) return 'every scenario as expected';
  return (Object.keys(CLASSES) as ClassId[])
    .filter((c) => byClass.has(c))
    .map((c) => `${c}: ${CLASSES[c]}\n${byClass.get(c)!.join('\n')}`)
    .join('\n');
}

/** Per class: scenarios, and those with any wrong line or commit. */
export function classSummary(results: readonly ScenarioResult[]): string {
  const rows: string[] = [];
  for (const c of Object.keys(CLASSES) as ClassId[]) {
    const mine = results.filter((r) => r.scenario.classes[0] === c);
    if (mine.length === 0) continue;
    const failing = mine.filter((r) => r.error || r.lines.some((l) => !lineOk(l)) || r.commits.some((x) => !commitOk(x)));
    rows.push(`${c.padEnd(16)} ${String(mine.length - failing.length).padStart(3)}/${String(mine.length).padEnd(3)} as expected`);
  }
  return rows.join('\n');
}
