// GitHub Copilot agent hooks (.github/hooks/*.json; docs.github.com "Hooks configuration" and
// "GitHub Copilot CLI hooks reference"): camelCase `preToolUse`/`postToolUse` with `toolArgs` as a JSON string,
// or the VS Code compatible PascalCase form with `tool_name`/`tool_input`.
import { isObject, optStr, PayloadError, str, type FileWrite, type HookEvent, type JsonObject, type SessionInfo } from './types';

const SHELLS = new Set(['bash', 'powershell', 'shell']);

function parseArgs(p: JsonObject): JsonObject {
  const raw = p['toolArgs'];
  if (isObject(raw)) return raw;
  if (typeof raw !== 'string') throw new PayloadError("missing or non-string field 'toolArgs'");
  let args: unknown;
  try {
    args = JSON.parse(raw);
  } catch (e) {
    throw new PayloadError(`field 'toolArgs' is not valid JSON: ${(e as Error).message}`);
  }
  if (!isObject(args)) throw new PayloadError("field 'toolArgs' is not a JSON object");
  return args;
}

function camel(p: JsonObject): HookEvent {
  const tool = str(p, 'toolName');
  const info: SessionInfo = { cwd: optStr(p, 'cwd'), session: optStr(p, 'sessionId'), model: optStr(p, 'model') };
  const name = optStr(p, 'hookName') ?? optStr(p, 'hook_event_name');
  // The documented camelCase payloads carry no event name: only postToolUse has a toolResult.
  const after = name !== undefined ? name === 'postToolUse' : p['toolResult'] !== undefined;
  if (name !== undefined && name !== 'preToolUse' && name !== 'postToolUse') return { kind: 'ignore', reason: `event '${name}' is not a tool event` };
  if (after) {
    const result = p['toolResult'];
    if (!isObject(result) || result['resultType'] !== 'success') return { kind: 'ignore' };
  }
  const args = parseArgs(p);
  if (SHELLS.has(tool)) {
    const command = str(args, 'command', 'toolArgs.');
    return after ? { kind: 'after-shell', key: command, info } : { kind: 'before-shell', key: command, command, info, gate: 'preToolUse' };
  }
  let write: FileWrite;
  if (tool === 'create') {
    write = { kind: 'write', path: str(args, 'path', 'toolArgs.'), content: str(args, 'file_text', 'toolArgs.'), created: true };
  } else if (tool === 'edit') {
    write = {
      kind: 'replace',
      path: str(args, 'path', 'toolArgs.'),
      replacements: [{ oldText: str(args, 'old_str', 'toolArgs.'), newText: str(args, 'new_str', 'toolArgs.') }],
    };
  } else {
    return { kind: 'ignore', reason: `tool '${tool}' does not write files` };
  }
  return after ? { kind: 'after-edit', key: tool, writes: [write], info } : { kind: 'before-edit', key: tool, paths: [write.path], writes: [write], info, gate: 'preToolUse' };
}

/** VS Code's tools are not documented argument by argument: only a before/after snapshot may attribute them. */
function pascal(p: JsonObject, event: string): HookEvent {
  const tool = str(p, 'tool_name');
  const input = isObject(p['tool_input']) ? (p['tool_input'] as JsonObject) : {};
  const info: SessionInfo = { cwd: optStr(p, 'cwd'), session: optStr(p, 'session_id') ?? optStr(p, 'sessionId') };
  const key = optStr(p, 'tool_use_id') ?? tool;
  const path = optStr(input, 'filePath') ?? optStr(input, 'file_path') ?? optStr(input, 'path');
  // A terminal tool (`run_in_terminal`): asked about for the command rules only; its files are not attributed here.
  const command = optStr(input, 'command');
  if (path === undefined && command !== undefined && event === 'PreToolUse') return { kind: 'before-shell', key, command, info, gate: event, gateOnly: true };
  if (path === undefined) return { kind: 'ignore' };
  if (event === 'PreToolUse') return { kind: 'before-edit', key, paths: [path], info, gate: event };
  return { kind: 'after-edit', key, writes: [{ kind: 'snapshot-only', path }], info };
}

export function parseCopilot(p: unknown): HookEvent {
  if (!isObject(p)) throw new PayloadError('payload is not a JSON object');
  const event = optStr(p, 'hook_event_name');
  if (event === 'PreToolUse' || event === 'PostToolUse') return pascal(p, event);
  if (event !== undefined && event !== 'preToolUse' && event !== 'postToolUse') return { kind: 'ignore', reason: `event '${event}' is not a tool event` };
  return camel(p);
}
