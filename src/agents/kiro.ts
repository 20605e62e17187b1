// Kiro CLI hooks (https://kiro.dev/docs/cli/hooks, "Hook event", "PreToolUse", "PostToolUse"; tool inputs in
// https://kiro.dev/docs/cli/reference/built-in-tools): camelCase `preToolUse`/`postToolUse` events with `tool_name`
// and `tool_input`; files are written by `fs_write` (`write` in later versions), commands run by `execute_bash`
// (`shell`). No call id: one tool runs on one file at a time. Kiro IDE hooks pass no tool input to commands
// (kirodotdev/Kiro#7408); the IDE's edits are seen by the extension instead.
import { isObject, obj, optStr, PayloadError, str, type FileWrite, type HookEvent, type SessionInfo } from './types';

const WRITE_TOOLS = new Set(['fs_write', 'write']);
const SHELL_TOOLS = new Set(['execute_bash', 'execute_cmd', 'shell']);

function writeOf(input: { readonly [k: string]: unknown }): FileWrite {
  const path = str(input, 'path', 'tool_input.');
  switch (input['command']) {
    case 'create':
      return typeof input['file_text'] === 'string' ? { kind: 'write', path, content: input['file_text'] } : { kind: 'snapshot-only', path };
    case 'str_replace':
      return { kind: 'replace', path, replacements: [{ oldText: str(input, 'old_str', 'tool_input.'), newText: str(input, 'new_str', 'tool_input.') }] };
    default:
      // insert and append say where only by line or end of file: the before-edit snapshot attributes them.
      return { kind: 'snapshot-only', path };
  }
}

export function parseKiro(p: unknown): HookEvent {
  if (!isObject(p)) throw new PayloadError('payload is not a JSON object');
  const event = str(p, 'hook_event_name');
  if (event !== 'preToolUse' && event !== 'postToolUse') return { kind: 'ignore', reason: `event '${event}' is not a tool event` };
  const tool = str(p, 'tool_name');
  const info: SessionInfo = { cwd: optStr(p, 'cwd'), session: optStr(p, 'session_id') };
  const before = event === 'preToolUse';
  if (SHELL_TOOLS.has(tool)) {
    const command = str(obj(p, 'tool_input'), 'command', 'tool_input.');
    return before ? { kind: 'before-shell', key: command, command, info, gate: event } : { kind: 'after-shell', key: command, info };
  }
  if (!WRITE_TOOLS.has(tool)) return { kind: 'ignore' };
  const write = writeOf(obj(p, 'tool_input'));
  if (before) return { kind: 'before-edit', key: tool, paths: [write.path], writes: [write], info, gate: event };
  const response = p['tool_response'];
  if (isObject(response) && response['success'] === false) return { kind: 'ignore' };
  return { kind: 'after-edit', key: tool, writes: [write], info };
}
