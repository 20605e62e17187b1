// SARIF 2.1.0 for `ai-provenance check --format sarif`, in the subset GitHub code scanning reads.
import { createHash } from 'node:crypto';
import type { CheckedFile, CheckResult, CommitCheck, LineSpan } from './check';
import type { PolicyFinding } from '../core/policy';
import { CONFIG_FILE } from '../core/names';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';

export interface SarifRegion {
  readonly startLine: number;
  readonly endLine?: number;
}

export interface SarifLocation {
  readonly physicalLocation: {
    readonly artifactLocation: { readonly uri: string; readonly uriBaseId: string };
    readonly region: SarifRegion;
  };
  readonly message?: { readonly text: string };
}

export interface SarifRule {
  readonly id: string;
  readonly name: string;
  readonly shortDescription: { readonly text: string };
  readonly fullDescription: { readonly text: string };
  readonly help: { readonly text: string };
  readonly defaultConfiguration: { readonly level: 'error' | 'warning' };
  readonly properties: { readonly tags: readonly string[] };
}

export interface SarifResult {
  readonly ruleId: string;
  readonly ruleIndex: number;
  readonly level: 'error' | 'warning';
  readonly message: { readonly text: string };
  readonly locations: readonly SarifLocation[];
  readonly relatedLocations?: readonly (SarifLocation & { readonly id: number })[];
  readonly partialFingerprints: Readonly<Record<string, string>>;
  readonly properties: Readonly<Record<string, unknown>>;
}

export interface SarifLog {
  readonly $schema: string;
  readonly version: '2.1.0';
  readonly runs: readonly [
    {
      readonly tool: { readonly driver: { readonly name: string; readonly version: string; readonly informationUri?: string; readonly rules: readonly SarifRule[] } };
      readonly results: readonly SarifResult[];
      readonly invocations: readonly { readonly executionSuccessful: boolean; readonly toolExecutionNotifications?: readonly { readonly level: 'warning'; readonly message: { readonly text: string } }[] }[];
    },
  ];
}

/** Stable rule ids: GitHub keys its alerts on them, so they never depend on the order of a team's config. */
export const RULES: readonly SarifRule[] = [
  {
    id: 'ai-provenance/unreviewed-ai-in-critical-path',
    name: 'UnreviewedAiInCriticalPath',
    shortDescription: { text: 'Unreviewed AI-written lines in a critical path marked "block"' },
    fullDescription: {
      text: 'A commit adds or changes AI-written lines in a file that .ai-provenance.json marks critical with level "block", and no allowed reviewer other than the author signed it off with an AI-Reviewed-by trailer.',
    },
    help: {
      text: 'Have an allowed reviewer (not the commit author) review the AI-written lines, then add "AI-Reviewed-by: Name <email>" to the trailer block at the end of that commit\'s message, next to its Assisted-by: lines (git rebase -i <commit>^ and reword it, or git commit --amend for the last commit) and push again.',
    },
    defaultConfiguration: { level: 'error' },
    properties: { tags: ['ai-provenance', 'review'] },
  },
  {
    id: 'ai-provenance/ai-in-critical-path',
    name: 'AiInCriticalPath',
    shortDescription: { text: 'AI-written lines in a critical path marked "warn"' },
    fullDescription: { text: 'A commit adds or changes AI-written lines in a file that .ai-provenance.json marks critical with level "warn".' },
    help: { text: 'Review the AI-written lines with care; the rule only warns and does not require a sign-off.' },
    defaultConfiguration: { level: 'warning' },
    properties: { tags: ['ai-provenance', 'review'] },
  },
  {
    id: 'ai-provenance/unjudged-commit',
    name: 'UnjudgedCommit',
    shortDescription: { text: 'A commit whose AI lines its hooks could not judge' },
    fullDescription: {
      text: 'The commit hooks could not run when this commit was made (Node or the CLI missing, an internal error), so its AI lines were not judged against the critical-path policy; it carries an AI-Unjudged trailer and has no note saying what it holds.',
    },
    help: {
      text: 'Fix the hooks where the commit was made (ai-provenance install); the next commit there writes the missing note: push it (git push origin refs/notes/ai-provenance). Otherwise review the commit by hand.',
    },
    defaultConfiguration: { level: 'error' },
    properties: { tags: ['ai-provenance', 'review'] },
  },
  {
    id: 'ai-provenance/unreadable-note',
    name: 'UnreadableNote',
    shortDescription: { text: 'A commit whose ai-provenance note cannot be read' },
    fullDescription: { text: 'The commit\'s note on refs/notes/ai-provenance is malformed, names a path outside the repository, or is too large; the commit was judged from its trailers alone.' },
    help: { text: 'Rewrite or remove the note (git notes --ref=ai-provenance remove <commit>) and check the commit again.' },
    defaultConfiguration: { level: 'error' },
    properties: { tags: ['ai-provenance'] },
  },
];

