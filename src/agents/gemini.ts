// Gemini CLI hooks (google-gemini/gemini-cli docs/hooks/reference.md "BeforeTool"/"AfterTool";
// tool parameters in docs/tools/file-system.md and docs/tools/shell.md).
import { isObject, obj, optStr, PayloadError, str, type FileWrite, type HookEvent, type SessionInfo } from './types';

export function parseGemini(p: unknown): HookEvent {
  if (!isObject(p)) throw new PayloadError('payload is not a JSON object');
  const event = str(p, 'hook_event_name');
  if (event !== 'BeforeTool' && event !== 'AfterTool') return { kind: 'ignore', reason: `event '${event}' is not a tool event` };
  const tool = str(p, 'tool_name');
  const info: SessionInfo = { cwd: optStr(p, 'cwd'), session: optStr(p, 'session_id') };
  const before = event === 'BeforeTool';
  const input = obj(p, 'tool_input');
  if (!before) {
    const response = p['tool_response'];
    if (isObject(response) && response['error'] !== undefined && response['error'] !== null) return { kind: 'ignore' };
  }
  if (tool === 'run_shell_command') {
    const command = str(input, 'command', 'tool_input.');
    return before ? { kind: 'before-shell', key: command, command, info, gate: event } : { kind: 'after-shell', key: command, info };
  }
  let write: FileWrite;
  if (tool === 'write_file') {
    write = { kind: 'write', path: str(input, 'file_path', 'tool_input.'), content: str(input, 'content', 'tool_input.') };
  } else if (tool === 'replace') {
    const n = input['expected_replacements'];
    if (n !== undefined && (typeof n !== 'number' || !Number.isInteger(n) || n < 1)) {
      throw new PayloadError("field 'tool_input.expected_replacements' is not a positive integer");
    }
    const oldText = str(input, 'old_string', 'tool_input.');
    write = {
      kind: 'replace',
      path: str(input, 'file_path', 'tool_input.'),
      replacements: [{ oldText, newText: str(input, 'new_string', 'tool_input.'), ...(typeof n === 'number' && n > 1 ? { all: true } : {}) }],
    };
  } else {
    return { kind: 'ignore', reason: `tool '${tool}' does not write files` };
  }
  // No call id in Gemini's payload: one tool runs on one file at a time.
  const key = tool;
  return before ? { kind: 'before-edit', key, paths: [write.path], writes: [write], info, gate: event } : { kind: 'after-edit', key, writes: [write], info };
}
