// Guard at the source (PRODUCT.md §12): what an agent's pre-tool hook answers for an edit into critical paths or a
// shell command a command rule names, and the one message shown to the agent and the person.
import type { CompiledConfig, CriticalRule, TeamConfig } from './config';
import type { CommandPattern } from './commandMatch';
import { terminalText } from './terminalText';

export interface GuardDecision {
  readonly decision: 'ask' | 'deny';
  /** One line naming the rule, its reason and who may review; repository text made safe to show. */
  readonly reason: string;
}

const STRENGTH = { ask: 1, deny: 2 } as const;

/** Longer shell commands are not parsed against the command rules; the person is asked instead. */
export const MAX_COMMAND_CHARS = 256 * 1024;

function reviewersText(rule: CriticalRule): string {
  return rule.reviewers.length > 0 ? `allowed reviewers: ${rule.reviewers.join(', ')}` : 'any reviewer but the author may sign off';
}

/** The strongest answer for an edit of `repoPaths` (deny over ask); undefined when every path is allowed. */
export function editDecision(compiled: CompiledConfig, repoPaths: readonly string[]): GuardDecision | undefined {
  let best: { rule: CriticalRule; index: number; path: string; decision: 'ask' | 'deny' } | undefined;
  for (const p of repoPaths) {
    const hit = compiled.ruleFor(p);
    const decision = hit?.rule.agents;
    if (!hit || decision === undefined || decision === 'allow') continue;
    if (!best || STRENGTH[decision] > STRENGTH[best.decision]) best = { ...hit, path: p, decision };
  }
  if (!best) return undefined;
  const { rule, index, path, decision } = best;
  const what =
    decision === 'deny'
      ? 'agents may not edit it: leave this change to a person'
      : 'an agent edits it only with the approval of the person at the keyboard';
  return {
    decision,
    reason: terminalText(`AI Provenance: ${path} is a critical path (critical[${index}]: ${rule.reason}); ${what}; ${reviewersText(rule)}.`),
  };
}

export interface CompiledCommandRules {
  /** The strongest answer for a shell command; `isCritical` judges arguments against `@critical`. */
  decide(command: string, isCritical: (arg: string) => boolean): GuardDecision | undefined;
  /** Whether any pattern uses `@critical` (the caller then needs the critical paths on disk). */
  readonly usesCritical: boolean;
}

/** Compiles the command rules once; patterns that do not parse were refused when the config was read. */
export function compileCommandRules(config: TeamConfig): CompiledCommandRules {
  // The shell-word parser is loaded only here: an edit's hook never needs it.
  const { matchCommand, parsePattern } = require('./commandMatch') as typeof import('./commandMatch');
  const rules = config.commands.map((rule, index) => ({
    rule,
    index,
    patterns: rule.match.map(parsePattern).filter((p): p is CommandPattern => typeof p !== 'string'),
  }));
  return {
    usesCritical: config.commands.some((r) => r.match.some((m) => m.includes('@critical'))),
    decide(command, isCritical) {
      // Parsing is linear, but a command this long is no ordinary command: the person looks at it rather than let it pass unchecked.
      if (command.length > MAX_COMMAND_CHARS) {
        return { decision: 'ask', reason: `AI Provenance: this command is ${command.length} characters long, more than the ${MAX_COMMAND_CHARS} the command rules check; an agent runs it only with the approval of the person at the keyboard.` };
      }
      let best: { decision: 'ask' | 'deny'; reason: string } | undefined;
      for (const { rule, index, patterns } of rules) {
        if (best && STRENGTH[rule.agents] <= STRENGTH[best.decision]) continue;
        const hit = matchCommand(patterns, command, isCritical);
        if (!hit) continue;
        const what = rule.agents === 'deny' ? 'agents may not run it: leave it to a person' : 'an agent runs it only with the approval of the person at the keyboard';
        best = { decision: rule.agents, reason: terminalText(`AI Provenance: this command matches "${hit.text}" (commands[${index}]: ${rule.reason}); ${what}.`) };
      }
      return best;
    },
  };
}