/** One result per commit, finding and file, located at the file's first AI span in that commit's version. */
export function toSarif(result: CheckResult, toolVersion: string): SarifLog {
  const results: SarifResult[] = [];
  for (const c of result.commits) {
    const byPath = new Map(c.files.map((f) => [f.path, f]));
    for (const f of c.violations) results.push(...findingResults(c, f, 0, byPath));
    for (const f of c.warnings) results.push(...findingResults(c, f, 1, byPath));
    if (c.unjudged !== undefined) results.push(commitResult(c, 2, `its hooks could not run (${c.unjudged}) and it has no note, so its AI lines were not judged`));
    if (c.noteProblem !== undefined) results.push(commitResult(c, 3, `its note cannot be read (${c.noteProblem}); it was judged from its trailers alone`));
  }
  const notifications = result.problems.map((text) => ({ level: 'warning' as const, message: { text } }));
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'ai-provenance', version: toolVersion, rules: RULES } },
        results,
        invocations: [{ executionSuccessful: true, ...(notifications.length > 0 ? { toolExecutionNotifications: notifications } : {}) }],
      },
    ],
  };
}

/** A finding about a commit as a whole, located at the config whose policy it concerns. */
function commitResult(c: CommitCheck, ruleIndex: 2 | 3, what: string): SarifResult {
  const rule = RULES[ruleIndex]!;
  return {
    ruleId: rule.id,
    ruleIndex,
    level: rule.defaultConfiguration.level,
    message: { text: `Commit ${c.commit.slice(0, 12)} "${c.subject}" by ${c.author.name} <${c.author.email}>: ${what}` },
    locations: [location(CONFIG_FILE, undefined)],
    partialFingerprints: { 'aiProvenanceFinding/v1': createHash('sha256').update(`${c.commit}\0${rule.id}`).digest('hex') },
    properties: { commit: c.commit, author: c.author.email, evidence: c.source },
  };
}

function findingResults(c: CommitCheck, finding: PolicyFinding, ruleIndex: 0 | 1, byPath: ReadonlyMap<string, CheckedFile>): SarifResult[] {
  const rule = RULES[ruleIndex];
  return finding.files.map((p) => {
    const file: CheckedFile = byPath.get(p) ?? { path: p, spans: [] };
    const spans = file.spans.length > 0 ? file.spans : undefined;
    const where = spans ? '' : ' (line numbers unknown: the commit has no note, so this comes from its AI-Critical trailer)';
    return {
      ruleId: rule.id,
      ruleIndex,
      level: rule.defaultConfiguration.level,
      message: { text: `Commit ${c.commit.slice(0, 12)} "${c.subject}" by ${c.author.name} <${c.author.email}>: ${finding.message}${where}` },
      locations: [location(p, spans?.[0])],
      ...(spans && spans.length > 1
        ? { relatedLocations: spans.slice(1).map((s, i) => ({ id: i + 1, ...location(p, s), message: { text: 'more AI-written lines of this commit' } })) }
        : {}),
      partialFingerprints: { 'aiProvenanceFinding/v1': createHash('sha256').update(`${c.commit}\0${finding.ruleIndex}\0${p}`).digest('hex') },
      properties: { commit: c.commit, author: c.author.email, criticalRule: finding.ruleIndex, reason: finding.rule.reason, evidence: c.source },
    };
  });
}

function location(repoPath: string, span: LineSpan | undefined): SarifLocation {
  return {
    physicalLocation: {
      artifactLocation: { uri: repoPath.split('/').map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' },
      // Line 1 stands for "somewhere in the file" when only a trailer names it.
      region: span ? { startLine: span.startLine, endLine: span.endLine } : { startLine: 1 },
    },
  };
}
