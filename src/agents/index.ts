// The agents `ai-provenance hook <agent>` understands, each with its payload parser.
import { parseClaude } from './claude';
import { parseCodex } from './codex';
import { parseCopilot } from './copilot';
import { parseCursor } from './cursor';
import { parseGemini } from './gemini';
import { parseKiro } from './kiro';
import type { HookEvent } from './types';

export const HOOK_PARSERS = {
  'claude-code': parseClaude,
  codex: parseCodex,
  cursor: parseCursor,
  'gemini-cli': parseGemini,
  copilot: parseCopilot,
  kiro: parseKiro,
} as const satisfies Record<string, (payload: unknown) => HookEvent>;

export type HookAgent = keyof typeof HOOK_PARSERS;
export const HOOK_AGENTS = Object.keys(HOOK_PARSERS) as HookAgent[];

export function isHookAgent(s: string): s is HookAgent {
  return Object.prototype.hasOwnProperty.call(HOOK_PARSERS, s);
}
