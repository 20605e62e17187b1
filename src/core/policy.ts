// The critical-path policy of PRODUCT.md §8, shared by the commit-msg hook, `ai-provenance check` and the editor.
import type { Trailer } from './model';
import type { CompiledConfig, CriticalRule } from './config';
import { formatIdentity, type Identity, parseIdentity, sameEmail } from './identity';
import { SIGNOFF_TRAILER, type SignoffVerdict } from './signoff';

export type { SignoffVerdict };

export interface PolicyFile {
  readonly path: string;
  /** AI and mixed lines this commit adds or changes in that file. */
  readonly aiLines: number;
}

export interface PolicyFinding {
  readonly level: 'warn' | 'block';
  readonly rule: CriticalRule;
  /** 0-based index in the config's `critical` list. */
  readonly ruleIndex: number;
  readonly files: readonly string[];
  /** One line: the files, the rule, and for a violation what was missing and how to proceed. */
  readonly message: string;
  /** For a violation: exactly what to do so the commit is accepted. */
  readonly howToFix?: string;
}

export interface PolicyInput {
  readonly files: readonly PolicyFile[];
  readonly config: CompiledConfig;
  readonly trailers: readonly Trailer[];
  readonly author: { readonly name?: string; readonly email: string };
  /** Where the config comes from, named in each finding when it is not the obvious one (e.g. `abc123:.ai-provenance.json`). */
  readonly configName?: string;
  /**
   * The commit's `AI-Signoff` lines, verified by the caller (signatures and contents, §13). When the config asks for
   * SSH sign-offs, only these count, and `AI-Reviewed-by` trailers do not.
   */
  readonly signoffs?: readonly SignoffVerdict[];
}

export const REVIEW_TRAILER = 'AI-Reviewed-by';

const MAX_NAMED_FILES = 5;
const PLACEHOLDER_NAME = 'Reviewer Name';

/** Violations (block rules without an allowed review) and warnings (warn rules) for the rules a commit's AI lines touch. */
export function evaluatePolicy(input: PolicyInput): { violations: PolicyFinding[]; warnings: PolicyFinding[] } {
  const touched = new Map<number, { rule: CriticalRule; files: string[]; named: Set<string> }>();
  for (const f of input.files) {
    // Human-only changes never trigger the policy.
    if (!(f.aiLines > 0)) continue;
    const hit = input.config.ruleFor(f.path);
    if (!hit) continue;
    const entry = touched.get(hit.index) ?? { rule: hit.rule, files: [], named: new Set<string>() };
    // A set beside the list: a commit may touch a hundred thousand files under one rule.
    if (!entry.named.has(f.path)) {
      entry.files.push(f.path);
      entry.named.add(f.path);
    }
    touched.set(hit.index, entry);
  }

  // Trailer tokens are case-insensitive, as in git interpret-trailers.
  const reviews = input.trailers.filter((t) => t.token.trim().toLowerCase() === REVIEW_TRAILER.toLowerCase()).map((t) => t.value.trim());
  const violations: PolicyFinding[] = [];
  const warnings: PolicyFinding[] = [];
  for (const [index, { rule, files }] of [...touched].sort((a, b) => a[0] - b[0])) {
    const subject = `AI-written lines in ${listFiles(files)} touch critical rule ${describeRule(rule, index, input.configName)}`;
    if (rule.level === 'warn') {
      warnings.push({ level: 'warn', rule, ruleIndex: index, files, message: `${subject}: have them reviewed with care` });
      continue;
    }
    const ssh = input.config.config.signoff !== undefined;
    const verdict = ssh ? judgeSignoffs(rule, files, input.signoffs ?? [], input.author.email) : judgeReviews(rule, reviews, input.author.email);
    if (verdict.approved) continue;
    const howToFix = ssh ? sshFixFor(rule, index, input.author.email) : fixFor(rule, index, input.author.email);
    violations.push({
      level: 'block',
      rule,
      ruleIndex: index,
      files,
      message: `${subject}, which needs a sign-off by ${whoMaySignOff(rule)}; ${verdict.why}. To proceed, ${howToFix}`,
      howToFix,
    });
  }
  return { violations, warnings };
}

/** Whether the commit's trailers hold a sign-off that `rule` accepts (an allowed reviewer who is not the author). */
export function isSignedOff(rule: CriticalRule, trailers: readonly Trailer[], authorEmail: string): boolean {
  const reviews = trailers.filter((t) => t.token.trim().toLowerCase() === REVIEW_TRAILER.toLowerCase()).map((t) => t.value.trim());
  return judgeReviews(rule, reviews, authorEmail).approved;
}

