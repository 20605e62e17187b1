// OpenAI Codex hooks (.codex/hooks.json; input schema openai/codex codex-rs/hooks/schema/generated/*.command.input.schema.json).
// apply_patch puts the raw patch body in tool_input.command (openai/codex PR #18391); shell tools are reported as Bash.
import { parseApplyPatch } from './applyPatch';
import { isObject, obj, optStr, PayloadError, str, type HookEvent, type SessionInfo } from './types';

export function parseCodex(p: unknown): HookEvent {
  if (!isObject(p)) throw new PayloadError('payload is not a JSON object');
  const event = str(p, 'hook_event_name');
  if (event !== 'PreToolUse' && event !== 'PostToolUse') return { kind: 'ignore', reason: `event '${event}' is not a tool event` };
  const tool = str(p, 'tool_name');
  const info: SessionInfo = { cwd: optStr(p, 'cwd'), session: optStr(p, 'session_id'), model: optStr(p, 'model') };
  const before = event === 'PreToolUse';
  if (tool === 'Bash') {
    const command = str(obj(p, 'tool_input'), 'command', 'tool_input.');
    const key = optStr(p, 'tool_use_id') ?? command;
    return before ? { kind: 'before-shell', key, command, info, gate: event } : { kind: 'after-shell', key, info };
  }
  if (tool !== 'apply_patch') return { kind: 'ignore', reason: `tool '${tool}' does not write files` };
  const patch = parseApplyPatch(str(obj(p, 'tool_input'), 'command', 'tool_input.'));
  const key = optStr(p, 'tool_use_id') ?? tool;
  if (before) return { kind: 'before-edit', key, paths: patch.paths, writes: patch.writes, info, gate: event };
  return { kind: 'after-edit', key, writes: patch.writes, info };
}
