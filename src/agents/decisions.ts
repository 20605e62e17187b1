// Each agent's own documented answer to its pre-tool event (PRODUCT.md §12): the only JSON our hooks ever print on
// stdout. Sources, as named in test/fixtures/agents/README.md:
// - Claude Code: code.claude.com/docs/en/hooks, "PreToolUse decision control" (`hookSpecificOutput.permissionDecision`
//   allow | deny | ask, `permissionDecisionReason` shown to Claude for deny and to the person for ask).
// - Codex: developers.openai.com/codex/hooks and codex-rs/hooks/schema/generated/pre-tool-use.command.output.schema.json
//   (the same `hookSpecificOutput` shape); Codex acts on `deny` only (`ask` support, openai/codex PR #20756, was not
//   merged), so an `ask` rule stops Codex and says a person must approve.
// - Gemini CLI: docs/hooks/reference.md, "BeforeTool" (`decision` "deny" with `reason` sent to the agent;
//   `systemMessage` shown to the person); `decision` is allow or deny only, so `ask` stops Gemini too.
// - GitHub Copilot: docs.github.com "Hooks configuration" / Copilot CLI hooks reference, preToolUse output
//   `permissionDecision` allow | deny | ask with `permissionDecisionReason`; VS Code's PascalCase `PreToolUse` form
//   answers as Claude Code does.
// - Cursor: cursor.com/docs/agent/hooks, `beforeShellExecution` output `permission` allow | deny | ask with
//   `user_message` and `agent_message`; `preToolUse` takes allow or deny only, so `ask` stops a file edit.
// - Kiro CLI: kiro.dev/docs/cli/hooks, "Hook output": exit status 2 from preToolUse blocks the tool and returns
//   stderr to the model; there is no ask, so `ask` stops Kiro too.
import type { GuardDecision } from '../core/guard';
import type { HookAgent } from './index';

/**
 * How `agent` is told: the JSON text (one line) for stdout, or, for an agent that documents no decision JSON (Kiro
 * CLI: exit status 2 blocks the tool, and stderr is returned to the model), the exit status and the line for stderr.
 */
export function decisionAnswer(agent: HookAgent, gate: string | undefined, d: GuardDecision): { readonly stdout: string } | { readonly exitCode: 2; readonly stderr: string } {
  if (agent === 'kiro') return { exitCode: 2, stderr: d.decision === 'ask' ? d.reason + CANNOT_ASK : d.reason };
  return { stdout: JSON.stringify(decisionObject(agent, gate, d)) };
}

const CANNOT_ASK = ' (this agent cannot ask the person from a hook, so it is stopped instead: approve by making the change yourself)';

function claudeShape(decision: 'ask' | 'deny', reason: string): unknown {
  return { hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: decision, permissionDecisionReason: reason } };
}

function decisionObject(agent: Exclude<HookAgent, 'kiro'>, gate: string | undefined, d: GuardDecision): unknown {
  switch (agent) {
    case 'claude-code':
      return claudeShape(d.decision, d.reason);
    case 'codex':
      return claudeShape('deny', d.decision === 'ask' ? d.reason + CANNOT_ASK : d.reason);
    case 'gemini-cli': {
      const reason = d.decision === 'ask' ? d.reason + CANNOT_ASK : d.reason;
      return { decision: 'deny', reason, systemMessage: reason };
    }
    case 'copilot':
      if (gate === 'PreToolUse') return claudeShape(d.decision, d.reason);
      return { permissionDecision: d.decision, permissionDecisionReason: d.reason };
    case 'cursor': {
      const ask = d.decision === 'ask' && gate === 'beforeShellExecution';
      const reason = d.decision === 'ask' && !ask ? d.reason + CANNOT_ASK : d.reason;
      return { permission: ask ? 'ask' : 'deny', user_message: reason, agent_message: reason };
    }
  }
}
