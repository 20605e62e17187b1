// What the "Install Agent Hooks…" command offers and how it reads the CLI's answer; free of 'vscode'.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';

/**
 * Each agent's project settings file, as `ai-provenance install --agents` writes it (src/agents/install.ts).
 * Kept here rather than imported so the extension bundle does not carry the hook payload parsers; a unit test
 * keeps the two tables equal.
 */
export const AGENT_HOOK_FILES = {
  'claude-code': '.claude/settings.json',
  codex: '.codex/hooks.json',
  cursor: '.cursor/hooks.json',
  'gemini-cli': '.gemini/settings.json',
  copilot: '.github/hooks/ai-provenance.json',
  kiro: '.kiro/agents/ai-provenance.json',
} as const;

export type HookAgentId = keyof typeof AGENT_HOOK_FILES;
export const HOOK_AGENT_IDS = Object.keys(AGENT_HOOK_FILES) as HookAgentId[];

export interface AgentChoice {
  readonly agent: HookAgentId;
  /** Repository-relative settings file the hook goes into. */
  readonly file: string;
  /** The agent's settings folder already exists in the workspace, so the team likely uses it. */
  readonly present: boolean;
}

/** Every agent with its settings file, marking those whose settings folder (`.claude`, `.github/hooks`, …) exists under `root`. */
export async function agentChoices(root: string): Promise<AgentChoice[]> {
  return Promise.all(
    HOOK_AGENT_IDS.map(async (agent) => {
      const file = AGENT_HOOK_FILES[agent];
      const folder = path.join(root, ...path.posix.dirname(file).split('/'));
      const stat = await fsp.stat(folder).catch(() => undefined);
      return { agent, file, present: stat?.isDirectory() === true };
    }),
  );
}

/** Checks the `agents` a caller passed to the command instead of answering the picker. */
export function parseAgentList(value: unknown): HookAgentId[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((a): a is string => typeof a === 'string')) {
    throw new Error(`aiProvenance.installAgentHooks: 'agents' must be a non-empty list of agent ids (${HOOK_AGENT_IDS.join(', ')})`);
  }
  const unknown = value.filter((a) => !Object.hasOwn(AGENT_HOOK_FILES, a));
  if (unknown.length > 0) {
    throw new Error(`aiProvenance.installAgentHooks: unknown agent ${unknown.map((a) => `'${a}'`).join(', ')} (one of ${HOOK_AGENT_IDS.join(', ')})`);
  }
  return [...new Set(value as HookAgentId[])];
}

/** The settings files `ai-provenance install --agents` reports it changed (`agent hook added: <file>` lines). */
export function changedAgentFiles(stdout: string): string[] {
  const out: string[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const m = /^agent hook added: (.+)$/.exec(line);
    if (m) out.push(m[1].trim());
  }
  return out;
}