function judgeReviews(rule: CriticalRule, reviews: readonly string[], authorEmail: string): { approved: true } | { approved: false; why: string } {
  if (reviews.length === 0) return { approved: false, why: `the commit message has no ${REVIEW_TRAILER} trailer` };
  const allowed = allowedReviewers(rule);
  const reasons: string[] = [];
  for (const value of reviews) {
    const id = parseIdentity(value);
    if (!id) {
      reasons.push(`"${REVIEW_TRAILER}: ${value}" names no email`);
    } else if (authorEmail !== '' && sameEmail(id.email, authorEmail)) {
      reasons.push(`"${REVIEW_TRAILER}: ${value}" is the commit author's own sign-off, which does not count`);
    } else if (allowed.length > 0 && !allowed.some((a) => sameEmail(a.email, id.email))) {
      reasons.push(`${id.email} is not an allowed reviewer for this rule`);
    } else {
      return { approved: true };
    }
  }
  return { approved: false, why: reasons.join('; ') };
}

/** SSH sign-offs: one verified signature by an allowed reviewer other than the author must cover every file of the rule. */
function judgeSignoffs(rule: CriticalRule, files: readonly string[], signoffs: readonly SignoffVerdict[], authorEmail: string): { approved: true } | { approved: false; why: string } {
  if (signoffs.length === 0) return { approved: false, why: `the commit message has no ${SIGNOFF_TRAILER} line (the config asks for SSH-signed sign-offs)` };
  const allowed = allowedReviewers(rule);
  const reasons: string[] = [];
  for (const s of signoffs) {
    if (!s.ok) {
      reasons.push(s.why);
    } else if (authorEmail !== '' && sameEmail(s.principal, authorEmail)) {
      reasons.push(`the ${SIGNOFF_TRAILER} by ${s.principal} is the commit author's own, which does not count`);
    } else if (allowed.length > 0 && !allowed.some((a) => sameEmail(a.email, s.principal))) {
      reasons.push(`${s.principal} is not an allowed reviewer for this rule`);
    } else {
      const missing = files.filter((f) => !s.paths.has(f));
      if (missing.length === 0) return { approved: true };
      reasons.push(`the ${SIGNOFF_TRAILER} by ${s.principal} does not cover ${listFiles(missing)}`);
    }
  }
  return { approved: false, why: reasons.join('; ') };
}

function sshFixFor(rule: CriticalRule, index: number, authorEmail: string): string {
  const others = allowedReviewers(rule).filter((a) => authorEmail === '' || !sameEmail(a.email, authorEmail));
  if (rule.reviewers.length > 0 && others.length === 0) {
    return `ask a maintainer to add a reviewer other than you to critical[${index}].reviewers in .ai-provenance.json, since an author cannot sign off their own change`;
  }
  const who = others.length === 0 ? 'someone other than the author, listed in the allowed signers file,' : others.length === 1 ? others[0].email : `one of ${others.map((a) => a.email).join(', ')}`;
  return `ask ${who} to review the staged files and run "ai-provenance sign-off", then add the ${SIGNOFF_TRAILER}: line it prints to the commit message`;
}

function allowedReviewers(rule: CriticalRule): Identity[] {
  // The schema rejects malformed entries; anything unparsable here simply grants nothing.
  return rule.reviewers.map(parseIdentity).filter((id): id is Identity => id !== undefined);
}

function whoMaySignOff(rule: CriticalRule): string {
  const allowed = allowedReviewers(rule);
  if (allowed.length === 0) return 'anyone but the author';
  return allowed.length === 1 ? allowed[0].email : `one of ${allowed.map((a) => a.email).join(', ')}`;
}

function fixFor(rule: CriticalRule, index: number, authorEmail: string): string {
  // git reads only the last paragraph as trailers, so a sign-off set apart by a blank line would hide ours.
  const where = 'to the trailer block at the end of the commit message, next to the Assisted-by: lines (no blank line between them)';
  if (rule.reviewers.length === 0) {
    return `ask someone other than the author to review, then add "${REVIEW_TRAILER}: ${PLACEHOLDER_NAME} <reviewer@example.com>" with their name and email ${where}`;
  }
  const others = allowedReviewers(rule).filter((a) => authorEmail === '' || !sameEmail(a.email, authorEmail));
  if (others.length === 0) {
    return `ask a maintainer to add a reviewer other than you to critical[${index}].reviewers in .ai-provenance.json, since an author cannot sign off their own change`;
  }
  const example = `"${REVIEW_TRAILER}: ${formatIdentity({ name: others[0].name ?? PLACEHOLDER_NAME, email: others[0].email })}"`;
  if (others.length === 1) return `ask ${others[0].email} to review, then add ${example} ${where}`;
  return `ask one of ${others.map((a) => a.email).join(', ')} to review, then add their ${REVIEW_TRAILER} trailer (e.g. ${example}) ${where}`;
}

function describeRule(rule: CriticalRule, index: number, configName: string | undefined): string {
  return `critical[${index}]${configName ? ` of ${configName}` : ''} "${rule.reason}" (${rule.level}: ${rule.paths.join(', ')})`;
}

function listFiles(files: readonly string[]): string {
  if (files.length <= MAX_NAMED_FILES) return files.join(', ');
  return `${files.slice(0, MAX_NAMED_FILES).join(', ')} and ${files.length - MAX_NAMED_FILES} more`;
}
